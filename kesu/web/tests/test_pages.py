"""The workspace's pages through Django's test client: access, bad input, wrong users."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.notifications.models import Notification

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/new/", "/dashboard/", "/notifications/"])
def test_every_page_asks_for_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    "person", ["agent", "manager", "handler", "department_head", "quality", "executive"]
)
def test_each_role_opens_every_page(client, firm, policies, person):
    case = walk_to(firm, receive(firm), Status.ASSIGNED)
    user = getattr(firm.people, person)
    as_user(client, user)
    for path in ("/cases/", "/cases/new/", "/dashboard/", "/notifications/"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/cases/{case.number}/").status_code == 200


def test_the_list_shows_only_the_scope_with_masked_phones_and_time_left(client, firm, policies):
    with clock.frozen(dt.datetime(2026, 11, 18, 10, 0, tzinfo=SH)):
        mine = receive(firm)
        theirs = receive(firm, actor=firm.people.sh_agent)
    as_user(client, firm.people.manager)
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)):
        page = client.get("/cases/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert "138****8000" in page and "13800138000" not in page
    assert "剩余 1 天" in page


@pytest.mark.parametrize(
    ("inbox", "who", "expected"),
    [
        ("unassigned", "manager", {"new"}),
        ("mine", "handler", {"assigned", "proposed", "answered"}),
        ("mine", "manager", set()),
        ("department", "sales_handler", set()),
        ("approval", "department_head", {"proposed"}),
        # routed to the department head: the branch head above does not wait for it
        ("approval", "branch_head", set()),
        ("approval", "handler", set()),
        ("revisits_missed", "manager", set()),
        ("revisits", "manager", {"answered"}),
    ],
)
def test_inboxes_hold_what_their_names_say(client, firm, policies, inbox, who, expected):
    cases = {
        "new": receive(firm),
        "assigned": walk_to(firm, receive(firm), Status.IN_PROGRESS),
        "proposed": walk_to(firm, receive(firm), Status.AWAITING_APPROVAL),
        "answered": walk_to(firm, receive(firm), Status.ANSWERED),
    }
    as_user(client, getattr(firm.people, who))
    response = client.get("/cases/", {"inbox": inbox})
    shown = {
        name
        for name, case in cases.items()
        if f'data-number="{case.number}"' in response.content.decode()
    }
    assert shown == expected


def test_bad_filters_are_reported_and_the_list_still_shows(client, firm, policies):
    receive(firm)
    as_user(client, firm.people.manager)
    response = client.get(
        "/cases/", {"received_from": "not-a-date", "status": "bogus", "page": "x"}
    )
    assert response.status_code == 200
    assert "有些筛选条件无效" in response.content.decode()


def test_htmx_filtering_returns_only_the_rows(client, firm, policies):
    receive(firm)
    as_user(client, firm.people.manager)
    response = client.get("/cases/", {"q": "态度"}, HTTP_HX_TARGET="case-rows", **HTMX)
    body = response.content.decode()
    assert "<table" in body and "<html" not in body


def test_paging_stops_when_there_is_no_more(client, firm, policies, monkeypatch):
    from kesu.complaints import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for _ in range(3):
        receive(firm)
    as_user(client, firm.people.manager)
    first = client.get("/cases/").content.decode()
    second = client.get("/cases/", {"page": 2}).content.decode()
    assert "下一页" in first and "下一页" not in second
    assert second.count("data-number=") == 1


def test_a_case_outside_ones_scope_is_not_found(client, firm, policies):
    case = receive(firm)
    as_user(client, firm.people.sh_manager)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.post(f"/cases/{case.number}/accept/", {}).status_code == 404
    assert Complaint.objects.get(pk=case.pk).status == "received"


def test_the_case_page_offers_only_the_allowed_actions(client, firm, policies):
    case = receive(firm)
    as_user(client, firm.people.agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-action="escalate"' in page and 'data-action="accept"' not in page
    as_user(client, firm.people.manager)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-action="accept"' in page and 'data-action="classify"' in page


def test_an_action_with_htmx_returns_the_updated_case(client, firm, policies):
    case = receive(firm)
    as_user(client, firm.people.manager)
    response = client.post(f"/cases/{case.number}/accept/", {"note": "已受理"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "已受理" in body
    assert Complaint.objects.get(pk=case.pk).status == "accepted"


@pytest.mark.parametrize(
    ("who", "action", "data", "message"),
    [
        ("manager", "reject", {"reason": ""}, "此项为必填项"),
        ("manager", "assign", {"org_unit": "bj-aftersales", "assignee": "sales_handler"}, "不在"),
        ("manager", "assign", {"org_unit": "nowhere", "assignee": "handler"}, "选择一个有效的选项"),
        ("agent", "accept", {}, "您的角色不能"),
        ("manager", "approve", {}, "不能执行"),
    ],
)
def test_a_refused_action_shows_why_and_changes_nothing(
    client, firm, policies, who, action, data, message
):
    case = walk_to(firm, receive(firm), Status.ACCEPTED if action == "assign" else Status.RECEIVED)
    before = (case.status, case.version, case.events.count())
    as_user(client, getattr(firm.people, who))
    response = client.post(f"/cases/{case.number}/{action}/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    fresh = Complaint.objects.get(pk=case.pk)
    assert (fresh.status, fresh.version, fresh.events.count()) == before


def test_an_unknown_action_is_not_found(client, firm, policies):
    case = receive(firm)
    as_user(client, firm.people.manager)
    assert client.post(f"/cases/{case.number}/teleport/", {}).status_code == 404


def test_classifying_from_the_case_page(client, firm, policies):
    case = receive(firm)
    as_user(client, firm.people.manager)
    client.post(
        f"/cases/{case.number}/classify/", {"category": "B02", "severity": "urgent", "risk": "high"}
    )
    fresh = Complaint.objects.get(pk=case.pk)
    assert (fresh.category.code, fresh.severity, fresh.risk) == ("B02", "urgent", "high")
    as_user(client, firm.people.agent)
    response = client.post(
        f"/cases/{case.number}/classify/", {"category": "A01", "severity": "general", "risk": "low"}
    )
    assert response.status_code == 422
    assert Complaint.objects.get(pk=case.pk).category.code == "B02"


def test_registration_finds_the_customer_and_refuses_bad_input(client, firm, policies):
    earlier = receive(firm)
    as_user(client, firm.people.agent)
    found = client.get(
        "/cases/lookup/customer/", {"contact_phone": "138 0013 8000"}
    ).content.decode()
    assert "张三" in found and earlier.number in found
    assert (
        "还没有" in client.get("/cases/lookup/customer/", {"contact_phone": "139"}).content.decode()
    )
    suggestion = client.get(
        "/cases/lookup/category/", {"description": "工作人员态度生硬"}
    ).content.decode()
    assert "A01" in suggestion
    assert (
        client.get("/cases/lookup/category/", {"description": "你好"}).content.decode().strip()
        == ""
    )
    bad = client.post(
        "/cases/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "contact_name": "李四",
            "contact_phone": "abc",
            "description": "问题",
            "severity": "general",
            "risk": "low",
        },
    )
    assert bad.status_code == 422 and "联系方式无效" in bad.content.decode()
    assert Complaint.objects.count() == 1
    good = client.post(
        "/cases/new/",
        {
            "kind": "complaint",
            "channel": "walk_in",
            "contact_name": "李四",
            "contact_phone": "13912345678",
            "description": "问题",
            "category": "A01",
            "severity": "general",
            "risk": "low",
        },
    )
    number = Complaint.objects.latest("pk").number
    assert good.status_code == 302 and good.url == f"/cases/{number}/"


def test_the_language_is_remembered_per_user(client, firm):
    as_user(client, firm.people.agent)
    client.post("/language/", {"language": "en"}, HTTP_REFERER="http://testserver/cases/")
    firm.people.agent.refresh_from_db()
    assert firm.people.agent.language == "en"
    assert "Register a case" in client.get("/cases/").content.decode()
    response = client.post("/language/", {"language": "klingon"}, follow=True)
    assert firm.people.agent.language == "en"
    assert "Unknown language" in response.content.decode()
    # an outside address is never followed back
    response = client.post(
        "/language/", {"language": "zh-hans"}, HTTP_REFERER="https://evil.example/"
    )
    assert response.url == "/"


def test_reading_a_notification_opens_its_case_and_only_ones_own(client, firm, policies):
    case = receive(firm)
    mine = Notification.objects.create(
        recipient=firm.people.manager, complaint=case, kind="x", title="t", created_at=clock.now()
    )
    theirs = Notification.objects.create(
        recipient=firm.people.agent, kind="x", title="t", created_at=clock.now()
    )
    as_user(client, firm.people.manager)
    assert client.post(f"/notifications/{mine.pk}/read/").url == f"/cases/{case.number}/"
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_sign_in_locks_after_five_failures(client, firm):
    for _ in range(5):
        client.post("/login/", {"username": "agent", "password": "wrong"})
    response = client.post("/login/", {"username": "agent", "password": "Kesu@2026"})
    assert "登录已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_out_and_password_change(client, firm):
    response = client.post("/login/", {"username": "agent", "password": "Kesu@2026"})
    assert response.status_code == 302
    response = client.post(
        "/password/",
        {"old_password": "Kesu@2026", "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    response = client.post(
        "/password/",
        {
            "old_password": "Kesu@2026",
            "new_password1": "Kesu@2027!x",
            "new_password2": "Kesu@2027!x",
        },
    )
    assert response.status_code == 302
    firm.people.agent.refresh_from_db()
    assert firm.people.agent.password.startswith("argon2") or firm.people.agent.check_password(
        "Kesu@2027!x"
    )
    client.post("/logout/")
    assert client.get("/cases/").status_code == 302


def test_inbox_counts_arrive_after_the_list_and_stop_at_the_cap(
    client, firm, policies, monkeypatch
):
    from kesu.complaints import selectors

    monkeypatch.setattr(selectors, "INBOX_COUNT_CAP", 2)
    monkeypatch.setattr("kesu.complaints.views.INBOX_COUNT_CAP", 2)
    for _ in range(3):
        receive(firm)
    as_user(client, firm.people.manager)
    assert 'hx-get="/cases/inboxes/"' in client.get("/cases/").content.decode()
    body = client.get("/cases/inboxes/").content.decode()
    assert 'id="count-unassigned" hx-swap-oob="true" data-count="2"' in body
    assert ">2+</span>" in body
    assert 'data-count="0"' in body  # mine


def test_searching_a_case_number_finds_exactly_that_case(client, firm, policies):
    wanted, other = receive(firm), receive(firm)
    as_user(client, firm.people.manager)
    page = client.get("/cases/", {"q": wanted.number.lower()}).content.decode()
    assert f'data-number="{wanted.number}"' in page and f'data-number="{other.number}"' not in page


def test_only_administrators_see_the_way_to_the_configuration(client, firm):
    as_user(client, firm.people.administrator)
    assert 'href="/admin/"' in client.get("/cases/").content.decode()
    as_user(client, firm.people.manager)
    assert 'href="/admin/"' not in client.get("/cases/").content.decode()


def test_a_revisit_nobody_made_stays_in_sight(client, firm, policies):
    with clock.frozen(dt.datetime(2026, 11, 16, 10, 0, tzinfo=SH)):
        late = walk_to(firm, receive(firm), Status.ANSWERED)
    as_user(client, firm.people.agent)
    with clock.frozen(dt.datetime(2026, 11, 30, 10, 0, tzinfo=SH)):
        page = client.get("/cases/", {"inbox": "revisits_missed"}).content.decode()
    assert f'data-number="{late.number}"' in page
