"""Intake services: email in, portal access, idempotent API intake, referral batches.

Cases are made and changed only through kesu.complaints.services; this module decides what
an arrival becomes and keeps the record of the arrival itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.complaints.models import Channel, Complaint
from kesu.complaints.services import (
    complaint_attach,
    complaint_customer_add,
    complaint_receive,
)
from kesu.complaints.workflow import OPEN_STATUSES, Kind
from kesu.core import clock
from kesu.core.errors import ApplicationError, Conflict, NotFound, RateLimited, ValidationFailed
from kesu.customers.contacts import normalize_phone
from kesu.intake.mail import MailUnreadable, ParsedMail, parse_mail
from kesu.intake.models import IdempotencyKey, InboundEmail, PortalAccessCode
from kesu.intake.throttle import throttle_count, throttle_hit
from kesu.notifications.customer import customer_message_queue
from kesu.notifications.models import MessageKind

logger = logging.getLogger(__name__)

HOUR, DAY = 3600, 86400


# --- email ------------------------------------------------------------------------------------


def _store_raw(raw: bytes, source: str) -> tuple[InboundEmail, bool]:
    """Keep the message before anything reads it; (row, is_new). The same bytes twice (a
    re-fetch, a file imported again) are one row."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = InboundEmail.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = InboundEmail(
                sha256=digest,
                size=len(raw),
                source=source[:200],
                received_at=clock.now(),
                state=InboundEmail.State.QUARANTINED,
                problem="not read yet",
            )
            row.raw.save(f"{digest[:16]}.eml", ContentFile(raw), save=False)
            row.save()
    except IntegrityError:
        return InboundEmail.objects.get(sha256=digest), False
    return row, True


def _attach_all(complaint: Complaint, mail: ParsedMail) -> list[str]:
    """Attach what can be attached; the names of files kept only in the raw message."""
    refused = []
    for item in mail.attachments:
        upload = ContentFile(item.content, name=item.name)
        try:
            complaint_attach(complaint=complaint, actor=None, upload=upload, is_public=True)
        except ValidationFailed:
            refused.append(item.name)
    return refused


def _description(mail: ParsedMail) -> str:
    limit = settings.KESU_MAX_TEXT_LENGTH
    text = "\n\n".join(part for part in (mail.subject, mail.text) if part) or _("(no text)")
    if len(text) > limit:
        text = text[: limit - 60].rstrip() + "\n\n" + _("[shortened: the whole email is kept]")
    return text


def _open_case(row: InboundEmail, mail: ParsedMail, *, follows: str = "") -> Complaint:
    name = mail.sender_name or mail.sender_address.partition("@")[0] or _("Email sender")
    extra: dict[str, Any] = {"email": row.pk, "message_id": mail.message_id}
    if follows:
        extra["follows"] = follows
    complaint = complaint_receive(
        actor=None,
        kind=Kind.COMPLAINT,
        channel=Channel.EMAIL,
        contact_name=name[:100],
        contact_email=mail.sender_address,
        description=_description(mail),
        extra=extra,
    )
    refused = _attach_all(complaint, mail)
    if refused:
        row.problem = _("kept only in the raw message: %(files)s") % {"files": ", ".join(refused)}
    return complaint


def _append(row: InboundEmail, mail: ParsedMail, complaint: Complaint) -> Complaint:
    sender = "" if mail.sender_address == complaint.contact_email else mail.sender_address
    uploads = [ContentFile(a.content, name=a.name) for a in mail.attachments]
    try:
        return complaint_customer_add(
            complaint=complaint,
            text=_description(mail),
            uploads=uploads,
            channel="email",
            sender=sender,
        )
    except ValidationFailed:
        # A file the case cannot take must not lose the words: add the text alone.
        row.problem = _("attachments kept only in the raw message")
        return complaint_customer_add(
            complaint=complaint, text=_description(mail), channel="email", sender=sender
        )


def _glimpse(raw: bytes) -> tuple[str, str]:
    """The subject and sender of a message that cannot be read as a whole, if they show: so
    that an agent can find it in the queue."""
    import email as email_lib

    from kesu.intake.mail import decode_header_value

    try:
        message = email_lib.message_from_bytes(raw)
        return (
            _clean(decode_header_value(message.get("Subject")))[:300],
            _clean(decode_header_value(message.get("From")))[:300],
        )
    except Exception:  # nothing shows: the queue says "(no subject)"
        return "", ""


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a broken header sometimes does.
    return text.replace("\x00", "")


