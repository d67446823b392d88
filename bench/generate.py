"""A firm's history of realistic cases, loaded fast (run by hand, not a test).

    export KESU_LOG_LEVEL=WARNING
    KESU_DATABASE_URL=sqlite:///$PWD/var/reports.sqlite3 .venv/bin/python bench/generate.py 1000000
    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_reports \
        .venv/bin/python bench/generate.py 10000000

Arguments: how many cases, and optionally --years (6) and --seed (1).

The cases are spread over the last `years` years up to the firm's clock, with the shape a
bank's complaint desk sees: growth year on year, more after the Spring Festival, around 618
and Double 11, fewer at weekends, most in office hours. They belong to a head office with 12
branches of 3 departments, bank categories weighted so some are common, customers of three
segments (some come back: repeats), and every stage of the life of a case: not accepted,
waiting, in progress, answered, revisited, reopened and closed, late or on time, escalated,
rated in the portal, with responsibility findings for a third of the complaints, and the
timeline events the league tables read (each answer, each reopening).

It bypasses the services (this measures reading, not intake): rows are written in bulk,
with the case table's secondary indexes dropped during the load and rebuilt after it —
`executemany` in one transaction on SQLite, `COPY` on PostgreSQL.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import os
import random
import sys
import time
from array import array

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from kesu.accounts.models import OrgUnit, RoleAssignment, User  # noqa: E402
from kesu.complaints.models import Category, Complaint, ComplaintEvent  # noqa: E402
from kesu.complaints.services import preset_load  # noqa: E402
from kesu.core import clock  # noqa: E402
from kesu.customers.models import Customer  # noqa: E402
from kesu.handling.models import Accountability  # noqa: E402

HOUR, DAY = 3600, 86400
CITIES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "成都",
    "武汉",
    "西安",
    "天津",
    "苏州",
    "重庆",
]
DEPARTMENTS = [("retail", "零售业务部"), ("card", "信用卡部"), ("ops", "运营管理部")]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高") * 2 + list("郑梁谢宋唐许韩冯邓曹")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志晓东")
SERVICES = [
    "办理储蓄卡挂失",
    "申请信用卡",
    "办理房贷提前还款",
    "购买理财产品",
    "办理跨行转账",
    "开立对公账户",
    "使用手机银行",
    "在自助柜员机取款",
    "咨询分期手续费",
    "办理社保卡激活",
]
PROBLEMS = [
    "等候一个多小时无人处理",
    "柜员态度生硬，不愿解释",
    "被收取了事先未告知的费用",
    "账户资金被冻结且无人说明原因",
    "多次来电均被转接后挂断",
    "产品收益与销售时承诺的不符",
    "短信验证码一直收不到",
    "扣款金额与账单不一致",
    "办理进度无人跟进",
    "个人信息被泄露后接到推销电话",
]
DEMANDS = ["要求退还费用", "要求书面解释", "要求赔偿损失", "要求道歉", "要求尽快办结"]
MONTH = [1.25, 0.7, 1.2, 1.0, 1.0, 1.15, 1.0, 0.95, 1.0, 0.9, 1.3, 1.2]  # by month of year
WEEKDAY = [1.15, 1.05, 1.0, 1.0, 1.05, 0.6, 0.5]
HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.5, 1, 3, 8, 12, 13, 12, 8, 9, 12, 12, 11, 9, 6, 5, 4, 3, 2, 1.5]
KINDS = (("complaint", 70), ("inquiry", 20), ("suggestion", 10))
CHANNELS = (
    ("phone", 40),
    ("portal", 16),
    ("email", 8),
    ("walk_in", 14),
    ("letter", 2),
    ("opinion_book", 3),
    ("social", 6),
    ("third_party", 11),
)
SEVERITIES = (("general", 82), ("important", 14), ("urgent", 4))
SEGMENTS = (("individual", 80), ("business", 12), ("key", 5), ("", 3))


def chooser(rng: random.Random, weighted):
    values = [value for value, _ in weighted]
    cumulative = list(itertools.accumulate(weight for _, weight in weighted))
    total = cumulative[-1]
    return lambda: values[bisect.bisect(cumulative, rng.random() * total)]


def setup(customers: int, rng: random.Random):
    """The firm: org units, staff, categories and customers (made once, through the ORM)."""
    preset_load(name="bank")
    company, _ = OrgUnit.objects.get_or_create(
        code="bench-hq", defaults={"name": "总行", "kind": "company"}
    )
    departments = []
    for index, city in enumerate(CITIES):
        branch, _ = OrgUnit.objects.get_or_create(
            code=f"bench-{index:02d}",
            defaults={"name": f"{city}分行", "kind": "branch", "parent": company},
        )
        for code, name in DEPARTMENTS:
            unit, _ = OrgUnit.objects.get_or_create(
                code=f"bench-{index:02d}-{code}",
                defaults={"name": f"{city}{name}", "kind": "department", "parent": branch},
            )
            departments.append((branch, unit))
    executive, made = User.objects.get_or_create(
        username="bench-executive", defaults={"email": "exec@kesu.test", "first_name": "行长"}
    )
    if made:
        executive.set_password("Kesu@2026")
        executive.save()
        RoleAssignment.objects.create(user=executive, role="executive", org_unit=company)
    staff = {}
    for _branch, unit in departments:
        agents = []
        for n in range(3):
            user, _ = User.objects.get_or_create(
                username=f"{unit.code}-{n}", defaults={"email": f"{unit.code}-{n}@kesu.test"}
            )
            RoleAssignment.objects.get_or_create(user=user, role="handler", org_unit=unit)
            agents.append(user.pk)
        staff[unit.pk] = agents
    leaves = list(
        Category.objects.filter(preset="bank", parent__isnull=False).values_list("pk", flat=True)
    )
    have = Customer.objects.count()
    segment = chooser(rng, SEGMENTS)
    batch = []
    for index in range(have, customers):
        batch.append(
            Customer(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
                phone=f"1{rng.choice('3456789')}{index:09d}",
                segment=segment(),
            )
        )
        if len(batch) == 10_000:
            Customer.objects.bulk_create(batch)
            batch = []
    Customer.objects.bulk_create(batch)
    customer_ids = array("q", Customer.objects.order_by("pk").values_list("pk", flat=True))
    return departments, staff, leaves, customer_ids


def arrivals(total: int, years: int, end: int, rng: random.Random):
    """Received times (epoch seconds, ascending) with seasonality, weekdays and office hours."""
    start = end - years * 365 * DAY
    start -= start % DAY
    days = (end - start) // DAY + 1
    weights = []
    for day in range(days):
        moment = time.gmtime(start + day * DAY + 8 * HOUR)  # Beijing time
        growth = 1.1 ** (day / 365)
        weights.append(MONTH[moment.tm_mon - 1] * WEEKDAY[moment.tm_wday] * growth)
    scale = total / sum(weights)
    hours = list(itertools.accumulate(HOURS))
    made = 0
    for day in range(days):
        count = round(weights[day] * scale * rng.uniform(0.85, 1.15))
        count = min(count, total - made) if day < days - 1 else total - made
        seconds = sorted(
            bisect.bisect(hours, rng.random() * hours[-1]) * HOUR + rng.randrange(HOUR)
            for _ in range(count)
        )
        for second in seconds:
            moment = start + day * DAY + second - 8 * HOUR  # back to UTC
            if moment < end:
                made += 1
                yield moment
    while made < total:  # today's share fell after the clock: the remainder is this morning
        made += 1
        yield end - rng.randrange(6 * HOUR)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("total", type=int)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    now = int(clock.now().timestamp())
    started = time.perf_counter()
    have = Complaint.objects.count()
    if have >= args.total:
        print(f"{have} cases already there")
        return
    departments, staff, leaves, customer_ids = setup(max(args.total // 8, 1000), rng)
    first_id = (Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    print(f"setup {time.perf_counter() - started:.1f} s; loading {args.total - have} cases")
    writer = Writer(connection.vendor)
    with transaction.atomic():
        dropped = writer.drop_indexes()
        load(
            args.total - have,
            first_id,
            now,
            args.years,
            rng,
            departments,
            staff,
            leaves,
            customer_ids,
            writer,
        )
        writer.rebuild(dropped)
    writer.finish()
    print(f"done in {time.perf_counter() - started:.0f} s: {Complaint.objects.count()} cases")


COLUMNS = [field.column for field in Complaint._meta.concrete_fields]
POS = {name: index for index, name in enumerate(COLUMNS)}


def ts(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


def load(total, first_id, now, years, rng, departments, staff, leaves, customer_ids, writer):
    kind_of, channel_of = chooser(rng, KINDS), chooser(rng, CHANNELS)
    severity_of = chooser(rng, SEVERITIES)
    # Some categories are far more common than others (Zipf-like).
    category_of = chooser(rng, [(pk, 1 / (rank + 1)) for rank, pk in enumerate(leaves)])
    department_of = chooser(rng, [(i, 1 + (i % 5)) for i in range(len(departments))])
    base = [None] * len(COLUMNS)
    for name, value in {
        "contact_email": "",
        "service_item": "",
        "staff_involved": "",
        "special_flags": "[]",
        "risk": "low",
        "escalation_level": 0,
        "adoption": "",
        "revisit_method": "",
        "language": "zh-hans",
        "source_org": "",
        "source_reference": "",
        "imported_reference": "",
        "solution": "",
        "answer": "",
        "customer_response": "",
        "customer_rating_comment": "",
        "resolution_limit_unit": "",
        "is_awaiting_customer": False,
        "pauses": "[]",
        "next_due_target": "",
        "alert_stage": 0,
        "version": 1,
    }.items():
        base[POS[name]] = value
    customer_of_case = array("q")
    events, findings = [], []
    pk = first_id
    progress = time.perf_counter()
    for made, received in enumerate(arrivals(total, years, now, rng)):
        row = base[:]
        kind = kind_of()
        branch, unit = departments[department_of()]
        customer = customer_ids[
            min(int(rng.paretovariate(1.2)) - 1, len(customer_ids) - 1)
            if rng.random() < 0.3
            else rng.randrange(len(customer_ids))
        ]
        repeat_of = None
        if kind == "complaint" and made > 500 and rng.random() < 0.04:
            back = rng.randrange(1, 500)
            repeat_of = pk - back
            customer = customer_of_case[made - back]
        customer_of_case.append(customer)
        row[POS["id"]] = pk
        row[POS["number"]] = "H" + time.strftime("%Y%m%d", time.gmtime(received)) + f"{pk:08d}"
        row[POS["kind"]] = kind
        row[POS["channel"]] = channel_of()
        row[POS["received_at"]] = row[POS["created_at"]] = ts(received)
        row[POS["customer_id"]] = customer
        row[POS["contact_name"]] = rng.choice(SURNAMES) + rng.choice(GIVEN)
        row[POS["contact_phone"]] = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        problem = rng.choice(PROBLEMS)
        row[POS["incident_place"]] = branch.name
        row[POS["description"]] = f"客户在{branch.name}{rng.choice(SERVICES)}时{problem}。"
        row[POS["demands"]] = rng.choice(DEMANDS) if kind == "complaint" else ""
        row[POS["category_id"]] = category_of()
        row[POS["severity"]] = severity_of()
        row[POS["intake_unit_id"]] = branch.pk
        row[POS["org_unit_id"]] = unit.pk
        row[POS["owner_id"]] = rng.choice(staff[unit.pk])
        row[POS["created_by_id"]] = rng.choice(staff[unit.pk])
        row[POS["repeat_of_id"]] = repeat_of
        updated = life(row, kind, received, now, rng, pk, events, findings)
        row[POS["updated_at"]] = ts(updated)
        writer.case(row)
        pk += 1
        if (made + 1) % 100_000 == 0:
            writer.flush(events, findings)
            events, findings = [], []
            rate = 100_000 / (time.perf_counter() - progress)
            progress = time.perf_counter()
            print(f"  {made + 1:>10,} cases ({rate:,.0f}/s)", flush=True)
    writer.flush(events, findings)


def life(row, kind, received, now, rng, pk, events, findings) -> int:
    """Fill in the case's life up to now; returns when it last changed."""
    limit = {"complaint": 7, "inquiry": 2, "suggestion": 10}[kind] * DAY
    row[POS["response_due"]] = ts(received + DAY)
    row[POS["resolution_due"]] = ts(received + limit)
    row[POS["resolution_started_at"]] = ts(received)
    if rng.random() < 0.03:  # not accepted: answered the same day, no clock after
        responded = received + rng.randrange(HOUR, 8 * HOUR)
        if responded > now:
            return open_case(row, "received", received, received + DAY, "response")
        row[POS["status"]] = "not_accepted"
        row[POS["responded_at"]] = ts(responded)
        row[POS["response_met"]] = True
        row[POS["resolution_due"]] = None
        return responded
    responded = received + int(rng.expovariate(1 / (5 * HOUR)))
    if responded > now:
        return open_case(row, "received", received, received + DAY, "response")
    row[POS["status"]] = "accepted"
    row[POS["accepted_at"]] = row[POS["responded_at"]] = ts(responded)
    row[POS["response_met"]] = responded <= received + DAY
    answered = received + int(DAY * math.exp(rng.gauss(1.1, 0.7)))
    if rng.random() < 0.06:
        row[POS["escalation_level"]] = 1 + (rng.random() < 0.2)
    if answered > now:
        status = rng.choice(["assigned", "in_progress", "in_progress", "awaiting_approval"])
        return open_case(row, status, responded, received + limit, "resolution")
    row[POS["answered_at"]] = ts(answered)
    # the answer's event: the league tables count who answered what, and when
    events.append((pk, 1, "answered", answered, row[POS["owner_id"]], "approved", "answered", ""))
    row[POS["resolution_met"]] = answered <= received + limit
    row[POS["answer"]] = "经核实，已按规定处理，并向客户说明。"
    if kind == "inquiry":
        return close(row, answered)
    if kind == "suggestion":
        row[POS["adoption"]] = rng.choice(["adopted", "partly", "not_adopted", "under_study"])
        if answered + DAY <= now:
            return close(row, answered + DAY)
        row[POS["status"]] = "answered"
        return answered
    revisit_due = answered + 3 * DAY
    row[POS["revisit_due"]] = ts(revisit_due)
    if rng.random() < 0.2:  # the customer rates the answer in the portal
        rated = answered + rng.randrange(HOUR, 2 * DAY)
        if rated <= now:
            row[POS["customer_rating"]] = rating = rng.choices([5, 4, 3, 2, 1], [50, 25, 12, 8, 5])[
                0
            ]
            row[POS["rated_at"]] = ts(rated)
            row[POS["customer_response"]] = "confirmed" if rating >= 3 else "disputed"
            row[POS["customer_responded_at"]] = ts(rated)
    revisited = answered + rng.randrange(4 * HOUR, 4 * DAY)
    if revisited > now:
        row[POS["status"]] = "answered"
        return open_case(row, "answered", answered, revisit_due, "revisit")
    row[POS["revisit_method"]] = rng.choice(["phone", "phone", "sms", "visit"])
    row[POS["revisit_met"]] = revisited <= revisit_due
    if rng.random() < 0.05:  # dissatisfied: reopened, answered again, revisited again
        events.append(
            (pk, 2, "reopened", revisited, None, "closed", "in_progress", "客户不满意，重新处理。")
        )
        reopened = revisited
        revisited = reopened + int(DAY * math.exp(rng.gauss(1.5, 0.5)))
        row[POS["resolution_started_at"]] = ts(reopened)
        if revisited > now:
            row[POS["revisited_at"]] = ts(reopened)
            row[POS["is_customer_satisfied"]] = False
            row[POS["satisfaction"]] = rng.choice([1, 2])
            return open_case(row, "in_progress", reopened, reopened + limit, "resolution")
    row[POS["revisited_at"]] = ts(revisited)
    row[POS["satisfaction"]] = rng.choices([5, 4, 3], [60, 30, 10])[0]
    row[POS["is_customer_satisfied"]] = True
    if rng.random() < 0.33:
        findings.append((pk, rng.random() < 0.55, revisited))
    return close(row, revisited)


