"""Builds the demo firm: an org tree, one user per role, the general preset, and about 200
cases over the last six months, each walked through the real services at its own times so
that every timeline is genuine."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from kesu.accounts.models import OrgUnit, User
from kesu.accounts.roles import Role
from kesu.accounts.services import org_unit_create, role_grant
from kesu.complaints.models import Category, Channel, Complaint
from kesu.complaints.services import (
    complaint_accept,
    complaint_add_note,
    complaint_answer,
    complaint_approve,
    complaint_assign,
    complaint_close,
    complaint_escalate,
    complaint_follow_up,
    complaint_propose,
    complaint_receive,
    complaint_reject,
    complaint_return,
    complaint_start,
    preset_load,
)
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.demo.scenarios import (
    ANSWERS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    MOBILE_PREFIXES,
    NOTES,
    SCENARIOS,
    SOLUTIONS,
    Scenario,
)
from kesu.handling.services import suggestion_decide

DEMO_PASSWORD = "Kesu@2026"

# (code, name, kind, parent code)
ORG_TREE = [
    ("hq", "华信服务集团总公司", OrgUnit.Kind.COMPANY, None),
    ("hq-service", "总公司客户服务中心", OrgUnit.Kind.DEPARTMENT, "hq"),
    ("hq-quality", "总公司质量管理部", OrgUnit.Kind.DEPARTMENT, "hq"),
    ("bj", "北京分公司", OrgUnit.Kind.BRANCH, "hq"),
    ("bj-service", "北京分公司客户服务部", OrgUnit.Kind.DEPARTMENT, "bj"),
    ("bj-sales", "北京分公司营业部", OrgUnit.Kind.DEPARTMENT, "bj"),
    ("bj-aftersales", "北京分公司售后服务部", OrgUnit.Kind.DEPARTMENT, "bj"),
    ("bj-maintenance", "北京分公司工程维修部", OrgUnit.Kind.DEPARTMENT, "bj"),
    ("sh", "上海分公司", OrgUnit.Kind.BRANCH, "hq"),
    ("sh-service", "上海分公司客户服务部", OrgUnit.Kind.DEPARTMENT, "sh"),
    ("sh-sales", "上海分公司营业部", OrgUnit.Kind.DEPARTMENT, "sh"),
    ("sh-aftersales", "上海分公司售后服务部", OrgUnit.Kind.DEPARTMENT, "sh"),
]

# (username, display name, role, unit code). The first seven are the README's one user per role.
USERS = [
    ("admin", "系统管理员", Role.ADMINISTRATOR, "hq"),
    ("executive", "赵国强", Role.EXECUTIVE, "hq"),
    ("quality", "陈静", Role.QUALITY_MANAGER, "hq"),
    ("supervisor", "刘洋", Role.SUPERVISOR, "bj"),
    ("manager", "李娜", Role.COMPLAINT_MANAGER, "bj-service"),
    ("agent", "王芳", Role.AGENT, "bj-service"),
    ("handler", "张伟", Role.HANDLER, "bj-aftersales"),
    ("zhou.lei", "周磊", Role.SUPERVISOR, "bj-aftersales"),
    ("sun.li", "孙丽", Role.HANDLER, "bj-maintenance"),
    ("wu.gang", "吴刚", Role.HANDLER, "bj-sales"),
    ("gao.min", "高敏", Role.HANDLER, "bj-service"),
    ("zheng.min", "郑敏", Role.SUPERVISOR, "sh"),
    ("ma.chao", "马超", Role.COMPLAINT_MANAGER, "sh-service"),
    ("he.jing", "何静", Role.AGENT, "sh-service"),
    ("lin.feng", "林峰", Role.HANDLER, "sh-aftersales"),
    ("huang.qiang", "黄强", Role.HANDLER, "sh-sales"),
    ("xu.hui", "徐辉", Role.HANDLER, "sh-service"),
]

# Per branch: who takes cases in, who manages them, and who handles each department's share.
BRANCHES = {
    "bj": {
        "agent": "agent",
        "manager": "manager",
        "departments": {
            "sales": ("bj-sales", "wu.gang"),
            "aftersales": ("bj-aftersales", "handler"),
            "maintenance": ("bj-maintenance", "sun.li"),
            "service": ("bj-service", "gao.min"),
        },
    },
    "sh": {
        "agent": "he.jing",
        "manager": "ma.chao",
        "departments": {
            "sales": ("sh-sales", "huang.qiang"),
            "aftersales": ("sh-aftersales", "lin.feng"),
            "maintenance": ("sh-aftersales", "lin.feng"),
            "service": ("sh-service", "xu.hui"),
        },
    },
}

PATHS = {
    "complaint": [
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.AWAITING_APPROVAL,
        Status.APPROVED,
        Status.ANSWERED,
        Status.FOLLOW_UP,
        Status.CLOSED,
    ],
    "inquiry": [Status.RECEIVED, Status.ACCEPTED, Status.ANSWERED, Status.CLOSED],
    "suggestion": [
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.AWAITING_APPROVAL,
        Status.APPROVED,
        Status.ANSWERED,
        Status.CLOSED,
    ],
}


def demo_is_loaded() -> bool:
    return OrgUnit.objects.filter(code="hq").exists()


def _build_org() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent in ORG_TREE:
        units[code] = org_unit_create(code=code, name=name, kind=kind, parent=units.get(parent))
    return units


def _build_users(units: dict[str, OrgUnit]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, display_name, role, unit in USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name = display_name
        user.email = f"{username}@kesu.example"
        user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        role_grant(user=user, role=role, org_unit=units[unit])
        users[username] = user
    return users


@dataclass
class _Customer:
    name: str
    phone: str
    email: str


def _customers(rng: random.Random, count: int) -> list[_Customer]:
    people = []
    for index in range(count):
        name = rng.choice(FAMILY_NAMES) + rng.choice(GIVEN_NAMES)
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        email = f"customer{index:03d}@example.com" if rng.random() < 0.4 else ""
        people.append(_Customer(name, phone, email))
    return people


def _target_status(rng: random.Random, kind: str, age_days: float) -> Status:
    """Old cases are mostly finished; recent ones are spread over the whole path."""
    path = PATHS[kind]
    if rng.random() < 0.05:
        return Status.NOT_ACCEPTED
    if age_days > 30:
        return path[-1] if rng.random() < 0.92 else rng.choice(path[-3:])
    return rng.choice(path)


class _Walker:
    """Walks one case along its path, each step at a later moment, never past `now`."""

    def __init__(self, rng: random.Random, start: dt.datetime, end: dt.datetime, steps: int):
        self.rng = rng
        self.moment = start
        # Spread the steps over the time available, with some randomness, finishing before end.
        self.budget = (end - start) / max(steps + 1, 1)

    def later(self) -> dt.datetime:
        self.moment += self.budget * self.rng.uniform(0.3, 1.0)
        return self.moment


def _walk(
    rng: random.Random,
    scenario: Scenario,
    customer: _Customer,
    branch: dict,
    users: dict[str, User],
    received_at: dt.datetime,
    now: dt.datetime,
) -> Complaint:
    target = _target_status(rng, scenario.kind, (now - received_at).days)
    path = PATHS[scenario.kind]
    steps = 1 if target == Status.NOT_ACCEPTED else path.index(target)
    horizon = min(
        now - dt.timedelta(minutes=10), received_at + dt.timedelta(days=rng.uniform(3, 12))
    )
    walker = _Walker(rng, received_at, horizon, steps + 2)
    agent, manager = users[branch["agent"]], users[branch["manager"]]
    unit_code, handler_name = branch["departments"][scenario.department]
    handler = users[handler_name]
    supervisor = (
        users["zhou.lei"]
        if unit_code == "bj-aftersales"
        else users["supervisor" if branch is BRANCHES["bj"] else "zheng.min"]
    )

    with clock.frozen(received_at):
        complaint = complaint_receive(
            actor=agent,
            kind=scenario.kind,
            channel=rng.choice(
                [c for c in Channel.values if c != Channel.EMAIL] + ["phone", "phone"]
            ),
            contact_name=customer.name,
            contact_phone=customer.phone,
            contact_email=customer.email,
            description=scenario.description,
            demands=scenario.demands,
            category=scenario.category,
            severity=scenario.severity,
            risk=scenario.risk,
            service_item=scenario.service_item,
            incident_place=scenario.place,
            incident_at=received_at - dt.timedelta(hours=rng.randint(1, 72)),
            amount_involved=scenario.amount,
            special_flags=["elderly"] if rng.random() < 0.08 else [],
        )
    if target == Status.NOT_ACCEPTED:
        with clock.frozen(walker.later()):
            return complaint_reject(
                complaint=complaint,
                actor=manager,
                reason="经核实，该事项不属于本公司服务范围，已告知客户向相关单位反映。",
            )
    is_inquiry = scenario.kind == "inquiry"
    for status in path[1 : steps + 1]:
        with clock.frozen(walker.later()):
            if status == Status.ACCEPTED:
                complaint = complaint_accept(
                    complaint=complaint, actor=agent if is_inquiry else manager
                )
            elif status == Status.ASSIGNED:
                complaint = complaint_assign(
                    complaint=complaint, actor=manager, assignee=handler, org_unit=unit_code
                )
            elif status == Status.IN_PROGRESS:
                complaint = complaint_start(complaint=complaint, actor=handler)
                if rng.random() < 0.5:
                    complaint_add_note(complaint=complaint, actor=handler, text=rng.choice(NOTES))
            elif status == Status.AWAITING_APPROVAL:
                complaint = complaint_propose(
                    complaint=complaint, actor=handler, solution=rng.choice(SOLUTIONS)
                )
                if rng.random() < 0.1:
                    complaint = complaint_return(
                        complaint=complaint,
                        actor=supervisor,
                        reason="补偿方案依据不足，请补充调查材料后重新提交。",
                    )
                    complaint = complaint_propose(
                        complaint=complaint, actor=handler, solution=rng.choice(SOLUTIONS)
                    )
            elif status == Status.APPROVED:
                complaint = complaint_approve(
                    complaint=complaint, actor=supervisor, comment="同意，请尽快答复客户。"
                )
            elif status == Status.ANSWERED:
                if scenario.kind == "suggestion":
                    complaint = suggestion_decide(
                        complaint=complaint,
                        actor=supervisor,
                        adoption=rng.choice(["adopted", "partly", "not_adopted", "under_study"]),
                        reason="经研究，结合门店实际情况作出决定。",
                    )
                answerer = agent if is_inquiry else handler
                complaint = complaint_answer(
                    complaint=complaint, actor=answerer, answer=rng.choice(ANSWERS)
                )
            elif status == Status.FOLLOW_UP:
                # Some customers do not answer the first call; the case waits in follow-up.
                if rng.random() < 0.25:
                    complaint = complaint_follow_up(
                        complaint=complaint,
                        actor=agent,
                        note="电话回访，客户未接听。",
                        reached=False,
                    )
                    continue
                satisfied = rng.random() < 0.88
                complaint = complaint_follow_up(
                    complaint=complaint,
                    actor=agent,
                    satisfaction=rng.choice([4, 5, 5]) if satisfied else rng.choice([1, 2]),
                    note="电话回访客户，"
                    + ("客户对处理结果表示满意。" if satisfied else "客户对处理结果仍不满意。"),
                )
                if not satisfied:
                    # the dissatisfied revisit reopened the case: another round of handling
                    complaint = complaint_propose(
                        complaint=complaint, actor=handler, solution=rng.choice(SOLUTIONS)
                    )
                    complaint = complaint_approve(complaint=complaint, actor=supervisor)
                    complaint = complaint_answer(
                        complaint=complaint, actor=handler, answer=rng.choice(ANSWERS)
                    )
                    complaint = complaint_follow_up(
                        complaint=complaint,
                        actor=agent,
                        satisfaction=4,
                        note="再次回访，客户表示认可。",
                    )
            elif status == Status.CLOSED:
                if complaint.status == Status.FOLLOW_UP:
                    complaint = complaint_follow_up(
                        complaint=complaint,
                        actor=agent,
                        satisfaction=5,
                        note="再次回访，客户满意。",
                    )
                elif complaint.status != Status.CLOSED:
                    complaint = complaint_close(complaint=complaint, actor=manager)
    if (
        complaint.status not in (Status.CLOSED, Status.NOT_ACCEPTED)
        and scenario.severity == "urgent"
    ):
        with clock.frozen(walker.later()):
            complaint = complaint_escalate(
                complaint=complaint, actor=manager, reason="紧急投诉，客户要求领导出面处理。"
            )
    return complaint


@transaction.atomic
def load_demo(*, count: int = 200, seed: int = 2026, now: dt.datetime | None = None) -> int:
    """Load the demo firm and `count` cases; returns how many cases were made."""
    now = now or clock.now()
    rng = random.Random(seed)
    preset_load(name="general")
    units = _build_org()
    users = _build_users(units)
    customers = _customers(rng, max(count * 3 // 5, 1))
    moments = sorted(now - dt.timedelta(days=rng.uniform(0.05, 182)) for _ in range(count))
    for received_at in moments:
        branch = BRANCHES["bj"] if rng.random() < 0.6 else BRANCHES["sh"]
        # A handful of customers come back: repeat complaints are part of the measures.
        customer = rng.choice(customers[:10]) if rng.random() < 0.15 else rng.choice(customers)
        _walk(rng, rng.choice(SCENARIOS), customer, branch, users, received_at, now)
    _demo_mail()
    return count


# Three emails as they arrive: a GBK complaint, an auto-reply, and one that cannot be read
# (no sender), so that the mail queue has something to show.
_DEMO_MAIL = (
    b"From: =?GBK?B?1cXFrsq/?= <zhang.ns@example.cn>\r\nSubject: =?GBK?B?zbbL39K1zvG3/s7x?="
    b"\r\nContent-Type: text/plain; charset=GBK\r\n\r\n"
    + "上周在朝阳门网点办理挂失，等了一个半小时，柜员还说不归他管。".encode("gbk"),
    b"From: li@example.cn\r\nSubject: Automatic reply\r\nAuto-Submitted: auto-replied\r\n\r\n"
    b"I am on leave.",
    b"Subject: =?UTF-8?B?5oqV6K+J?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    + "没有发件人的来信：请联系我，电话 139 0000 1234。".encode(),
)


def _demo_mail() -> None:
    from kesu.intake.services import inbound_email_take

    for number, raw in enumerate(_DEMO_MAIL, start=1):
        inbound_email_take(raw=raw, source=f"demo:{number}")


def demo_summary() -> dict[str, int]:
    return {
        "org_units": OrgUnit.objects.count(),
        "users": User.objects.count(),
        "categories": Category.objects.count(),
        "complaints": Complaint.objects.count(),
    }