def inbound_email_take(*, raw: bytes, source: str) -> InboundEmail:
    """An email arrives: kept raw, then read, then a new case, an addition to a case, an
    ignored auto-reply, or quarantined with the reason. Never lost, never an exception."""
    row, is_new = _store_raw(raw, source)
    if not is_new:
        return row
    try:
        mail = parse_mail(raw)
    except MailUnreadable as error:
        row.problem = str(error)[:300]
        row.text = raw[:5000].decode("utf-8", errors="replace").replace("\x00", "")
        row.subject, row.sender = _glimpse(raw)
        row.save(update_fields=["problem", "text", "subject", "sender"])
        logger.warning("email %s quarantined: %s", row.pk, error)
        return row
    row.message_id, row.subject = _clean(mail.message_id), _clean(mail.subject)
    row.sender, row.text = mail.sender_address, mail.text[:20000]
    row.problem = ""
    try:
        with transaction.atomic():
            if mail.automatic:
                row.state, row.problem = InboundEmail.State.AUTOMATIC, mail.automatic[:300]
            else:
                target = (
                    Complaint.objects.filter(number=mail.case_number).first()
                    if mail.case_number
                    else None
                )
                if target is not None and target.status in OPEN_STATUSES:
                    row.complaint = _append(row, mail, target)
                    row.state = InboundEmail.State.APPENDED
                else:
                    follows = target.number if target is not None else ""
                    row.complaint = _open_case(row, mail, follows=follows)
                    row.state = InboundEmail.State.NEW_CASE
            row.save()
    except ApplicationError as error:
        row.state = InboundEmail.State.QUARANTINED
        row.problem = error.detail[:300]
        row.complaint = None
        row.save()
        logger.warning("email %s quarantined: %s", row.pk, error.code)
    return row


def inbound_email_convert(
    *,
    email: InboundEmail,
    actor: User,
    kind: str,
    contact_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    description: str,
    category: str | None = None,
) -> Complaint:
    """An agent makes a case of a quarantined email, as they read it."""
    with transaction.atomic():
        row = InboundEmail.objects.select_for_update().get(pk=email.pk)
        if row.state != InboundEmail.State.QUARANTINED:
            raise Conflict(_("This email has already been dealt with."), code="email_handled")
        complaint = complaint_receive(
            actor=actor,
            kind=kind,
            channel=Channel.EMAIL,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            description=description,
            category=category,
            received_at=row.received_at,
            extra={"email": row.pk, "converted_from_quarantine": True},
        )
        row.state, row.complaint, row.handled_by = InboundEmail.State.CONVERTED, complaint, actor
        row.save(update_fields=["state", "complaint", "handled_by"])
    return complaint


