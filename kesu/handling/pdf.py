"""The case as a document: 投诉处理单, one PDF per case (reportlab).

Chinese renders on a fresh machine without installing fonts: by default the text is set in
STSong-Light, one of the standard Adobe CJK fonts every PDF reader supplies. KESU_PDF_FONT
may name a TrueType font file to embed instead.
"""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kesu.complaints.access import can_see_full_contact
from kesu.complaints.selectors import complaint_timeline
from kesu.core.masking import mask_email, mask_name, mask_phone
from kesu.handling.services import can_read_accountability, can_see_identity_number


@cache
def _font() -> str:
    if settings.KESU_PDF_FONT:
        pdfmetrics.registerFont(TTFont("KesuCJK", settings.KESU_PDF_FONT))
        return "KesuCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _styles():
    font = _font()
    return {
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=16, leading=22, alignment=TA_CENTER
        ),
        "h": ParagraphStyle(
            "h", fontName=font, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=3
        ),
        "p": ParagraphStyle("p", fontName=font, fontSize=9.5, leading=13.5),
        "small": ParagraphStyle(
            "small", fontName=font, fontSize=8, leading=11, textColor=colors.grey
        ),
    }


def _t(value) -> str:
    return escape(str(value if value not in (None, "") else "—")).replace("\n", "<br/>")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _identity(compensation, full: bool) -> str:
    number = compensation.id_number if full else compensation.id_number_masked
    return f"{compensation.get_id_document_type_display()} {number}".strip()


def _dated(label, moment) -> str:
    return f"{label} {_when(moment)}" if moment else str(label)


def _table(rows, widths, style_font, header=False):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), style_font),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")))
    table.setStyle(TableStyle(commands))
    return table


