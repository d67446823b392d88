"""Email in: every message kept raw, then a case, an addition, an ignored auto-reply, or
quarantined for an agent; nothing lost, nothing raised."""

from pathlib import Path

import pytest
from django.core.management import call_command

from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.complaints.services import complaint_pause
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.intake.models import InboundEmail
from kesu.intake.services import inbound_email_take

CORPUS = Path(__file__).parent / "mail_corpus"
State = InboundEmail.State


def mail(subject: str, body: str, sender: str = "wang@example.cn") -> bytes:
    return (
        f"From: 王先生 <{sender}>\r\nSubject: {subject}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode() + body.encode()


@pytest.fixture
def mailroom(firm, policies):
    return firm


def test_a_new_message_opens_an_email_case_with_the_raw_message_kept(mailroom):
    row = inbound_email_take(raw=mail("柜员态度", "柜员不理人。"), source="test")
    assert row.state == State.NEW_CASE
    case = row.complaint
    assert case.channel == "email" and case.contact_email == "wang@example.cn"
    assert case.contact_name == "王先生"
    assert case.description == "柜员态度\n\n柜员不理人。"
    assert case.intake_unit == mailroom.units.hq  # no unit configured: the root
    assert row.raw.read().startswith(b"From: ")
    first = case.events.get(sequence=1)
    assert first.type == ComplaintEvent.Type.RECEIVED and first.data["email"] == row.pk


def test_the_same_message_twice_is_one_row_and_one_case(mailroom):
    first = inbound_email_take(raw=mail("a", "b"), source="imap:1")
    again = inbound_email_take(raw=mail("a", "b"), source="file:copy.eml")
    assert first.pk == again.pk
    assert Complaint.objects.count() == 1


def test_a_reply_with_the_number_is_added_and_ends_the_pause(mailroom):
    case = walk_to(mailroom, receive(mailroom, contact_email="wang@example.cn"), Status.IN_PROGRESS)
    complaint_pause(complaint=case, actor=mailroom.people.handler, reason="请提供发票")
    row = inbound_email_take(
        raw=mail(f"Re: [{case.number}] 请补充", "发票号 123456"), source="test"
    )
    assert row.state == State.APPENDED and row.complaint == case
    case.refresh_from_db()
    assert not case.is_awaiting_customer
    added = case.events.get(type=ComplaintEvent.Type.CUSTOMER_ADDED)
    assert "发票号 123456" in added.message and added.is_public
    assert "sender" not in added.data  # it came from the address on the case
    assert case.events.filter(type=ComplaintEvent.Type.RESUMED).exists()


def test_a_reply_from_another_address_is_added_and_says_so(mailroom):
    case = receive(mailroom, contact_email="wang@example.cn")
    inbound_email_take(raw=mail(f"Re: [{case.number}]", "x", sender="other@x.cn"), source="t")
    assert case.events.get(type=ComplaintEvent.Type.CUSTOMER_ADDED).data["sender"] == "other@x.cn"


def test_a_reply_to_a_closed_case_opens_a_new_one_that_points_back(mailroom):
    case = walk_to(mailroom, receive(mailroom), Status.CLOSED)
    row = inbound_email_take(raw=mail(f"Re: [{case.number}]", "又坏了"), source="t")
    assert row.state == State.NEW_CASE and row.complaint != case
    assert row.complaint.events.get(sequence=1).data["follows"] == case.number


def test_auto_replies_and_bounces_open_nothing(mailroom):
    for name in ("12-auto-reply.eml", "13-bounce.eml", "14-out-of-office.eml"):
        row = inbound_email_take(raw=(CORPUS / name).read_bytes(), source=name)
        assert row.state == State.AUTOMATIC and row.complaint is None
    assert Complaint.objects.count() == 0


def test_every_message_of_the_corpus_is_kept_and_none_raises(mailroom):
    for path in sorted(CORPUS.glob("*.eml")):
        if not path.read_bytes():
            continue  # an empty file has nothing to keep (see the next test)
        row = inbound_email_take(raw=path.read_bytes(), source=path.name)
        assert row.pk and row.raw.read() == path.read_bytes(), path.name
        assert row.state in (State.NEW_CASE, State.AUTOMATIC, State.QUARANTINED), path.name
        if row.state == State.QUARANTINED:
            assert row.problem, path.name
    assert InboundEmail.objects.filter(state=State.QUARANTINED).count() >= 2
    # the attachments that a case can take are on it; the others are named
    row = InboundEmail.objects.get(source="15-nested-with-attachments.eml")
    assert list(row.complaint.attachments.values_list("original_name", flat=True)) == ["破损.png"]
    assert "notes.docx" in row.problem


def test_an_empty_message_is_quarantined_not_dropped(mailroom):
    row = inbound_email_take(raw=b"", source="empty")
    assert row.state == State.QUARANTINED and "empty" in row.problem


def test_the_import_command_reports_each_file(mailroom, capsys, tmp_path):
    call_command("mail", "import", str(CORPUS / "01-gbk-base64.eml"), str(CORPUS / "13-bounce.eml"))
    out = capsys.readouterr().out
    number = Complaint.objects.get().number
    assert any(line.startswith("/") and line.endswith(number) for line in out.splitlines())
    assert "13-bounce.eml: " in out and "delivery report" in out
    assert Complaint.objects.get().contact_name == "王小明"
    with pytest.raises(Exception, match="could not be read"):
        call_command("mail", "import", str(tmp_path / "missing.eml"))


def test_mail_fetch_without_a_mailbox_is_a_clear_error(mailroom, settings):
    settings.KESU_IMAP_HOST = ""
    with pytest.raises(Exception, match="KESU_IMAP_HOST"):
        call_command("mail", "fetch")


# --- the mail queue in the workspace ------------------------------------------------------------


@pytest.fixture
def quarantined(mailroom):
    return inbound_email_take(raw=(CORPUS / "09-no-sender.eml").read_bytes(), source="t")


def test_an_agent_makes_a_case_of_a_quarantined_message(client, mailroom, quarantined):
    client.force_login(mailroom.people.agent)
    page = client.get("/intake/mail/")
    assert page.status_code == 200 and "no from header" not in page.content.decode()
    assert "nobody" in page.content.decode()
    detail = client.get(f"/intake/mail/{quarantined.pk}/")
    assert "no from header at all" in detail.content.decode()
    raw = client.get(f"/intake/mail/{quarantined.pk}/raw/")
    assert b"".join(raw.streaming_content).startswith(b"Subject: nobody")
    refused = client.post(
        f"/intake/mail/{quarantined.pk}/", {"convert": "1", "kind": "complaint", "description": ""}
    )
    assert refused.status_code == 422
    done = client.post(
        f"/intake/mail/{quarantined.pk}/",
        {
            "convert": "1",
            "kind": "complaint",
            "contact_name": "无名",
            "contact_phone": "13900139000",
            "description": "no from header at all",
        },
    )
    assert done.status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.state == State.CONVERTED and quarantined.handled_by == mailroom.people.agent
    assert quarantined.complaint.received_at == quarantined.received_at
    again = client.post(
        f"/intake/mail/{quarantined.pk}/",
        {"convert": "1", "kind": "complaint", "contact_name": "x", "description": "y"},
    )
    assert again.status_code == 409


def test_dismissing_needs_a_reason_and_keeps_the_message(client, mailroom, quarantined):
    client.force_login(mailroom.people.manager)
    assert client.post(f"/intake/mail/{quarantined.pk}/", {"dismiss": "1"}).status_code == 422
    assert (
        client.post(
            f"/intake/mail/{quarantined.pk}/", {"dismiss": "1", "reason": "spam"}
        ).status_code
        == 302
    )
    quarantined.refresh_from_db()
    assert quarantined.state == State.DISMISSED and "spam" in quarantined.problem


@pytest.mark.parametrize("who", ["handler", "quality", "executive"])
def test_people_who_do_not_register_cases_cannot_open_the_mail_queue(
    client, mailroom, quarantined, who
):
    client.force_login(getattr(mailroom.people, who))
    assert client.get("/intake/mail/").status_code == 403
    assert client.get(f"/intake/mail/{quarantined.pk}/raw/").status_code == 403


def test_the_mail_queue_needs_sign_in(client, quarantined):
    assert client.get("/intake/mail/").status_code == 302
