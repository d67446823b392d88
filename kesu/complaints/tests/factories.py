"""Cases for tests, made and walked through the real services."""

from __future__ import annotations

from kesu.complaints import services
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import Status


def receive(firm, *, actor=None, **overrides) -> Complaint:
    """A complaint received at bj-service by the agent, classified A01."""
    arguments = {
        "kind": "complaint",
        "channel": "phone",
        "contact_name": "张三",
        "contact_phone": "13800138000",
        "description": "柜台工作人员态度恶劣。",
        "demands": "道歉",
        "category": "A01",
    }
    arguments.update(overrides)
    return services.complaint_receive(actor=actor or firm.people.agent, **arguments)


def walk_to(firm, complaint: Complaint, status: Status) -> Complaint:
    """Walk a complaint along the main path until it reaches `status`."""
    p = firm.people
    steps = [
        (Status.ACCEPTED, lambda c: services.complaint_accept(complaint=c, actor=p.manager)),
        (
            Status.ASSIGNED,
            lambda c: services.complaint_assign(
                complaint=c, actor=p.manager, assignee=p.handler, org_unit=firm.units.bj_aftersales
            ),
        ),
        (Status.IN_PROGRESS, lambda c: services.complaint_start(complaint=c, actor=p.handler)),
        (
            Status.AWAITING_APPROVAL,
            lambda c: services.complaint_propose(
                complaint=c, actor=p.handler, solution="道歉并培训"
            ),
        ),
        (
            Status.APPROVED,
            lambda c: services.complaint_approve(complaint=c, actor=p.department_head),
        ),
        (
            Status.ANSWERED,
            lambda c: services.complaint_answer(complaint=c, actor=p.handler, answer="已处理"),
        ),
        # a first revisit call goes unanswered; the second finds the customer satisfied,
        # which closes the case
        (
            Status.FOLLOW_UP,
            lambda c: services.complaint_follow_up(
                complaint=c, actor=p.agent, note="客户未接听", reached=False
            ),
        ),
        (
            Status.CLOSED,
            lambda c: services.complaint_follow_up(
                complaint=c, actor=p.agent, note="回访满意", satisfaction=5
            ),
        ),
    ]
    if status == Status.NOT_ACCEPTED:
        return services.complaint_reject(
            complaint=complaint, actor=p.manager, reason="不属于受理范围"
        )
    path = [Status.RECEIVED, *(reached for reached, _step in steps)]
    for reached, step in steps[path.index(Status(complaint.status)) :]:
        if complaint.status == status:
            break
        complaint = step(complaint)
        assert complaint.status == reached
    return complaint
