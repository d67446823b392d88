"""What the case page shows of the handling: one query per kind of record."""

from __future__ import annotations

from kesu.handling.services import can_read_accountability, can_see_identity_number


def handling_summary(*, complaint, user) -> dict:
    full_id = can_see_identity_number(user)
    compensations = list(complaint.compensations.select_related("verified_by", "paid_by"))
    for row in compensations:
        row.shown_id = row.id_number if full_id else row.id_number_masked
    accountability = None
    if can_read_accountability(user, complaint):
        accountability = getattr(complaint, "accountability", None)
    return {
        "investigations": complaint.investigations.select_related("investigator"),
        "causes": complaint.causes.all(),
        "tasks": complaint.collaboration_tasks.select_related("org_unit", "assignee"),
        "measures": complaint.measures.all(),
        "approvals": complaint.approvals.select_related("approver", "decided_by"),
        "reviews": complaint.reviews.select_related("reviewer"),
        "compensations": compensations,
        "accountability": accountability,
    }