def close(row, closed: int) -> int:
    row[POS["status"]] = "closed"
    row[POS["closed_at"]] = ts(closed)
    return closed


def open_case(row, status, since, due, target) -> int:
    row[POS["status"]] = status
    row[POS["next_due_at"]] = ts(due)
    row[POS["next_due_target"]] = target
    row[POS["at_risk_at"]] = ts(since + int((due - since) * 0.8))
    return since


class Writer:
    """Bulk rows into the case, event and finding tables, by the fastest road each database
    offers."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.rows: list = []
        self.raw = connection.connection if vendor != "sqlite" else None
        connection.ensure_connection()
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = OFF")
            else:
                # The rows are consistent by construction: no foreign-key trigger per row
                # (needs a superuser; the benchmark's database is its own).
                cursor.execute("SET session_replication_role = replica")

    def drop_indexes(self) -> list[str]:
        table = Complaint._meta.db_table
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
            dropped = []
            for name, info in constraints.items():
                if info["index"] and not info["primary_key"] and not info["unique"]:
                    if self.vendor == "sqlite":
                        cursor.execute(
                            "SELECT sql FROM sqlite_master WHERE type='index' AND name=%s", [name]
                        )
                    else:
                        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname=%s", [name])
                    found = cursor.fetchone()
                    if found and found[0]:
                        dropped.append(found[0])
                        cursor.execute(f'DROP INDEX "{name}"')
        return dropped

    def rebuild(self, dropped: list[str]) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '1GB'")
            for sql in dropped:
                cursor.execute(sql)
        print(f"  {len(dropped)} indexes rebuilt in {time.perf_counter() - started:.0f} s")

    def case(self, row) -> None:
        self.rows.append(row)

    def flush(self, events, findings) -> None:
        table = Complaint._meta.db_table
        event_rows = [
            (pk, sequence, kind, ts(moment), actor, kind == "answered", before, after, text, "{}")
            for pk, sequence, kind, moment, actor, before, after, text in events
        ]
        finding_rows = [
            (pk, justified, "department" if justified else "none", "", ts(moment))
            for pk, justified, moment in findings
        ]
        event_columns = (
            "complaint_id",
            "sequence",
            "type",
            "created_at",
            "actor_id",
            "is_public",
            "from_status",
            "to_status",
            "message",
            "data",
        )
        finding_columns = (
            "complaint_id",
            "is_justified",
            "responsible_party",
            "note",
            "recorded_at",
        )
        batches = [
            (table, COLUMNS, self.rows),
            (ComplaintEvent._meta.db_table, event_columns, event_rows),
            (Accountability._meta.db_table, finding_columns, finding_rows),
        ]
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                for name, columns, rows in batches:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({marks})', rows
                    )
        else:
            with self.raw.cursor() as cursor:
                for name, columns, rows in batches:
                    with cursor.copy(f'COPY "{name}" ({", ".join(columns)}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write(tsv(row))
        self.rows = []

    def finish(self) -> None:
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for model in (Complaint, ComplaintEvent, Accountability):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f'(SELECT max(id) FROM "{table}"))'
                    )
            if self.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")


def tsv(row) -> str:
    """One COPY text line (the session's time zone is UTC, as Django sets it)."""
    return (
        "\t".join(
            "\\N"
            if value is None
            else ("t" if value else "f")
            if isinstance(value, bool)
            else str(value)
            for value in row
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
