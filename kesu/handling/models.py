"""What a department does between assignment and closing: investigations, causes,
collaboration tasks, the solution's measures, approvals, reviews, compensation and the
responsibility finding. Rows are written only by kesu.handling.services."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


def _by(label):
    return models.ForeignKey(
        USER, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class Investigation(models.Model):
    class Method(models.TextChoices):
        INFORMATION = "information", _("Information gathering")
        ON_SITE = "on_site", _("On-site investigation")
        INTERVIEW = "interview", _("Interview")
        DOCUMENTS = "documents", _("Document review")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="investigations"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    investigator = models.ForeignKey(
        USER, verbose_name=_("investigator"), on_delete=models.PROTECT, related_name="+"
    )
    investigated_at = models.DateTimeField(_("investigated at"))
    findings = models.TextField(_("findings"))
    evidence = models.ManyToManyField(
        "complaints.ComplaintAttachment", verbose_name=_("evidence"), blank=True, related_name="+"
    )
    recorded_by = _by(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["investigated_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.investigated_at:%Y-%m-%d}"


class Cause(models.Model):
    class Level(models.TextChoices):
        DIRECT = "direct", _("Direct cause")
        INDIRECT = "indirect", _("Indirect cause")
        ROOT = "root", _("Root cause")

    class Category(models.TextChoices):
        PEOPLE = "people", _("People")
        PROCESS = "process", _("Process")
        PRODUCT = "product", _("Product")
        POLICY = "policy", _("Policy")
        ENVIRONMENT = "environment", _("Environment")
        CUSTOMER = "customer", _("Customer")
        THIRD_PARTY = "third_party", _("Third party")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="causes"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    category = models.CharField(_("cause category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    recorded_by = _by(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["category", "level"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.get_category_display()}"


class CollaborationTask(models.Model):
    """跨部门协作: a piece of work another department owes the case, with an owner and a date."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        OVERRIDDEN = "overridden", _("Closed by a supervisor")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="collaboration_tasks"
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="collaboration_tasks"
    )
    request = models.TextField(_("what is asked"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    result = models.TextField(_("result"), blank=True)
    created_by = _by(_("asked by"))
    created_at = models.DateTimeField(_("asked at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("collaboration task")
        verbose_name_plural = _("collaboration tasks")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["assignee", "state"])]

    def __str__(self) -> str:
        return f"{self.org_unit}: {self.request[:30]}"


class SolutionMeasure(models.Model):
    class Kind(models.TextChoices):
        APOLOGY = "apology", _("Apology")
        EXPLANATION = "explanation", _("Explanation")
        REPAIR = "repair", _("Repair")
        REPLACEMENT = "replacement", _("Replacement")
        REFUND = "refund", _("Refund")
        COMPENSATION = "compensation", _("Compensation")
        SUSPENSION = "service_suspension", _("Service suspension")
        OTHER = "other", _("Other")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="measures"
    )
    round = models.PositiveSmallIntegerField(_("proposal"), default=1)
    kind = models.CharField(_("measure"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("solution measure")
        verbose_name_plural = _("solution measures")
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ApprovalLevel(models.TextChoices):
    DEPARTMENT = "department", _("Department head")
    BRANCH = "branch", _("Branch head")
    HEAD_OFFICE = "head_office", _("Head office")


class ApprovalRule(models.Model):
    """Which level approves a solution, by the money it gives away (editable in the admin)."""

    name = models.CharField(_("name"), max_length=100)
    max_amount = models.DecimalField(
        _("up to amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: any amount."),
    )
    level = models.CharField(_("approved by"), max_length=20, choices=ApprovalLevel.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = [models.F("max_amount").asc(nulls_last=True)]

    def __str__(self) -> str:
        return self.name


class Approval(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="approvals"
    )
    round = models.PositiveSmallIntegerField(_("proposal"))
    amount = models.DecimalField(_("money involved"), max_digits=12, decimal_places=2)
    level = models.CharField(_("level"), max_length=20, choices=ApprovalLevel.choices)
    approver = models.ForeignKey(
        USER, verbose_name=_("approver"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    routing = models.TextField(_("how it was routed"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="pending")
    comment = models.TextField(_("comment"), blank=True)
    decided_by = _by(_("decided by"))
    created_at = models.DateTimeField(_("asked at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id} #{self.round} {self.state}"


class Review(models.Model):
    """核实: a disputed answer looked at again by the level above, by someone not involved."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("The answer stands")
        REVISED = "revised", _("The answer is to be revised")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="reviews"
    )
    reason = models.TextField(_("what the customer disputes"))
    reviewer = models.ForeignKey(
        USER, verbose_name=_("reviewer"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    routing = models.TextField(_("how it was routed"), blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    finding = models.TextField(_("finding"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.outcome or 'pending'}"


class Compensation(models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        REFUND = "refund", _("Refund")
        VOUCHER = "voucher", _("Voucher")
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Free service")
        OTHER = "other", _("Other")

    class Payment(models.TextChoices):
        PENDING = "pending", _("Not paid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    class Document(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        PASSPORT = "passport", _("Passport")
        HK_MACAO = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao")
        TAIWAN = "taiwan_permit", _("Mainland travel permit for Taiwan")
        FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID")
        OTHER = "other", _("Other")

    class Confirmation(models.TextChoices):
        PORTAL = "portal", _("In the portal")
        SIGNATURE = "signature", _("Signed receipt (image)")
        PHONE = "phone", _("Recorded phone confirmation")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="compensations"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    payment_status = models.CharField(
        _("payment status"), max_length=10, choices=Payment.choices, default=Payment.PENDING
    )
    # Identity, checked before paying. The full number is shown only with its own permission.
    id_document_type = models.CharField(
        _("identity document"), max_length=20, choices=Document.choices, blank=True
    )
    id_number = models.CharField(_("identity number"), max_length=40, blank=True)
    id_number_masked = models.CharField(_("identity number (masked)"), max_length=40, blank=True)
    verified_by = _by(_("identity verified by"))
    verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    confirmation_method = models.CharField(
        _("customer's confirmation"), max_length=20, choices=Confirmation.choices, blank=True
    )
    confirmation_file = models.ForeignKey(
        "complaints.ComplaintAttachment",
        verbose_name=_("signed receipt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by_agent = _by(_("confirmation taken by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    paid_by = _by(_("paid by"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    created_by = _by(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["created_at", "pk"]
        permissions = [("view_identity_number", _("Can see identity numbers unmasked"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class PenaltyLevel(models.Model):
    """The penalty table (警告, 小过, 大过 …) applied to staff found responsible."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("penalty level")
        verbose_name_plural = _("penalty levels")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Accountability(models.Model):
    """责任认定: justified or not, who is responsible, the penalty and who approved it.
    Quality managers and supervisors only; never shown to the customer."""

    class Party(models.TextChoices):
        COMPANY = "company", _("The company")
        DEPARTMENT = "department", _("A department")
        STAFF = "staff", _("Staff")
        CUSTOMER = "customer", _("The customer")
        THIRD_PARTY = "third_party", _("A third party")
        NONE = "none", _("Nobody")

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="accountability"
    )
    is_justified = models.BooleanField(_("justified complaint (有效投诉)"))
    responsible_party = models.CharField(
        _("responsible party"), max_length=20, choices=Party.choices
    )
    staff = models.ManyToManyField(
        USER, verbose_name=_("staff responsible"), blank=True, related_name="+"
    )
    penalty = models.ForeignKey(
        PenaltyLevel, verbose_name=_("penalty"), null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.TextField(_("reasons"), blank=True)
    recorded_by = _by(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), db_index=True)
    approved_by = _by(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("responsibility finding")
        verbose_name_plural = _("responsibility findings")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.get_responsible_party_display()}"


class AppealRoute(models.Model):
    """Where a customer who disagrees can turn, as the decision letter lists it, per preset."""

    preset = models.CharField(_("preset"), max_length=30, db_index=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("route"), max_length=100)
    detail = models.CharField(_("how"), max_length=300, blank=True)
    name_en = models.CharField(_("route (English)"), max_length=100, blank=True)
    detail_en = models.CharField(_("how (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("appeal route")
        verbose_name_plural = _("appeal routes")
        ordering = ["preset", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.preset}: {self.name}"
