"""The sweep reminds at risk and escalates overdue cases, each once, on time."""

import datetime as dt
import os
import socket
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import close_old_connections

from kesu.complaints import services
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.deadlines.models import DeadlineAlert
from kesu.deadlines.sweep import due_for, sweep
from kesu.notifications.models import Notification
from kesu.notifications.services import notifications_send_pending_emails

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
REQUIRE = os.environ.get("KESU_REQUIRE_SERVICES") == "1"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def sweep_at(moment: str):
    with clock.frozen(at(moment)):
        return sweep(now=at(moment))


@pytest.fixture
def assigned_case(firm, policies):
    """Received Wed 2026-11-18 10:00, accepted and assigned to the handler the same hour:
    resolution due Mon 2026-11-23 10:00, at risk from Fri 2026-11-20 14:00 (80%: 18 of the
    22½ working hours)."""
    with clock.frozen(at("2026-11-18 10:00")):
        case = receive(firm)
    with clock.frozen(at("2026-11-18 10:30")):
        case = walk_to(firm, case, Status.IN_PROGRESS)
    assert (case.next_due_at, case.at_risk_at) == (at("2026-11-23 10:00"), at("2026-11-20 14:00"))
    return case


def test_nothing_happens_before_a_case_is_at_risk(assigned_case):
    result = sweep_at("2026-11-20 13:59")
    assert (result.reminded, result.escalated_to_supervisor) == (0, 0)
    assert DeadlineAlert.objects.count() == 0


