"""Which policy sets each deadline: the most specific that sets it. Pure."""

from kesu.deadlines.policies import CaseFacts, PolicyFacts, select_policy

CASE = CaseFacts(
    kind="complaint",
    severity="urgent",
    category_code="A01",
    category_parent_code="A",
    unit_path="/1/4/9/",
)


def policy(id, targets=("response", "resolution"), **criteria):
    return PolicyFacts(
        id=id,
        kind=criteria.get("kind", ""),
        severity=criteria.get("severity", ""),
        category_code=criteria.get("category"),
        unit_path=criteria.get("unit"),
        priority=criteria.get("priority", 0),
        targets=frozenset(targets),
    )


def test_the_most_specific_matching_policy_wins_per_target():
    policies = [
        policy(1, kind="complaint"),
        policy(2, targets=("response",), kind="complaint", severity="urgent"),
        policy(3, kind="inquiry", severity="urgent", category="A01"),
    ]
    assert select_policy(policies, CASE, "response") == 2
    # the urgent policy sets no resolution limit: the general one does
    assert select_policy(policies, CASE, "resolution") == 1
    assert select_policy(policies, CASE, "revisit") is None


def test_an_exact_category_beats_its_parent_and_a_deeper_unit_beats_a_shallower():
    assert (
        select_policy([policy(1, category="A"), policy(2, category="A01")], CASE, "response") == 2
    )
    assert select_policy([policy(1, unit="/1/"), policy(2, unit="/1/4/")], CASE, "response") == 2
    assert select_policy([policy(1, unit="/1/4/9/10/")], CASE, "response") is None


def test_priority_then_the_newer_policy_break_ties():
    assert select_policy([policy(1, priority=5), policy(2)], CASE, "response") == 1
    assert select_policy([policy(1), policy(2)], CASE, "response") == 2


def test_criteria_that_do_not_match_exclude_the_policy():
    for criteria in (
        {"kind": "inquiry"},
        {"severity": "general"},
        {"category": "B"},
        {"unit": "/2/"},
    ):
        assert select_policy([policy(1, **criteria)], CASE, "response") is None
