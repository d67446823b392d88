"""The handling rules, pure: levels by money, who stands aside, the decision letter."""

from decimal import Decimal

import pytest

from kesu.core.errors import Conflict, PermissionDenied, ValidationFailed
from kesu.handling import rules
from kesu.handling.models import SolutionMeasure
from kesu.handling.rules import Candidate, Step

RULES = [(Decimal(0), "department"), (Decimal(500), "branch"), (None, "head_office")]


@pytest.mark.parametrize(
    ("money", "level"),
    [("0", "department"), ("0.01", "branch"), ("500", "branch"), ("500.01", "head_office")],
)
def test_the_level_follows_the_money(money, level):
    assert rules.level_for(Decimal(money), RULES) == level
    assert rules.level_for(Decimal(money), list(reversed(RULES))) == level


def test_without_rules_the_department_decides():
    assert rules.level_for(Decimal(9999), []) == "department"


def test_money_is_refunds_and_compensation():
    measures = [("apology", None), ("refund", Decimal(100)), ("compensation", Decimal("50.5"))]
    assert rules.money_of(measures) == Decimal("150.5")


@pytest.mark.parametrize(
    "measures",
    [
        [],
        [{"kind": "bribe"}],
        [{"kind": "refund", "amount": Decimal(-1)}],
        [{"kind": "compensation"}],
    ],
)
def test_bad_measures_are_refused(measures):
    with pytest.raises(ValidationFailed):
        rules.check_measures(measures)


def test_the_measure_kinds_match_the_model():
    assert set(rules.MEASURE_KINDS) == set(SolutionMeasure.Kind.values)


CHAIN = [
    Candidate(1, "张主管", "department", ("张主管", "zhang")),
    Candidate(2, "李经理", "branch", ("李经理", "li")),
    Candidate(3, "王总", "company", ("王总", "wang")),
]


def test_the_nearest_leader_at_the_level_approves():
    assert rules.route(CHAIN, level="department", handled_by=set(), staff_involved="") == (1, [])
    assert rules.route(CHAIN, level="branch", handled_by=set(), staff_involved="")[0] == 2
    assert rules.route(CHAIN, level="head_office", handled_by=set(), staff_involved="")[0] == 3


def test_someone_who_handled_or_is_named_stands_aside_and_the_note_says_why():
    approver, notes = rules.route(
        CHAIN, level="department", handled_by={1}, staff_involved="柜员李经理态度差"
    )
    assert approver == 3
    assert len(notes) == 2 and "张主管" in notes[0] and "李经理" in notes[1]


def test_nobody_left_means_no_approver():
    assert rules.route(CHAIN, level="head_office", handled_by={3}, staff_involved="")[0] is None


def test_steps_check_status_and_roles():
    rules.check_step(Step.INVESTIGATE, status="in_progress", roles=set(), is_owner=True)
    with pytest.raises(Conflict):
        rules.check_step(Step.INVESTIGATE, status="closed", roles={"supervisor"}, is_owner=True)
    with pytest.raises(PermissionDenied):
        rules.check_step(Step.INVESTIGATE, status="in_progress", roles={"agent"}, is_owner=False)
    with pytest.raises(PermissionDenied):
        rules.check_step(Step.PAY, status="approved", roles={"handler"}, is_owner=True)
    with pytest.raises(PermissionDenied):
        rules.check_step(Step.ACCOUNTABILITY, status="closed", roles={"agent"}, is_owner=False)


def test_the_decision_letter_says_what_was_found_what_will_be_done_and_where_to_turn():
    letter = rules.decision_letter(
        findings="柜员未按规定解释收费。",
        decision="退还手续费 50 元并致歉。",
        routes=[("向上一级申请复核", "15 日内"), ("人民法院", "")],
    )
    assert letter.index("柜员未按规定") < letter.index("退还手续费") < letter.index("人民法院")
    assert "1. 向上一级申请复核：15 日内" in letter and "2. 人民法院" in letter


def test_satisfaction_three_or_more_is_satisfied():
    assert [rules.is_satisfied(n) for n in range(1, 6)] == [False, False, True, True, True]
