"""Fetching from a real IMAP server (dovecot on loopback)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from kesu.complaints.models import Complaint
from kesu.intake.imap import mail_fetch
from kesu.intake.models import InboundEmail
from kesu.intake.tasks import fetch_mail_task

CORPUS = Path(__file__).parent / "mail_corpus"


def test_fetch_makes_cases_quarantines_and_ignores_then_marks_seen(
    firm, policies, imap_server, capsys
):
    for name in ("01-gbk-base64.eml", "04-big5.eml", "12-auto-reply.eml", "09-no-sender.eml"):
        imap_server.deliver((CORPUS / name).read_bytes())
    assert imap_server.unseen() == 4
    call_command("mail", "fetch")
    assert "fetched 4 message(s)" in capsys.readouterr().out
    assert imap_server.unseen() == 0
    states = sorted(InboundEmail.objects.values_list("state", flat=True))
    assert states == ["automatic", "new_case", "new_case", "quarantined"]
    assert sorted(Complaint.objects.values_list("contact_name", flat=True)) == ["王小明", "陳大文"]
    # a second fetch finds nothing new
    assert mail_fetch().fetched == 0


def test_a_reply_fetched_from_the_mailbox_lands_on_its_case(firm, policies, imap_server):
    from kesu.complaints.tests.factories import receive

    case = receive(firm, contact_email="wang@example.cn")
    imap_server.deliver(
        f"From: wang@example.cn\r\nSubject: Re: [{case.number}]\r\n\r\n"
        "补充：时间是下午三点".encode()
    )
    assert mail_fetch().fetched == 1
    assert case.events.filter(type="customer_added", message__contains="下午三点").exists()


def test_the_worker_task_fetches_and_survives_a_wrong_password(
    firm, policies, imap_server, settings
):
    imap_server.deliver((CORPUS / "05-html-only.eml").read_bytes())
    assert fetch_mail_task.call_local() == 1
    settings.KESU_IMAP_PASSWORD = "wrong"
    assert fetch_mail_task.call_local() == 0  # logged, tried again at the next run


def test_a_wrong_password_is_a_clear_command_error(firm, imap_server, settings):
    settings.KESU_IMAP_PASSWORD = "wrong"
    with pytest.raises(Exception, match="cannot be read"):
        call_command("mail", "fetch")
