"""The customer portal without a browser: every form with bad input, the abuse limits, and
the rule that nobody reads a case they cannot prove is theirs."""

import re

import pytest
from django.core import mail as outbox
from django.core import signing

from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.complaints.services import complaint_pause
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.intake.forms import new_challenge
from kesu.notifications.models import Notification, OutboundMessage

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a2e2a1f30000000049454e44ae426082"
)


def solved() -> dict:
    _question, token = new_challenge()
    a, b = signing.loads(token, salt="kesu.portal.challenge")
    return {"challenge": token, "answer": str(a + b)}


def submission(**overrides) -> dict:
    data = {
        "kind": "complaint",
        "category": "A01",
        "description": "营业厅排队两小时无人处理。",
        "demands": "道歉",
        "incident_place": "朝阳门营业厅",
        "contact_name": "刘女士",
        "contact_phone": "13912345678",
        "contact_email": "liu@example.cn",
        "consent": "on",
        "website": "",
        **solved(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def portal(firm, policies):
    return firm


def submit(client, ip="10.0.0.1", **overrides):
    return client.post("/portal/submit/", submission(**overrides), REMOTE_ADDR=ip)


def test_the_pages_open_without_sign_in_in_chinese(client, portal):
    for path in ("/portal/", "/portal/submit/", "/portal/track/", "/portal/privacy/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'lang="zh-hans"' in page.content.decode()
    notice = client.get("/portal/privacy/").content.decode()
    assert "3" in notice and "年" in notice


def test_a_submission_becomes_a_numbered_acknowledged_case(
    client, portal, django_capture_on_commit_callbacks
):
    upload = {"files": [_file("照片.png", PNG)]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/submit/", {**submission(), **upload}, REMOTE_ADDR="1.2.3.4")
    assert response.status_code == 302
    case = Complaint.objects.get()
    assert response["Location"] == f"/portal/submitted/{case.number}/"
    assert case.channel == "portal" and case.created_by is None
    assert case.intake_unit == portal.units.hq and case.category.code == "A01"
    assert case.language == "zh-hans"
    assert case.events.get(sequence=1).data["privacy_notice"]
    assert list(case.attachments.values_list("original_name", "is_public")) == [("照片.png", True)]
    page = client.get(response["Location"]).content.decode()
    assert case.number in page
    due = case.resolution_due.astimezone().strftime("%Y-%m-%d")
    assert due in page
    # acknowledged by email and SMS, both on the timeline
    assert [m.to for m in outbox.outbox] == [["liu@example.cn"]]
    assert case.number in outbox.outbox[0].subject and "刘女士" in outbox.outbox[0].body
    sent = OutboundMessage.objects.filter(complaint=case, state="sent")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    assert case.events.filter(type=ComplaintEvent.Type.MESSAGE_SENT).count() == 2


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": ""}, "description"),
        ({"contact_name": ""}, "contact_name"),
        ({"consent": None}, "consent"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"answer": "999"}, "answer"),
        ({"challenge": "forged"}, "answer"),
        ({"kind": "praise"}, "kind"),
        ({"category": "ZZZ"}, "category"),
        ({"description": "x" * 10_001}, "description"),
    ],
)
def test_bad_input_is_refused_on_the_form_and_nothing_is_made(client, portal, overrides, field):
    response = submit(client, **overrides)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Complaint.objects.count() == 0
    # what the customer typed is still there
    assert "营业厅排队两小时无人处理" in response.content.decode() or field == "description"


def test_without_any_contact_there_is_nobody_to_answer(client, portal):
    response = submit(client, contact_phone="", contact_email="")
    assert response.status_code == 422
    assert (
        "手机号码或电子邮箱" in response.content.decode()
        or response.context["form"].non_field_errors()
    )


def test_a_filled_honeypot_is_refused(client, portal):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 422 and Complaint.objects.count() == 0


def test_files_are_judged_by_content_and_counted(client, portal):
    fake = _file("photo.png", b"MZ\x90\x00 this is an exe")
    response = client.post("/portal/submit/", {**submission(), "files": [fake]})
    assert response.status_code == 422 and "files" in response.context["form"].errors
    six = [_file(f"{i}.png", PNG) for i in range(6)]
    response = client.post("/portal/submit/", {**submission(), "files": six})
    assert response.status_code == 422 and Complaint.objects.count() == 0


def test_too_many_submissions_from_one_address_get_a_clear_429(client, portal, settings):
    settings.KESU_PORTAL_SUBMITS_PER_IP_HOUR = 2
    settings.KESU_PORTAL_SUBMITS_PER_CONTACT_DAY = 100
    for i in range(2):
        assert submit(client, contact_phone=f"1391234567{i}").status_code == 302
    over = submit(client, contact_phone="13912345679")
    assert over.status_code == 429
    assert over.context["form"].non_field_errors()
    assert "营业厅排队两小时无人处理" in over.content.decode()  # nothing typed is lost
    assert submit(client, ip="10.0.0.2").status_code == 302  # another address is not held up


def test_too_many_submissions_about_one_contact_get_a_429(client, portal, settings):
    settings.KESU_PORTAL_SUBMITS_PER_CONTACT_DAY = 1
    assert submit(client, ip="10.0.0.1").status_code == 302
    assert submit(client, ip="10.0.0.9", contact_email="").status_code == 429


# --- tracking -----------------------------------------------------------------------------------


@pytest.fixture
def case(portal):
    return receive(portal, contact_phone="13912345678", contact_email="liu@example.cn")


def track(client, number, ip="10.0.0.1", **data):
    return client.post("/portal/track/", {"number": number, **data}, REMOTE_ADDR=ip)


def test_the_number_and_the_last_four_digits_open_the_case(client, portal, case):
    response = track(client, case.number.lower(), last_digits="5678")
    assert response.status_code == 302 and response["Location"] == f"/portal/cases/{case.number}/"
    page = client.get(response["Location"]).content.decode()
    assert case.description in page
    assert "139****5678" in page and "13912345678" not in page
    # staff names and internal steps are not shown
    assert "agent" not in page


def test_a_wrong_check_and_an_unknown_number_look_the_same(client, portal, case):
    wrong = track(client, case.number, last_digits="0000")
    unknown = track(client, "TS209901010001", last_digits="5678")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_failed_checks_are_throttled(client, portal, case, settings):
    settings.KESU_PORTAL_CHECKS_PER_HOUR = 4
    for _ in range(2):
        assert track(client, case.number, last_digits="0000").status_code == 404
    # two failures on one number: even the right check now waits
    assert track(client, case.number, ip="10.9.9.9", last_digits="5678").status_code == 429


def test_the_case_page_needs_the_check_first(client, portal, case):
    response = client.get(f"/portal/cases/{case.number}/")
    assert response.status_code == 302 and "/portal/track/" in response["Location"]
    other = receive(portal, contact_phone="13700000000")
    track(client, case.number, last_digits="5678")
    assert client.get(f"/portal/cases/{other.number}/").status_code == 302


def test_a_code_by_email_opens_the_case_once(
    client, portal, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = track(client, case.number, send_code="1")
    assert response.status_code == 200 and response.context["code_sent"]
    sent = [m for m in outbox.outbox if "验证码" in m.subject or "code" in m.subject.lower()]
    code = re.search(r"\b(\d{6})\b", sent[-1].body).group(1)
    assert (
        track(client, case.number, code="000000" if code != "000000" else "111111").status_code
        == 404
    )
    assert track(client, case.number, code=code).status_code == 302
    client.session.flush()
    fresh = client.__class__()
    assert track(fresh, case.number, code=code).status_code == 404  # used up


def test_asking_a_code_for_an_unknown_number_answers_the_same(client, portal):
    response = track(client, "TS209901010001", send_code="1")
    assert response.status_code == 200 and response.context["code_sent"]
    assert OutboundMessage.objects.count() == 0


# --- the customer's steps ----------------------------------------------------------------------


def opened(client, case):
    assert track(client, case.number, last_digits="5678").status_code == 302
    return f"/portal/cases/{case.number}/"


def test_adding_information_ends_a_pause_and_tells_the_owner(client, portal, case):
    case = walk_to(portal, case, Status.IN_PROGRESS)
    complaint_pause(complaint=case, actor=portal.people.handler, reason="请上传收据")
    page = opened(client, case)
    assert "请上传收据" in client.get(page).content.decode()
    assert client.post(page + "add/", {"text": ""}).status_code == 422
    response = client.post(page + "add/", {"text": "收据见附件", "files": [_file("r.png", PNG)]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_awaiting_customer
    assert case.attachments.get().original_name == "r.png"
    assert Notification.objects.filter(
        recipient=portal.people.handler, kind="customer_added"
    ).exists()


def test_confirming_the_answer(client, portal, case):
    case = walk_to(portal, case, Status.ANSWERED)
    page = opened(client, case)
    assert client.post(page + "respond/", {"decision": "confirm", "text": ""}).status_code == 302
    case.refresh_from_db()
    assert case.customer_response == "confirmed" and case.status == "answered"
    # once only
    assert client.post(page + "respond/", {"decision": "dispute", "text": "x"}).status_code == 409


def test_disputing_the_answer_sends_it_back_up_a_level(client, portal, case):
    case = walk_to(portal, case, Status.ANSWERED)
    page = opened(client, case)
    assert client.post(page + "respond/", {"decision": "dispute", "text": ""}).status_code == 422
    response = client.post(page + "respond/", {"decision": "dispute", "text": "赔偿太少"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.escalation_level == 1
    assert case.owner == portal.people.handler and case.customer_response == "disputed"
    event = case.events.get(type=ComplaintEvent.Type.CUSTOMER_DISPUTED)
    assert event.message == "赔偿太少" and event.from_status == "answered"
    supervisor = Notification.objects.filter(kind="customer_disputed").values_list(
        "recipient__username", flat=True
    )
    assert "department_head" in supervisor


def test_rating_once_after_the_answer(client, portal, case):
    page = opened(client, case)
    assert client.post(page + "rate/", {"rating": "5"}).status_code == 409  # not answered yet
    walk_to(portal, case, Status.ANSWERED)
    assert client.post(page + "rate/", {"rating": "9"}).status_code == 422
    assert client.post(page + "rate/", {"rating": "4", "comment": "还行"}).status_code == 302
    case.refresh_from_db()
    assert (case.customer_rating, case.customer_rating_comment) == (4, "还行")
    assert client.post(page + "rate/", {"rating": "5"}).status_code == 409
    assert client.post(page + "nonsense/", {}).status_code == 404


def test_files_are_served_only_to_the_checked_customer_and_only_public_ones(client, portal, case):
    from django.core.files.base import ContentFile

    from kesu.complaints.services import complaint_attach

    mine = complaint_attach(
        complaint=case, actor=None, upload=ContentFile(PNG, "a.png"), is_public=True
    )
    internal = complaint_attach(
        complaint=case, actor=portal.people.agent, upload=ContentFile(PNG, "b.png")
    )
    url = f"/portal/cases/{case.number}/files/"
    assert client.get(f"{url}{mine.pk}/").status_code == 302
    opened(client, case)
    assert client.get(f"{url}{mine.pk}/").status_code == 200
    assert client.get(f"{url}{internal.pk}/").status_code == 404


def test_the_portal_speaks_english_when_asked(client, portal):
    client.post("/portal/language/", {"language": "en", "next": "/portal/"})
    page = client.get("/portal/submit/").content.decode()
    assert "Send a complaint, inquiry or suggestion" in page


def test_a_dispute_may_ask_for_a_review_by_the_level_above(client, portal, case):
    case = walk_to(portal, case, Status.ANSWERED)
    page = opened(client, case)
    response = client.post(
        page + "respond/", {"decision": "dispute", "text": "不认可", "review": "on"}
    )
    assert response.status_code == 302
    review = case.reviews.get()
    assert review.reason == "不认可" and review.reviewer is not None
    assert review.reviewer_id not in {portal.people.handler.pk, portal.people.department_head.pk}
    assert "复核" in client.get(page).content.decode()


def test_the_customer_agrees_to_the_compensation_in_the_portal(client, portal, case):
    from kesu.complaints import services
    from kesu.handling.services import compensation_record

    case = walk_to(portal, case, Status.IN_PROGRESS)
    case = services.complaint_propose(
        complaint=case,
        actor=portal.people.handler,
        solution="补偿 100 元",
        measures=[{"kind": "compensation", "amount": "100"}],
    )
    case = services.complaint_approve(complaint=case, actor=portal.people.branch_head)
    row = compensation_record(
        complaint=case, actor=portal.people.handler, kind="cash", amount="100"
    )
    page = opened(client, case)
    assert "100" in client.get(page).content.decode()
    assert client.post(page + "compensation/", {"compensation": "999"}).status_code == 404
    assert client.post(page + "compensation/", {"compensation": row.pk}).status_code == 302
    row.refresh_from_db()
    assert (row.confirmation_method, row.confirmed_at is not None) == ("portal", True)
    assert client.post(page + "compensation/", {"compensation": row.pk}).status_code == 404
