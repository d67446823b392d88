"""Each measure against figures counted by hand on a small fixture, with the edge cases:
reopened cases, cases crossing the period's edges, an empty period."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.complaints.tests.factories import receive
from kesu.core import clock
from kesu.reports import kpis
from kesu.reports.measures import Period
from kesu.reports.models import BusinessVolume

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period(dt.datetime(2026, 11, 1, tzinfo=SH), dt.datetime(2026, 12, 1, tzinfo=SH))


def at(day: int, hour: int = 10, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SH)


def made(firm, received: dt.datetime, **fields) -> Complaint:
    with clock.frozen(received):
        case = receive(firm, contact_phone=f"139{received:%m%d%H}{Complaint.objects.count():02d}")
    Complaint.objects.filter(pk=case.pk).update(**fields)
    return Complaint.objects.get(pk=case.pk)


@pytest.fixture
def fixture(firm, categories):
    # a: received Oct 30, closed Nov 2 after 3 days 2 hours, answered in time, satisfied revisit
    a = made(
        firm,
        at(30, month=10),
        status="closed",
        closed_at=at(2, 12),
        answered_at=at(1),
        resolution_met=True,
        responded_at=at(30, 11, month=10),
        response_met=True,
        revisited_at=at(2),
        is_customer_satisfied=True,
        satisfaction=5,
        escalation_level=1,
    )
    # b: received Nov 3, closed Nov 4 (24 h), answered late, reopened once, not revisited
    b = made(
        firm,
        at(3),
        status="closed",
        closed_at=at(4),
        answered_at=at(4, 9),
        resolution_met=False,
        responded_at=at(3, 11),
        response_met=False,
    )
    with clock.frozen(
        at(
            4,
            9,
        )
    ):
        ComplaintEvent.objects.create(
            complaint=b, sequence=99, type="reopened", created_at=at(4, 9)
        )
    # c: received Nov 10, open, its resolution deadline Nov 13 passed unanswered; a repeat
    c = made(firm, at(10), status="in_progress", resolution_due=at(13), repeat_of_id=a.pk)
    # d: received Nov 20, not accepted: no backlog, no overdue
    d = made(firm, at(20), status="not_accepted", resolution_due=at(25))
    # e: received Dec 2: outside the period; a portal rating of 5 given Nov 30 on case a
    e = made(firm, at(2, month=12))
    Complaint.objects.filter(pk=a.pk).update(rated_at=at(30), customer_rating=5)
    Complaint.objects.filter(pk=b.pk).update(rated_at=at(29), customer_rating=2)
    return a, b, c, d, e


def test_every_measure_on_the_fixture(fixture):
    figures = kpis.kpis(Complaint.objects.all(), NOVEMBER)
    assert figures["intake"] == 3  # b, c, d
    assert figures["closed"] == 2  # a, b
    assert figures["backlog"] == 1  # c (a and b closed, d not accepted, e later)
    assert figures["overdue"] == 1  # c; d's deadline does not count: it was not accepted
    assert figures["response_timeliness"] == 0.0  # b alone responded in November, late
    assert figures["resolution_timeliness"] == 0.5  # a in time, b late
    assert figures["avg_handling_hours"] == pytest.approx((74 + 24) / 2)
    assert figures["p90_handling_hours"] == 24.0  # offset int(0.9 * 1) = 0 of [24, 74]
    assert figures["satisfaction"] == pytest.approx(2 / 3, abs=1e-4)  # a's revisit, a's 5, b's 2
    assert figures["resolution_success"] == 0.5  # b was reopened
    assert figures["repeat_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["escalation_rate"] == 0.0  # a was escalated, but received in October
    assert figures["revisit_rate"] == 0.5  # of a and b answered, a revisited
    assert figures["justified_share"] is None  # no findings
    assert figures["valid_complaint_rate"] is None  # no volume entered


def test_an_empty_period_has_zeros_and_no_rates(fixture):
    figures = kpis.kpis(
        Complaint.objects.all(),
        Period(dt.datetime(2020, 1, 1, tzinfo=SH), dt.datetime(2020, 2, 1, tzinfo=SH)),
    )
    assert (figures["intake"], figures["closed"], figures["backlog"]) == (0, 0, 0)
    assert figures["resolution_timeliness"] is None and figures["p90_handling_hours"] is None


def test_a_breakdown_adds_up_to_the_whole(fixture, firm):
    rows = kpis.breakdown(Complaint.objects.all(), NOVEMBER, "kind")
    assert sum(r["intake"] for r in rows) == 3
    by_channel = kpis.breakdown(Complaint.objects.all(), NOVEMBER, "channel")
    assert [r["group"] for r in by_channel] == ["phone"]
    with pytest.raises(ValueError):
        kpis.compute(Complaint.objects.all(), NOVEMBER, "colour")


def test_justified_share_and_the_valid_complaint_rate(fixture, firm):
    from kesu.handling.models import Accountability

    _a, b, c, _d, _e = fixture
    for case, justified in ((b, True), (c, False)):
        Accountability.objects.create(
            complaint=case, is_justified=justified, responsible_party="staff", recorded_at=at(20)
        )
    BusinessVolume.objects.create(org_unit=firm.units.bj, month=dt.date(2026, 11, 1), volume=20_000)
    figures = kpis.kpis(Complaint.objects.all(), NOVEMBER)
    assert figures["justified_share"] == 0.5
    assert figures["valid_complaint_rate"] == 0.5  # 1 justified per 20,000 → 0.5 per 10,000


def test_the_api_gives_each_measure_with_its_definition(fixture, firm, api_as):
    response = api_as(firm.people.executive).get(
        "/reports/kpis", {"start": "2026-11-01", "end": "2026-11-30"}
    )
    data = response.json()
    assert (
        data["measures"]["intake"] == 3 and "及时率" in data["definitions"]["resolution_timeliness"]
    )
    rows = (
        api_as(firm.people.executive)
        .get(
            "/reports/breakdown",
            {"start": "2026-11-01", "end": "2026-11-30", "group": "department"},
        )
        .json()["rows"]
    )
    assert sum(r["intake"] for r in rows) == 3
    bad = api_as(firm.people.executive).get(
        "/reports/kpis", {"start": "2026-11-30", "end": "2026-11-01"}
    )
    assert bad.status_code == 422
    assert (
        api_as(firm.people.executive)
        .get("/reports/breakdown", {"start": "2026-11-01", "end": "2026-11-30", "group": "x"})
        .status_code
        == 422
    )
    # another branch's agent sees none of it
    assert (
        api_as(firm.people.sh_agent)
        .get("/reports/kpis", {"start": "2026-11-01", "end": "2026-11-30"})
        .json()["measures"]["intake"]
        == 0
    )
    assert (
        api_as(None).get("/reports/kpis", {"start": "2026-11-01", "end": "2026-11-30"}).status_code
        == 401
    )


def test_the_dashboards_few_measures_are_the_same_figures(fixture):
    from kesu.reports.dashboard import MONTH_MEASURES

    whole = kpis.kpis(Complaint.objects.all(), NOVEMBER)
    few = kpis.compute(Complaint.objects.all(), NOVEMBER, measures=MONTH_MEASURES)[None]
    assert set(few) == set(MONTH_MEASURES)
    assert few == {name: whole[name] for name in MONTH_MEASURES}
    with pytest.raises(ValueError):
        kpis.compute(Complaint.objects.all(), NOVEMBER, measures=("happiness",))


def test_the_90th_percentile_per_group_in_one_query(
    firm, categories, django_assert_max_num_queries
):
    # phone: 11 cases closed after 1 … 11 hours → row int(0.9 × 10) + 1 = 10th → 10 h;
    # email: 2 cases, 3 h and 5 h → the first → 3 h
    for hours, channel in [(h, "phone") for h in range(1, 12)] + [(3, "email"), (5, "email")]:
        made(
            firm,
            at(5, 8),
            channel=channel,
            status="closed",
            closed_at=at(5, 8) + dt.timedelta(hours=hours),
        )
    closed = Complaint.objects.filter(closed_at__isnull=False)
    with django_assert_max_num_queries(1):
        p90 = kpis._p90(closed, "channel")
    assert p90 == {"phone": 10.0, "email": 3.0}
    # all 13 in order 1 2 3 3 4 5 5 6 7 8 9 10 11: row int(0.9 × 12) + 1 = 11th → 9 h
    assert kpis._p90(closed, None) == {None: 9.0}
    rows = {r["group"]: r for r in kpis.breakdown(Complaint.objects.all(), NOVEMBER, "channel")}
    assert rows["phone"]["p90_handling_hours"] == 10.0 and rows["email"]["closed"] == 2


def test_a_paused_clock_moves_the_deadline_and_the_overdue_count(firm, policies):
    """Through the real services: a pause (待客户补充) pushes the resolution deadline out by
    the working time it lasted, so a case whose limit would have passed in November is overdue
    in December; a case still waiting on the customer is overdue nowhere; both are backlog."""
    from kesu.complaints import services
    from kesu.complaints.tests.factories import walk_to

    people = firm.people
    with clock.frozen(at(16, 9)):
        resumed = walk_to(firm, receive(firm), "in_progress")
        waiting = walk_to(firm, receive(firm, contact_phone="13900000001"), "in_progress")
    unpaused_due = resumed.resolution_due
    assert NOVEMBER.start <= unpaused_due < NOVEMBER.end
    with clock.frozen(at(18, 9)):
        for case in (resumed, waiting):
            services.complaint_pause(complaint=case, actor=people.handler, reason="请补充凭证")
    with clock.frozen(at(3, 9, month=12)):
        services.complaint_resume(complaint=resumed, actor=people.handler, note="已补充")
    resumed.refresh_from_db()
    waiting.refresh_from_db()
    assert resumed.resolution_due >= NOVEMBER.end  # 11 working days later than it was
    assert waiting.resolution_due is None  # no deadline while the clock is stopped
    december = Period(NOVEMBER.end, dt.datetime(2027, 1, 1, tzinfo=SH))
    cases = Complaint.objects.all()
    with clock.frozen(at(31, 18, month=12)):
        november, later = kpis.kpis(cases, NOVEMBER), kpis.kpis(cases, december)
    assert (november["overdue"], november["backlog"]) == (0, 2)
    assert (later["overdue"], later["backlog"]) == (1, 2)
