"""Messages to customers: rendered from the admin's templates and queued in the outbox.

Queued in the transaction of the change that causes them and sent by the worker after
commit (kesu.notifications.sending); a message never goes out for a change that rolled back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone, translation

from kesu.core import clock
from kesu.notifications.defaults import DEFAULTS, VARIABLES
from kesu.notifications.models import MessageKind, MessageTemplate, OutboundMessage

logger = logging.getLogger(__name__)

# Plain text, not HTML: nothing to escape, and only the built-in tags and filters.
_ENGINE = Engine(autoescape=False)


def render(source: str, variables: dict[str, Any]) -> str:
    """One template string filled with `variables`; a syntax error raises TemplateSyntaxError."""
    return _ENGINE.from_string(source).render(Context(variables)).strip()


def check_template(source: str) -> None:
    """Raise TemplateSyntaxError when `source` cannot be rendered with the known variables."""
    render(source, dict.fromkeys(VARIABLES, "x"))


def _language(language: str) -> str:
    known = dict(settings.LANGUAGES)
    return language if language in known else settings.LANGUAGE_CODE


def template_texts(kind: str, language: str) -> dict[str, str]:
    """Subject, body and SMS text for `kind` in `language`: the admin's row, else the default."""
    language = _language(language)
    row = MessageTemplate.objects.filter(kind=kind, language=language, is_active=True).first()
    if row is not None:
        return {"subject": row.subject, "body": row.body, "sms_body": row.sms_body}
    return DEFAULTS.get((kind, language)) or DEFAULTS[(kind, "zh-hans")]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def track_url(number: str = "") -> str:
    base = settings.KESU_BASE_URL.rstrip("/")
    return f"{base}/portal/track/" + (f"?number={number}" if number else "")


def complaint_variables(complaint, **extra: Any) -> dict[str, Any]:
    """What a template about `complaint` can say, in the customer's own language."""
    with translation.override(_language(complaint.language)):
        kind = str(complaint.get_kind_display())
    return {
        "number": complaint.number,
        "kind": kind,
        "customer_name": complaint.contact_name,
        "received_at": _local(complaint.received_at),
        "reply_due": _local(complaint.resolution_due or complaint.response_due),
        "reason": "",
        "answer": complaint.answer,
        "track_url": track_url(complaint.number),
        "code": "",
        "firm": settings.KESU_FIRM_NAME,
        **extra,
    }


def _rendered(kind: str, language: str, variables: dict[str, Any]) -> dict[str, str]:
    texts = template_texts(kind, language)
    try:
        return {key: render(source, variables) for key, source in texts.items()}
    except TemplateSyntaxError as error:
        # An administrator's broken edit must not silence the customer: use the default.
        logger.error(
            "message template %s/%s is broken (%s); using the default", kind, language, error
        )
        defaults = DEFAULTS.get((kind, _language(language))) or DEFAULTS[(kind, "zh-hans")]
        return {key: render(source, variables) for key, source in defaults.items()}


def customer_message_queue(
    *,
    kind: MessageKind | str,
    complaint=None,
    email: str = "",
    phone: str = "",
    language: str = "",
    variables: dict[str, Any] | None = None,
) -> list[OutboundMessage]:
    """Queue `kind` to the customer's email and mobile (whichever they gave).

    With a complaint, its contact, language and fields are used; the subject always carries
    the case number in brackets, so that a reply finds its case.
    """
    if complaint is not None:
        email = email or complaint.contact_email
        phone = phone or complaint.contact_phone
        language = language or complaint.language
        variables = complaint_variables(complaint, **(variables or {}))
    texts = _rendered(str(kind), language or settings.LANGUAGE_CODE, variables or {})
    subject = texts["subject"][:180]
    if complaint is not None and complaint.number not in subject:
        subject = f"[{complaint.number}] {subject}"
    elif complaint is not None:
        subject = subject.replace(complaint.number, f"[{complaint.number}]", 1)
    now = clock.now()
    Channel = OutboundMessage.Channel
    wanted = [
        (Channel.EMAIL, email, subject, texts["body"]),
        (Channel.SMS, phone if phone.isdigit() else "", "", texts["sms_body"]),
    ]
    rows = [
        OutboundMessage.objects.create(
            complaint=complaint,
            kind=kind,
            channel=channel,
            recipient=recipient,
            subject=subject_line,
            body=body,
            created_at=now,
            next_attempt_at=now,
        )
        for channel, recipient, subject_line, body in wanted
        if recipient
    ]
    if rows:
        from kesu.notifications.tasks import send_customer_messages_task

        transaction.on_commit(send_customer_messages_task)
    return rows