def inbound_email_dismiss(*, email: InboundEmail, actor: User, reason: str) -> InboundEmail:
    """Spam or nothing to act on: kept, marked, with who decided and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the email needs no case."), fields={"reason": _("This field is required.")}
        )
    with transaction.atomic():
        row = InboundEmail.objects.select_for_update().get(pk=email.pk)
        if row.state != InboundEmail.State.QUARANTINED:
            raise Conflict(_("This email has already been dealt with."), code="email_handled")
        row.state, row.handled_by = InboundEmail.State.DISMISSED, actor
        row.problem = f"{row.problem} — {reason}"[:300]
        row.save(update_fields=["state", "handled_by", "problem"])
    return row


# --- API intake with an Idempotency-Key --------------------------------------------------------


def _fingerprint(arguments: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(arguments, sort_keys=True, default=str).encode()).hexdigest()


def complaint_receive_once(
    *, key: str, actor: User, arguments: dict[str, Any]
) -> tuple[Complaint, bool]:
    """complaint_receive, once per (client, key): (case, made_now).

    The key row is inserted first, in the same transaction as the case. A concurrent retry
    waits on the key's unique index until the first commits, then finds its case; if the
    first failed, its key went with it and the retry makes the case itself.
    """
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise ValidationFailed(
            _("Idempotency-Key must be 1 to 200 characters."),
            fields={"Idempotency-Key": _("1 to 200 characters.")},
        )
    fingerprint = _fingerprint(arguments)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    key=key, user=actor, fingerprint=fingerprint, created_at=clock.now()
                )
        except IntegrityError:
            row = IdempotencyKey.objects.select_related("complaint").get(user=actor, key=key)
            if row.fingerprint != fingerprint:
                raise Conflict(
                    _("This Idempotency-Key was used for a different request."),
                    code="idempotency_key_reused",
                ) from None
            return row.complaint, False
        complaint = complaint_receive(actor=actor, **arguments)
        row.complaint = complaint
        row.save(update_fields=["complaint"])
    return complaint, True


# --- the portal --------------------------------------------------------------------------------


def _limit(scope: str, value: str, *, limit: int, seconds: int, message: str) -> None:
    if throttle_hit(scope, value, seconds=seconds) > limit:
        raise RateLimited(message)


def portal_check_submit_allowed(*, ip: str, phone: str, email: str) -> None:
    """Refuse a submission over the limits: per address per hour, per contact per day."""
    _limit(
        "portal-submit-ip",
        ip,
        limit=settings.KESU_PORTAL_SUBMITS_PER_IP_HOUR,
        seconds=HOUR,
        message=_("Too many submissions from your network in the last hour. Try again later."),
    )
    for contact in {phone, email} - {""}:
        _limit(
            "portal-submit-contact",
            contact.lower(),
            limit=settings.KESU_PORTAL_SUBMITS_PER_CONTACT_DAY,
            seconds=DAY,
            message=_(
                "You have already sent several cases today. We will answer them; to add "
                "something, follow your case with its number."
            ),
        )


def _check_not_throttled(ip: str, number: str) -> None:
    limit = settings.KESU_PORTAL_CHECKS_PER_HOUR
    if (
        throttle_count("portal-check-ip", ip, seconds=HOUR) >= limit
        or throttle_count("portal-check-number", number, seconds=HOUR) >= limit // 2
    ):
        raise RateLimited(_("Too many failed attempts. Wait an hour and try again."))


def _failed(ip: str, number: str) -> NotFound:
    throttle_hit("portal-check-ip", ip, seconds=HOUR)
    throttle_hit("portal-check-number", number, seconds=HOUR)
    # The same answer whether the number exists or not: numbers cannot be probed.
    return NotFound(_("The number and the check do not match a case."), code="portal_check_failed")


def portal_open_by_phone(*, number: str, last_digits: str, ip: str) -> Complaint:
    """The case, if `last_digits` are the last four digits of the mobile on it."""
    number = (number or "").strip().upper()
    _check_not_throttled(ip, number)
    complaint = Complaint.objects.filter(number=number).first() if number else None
    digits = (last_digits or "").strip()
    if (
        complaint is None
        or len(digits) != 4
        or not complaint.contact_phone
        or not hmac.compare_digest(complaint.contact_phone[-4:], digits)
    ):
        raise _failed(ip, number)
    return complaint


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


CODE_LIFETIME = dt.timedelta(minutes=15)


def portal_send_code(*, number: str, ip: str) -> None:
    """Email a one-time code to the address on the case, if there is one. Says nothing about
    whether the number exists: the same answer either way."""
    number = (number or "").strip().upper()
    _check_not_throttled(ip, number)
    throttle_hit("portal-code-ip", ip, seconds=HOUR)
    if throttle_hit("portal-code-number", number, seconds=HOUR) > 3:
        raise RateLimited(_("A code was sent several times already. Check your mailbox."))
    complaint = Complaint.objects.filter(number=number).first() if number else None
    if complaint is None or not complaint.contact_email:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    with transaction.atomic():
        PortalAccessCode.objects.create(
            complaint=complaint,
            code_hash=_code_hash(code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        customer_message_queue(
            kind=MessageKind.ACCESS_CODE,
            email=complaint.contact_email,
            language=complaint.language,
            variables={
                "number": complaint.number,
                "code": code,
                "firm": settings.KESU_FIRM_NAME,
            },
        )


def portal_open_by_code(*, number: str, code: str, ip: str) -> Complaint:
    """The case, if `code` is an unexpired, unused code sent for it (used up by this)."""
    number = (number or "").strip().upper()
    _check_not_throttled(ip, number)
    code = (code or "").strip()
    now = clock.now()
    with transaction.atomic():
        candidates = PortalAccessCode.objects.select_for_update().filter(
            complaint__number=number, used_at__isnull=True, expires_at__gt=now, attempts__lt=5
        )
        for row in candidates:
            if code and hmac.compare_digest(row.code_hash, _code_hash(code)):
                row.used_at = now
                row.save(update_fields=["used_at"])
                return row.complaint
        candidates.update(attempts=F("attempts") + 1)
    raise _failed(ip, number)


def normalized_phone_or_blank(phone: str) -> str:
    try:
        return normalize_phone(phone)
    except ValueError:
        return ""