def handling_form_pdf(complaint, *, user) -> bytes:
    """The whole case as `user` may read it: fields, investigation, causes, solution,
    approvals, compensation, answer, revisit, responsibility (if allowed), timeline, and the
    lines for signatures."""
    s = _styles()
    font = _font()
    P = lambda text, style="p": Paragraph(text, s[style])  # noqa: E731
    full = can_see_full_contact(user, complaint)
    contact = (
        f"{complaint.contact_name} {complaint.contact_phone} {complaint.contact_email}"
        if full
        else f"{mask_name(complaint.contact_name)} {mask_phone(complaint.contact_phone)} "
        f"{mask_email(complaint.contact_email)}"
    )
    story = [
        # STSong-Light has no middle dot: an ideographic space parts the names.
        P(_t(settings.KESU_FIRM_NAME) + "　" + _t(_("Complaint handling form")), "title"),
        Spacer(1, 3 * mm),
        P(
            _t(_("Number"))
            + f"：{_t(complaint.number)}　"
            + _t(_("printed"))
            + f"：{_when(timezone.now())}",
            "small",
        ),
        Spacer(1, 2 * mm),
    ]
    half = 42 * mm
    facts = [
        [
            P(_t(_("kind"))),
            P(_t(complaint.get_kind_display())),
            P(_t(_("channel"))),
            P(_t(complaint.get_channel_display())),
        ],
        [
            P(_t(_("status"))),
            P(_t(complaint.get_status_display())),
            P(_t(_("received at"))),
            P(_when(complaint.received_at)),
        ],
        [
            P(_t(_("customer"))),
            P(_t(contact)),
            P(_t(_("category"))),
            P(_t(complaint.category or _("unclassified"))),
        ],
        [
            P(_t(_("severity"))),
            P(_t(complaint.get_severity_display())),
            P(_t(_("risk"))),
            P(_t(complaint.get_risk_display())),
        ],
        [
            P(_t(_("received at unit"))),
            P(_t(complaint.intake_unit)),
            P(_t(_("responsible unit"))),
            P(_t(complaint.org_unit)),
        ],
        [
            P(_t(_("owner"))),
            P(_t(complaint.owner)),
            P(_t(_("escalation level"))),
            P(_t(complaint.escalation_level)),
        ],
        [
            P(_t(_("resolution due"))),
            P(_when(complaint.resolution_due)),
            P(_t(_("answered at"))),
            P(_when(complaint.answered_at)),
        ],
        [
            P(_t(_("repeat of"))),
            P(_t(complaint.repeat_of.number if complaint.repeat_of_id else "")),
            P(_t(_("referred by"))),
            P(_t(" ".join(x for x in (complaint.source_org, complaint.source_reference) if x))),
        ],
    ]
    story.append(_table(facts, [28 * mm, half + 18 * mm, 28 * mm, half + 18 * mm], font))
    story += [P(_t(_("description")), "h"), P(_t(complaint.description))]
    if complaint.demands:
        story += [P(_t(_("demands")), "h"), P(_t(complaint.demands))]

    def section(title, header, rows, widths):
        story.append(P(_t(title), "h"))
        if rows:
            story.append(
                _table(
                    [[P(_t(h)) for h in header], *[[P(_t(c)) for c in r] for r in rows]],
                    widths,
                    font,
                    header=True,
                )
            )
        else:
            story.append(P(_t(_("None recorded.")), "small"))

    section(
        _("Investigation"),
        [_("method"), _("investigator"), _("investigated at"), _("findings")],
        [
            [i.get_method_display(), i.investigator, _when(i.investigated_at), i.findings]
            for i in complaint.investigations.select_related("investigator")
        ],
        [28 * mm, 26 * mm, 30 * mm, 96 * mm],
    )
    section(
        _("Cause analysis"),
        [_("level"), _("cause category"), _("description")],
        [
            [c.get_level_display(), c.get_category_display(), c.description]
            for c in complaint.causes.all()
        ],
        [30 * mm, 30 * mm, 120 * mm],
    )
    section(
        _("Collaboration tasks"),
        [_("department"), _("owner"), _("due"), _("state"), _("result")],
        [
            [t.org_unit, t.assignee, _when(t.due_at), t.get_state_display(), t.result]
            for t in complaint.collaboration_tasks.select_related("org_unit", "assignee")
        ],
        [30 * mm, 24 * mm, 30 * mm, 24 * mm, 72 * mm],
    )
    story += [P(_t(_("proposed solution")), "h"), P(_t(complaint.solution))]
    section(
        _("Measures"),
        [_("proposal"), _("measure"), _("sum of money"), _("note")],
        [
            [m.round, m.get_kind_display(), m.amount if m.amount is not None else "", m.note]
            for m in complaint.measures.all()
        ],
        [20 * mm, 30 * mm, 28 * mm, 102 * mm],
    )
    section(
        _("Approvals"),
        [_("proposal"), _("level"), _("approver"), _("state"), _("comment"), _("decided at")],
        [
            [
                a.round,
                a.get_level_display(),
                a.decided_by or a.approver or "",
                a.get_state_display(),
                "\n".join(x for x in (a.comment, a.routing) if x),
                _when(a.decided_at),
            ]
            for a in complaint.approvals.select_related("approver", "decided_by")
        ],
        [18 * mm, 24 * mm, 24 * mm, 18 * mm, 66 * mm, 30 * mm],
    )
    full_id = can_see_identity_number(user)
    section(
        _("Compensation"),
        [
            _("type"),
            _("sum of money"),
            _("identity"),
            _("customer's confirmation"),
            _("payment status"),
        ],
        [
            [
                c.get_kind_display(),
                c.amount,
                _identity(c, full_id),
                _dated(c.get_confirmation_method_display(), c.confirmed_at),
                _dated(c.get_payment_status_display(), c.paid_at),
            ]
            for c in complaint.compensations.all()
        ],
        [24 * mm, 22 * mm, 52 * mm, 42 * mm, 40 * mm],
    )
    story += [P(_t(_("answer to the customer")), "h"), P(_t(complaint.answer))]
    if complaint.customer_response:
        story.append(
            P(
                _t(_("customer's response to the answer"))
                + "："
                + _t(complaint.get_customer_response_display())
                + " "
                + _when(complaint.customer_responded_at)
            )
        )
    section(
        _("Reviews"),
        [_("what the customer disputes"), _("reviewer"), _("outcome"), _("finding")],
        [
            [r.reason, r.reviewer or "", r.get_outcome_display(), r.finding]
            for r in complaint.reviews.select_related("reviewer")
        ],
        [50 * mm, 24 * mm, 30 * mm, 76 * mm],
    )
    story.append(P(_t(_("Revisit")), "h"))
    story.append(
        P(
            _t(_("revisited at"))
            + f"：{_when(complaint.revisited_at)}　"
            + _t(_("revisit method"))
            + f"：{_t(complaint.get_revisit_method_display())}　"
            + _t(_("satisfaction (1–5)"))
            + f"：{_t(complaint.satisfaction)}"
        )
    )
    if can_read_accountability(user, complaint) and hasattr(complaint, "accountability"):
        a = complaint.accountability
        story.append(P(_t(_("Responsibility finding")), "h"))
        story.append(
            _table(
                [
                    [
                        P(_t(_("justified complaint (有效投诉)"))),
                        P(_t(_("Yes") if a.is_justified else _("No"))),
                        P(_t(_("responsible party"))),
                        P(_t(a.get_responsible_party_display())),
                    ],
                    [
                        P(_t(_("staff responsible"))),
                        P(_t("、".join(str(u) for u in a.staff.all()))),
                        P(_t(_("penalty"))),
                        P(_t(f"{a.penalty} {a.penalty.amount}" if a.penalty else "")),
                    ],
                    [
                        P(_t(_("recorded by"))),
                        P(_t(a.recorded_by)),
                        P(_t(_("approved by"))),
                        P(_t(a.approved_by)),
                    ],
                ],
                [36 * mm, 54 * mm, 30 * mm, 60 * mm],
                font,
            )
        )
    section(
        _("Timeline"),
        [_("at"), _("by"), _("step"), _("message")],
        [
            [_when(e.created_at), e.actor or _("system"), e.get_type_display(), e.message[:300]]
            for e in complaint_timeline(complaint=complaint, user=user)
        ],
        [30 * mm, 24 * mm, 36 * mm, 90 * mm],
    )
    story.append(Spacer(1, 8 * mm))
    approver = complaint.approvals.filter(state="approved").select_related("decided_by").last()
    signatures = [
        [P(_t(_("Handled by"))), P(_t(complaint.owner)), P(_t(_("Signature and date")))],
        [
            P(_t(_("Approved by"))),
            P(_t(approver.decided_by if approver else "")),
            P(_t(_("Signature and date"))),
        ],
        [P(_t(_("Customer"))), P(""), P(_t(_("Signature and date")))],
    ]
    story.append(_table(signatures, [36 * mm, 54 * mm, 90 * mm], font))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{complaint.number} {_('Complaint handling form')}",
        author=settings.KESU_FIRM_NAME,
    )
    document.build(story)
    return buffer.getvalue()
