"""Messages to customers: rendered from the admin's templates, sent through a real SMTP server
and an HTTP SMS gateway on loopback, every outcome on the timeline, failures retried."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from conftest import free_port
from kesu.complaints.models import ComplaintEvent
from kesu.complaints.services import complaint_pause, complaint_reject
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.notifications.customer import check_template, customer_message_queue
from kesu.notifications.models import MessageTemplate, OutboundMessage
from kesu.notifications.sending import outbound_send_due

State = OutboundMessage.State


@pytest.fixture
def case(firm, policies):
    return receive(firm, contact_email="liu@example.cn", contact_name="刘女士")


def test_the_templates_are_stored_for_both_languages_and_all_kinds(db):
    kinds = set(MessageTemplate.objects.values_list("kind", "language"))
    assert len(kinds) == 12
    for row in MessageTemplate.objects.all():
        for text in (row.subject, row.body, row.sms_body):
            check_template(text)


def test_an_acknowledgement_goes_through_smtp_and_is_on_the_timeline(
    firm, policies, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = receive(firm, contact_email="liu@example.cn", contact_name="刘女士")
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "liu@example.cn"
    assert message["Auto-Submitted"] == "auto-generated"
    subject = message["Subject"]
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(subject)))
    assert f"[{case.number}]" in subject
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "刘女士" in body and case.number in body
    assert case.resolution_due.astimezone().strftime("%Y-%m-%d %H:%M") in body
    events = case.events.filter(type=ComplaintEvent.Type.MESSAGE_SENT)
    assert sorted(e.data["channel"] for e in events) == ["email", "sms"]
    assert not any(e.is_public for e in events)


def test_each_step_the_customer_must_hear_about_queues_its_message(firm, policies):
    first = receive(firm, contact_email="a@example.cn")
    complaint_reject(complaint=first, actor=firm.people.manager, reason="不属于本公司业务")
    second = walk_to(firm, receive(firm, contact_email="b@example.cn"), Status.IN_PROGRESS)
    complaint_pause(complaint=second, actor=firm.people.handler, reason="请提供发票照片")
    third = walk_to(firm, receive(firm, contact_email="c@example.cn"), Status.CLOSED)
    kinds = lambda c: list(  # noqa: E731
        c.outbound_messages.filter(channel="email").order_by("pk").values_list("kind", flat=True)
    )
    assert kinds(first) == ["acknowledgement", "not_accepted"]
    assert (
        "不属于本公司业务" in first.outbound_messages.get(kind="not_accepted", channel="email").body
    )
    assert kinds(second) == ["acknowledgement", "information_request"]
    assert (
        "请提供发票照片"
        in second.outbound_messages.get(kind="information_request", channel="email").body
    )
    assert kinds(third) == ["acknowledgement", "answer", "survey"]
    assert third.answer in third.outbound_messages.get(kind="answer", channel="email").body


def test_an_edited_template_is_used_in_the_customers_language(firm, policies):
    MessageTemplate.objects.filter(kind="acknowledgement", language="en").update(
        subject="Got it: {{ number }}",
        body="Hello {{ customer_name }}",
        sms_body="Got {{ number }}",
    )
    case = receive(firm, contact_email="x@example.com", contact_name="Ann", language="en")
    message = case.outbound_messages.get(channel="email")
    assert message.subject == f"Got it: [{case.number}]" and message.body == "Hello Ann"
    assert case.outbound_messages.get(channel="sms").body == f"Got {case.number}"


def test_a_broken_template_falls_back_to_the_default(firm, policies):
    MessageTemplate.objects.filter(kind="acknowledgement", language="zh-hans").update(
        body="{% if %}"
    )
    case = receive(firm, contact_email="x@example.com")
    assert case.number in case.outbound_messages.get(channel="email").body


def test_a_failure_is_on_the_timeline_retried_later_and_given_up_at_last(case, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.KESU_MESSAGE_MAX_ATTEMPTS = 3
    email = case.outbound_messages.get(channel="email")
    outbound_send_due()
    email.refresh_from_db()
    assert email.state == State.PENDING and email.attempts == 1 and email.last_error
    failed = case.events.get(type=ComplaintEvent.Type.MESSAGE_FAILED)
    assert failed.data["attempt"] == 1 and not failed.data["given_up"]
    # not due again at once: it waits
    assert outbound_send_due() == 0
    email.refresh_from_db()
    assert email.attempts == 1
    for _ in range(2):
        with clock.frozen(email.next_attempt_at + dt.timedelta(seconds=1)):
            outbound_send_due()
        email.refresh_from_db()
    assert email.state == State.FAILED and email.attempts == 3
    assert case.events.filter(type=ComplaintEvent.Type.MESSAGE_FAILED).count() == 3
    assert case.events.filter(type="message_failed").last().data["given_up"]


def test_a_message_held_by_a_dead_worker_is_sent_again(case):
    email = case.outbound_messages.get(channel="email")
    email.state, email.next_attempt_at = State.SENDING, clock.now() - dt.timedelta(minutes=1)
    email.save()
    assert outbound_send_due() == 2  # the email it held, and the SMS
    email.refresh_from_db()
    assert email.state == State.SENT


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers.get("Authorization"), json.loads(body)))
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "sms-42"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway(settings):
    _Gateway.received, _Gateway.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.KESU_SMS_GATEWAY = "http"
    settings.KESU_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.KESU_SMS_PARAMS = {"to": "{phone}", "text": "{text}", "sign": "kesu"}
    settings.KESU_SMS_TOKEN = "t0ken"
    yield _Gateway
    server.shutdown()


def test_sms_through_the_http_gateway(firm, policies, sms_gateway):
    case = receive(firm, contact_phone="13912345678")
    outbound_send_due()
    assert len(sms_gateway.received) == 1
    auth, fields = sms_gateway.received[0]
    assert auth == "Bearer t0ken"
    assert (
        fields["to"] == "13912345678" and case.number in fields["text"] and fields["sign"] == "kesu"
    )
    sms = case.outbound_messages.get(channel="sms")
    assert sms.state == State.SENT and sms.gateway_reference == "sms-42"


def test_a_gateway_error_is_retried(firm, policies, sms_gateway):
    sms_gateway.status = 503
    case = receive(firm, contact_phone="13912345678")
    outbound_send_due()
    sms = case.outbound_messages.get(channel="sms")
    assert sms.state == State.PENDING and "503" in sms.last_error


def test_the_log_gateway_never_writes_the_number_or_the_text(firm, policies, caplog):
    case = receive(firm, contact_phone="13912345678", contact_name="刘女士")
    with caplog.at_level("INFO"):
        outbound_send_due()
    assert "139****5678" in caplog.text
    assert "13912345678" not in caplog.text and "刘女士" not in caplog.text
    assert case.outbound_messages.get(channel="sms").state == State.SENT


def test_no_contact_no_message(firm, policies):
    assert (
        customer_message_queue(kind="acknowledgement", complaint=receive(firm, contact_phone=""))
        == []
    )


def test_the_admin_refuses_a_template_that_cannot_render(client, firm):
    client.force_login(firm.people.administrator)
    row = MessageTemplate.objects.get(kind="answer", language="zh-hans")
    url = f"/admin/notifications/messagetemplate/{row.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "{{ number }}" in page.content.decode()
    response = client.post(
        url,
        {
            "kind": "answer",
            "language": "zh-hans",
            "subject": "{% for %}",
            "body": "ok",
            "sms_body": "ok",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and "此模板无法使用" in response.content.decode()
    row.refresh_from_db()
    assert row.subject != "{% for %}"


def test_agents_cannot_edit_templates(client, firm):
    client.force_login(firm.people.agent)
    assert client.get("/admin/notifications/messagetemplate/").status_code == 403
