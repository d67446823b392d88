from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from kesu.complaints.workflow import KIND_LABELS, STATUS_LABELS, Status
from kesu.core.models import TimeStampedModel


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    PORTAL = "portal", _("Online portal")
    EMAIL = "email", _("Email")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    OPINION_BOOK = "opinion_book", _("Opinion book")
    SOCIAL = "social", _("Social media")
    THIRD_PARTY = "third_party", _("Third party")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    URGENT = "urgent", _("Urgent")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class SpecialFlag(models.TextChoices):
    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("Disabled")
    MINOR = "minor", _("Minor")
    PREGNANT = "pregnant", _("Pregnant")
    FOREIGNER = "foreigner", _("Foreign national")
    VIP = "vip", _("Key customer")


class Category(models.Model):
    """A node of the two-level taxonomy (A 服务态度 → A01 …), loaded from a preset."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    preset = models.CharField(_("preset"), max_length=30, blank=True, db_index=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# True for a case with no running deadline; the list sorts these after the others.
NO_CLOCK = ExpressionWrapper(Q(next_due_at__isnull=True), output_field=models.BooleanField())


class Complaint(TimeStampedModel):
    """One case: a complaint, an inquiry or a suggestion, from receipt to archive."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=_choices(KIND_LABELS))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=_choices(STATUS_LABELS),
        default=Status.RECEIVED.value,
        editable=False,
    )
    received_at = models.DateTimeField(_("received at"))

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # The contact as the customer gave it for this case; the customer record may change later.
    contact_name = models.CharField(_("complainant name"), max_length=100)
    contact_phone = models.CharField(_("complainant phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("complainant email"), blank=True)

    service_item = models.CharField(_("service item"), max_length=200, blank=True)
    staff_involved = models.CharField(_("staff involved"), max_length=200, blank=True)
    incident_at = models.DateTimeField(_("incident time"), null=True, blank=True)
    incident_place = models.CharField(_("incident place"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    demands = models.TextField(_("demands"), blank=True)
    amount_involved = models.DecimalField(
        _("amount involved"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    special_flags = models.JSONField(_("special customer flags"), default=list, blank=True)

    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.GENERAL
    )
    risk = models.CharField(_("risk"), max_length=20, choices=Risk.choices, default=Risk.LOW)

    intake_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("received at unit"),
        on_delete=models.PROTECT,
        related_name="received_complaints",
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_complaints",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_complaints",
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # 重复投诉: the same customer and category within KESU_REPEAT_WINDOW_DAYS of an earlier case.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    # A suggestion's adoption decision (采纳情况), by a supervisor.
    adoption = models.CharField(
        _("adoption"),
        max_length=20,
        blank=True,
        choices=[
            ("adopted", _("Adopted")),
            ("partly", _("Partly adopted")),
            ("not_adopted", _("Not adopted")),
            ("under_study", _("Under study")),
        ],
    )
    revisit_method = models.CharField(
        _("revisit method"),
        max_length=20,
        blank=True,
        choices=[
            ("phone", _("Phone")),
            ("sms", _("SMS")),
            ("email", _("Email")),
            ("visit", _("Visit")),
            ("portal", _("Online portal")),
        ],
    )
    # The language the customer wrote in: messages to them use it.
    language = models.CharField(_("customer's language"), max_length=10, default="zh-hans")

    # A referral (转办): who sent it, their reference and their own deadline.
    source_org = models.CharField(_("referred by"), max_length=100, blank=True)
    source_reference = models.CharField(_("referrer's reference"), max_length=100, blank=True)
    source_due_at = models.DateTimeField(_("referrer's deadline"), null=True, blank=True)
    # A case loaded from an earlier system (`kesu import`): its number there, unique, so the
    # same file loaded twice makes nothing new.
    imported_reference = models.CharField(
        _("number in the earlier system"), max_length=100, blank=True
    )

    solution = models.TextField(_("proposed solution"), blank=True)
    answer = models.TextField(_("answer to the customer"), blank=True)
    is_customer_satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # What the customer said in the portal: confirmed or disputed the answer, and their rating.
    customer_response = models.CharField(
        _("customer's response to the answer"),
        max_length=20,
        choices=[("confirmed", _("Confirmed")), ("disputed", _("Disputed"))],
        blank=True,
    )
    customer_responded_at = models.DateTimeField(_("customer responded at"), null=True, blank=True)
    customer_rating = models.PositiveSmallIntegerField(
        _("customer's rating (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    customer_rating_comment = models.TextField(_("customer's comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # --- time limits (kesu.deadlines computes them; services store them here) ---
    response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    revisit_due = models.DateTimeField(_("revisit due"), null=True, blank=True)
    response_policy = models.ForeignKey(
        "deadlines.TimeLimitPolicy",
        verbose_name=_("first response policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_policy = models.ForeignKey(
        "deadlines.TimeLimitPolicy",
        verbose_name=_("resolution policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revisit_policy = models.ForeignKey(
        "deadlines.TimeLimitPolicy",
        verbose_name=_("revisit policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # An approved extension replaces the policy's resolution limit for this case.
    resolution_limit_amount = models.PositiveIntegerField(
        _("extended resolution limit"), null=True, blank=True
    )
    resolution_limit_unit = models.CharField(_("unit"), max_length=20, blank=True)
    # Reopening restarts the resolution clock; until then it runs from receipt.
    resolution_started_at = models.DateTimeField(
        _("resolution clock started"), null=True, blank=True
    )
    responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    revisited_at = models.DateTimeField(_("revisited at"), null=True, blank=True)
    # Met or missed, recorded when it happens so that reports need not recompute.
    response_met = models.BooleanField(_("first response on time"), null=True, blank=True)
    resolution_met = models.BooleanField(_("resolved on time"), null=True, blank=True)
    revisit_met = models.BooleanField(_("revisited on time"), null=True, blank=True)
    is_filed_late = models.BooleanField(_("filed after the window"), null=True, blank=True)
    # 待客户补充: while waiting on the customer the clocks stop. [[start, end or null], …]
    is_awaiting_customer = models.BooleanField(_("waiting on the customer"), default=False)
    pauses = models.JSONField(_("clock pauses"), default=list, blank=True)
    # The deadline of the clock running now, and when 80% of its time is used: the sweep
    # reads these two indexed columns only.
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    next_due_target = models.CharField(_("next deadline for"), max_length=20, blank=True)
    at_risk_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    # How far the sweep got with the running deadline: 0 nothing yet, 1 reminded, 2 sent to the
    # supervisor, 3 sent to head office. Reset when the deadline moves. It keeps alerted cases
    # out of the sweep's reads; the DeadlineAlert rows keep the sweep's acts unique.
    alert_stage = models.PositiveSmallIntegerField(_("alert stage"), default=0)

    # Bumped by every change; a client that sends the version it saw cannot overwrite a newer one.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["org_unit", "status"]),
            models.Index(fields=["intake_unit", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["next_due_at"], name="complaint_next_due"),
            # "Nearest deadline first, cases without a clock last" straight from an index
            # (SQLite keeps NULLs first, so a plain next_due_at index cannot serve it).
            models.Index(NO_CLOCK, F("next_due_at"), name="complaint_deadline_order"),
            models.Index(fields=["at_risk_at"], name="complaint_at_risk"),
            models.Index(fields=["alert_stage", "at_risk_at"], name="complaint_sweep_at_risk"),
            models.Index(fields=["alert_stage", "next_due_at"], name="complaint_sweep_due"),
            # The reports: each measure reads the rows its own date column puts in the period
            # (kesu.reports.kpis.FAMILIES). received_at is indexed above.
            models.Index(fields=["closed_at", "received_at"], name="complaint_report_closed"),
            models.Index(fields=["resolution_due"], name="complaint_report_due"),
            models.Index(fields=["responded_at"], name="complaint_report_responded"),
            models.Index(fields=["answered_at"], name="complaint_report_answered"),
            models.Index(fields=["revisited_at"], name="complaint_report_revisited"),
            models.Index(fields=["rated_at"], name="complaint_report_rated"),
        ]
        constraints = [
            # A referral imported twice must not make a second case.
            models.UniqueConstraint(
                fields=["source_org", "source_reference"],
                condition=~Q(source_reference=""),
                name="unique_referral_reference",
            ),
            models.UniqueConstraint(
                fields=["imported_reference"],
                condition=~Q(imported_reference=""),
                name="unique_imported_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes, so that no code path can rewrite the timeline."""

    def update(self, **kwargs):
        raise RuntimeError("the timeline is append-only: events cannot be updated")

    def delete(self):
        raise RuntimeError("the timeline is append-only: events cannot be deleted")


class ComplaintEvent(models.Model):
    """One row of a case's timeline. Append-only: nothing edits or deletes it.

    Beyond these guards, PostgreSQL refuses UPDATE and DELETE on the table by trigger.
    """

    class Type(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")
        UPDATED = "updated", _("Fields changed")
        ASSIGNED = "assigned", _("Assigned")
        STARTED = "started", _("Handling started")
        PROPOSED = "proposed", _("Solution proposed")
        APPROVED = "approved", _("Solution approved")
        RETURNED = "returned", _("Solution returned")
        ANSWERED = "answered", _("Answered")
        FOLLOWED_UP = "followed_up", _("Revisit recorded")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        ESCALATED = "escalated", _("Escalated")
        NOTE_ADDED = "note_added", _("Note")
        DEADLINES_SET = "deadlines_set", _("Deadlines set")
        PAUSED = "paused", _("Waiting on the customer")
        RESUMED = "resumed", _("Customer answered, clock resumed")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_APPROVED = "extension_approved", _("Extension approved")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        REMINDED = "reminded", _("Deadline reminder")
        ATTACHED = "attached", _("File attached")
        CUSTOMER_ADDED = "customer_added", _("The customer added information")
        CUSTOMER_CONFIRMED = "customer_confirmed", _("The customer confirmed the answer")
        CUSTOMER_DISPUTED = "customer_disputed", _("The customer disputed the answer")
        CUSTOMER_RATED = "customer_rated", _("The customer rated the handling")
        MESSAGE_SENT = "message_sent", _("Message sent to the customer")
        MESSAGE_FAILED = "message_failed", _("Message to the customer failed")
        INVESTIGATED = "investigated", _("Investigation recorded")
        CAUSE_RECORDED = "cause_recorded", _("Cause recorded")
        TASK_REQUESTED = "task_requested", _("Collaboration task requested")
        TASK_DONE = "task_done", _("Collaboration task done")
        TASKS_OVERRIDDEN = "tasks_overridden", _("Open tasks overridden by a supervisor")
        APPROVAL_ROUTED = "approval_routed", _("Approval routed")
        REVIEW_REQUESTED = "review_requested", _("Review requested")
        REVIEWED = "reviewed", _("Reviewed by the level above")
        COMPENSATION_RECORDED = "compensation_recorded", _("Compensation recorded")
        IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
        COMPENSATION_CONFIRMED = "compensation_confirmed", _("Customer confirmed the compensation")
        COMPENSATION_PAID = "compensation_paid", _("Compensation paid")
        ACCOUNTABILITY_RECORDED = "accountability_recorded", _("Responsibility finding recorded")
        ACCOUNTABILITY_APPROVED = "accountability_approved", _("Responsibility finding approved")
        ADOPTION_DECIDED = "adoption_decided", _("Adoption decided")
        REPEAT_LINKED = "repeat_linked", _("Linked as a repeat complaint")
        IMPORTED = "imported", _("Imported from an earlier system")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField(_("sequence"))
    type = models.CharField(_("type"), max_length=40, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"))
    is_public = models.BooleanField(_("visible to the customer"), default=False)
    from_status = models.CharField(_("status before"), max_length=20, blank=True)
    to_status = models.CharField(_("status after"), max_length=20, blank=True)
    message = models.TextField(_("message"), blank=True)
    # {"changes": {"field": [before, after]}, "reason": …, …}: whatever the step recorded.
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["complaint", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "sequence"], name="unique_event_sequence")
        ]
        # The league tables read one kind of event in a period (answers, reopenings).
        indexes = [models.Index(fields=["type", "created_at"], name="event_type_time")]

    def __str__(self) -> str:
        return f"{self.complaint_id}#{self.sequence} {self.type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise RuntimeError("the timeline is append-only: an event cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("the timeline is append-only: an event cannot be deleted")


class ComplaintAttachment(models.Model):
    """Evidence on a case: a photo, a PDF, a recording or a video, checked by its content."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    is_public = models.BooleanField(_("visible to the customer"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class NumberSequence(models.Model):
    """The last number handed out per prefix and day (TS20261123 → 17)."""

    key = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"
