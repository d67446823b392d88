"""The state machine, transition by transition, with every forbidden one refused. Pure."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kesu.accounts.roles import Role
from kesu.complaints.workflow import (
    EXTENSION_PENDING,
    FINAL_STATUSES,
    PAUSED,
    TRANSITIONS,
    Action,
    Kind,
    Status,
    action_payload,
    allowed_actions,
    check_edit,
    check_transition,
    escalation_target,
)
from kesu.core.errors import Conflict, PermissionDenied, ValidationFailed

S = Status
CHANGING = {
    # (kind, action): {source: target}
    "accept": {S.RECEIVED: S.ACCEPTED},
    "reject": {S.RECEIVED: S.NOT_ACCEPTED},
    "assign": {S.ACCEPTED: S.ASSIGNED, S.ASSIGNED: S.ASSIGNED, S.IN_PROGRESS: S.ASSIGNED},
    "start": {S.ASSIGNED: S.IN_PROGRESS},
    "propose": {S.IN_PROGRESS: S.AWAITING_APPROVAL},
    "approve": {S.AWAITING_APPROVAL: S.APPROVED},
    "return": {S.AWAITING_APPROVAL: S.IN_PROGRESS},
    "answer": {S.APPROVED: S.ANSWERED},
    # a revisit that does not reach the customer may be tried again from follow-up
    "follow_up": {S.ANSWERED: S.FOLLOW_UP, S.FOLLOW_UP: S.FOLLOW_UP},
    "close": {S.FOLLOW_UP: S.CLOSED},
    "reopen": {S.ANSWERED: S.IN_PROGRESS, S.FOLLOW_UP: S.IN_PROGRESS, S.CLOSED: S.IN_PROGRESS},
}
# Inquiries may be answered once accepted; inquiries and suggestions close without a revisit.
EXTRA = {
    Kind.INQUIRY: {
        "answer": {S.ACCEPTED: S.ANSWERED, S.ASSIGNED: S.ANSWERED, S.IN_PROGRESS: S.ANSWERED},
        "close": {S.ANSWERED: S.CLOSED},
    },
    Kind.SUGGESTION: {"close": {S.ANSWERED: S.CLOSED}},
    Kind.COMPLAINT: {},
}
OPEN = [s for s in Status if s not in FINAL_STATUSES]
EVERYONE = set(Role.values)
PAYLOAD = {
    "reason": "r",
    "assignee": "u",
    "org_unit": "x",
    "solution": "s",
    "answer": "a",
    "note": "n",
    "is_satisfied": True,
    "text": "t",
    "amount": 7,
    "unit": "working_days",
    "approve": True,
}
BEFORE_ANSWER = [S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_APPROVAL, S.APPROVED]


def expected_pairs(kind: Kind, flags=frozenset()) -> set[tuple[str, str, str]]:
    pairs = set()
    for source in BEFORE_ANSWER:
        # the clock actions change no status; flags decide which of them apply
        pairs.add(("resume" if PAUSED in flags else "pause", source, source))
        if source != S.RECEIVED:
            if EXTENSION_PENDING in flags:
                pairs.add(("decide_extension", source, source))
            else:
                pairs.add(("extend", source, source))
    for action, moves in CHANGING.items():
        for source, target in moves.items():
            pairs.add((action, source, target))
    for action, moves in EXTRA[kind].items():
        for source, target in moves.items():
            pairs.add((action, source, target))
    for source in OPEN:
        pairs.add(("escalate", source, source))
    for source in Status:
        pairs.add(("note", source, source))
    return pairs


@pytest.mark.parametrize("flags", [frozenset(), {PAUSED}, {EXTENSION_PENDING}])
@pytest.mark.parametrize("kind", list(Kind))
def test_the_table_allows_exactly_the_documented_transitions(kind, flags):
    # given every (action, status) pair, taken by someone holding every role
    found = set()
    for action in Action:
        for status in Status:
            # when
            try:
                row = check_transition(
                    action,
                    status=status,
                    kind=kind,
                    roles=EVERYONE,
                    is_owner=True,
                    payload=PAYLOAD,
                    flags=flags,
                )
            except Conflict:
                continue
            found.add((action.value, status, row.target or status))
    # then exactly the documented pairs are allowed, and every other one is a Conflict
    assert found == expected_pairs(kind, flags)


def test_a_forbidden_transition_names_the_status_and_the_action():
    with pytest.raises(Conflict) as error:
        check_transition(
            "approve", status="received", kind="complaint", roles=EVERYONE, is_owner=True
        )
    assert error.value.code == "transition_not_allowed"
    assert "Received" in error.value.detail or "已接收" in error.value.detail


@pytest.mark.parametrize(
    ("action", "status", "allowed", "refused"),
    [
        ("accept", S.RECEIVED, Role.COMPLAINT_MANAGER, Role.AGENT),
        ("reject", S.RECEIVED, Role.SUPERVISOR, Role.HANDLER),
        ("assign", S.ACCEPTED, Role.COMPLAINT_MANAGER, Role.HANDLER),
        ("start", S.ASSIGNED, Role.SUPERVISOR, Role.HANDLER),
        ("approve", S.AWAITING_APPROVAL, Role.SUPERVISOR, Role.COMPLAINT_MANAGER),
        ("return", S.AWAITING_APPROVAL, Role.EXECUTIVE, Role.HANDLER),
        ("answer", S.APPROVED, Role.COMPLAINT_MANAGER, Role.AGENT),
        ("follow_up", S.ANSWERED, Role.AGENT, Role.HANDLER),
        ("close", S.FOLLOW_UP, Role.COMPLAINT_MANAGER, Role.AGENT),
        ("reopen", S.CLOSED, Role.COMPLAINT_MANAGER, Role.QUALITY_MANAGER),
        ("escalate", S.IN_PROGRESS, Role.AGENT, Role.QUALITY_MANAGER),
    ],
)
def test_roles_decide_who_may_take_a_transition(action, status, allowed, refused):
    check_transition(
        action, status=status, kind="complaint", roles={allowed}, is_owner=False, payload=PAYLOAD
    )
    with pytest.raises(PermissionDenied):
        check_transition(
            action,
            status=status,
            kind="complaint",
            roles={refused},
            is_owner=False,
            payload=PAYLOAD,
        )


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("start", S.ASSIGNED),
        ("propose", S.IN_PROGRESS),
        ("answer", S.APPROVED),
        ("escalate", S.ASSIGNED),
    ],
)
def test_the_owner_may_work_their_own_case_whatever_their_role(action, status):
    check_transition(
        action,
        status=status,
        kind="complaint",
        roles={Role.HANDLER},
        is_owner=True,
        payload=PAYLOAD,
    )


def test_an_agent_accepts_and_answers_an_inquiry_on_the_spot_but_not_a_complaint():
    agent = {Role.AGENT}
    check_transition("accept", status=S.RECEIVED, kind="inquiry", roles=agent, is_owner=False)
    check_transition(
        "answer",
        status=S.ACCEPTED,
        kind="inquiry",
        roles=agent,
        is_owner=False,
        payload={"answer": "a"},
    )
    with pytest.raises(PermissionDenied):
        check_transition("accept", status=S.RECEIVED, kind="complaint", roles=agent, is_owner=False)


@pytest.mark.parametrize(
    ("action", "status", "missing"),
    [
        ("reject", S.RECEIVED, "reason"),
        ("assign", S.ACCEPTED, "assignee"),
        ("propose", S.IN_PROGRESS, "solution"),
        ("return", S.AWAITING_APPROVAL, "reason"),
        ("answer", S.APPROVED, "answer"),
        ("follow_up", S.ANSWERED, "note"),
        ("reopen", S.CLOSED, "reason"),
        ("escalate", S.ACCEPTED, "reason"),
        ("note", S.CLOSED, "text"),
    ],
)
def test_required_fields_are_named_when_missing_or_blank(action, status, missing):
    payload = {**PAYLOAD, missing: "   " if missing != "is_satisfied" else None}
    with pytest.raises(ValidationFailed) as error:
        check_transition(
            action,
            status=status,
            kind="complaint",
            roles=EVERYONE,
            is_owner=True,
            payload=payload,
        )
    assert list(error.value.fields) == [missing]


def test_an_unknown_action_is_a_validation_error():
    with pytest.raises(ValidationFailed):
        check_transition(
            "teleport", status=S.RECEIVED, kind="complaint", roles=EVERYONE, is_owner=True
        )


def test_allowed_actions_lists_what_the_actor_may_do_now():
    assert allowed_actions(
        status=S.RECEIVED, kind="complaint", roles={Role.COMPLAINT_MANAGER}, is_owner=False
    ) == [Action.ACCEPT, Action.REJECT, Action.ESCALATE, Action.NOTE, Action.PAUSE]
    assert allowed_actions(
        status=S.CLOSED, kind="complaint", roles={Role.HANDLER}, is_owner=True
    ) == [Action.NOTE]
    assert allowed_actions(
        status=S.ASSIGNED, kind="complaint", roles={Role.HANDLER}, is_owner=True
    ) == [Action.START, Action.ESCALATE, Action.NOTE, Action.PAUSE, Action.EXTEND]
    assert allowed_actions(
        status=S.ASSIGNED,
        kind="complaint",
        roles={Role.SUPERVISOR},
        is_owner=False,
        flags={PAUSED, EXTENSION_PENDING},
    ) == [
        Action.ASSIGN,
        Action.START,
        Action.ESCALATE,
        Action.NOTE,
        Action.RESUME,
        Action.DECIDE_EXTENSION,
    ]


@given(
    kind=st.sampled_from(list(Kind)),
    actions=st.lists(st.sampled_from(list(Action)), max_size=30),
)
def test_any_sequence_of_actions_stays_inside_the_table(kind, actions):
    # given a case walked by someone with every role through arbitrary actions
    status = S.RECEIVED
    allowed = expected_pairs(kind)
    for action in actions:
        try:
            row = check_transition(
                action, status=status, kind=kind, roles=EVERYONE, is_owner=True, payload=PAYLOAD
            )
        except Conflict:
            # then a refused action is one the table does not list
            assert not any(a == action.value and s == status for a, s, _t in allowed)
            continue
        target = row.target or status
        # then every step taken is one the table lists
        assert (action.value, status, target) in allowed
        status = target
    # and a case that was not accepted never comes back
    if S.NOT_ACCEPTED in [status]:
        assert allowed_actions(status=status, kind=kind, roles=EVERYONE, is_owner=True) == [
            Action.NOTE
        ]


def test_every_row_targets_a_known_status_and_requires_known_fields():
    for row in TRANSITIONS:
        assert row.target is None or row.target in Status
        assert set(row.required) <= set(PAYLOAD)


def test_escalation_goes_one_level_up_each_time_and_skips_the_current_owner():
    chain = ["department_head", "branch_head", "executive"]
    assert escalation_target(chain, level=1, current_owner="handler") == "department_head"
    assert escalation_target(chain, level=2, current_owner="department_head") == "branch_head"
    assert escalation_target(chain, level=1, current_owner="department_head") == "branch_head"
    assert escalation_target(chain, level=3, current_owner="branch_head") == "executive"
    assert escalation_target(chain, level=4, current_owner="executive") is None
    assert escalation_target([], level=1, current_owner=None) is None


def test_a_finished_case_cannot_be_edited():
    with pytest.raises(Conflict):
        check_edit(fields=["demands"], status=S.CLOSED, roles=EVERYONE, is_owner=True)


def test_only_managers_classify_and_handlers_keep_only_their_own_record():
    check_edit(
        fields=["severity"], status=S.ACCEPTED, roles={Role.COMPLAINT_MANAGER}, is_owner=False
    )
    with pytest.raises(PermissionDenied):
        check_edit(fields=["severity"], status=S.ACCEPTED, roles={Role.AGENT}, is_owner=True)
    check_edit(fields=["demands"], status=S.IN_PROGRESS, roles={Role.HANDLER}, is_owner=True)
    with pytest.raises(PermissionDenied):
        check_edit(fields=["demands"], status=S.IN_PROGRESS, roles={Role.HANDLER}, is_owner=False)


def test_action_payload_maps_the_generic_form_onto_each_service():
    assert action_payload(Action.REJECT, text="超出范围") == {"reason": "超出范围"}
    assert action_payload(Action.ASSIGN, text="", assignee="u", org_unit="x") == {
        "note": "",
        "assignee": "u",
        "org_unit": "x",
    }
    assert action_payload(Action.FOLLOW_UP, text="ok", is_satisfied=True, satisfaction=5) == {
        "note": "ok",
        "is_satisfied": True,
        "satisfaction": 5,
    }
    assert action_payload(Action.NOTE, text="t", is_public=True) == {"text": "t", "is_public": True}
