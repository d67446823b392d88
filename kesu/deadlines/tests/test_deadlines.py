"""Each case's deadlines from its policy on the real calendar, kept as the case moves."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.complaints import services
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.core.errors import Conflict, PermissionDenied, ValidationFailed
from kesu.deadlines.models import BusinessHours, CalendarDay, DeadlineExtension, TimeLimitPolicy
from kesu.deadlines.services import time_limit_preset_load

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def received_at(firm, moment: str, **overrides) -> Complaint:
    with clock.frozen(at(moment)):
        return receive(firm, **overrides)


def test_a_general_complaint_gets_its_deadlines_from_the_general_policy(firm, policies):
    case = received_at(firm, "2026-09-30 10:00")
    assert (case.response_due, case.resolution_due, case.revisit_due) == (
        at("2026-10-03 10:00"),
        at("2026-10-10 10:00"),
        None,
    )
    assert case.response_policy.name == case.resolution_policy.name == "通用：投诉处理时限"
    assert (case.next_due_target, case.next_due_at) == ("response", at("2026-10-03 10:00"))
    # 80% of three days: 57 h 36 min
    assert case.at_risk_at == at("2026-10-02 19:36")
    assert case.events.get().data["deadlines"]["resolution_due"] == [
        None,
        "2026-10-10T10:00:00+08:00",
    ]


def test_each_deadline_comes_from_the_most_specific_policy_that_sets_it(firm, policies):
    # an urgent complaint at 23:50 on a holiday: response within 1 hour around the clock,
    # resolution from the general policy in working days
    case = received_at(firm, "2026-10-01 23:50", severity="urgent")
    assert case.response_due == at("2026-10-02 00:50")
    assert case.response_policy.name == "通用：紧急投诉1小时响应"
    assert case.resolution_due == at("2026-10-10 17:30")
    assert case.resolution_policy.name == "通用：投诉处理时限"


def test_an_inquiry_is_answered_within_24_hours(firm, policies):
    case = received_at(firm, "2026-11-20 16:00", kind="inquiry", category=None)
    assert (case.response_due, case.resolution_due) == (
        at("2026-11-21 16:00"),
        at("2026-11-21 16:00"),
    )


def test_without_any_policy_there_is_no_deadline(firm, categories):
    case = received_at(firm, "2026-11-20 16:00")
    assert (case.response_due, case.resolution_due, case.next_due_at) == (None, None, None)


def test_a_response_is_recorded_met_or_missed_and_the_next_clock_runs(firm, policies):
    case = received_at(firm, "2026-11-18 10:00")
    with clock.frozen(at("2026-11-20 10:00")):
        case = services.complaint_accept(complaint=case, actor=firm.people.manager)
    assert (case.responded_at, case.response_met) == (at("2026-11-20 10:00"), True)
    assert (case.next_due_target, case.next_due_at) == ("resolution", at("2026-11-23 10:00"))
    late = received_at(firm, "2026-11-18 10:00")
    with clock.frozen(at("2026-11-21 10:01")):
        late = services.complaint_accept(complaint=late, actor=firm.people.manager)
    assert late.response_met is False


def test_a_public_note_counts_as_the_first_response(firm, policies):
    case = received_at(firm, "2026-11-18 10:00")
    with clock.frozen(at("2026-11-18 10:30")):
        services.complaint_add_note(
            complaint=case, actor=firm.people.agent, text="已收到", is_public=True
        )
    case.refresh_from_db()
    assert (case.response_met, case.next_due_target) == (True, "resolution")


def test_resolution_and_revisit_are_recorded_when_they_happen(firm, policies):
    case = received_at(firm, "2026-11-16 10:00")
    with clock.frozen(at("2026-11-18 09:00")):
        case = walk_to(firm, case, Status.ANSWERED)
    assert case.resolution_met is True
    # three full working days from Wednesday's opening end as Friday closes
    assert case.revisit_due == at("2026-11-20 17:30")
    assert (case.next_due_target, case.next_due_at) == ("revisit", at("2026-11-20 17:30"))
    with clock.frozen(at("2026-11-24 09:00")):
        case = walk_to(firm, case, Status.FOLLOW_UP)
    # a call that did not reach the customer is no revisit: the clock still runs
    assert (case.revisit_met, case.next_due_target) == (None, "revisit")
    with clock.frozen(at("2026-11-24 10:00")):
        case = walk_to(firm, case, Status.CLOSED)
    assert case.revisit_met is False
    assert (case.next_due_at, case.at_risk_at, case.next_due_target) == (None, None, "")


def test_without_a_revisit_policy_the_revisit_falls_due_three_days_after_the_answer(
    firm, categories
):
    case = received_at(firm, "2026-11-16 10:00")
    with clock.frozen(at("2026-11-18 09:00")):
        case = walk_to(firm, case, Status.ANSWERED)
    assert (case.revisit_due, case.revisit_policy) == (at("2026-11-21 09:00"), None)
    assert case.next_due_target == "revisit"


def test_a_late_answer_is_recorded_as_missed(firm, policies):
    case = received_at(firm, "2026-11-16 10:00")
    with clock.frozen(at("2026-11-19 10:01")):
        case = walk_to(firm, case, Status.ANSWERED)
    assert case.resolution_met is False


def test_reopening_restarts_the_resolution_clock(firm, policies):
    case = received_at(firm, "2026-11-16 10:00")
    with clock.frozen(at("2026-11-17 10:00")):
        case = walk_to(firm, case, Status.CLOSED)
    with clock.frozen(at("2026-11-20 10:00")):
        case = services.complaint_reopen(
            complaint=case, actor=firm.people.manager, reason="再次投诉"
        )
    assert (case.next_due_target, case.resolution_due) == ("resolution", at("2026-11-25 10:00"))
    assert case.resolution_met is True  # the first answer was on time; the reopen is counted apart


def test_changing_the_severity_recomputes_and_records_the_deadlines(firm, policies):
    case = received_at(firm, "2026-11-18 10:00")
    case = walk_to(firm, case, Status.RECEIVED)
    with clock.frozen(at("2026-11-18 10:05")):
        case = services.complaint_update(
            complaint=case, actor=firm.people.manager, changes={"severity": "urgent"}
        )
    assert case.response_due == at("2026-11-18 11:00")
    event = case.events.last()
    assert event.data["deadlines"]["response_due"] == [
        "2026-11-21T10:00:00+08:00",
        "2026-11-18T11:00:00+08:00",
    ]
    assert event.data["deadlines"]["response_policy"] == [
        "通用：投诉处理时限",
        "通用：紧急投诉1小时响应",
    ]


def test_waiting_on_the_customer_stops_and_restarts_the_clock(firm, policies):
    case = received_at(firm, "2026-11-18 10:00")
    case = services.complaint_accept(complaint=case, actor=firm.people.manager)
    assert case.resolution_due == at("2026-11-23 10:00")
    with clock.frozen(at("2026-11-19 14:00")):
        case = services.complaint_pause(
            complaint=case, actor=firm.people.manager, reason="请提供购买凭证"
        )
    assert (case.is_awaiting_customer, case.next_due_at, case.at_risk_at) == (True, None, None)
    assert case.resolution_due is None
    with clock.frozen(at("2026-11-20 11:00")):
        case = services.complaint_resume(complaint=case, actor=firm.people.manager, note="已补充")
    # 5½ working hours were paused
    assert case.resolution_due == at("2026-11-23 16:30")
    assert case.pauses == [["2026-11-19T14:00:00+08:00", "2026-11-20T11:00:00+08:00"]]
    types = list(case.events.values_list("type", "is_public"))[-2:]
    assert types == [("paused", True), ("resumed", True)]


def test_pausing_twice_or_resuming_a_running_clock_is_a_conflict(firm, policies):
    case = received_at(firm, "2026-11-18 10:00")
    with pytest.raises(Conflict):
        services.complaint_resume(complaint=case, actor=firm.people.manager)
    services.complaint_pause(complaint=case, actor=firm.people.manager, reason="补充材料")
    with pytest.raises(Conflict):
        services.complaint_pause(complaint=case, actor=firm.people.manager, reason="again")
    assert Complaint.objects.get(pk=case.pk).pauses[0][1] is None


def test_a_customer_answering_ends_the_pause_without_a_staff_actor(firm, policies):
    case = received_at(firm, "2026-11-18 10:00")
    services.complaint_pause(complaint=case, actor=firm.people.manager, reason="补充材料")
    case = services.complaint_resume(complaint=case, actor=None, note="客户已补充")
    assert case.is_awaiting_customer is False
    assert case.events.last().actor is None


def test_an_extension_needs_a_reason_and_someone_else_to_approve(firm, policies):
    case = received_at(firm, "2026-11-18 10:00")
    with clock.frozen(at("2026-11-19 10:00")):
        case = walk_to(firm, case, Status.IN_PROGRESS)
        case = services.complaint_request_extension(
            complaint=case,
            actor=firm.people.handler,
            reason="需厂家鉴定",
            amount=7,
            unit="working_days",
        )
    assert case.resolution_due == at("2026-11-23 10:00")
    with pytest.raises(PermissionDenied):
        services.complaint_decide_extension(complaint=case, actor=firm.people.handler, approve=True)
    with clock.frozen(at("2026-11-19 11:00")):
        case = services.complaint_decide_extension(
            complaint=case, actor=firm.people.department_head, approve=True, note="同意延期"
        )
    assert case.resolution_due == at("2026-11-27 10:00")
    assert case.events.last().type == "extension_approved"
    assert DeadlineExtension.objects.get().status == "approved"
    assert case.events.last().data["deadlines"]["resolution_due"] == [
        "2026-11-23T10:00:00+08:00",
        "2026-11-27T10:00:00+08:00",
    ]


@pytest.mark.parametrize(
    ("amount", "unit", "field"),
    [
        (10, "working_days", "amount"),
        (2, "working_days", "amount"),
        (3, "fortnights", "unit"),
        (0, "working_days", "amount"),
    ],
)
def test_an_extension_beyond_the_policy_or_not_longer_is_refused(
    firm, policies, amount, unit, field
):
    case = walk_to(firm, received_at(firm, "2026-11-18 10:00"), Status.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as error:
        services.complaint_request_extension(
            complaint=case, actor=firm.people.handler, reason="理由", amount=amount, unit=unit
        )
    assert field in error.value.fields
    assert DeadlineExtension.objects.count() == 0


def test_a_refused_extension_keeps_the_deadline_and_one_request_waits_at_a_time(firm, policies):
    case = walk_to(firm, received_at(firm, "2026-11-18 10:00"), Status.IN_PROGRESS)
    case = services.complaint_request_extension(
        complaint=case, actor=firm.people.handler, reason="理由", amount=7, unit="working_days"
    )
    with pytest.raises(Conflict):
        services.complaint_request_extension(
            complaint=case, actor=firm.people.handler, reason="再次", amount=6, unit="working_days"
        )
    case = services.complaint_decide_extension(
        complaint=case, actor=firm.people.department_head, approve=False, note="理由不足"
    )
    assert case.resolution_due == at("2026-11-23 10:00")
    with pytest.raises(Conflict):
        services.complaint_decide_extension(
            complaint=case, actor=firm.people.department_head, approve=True
        )


def test_business_hours_come_from_the_unit_or_its_nearest_ancestor(firm, policies):
    BusinessHours.objects.create(org_unit=firm.units.bj, start=dt.time(8, 30), end=dt.time(17, 0))
    # bj-service inherits bj's hours: 8½ h a day without lunch
    case = received_at(firm, "2026-11-18 10:00")
    assert case.resolution_due == at("2026-11-23 10:00")
    late = received_at(firm, "2026-11-18 16:00")
    assert late.resolution_due == at("2026-11-23 16:00")
    early = received_at(firm, "2026-11-18 08:40")
    assert early.resolution_due == at("2026-11-23 08:40")


def test_an_entered_holiday_moves_deadlines_and_a_policy_change_recomputes_open_cases(
    firm, policies, django_capture_on_commit_callbacks
):
    from kesu.deadlines.tasks import refresh_open_deadlines_task

    case = received_at(firm, "2026-11-18 10:00")
    CalendarDay.objects.create(date=dt.date(2026, 11, 20), is_working_day=False, note="地方假日")
    refresh_open_deadlines_task("地方假日")
    case.refresh_from_db()
    assert case.resolution_due == at("2026-11-24 10:00")
    assert case.events.last().type == "deadlines_set"
    assert case.events.last().message == "地方假日"
    # a second refresh with nothing changed writes nothing more
    count = case.events.count()
    refresh_open_deadlines_task("again")
    assert case.events.count() == count


def test_a_lab_dispute_filed_after_ten_days_is_flagged(firm, db):
    from kesu.complaints.services import preset_load

    preset_load(name="lab")
    time_limit_preset_load(name="general")
    report_date = at("2026-11-01 10:00")
    late = received_at(firm, "2026-11-12 10:00", category="JC-A01", incident_at=report_date)
    on_time = received_at(firm, "2026-11-10 10:00", category="JC-A01", incident_at=report_date)
    assert (late.is_filed_late, on_time.is_filed_late) == (True, False)
    assert late.resolution_due == at("2026-11-27 10:00")
    assert late.resolution_policy.name == "检测机构：结果异议15日答复"
    urgent = received_at(firm, "2026-11-12 10:00", category="JC-A01", severity="urgent")
    assert urgent.resolution_due == at("2026-11-17 10:00")


def test_the_bank_preset_decides_within_15_days_and_extends_to_60(firm, db):
    from kesu.complaints.services import preset_load

    preset_load(name="general")
    preset_load(name="bank")
    case = received_at(firm, "2026-11-02 10:00")
    assert case.resolution_due == at("2026-11-17 10:00")
    assert case.resolution_policy.name == "银行：投诉15日内作出处理决定"
    assert TimeLimitPolicy.objects.get(name="银行：投诉15日内作出处理决定").limit("extension") == (
        60,
        "days",
    )


def test_presets_load_twice_without_duplicates(db):
    from kesu.complaints.services import preset_load

    first = preset_load(name="general")
    second = preset_load(name="general")
    assert first == second == {"categories": 24, "policies": 4}
    assert TimeLimitPolicy.objects.count() == 4


def test_an_unknown_year_is_logged_once_and_never_crashes(firm, policies, caplog):
    from kesu.deadlines import engine

    engine._reported_fallback_years.discard(2027)
    with caplog.at_level("WARNING", logger="kesu.deadlines.engine"):
        first = received_at(firm, "2026-12-30 10:00")
        received_at(firm, "2026-12-31 10:00")
    assert first.resolution_due == at("2027-01-04 10:00")
    warnings = [r.getMessage() for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1
    assert "Monday to Friday" in warnings[0]