def test_an_at_risk_case_reminds_its_owner_once(
    firm, assigned_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_at("2026-11-20 14:00").reminded == 1
    assert sweep_at("2026-11-20 14:01").reminded == 0
    assert sweep_at("2026-11-21 09:00").reminded == 0
    event = assigned_case.events.get(type="reminded")
    assert (event.actor, event.is_public) == (None, False)
    assert "2026-11-23 10:00" in event.message
    notes = Notification.objects.filter(kind="deadline_at_risk")
    assert [n.recipient.username for n in notes] == ["handler"]
    # its email went out once, after the change committed
    assert [m.to for m in mail.outbox] == [["handler@kesu.test"]]


def test_an_overdue_case_goes_to_the_supervisor_then_to_head_office_once_each(firm, assigned_case):
    sweep_at("2026-11-20 14:00")
    result = sweep_at("2026-11-23 10:00")
    assert result.escalated_to_supervisor == 1
    case = Complaint.objects.get(pk=assigned_case.pk)
    assert (case.escalation_level, case.owner.username) == (1, "department_head")
    assert sweep_at("2026-11-23 12:00").escalated_to_supervisor == 0
    # a further 24 hours overdue: head office
    assert sweep_at("2026-11-24 09:59").escalated_to_head_office == 0
    assert sweep_at("2026-11-24 10:00").escalated_to_head_office == 1
    case.refresh_from_db()
    assert (case.escalation_level, case.owner.username) == (2, "executive")
    assert sweep_at("2026-11-25 10:00").escalated_to_head_office == 0
    escalations = case.events.filter(type="escalated")
    assert [(e.actor, e.data["changes"]["owner"]) for e in escalations] == [
        (None, ["handler", "department_head"]),
        (None, ["department_head", "executive"]),
    ]
    assert set(
        Notification.objects.filter(kind="escalated").values_list("recipient__username", flat=True)
    ) == {
        "handler",
        "department_head",
        "executive",
    }


def test_a_case_escalated_by_hand_is_not_escalated_again_for_the_same_level(firm, assigned_case):
    services.complaint_escalate(
        complaint=assigned_case, actor=firm.people.handler, reason="客户要求主管处理"
    )
    sweep_at("2026-11-23 10:00")
    case = Complaint.objects.get(pk=assigned_case.pk)
    assert (case.escalation_level, case.owner.username) == (1, "department_head")
    assert case.events.filter(type="escalated").count() == 1


def test_an_unaccepted_case_reminds_the_managers_and_escalates_up_the_intake_unit(firm, policies):
    with clock.frozen(at("2026-11-18 10:00")):
        case = receive(firm)
    sweep_at("2026-11-20 23:00")  # 80% of the 3-day response limit
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["manager"]
    sweep_at("2026-11-21 10:00")
    case.refresh_from_db()
    assert (case.escalation_level, case.owner.username) == (1, "branch_head")


def test_a_case_waiting_on_the_customer_is_left_alone(firm, assigned_case):
    with clock.frozen(at("2026-11-20 10:00")):
        services.complaint_pause(
            complaint=assigned_case, actor=firm.people.handler, reason="补充材料"
        )
    result = sweep_at("2026-11-30 10:00")
    assert (result.reminded, result.escalated_to_supervisor) == (0, 0)


def test_a_new_deadline_after_an_extension_is_watched_afresh(firm, assigned_case):
    sweep_at("2026-11-20 14:00")
    with clock.frozen(at("2026-11-20 15:00")):
        case = services.complaint_request_extension(
            complaint=assigned_case,
            actor=firm.people.handler,
            reason="等待鉴定",
            amount=7,
            unit="working_days",
        )
        case = services.complaint_decide_extension(
            complaint=case, actor=firm.people.department_head, approve=True
        )
    assert case.next_due_at == at("2026-11-27 10:00")
    assert sweep_at("2026-11-23 10:00").escalated_to_supervisor == 0
    assert sweep_at("2026-11-26 10:00").reminded == 1


def test_the_sweep_reads_only_the_cases_that_are_due(firm, policies):
    with clock.frozen(at("2026-11-18 10:00")):
        for _ in range(3):
            receive(firm)
    with clock.frozen(at("2026-11-23 10:00")):
        receive(firm)
    query = str(due_for(DeadlineAlert.Kind.REMINDER, now=at("2026-11-21 00:00")).query)
    assert "at_risk_at" in query and "next_due_at" in query
    assert due_for(DeadlineAlert.Kind.REMINDER, now=at("2026-11-21 00:00")).count() == 3


# --- email through a real SMTP server on loopback ----------------------------------------------


def test_notification_emails_go_through_smtp_once(
    firm, assigned_case, settings, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        with django_capture_on_commit_callbacks(execute=True):
            sweep_at("2026-11-20 14:00")
        assert notifications_send_pending_emails() == 0  # already sent after commit
        assert len(received) == 1
        assert received[0]["To"] == "handler@kesu.test"
        assert assigned_case.number in received[0]["Subject"] or assigned_case.number in str(
            received[0].get_payload()
        )
        # no customer contact in a staff email
        assert "13800138000" not in received[0].as_string()
    finally:
        controller.stop()


def test_an_unreachable_mail_server_keeps_the_email_for_later(
    firm, assigned_case, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at("2026-11-20 14:00")
    note = Notification.objects.get()
    assert (note.emailed_at, note.email_error) == (None, "")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_send_pending_emails() == 1
    assert notifications_send_pending_emails() == 0


# --- two workers at once, on PostgreSQL --------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_remind_and_escalate_once(firm, policies):
    with clock.frozen(at("2026-11-18 10:00")):
        cases = [receive(firm) for _ in range(5)]
    for case in cases:
        with clock.frozen(at("2026-11-18 10:30")):
            walk_to(firm, case, Status.IN_PROGRESS)
    barrier = threading.Barrier(2)
    results = []

    def run(moment):
        try:
            barrier.wait()
            with clock.frozen(at(moment)):
                results.append(sweep(now=at(moment)))
        finally:
            close_old_connections()

    for moment in ("2026-11-20 14:00", "2026-11-23 10:00"):
        threads = [threading.Thread(target=run, args=(moment,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(r.reminded for r in results) == 5
    assert sum(r.escalated_to_supervisor for r in results) == 5
    for case in cases:
        assert case.events.filter(type="reminded").count() == 1
        assert case.events.filter(type="escalated").count() == 1
    assert Notification.objects.filter(kind="deadline_at_risk").count() == 5


# --- huey against the real Redis ---------------------------------------------------------------


def test_tasks_round_trip_through_redis():
    import redis
    from huey import RedisHuey

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if REQUIRE:
            pytest.fail("Redis on 127.0.0.1:6379 is not reachable (KESU_REQUIRE_SERVICES=1)")
        pytest.skip("Redis on 127.0.0.1:6379 is not reachable")
    queue = RedisHuey(f"kesu-test-{uuid.uuid4().hex}", url="redis://127.0.0.1:6379/0")

    @queue.task()
    def add(a, b):
        return a + b

    try:
        result = add(2, 3)
        assert queue.pending_count() == 1
        task = queue.dequeue()
        queue.execute(task)
        assert result.get() == 5
        assert queue.pending_count() == 0
    finally:
        queue.storage.flush_all()


def test_the_settings_choose_redis_when_kesu_redis_url_is_set():
    import subprocess
    import sys

    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.HUEY['huey_class'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    env["KESU_REDIS_URL"] = "redis://127.0.0.1:6379/3"
    redis_run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert (plain.stdout.strip(), redis_run.stdout.strip()) == ("huey.SqliteHuey", "huey.RedisHuey")
