"""Who sees which case: each role, through the list and by number."""

import pytest

from kesu.complaints.selectors import (
    ComplaintFilters,
    complaint_get_for_user,
    complaint_list_for_user,
)
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(firm, categories):
    """bj_new: received at bj-service, unassigned. bj_assigned: handled by bj-aftersales.
    sh_new: received at sh-service."""
    bj_new = receive(firm)
    bj_assigned = walk_to(firm, receive(firm), Status.ASSIGNED)
    sh_new = receive(firm, actor=firm.people.sh_agent)
    return {"bj_new": bj_new, "bj_assigned": bj_assigned, "sh_new": sh_new}


VISIBLE = {
    "agent": {"bj_new", "bj_assigned"},
    "manager": {"bj_new", "bj_assigned"},
    "handler": {"bj_assigned"},
    "sales_handler": set(),
    "department_head": {"bj_assigned"},
    "branch_head": {"bj_new", "bj_assigned"},
    "quality": {"bj_new", "bj_assigned", "sh_new"},
    "executive": {"bj_new", "bj_assigned", "sh_new"},
    "administrator": {"bj_new", "bj_assigned", "sh_new"},
    "sh_agent": {"sh_new"},
    "sh_manager": {"sh_new"},
    "sh_handler": set(),
    "sh_head": {"sh_new"},
}


@pytest.mark.parametrize("person", sorted(VISIBLE))
def test_each_role_sees_exactly_its_scope(firm, cases, person):
    user = getattr(firm.people, person)
    listed = set(
        complaint_list_for_user(user=user, filters=ComplaintFilters()).values_list(
            "number", flat=True
        )
    )
    expected = {cases[name].number for name in VISIBLE[person]}
    assert listed == expected
    for name, complaint in cases.items():
        if name in VISIBLE[person]:
            assert complaint_get_for_user(number=complaint.number, user=user) == complaint
        else:
            with pytest.raises(NotFound):
                complaint_get_for_user(number=complaint.number, user=user)


def test_a_missing_case_and_someone_elses_look_the_same(firm, cases):
    with pytest.raises(NotFound) as missing:
        complaint_get_for_user(number="TS209912310001", user=firm.people.sh_agent)
    with pytest.raises(NotFound) as hidden:
        complaint_get_for_user(number=cases["bj_new"].number, user=firm.people.sh_agent)
    assert missing.value.code == hidden.value.code == "complaint_not_found"


def test_the_owner_keeps_the_case_after_escalation_moves_it_up(firm, cases):
    from kesu.complaints.services import complaint_escalate

    case = complaint_escalate(
        complaint=cases["bj_assigned"], actor=firm.people.handler, reason="需要主管协调"
    )
    assert case.owner == firm.people.department_head
    # the handler still sees it: their department remains responsible
    assert complaint_get_for_user(number=case.number, user=firm.people.handler) == case


def test_filters_narrow_the_list(firm, cases):
    manager = firm.people.manager

    def numbers(**filters):
        queryset = complaint_list_for_user(user=manager, filters=ComplaintFilters(**filters))
        return set(queryset.values_list("number", flat=True))

    bj_new, bj_assigned = cases["bj_new"].number, cases["bj_assigned"].number
    assert numbers(status="received") == {bj_new}
    assert numbers(owner="handler") == {bj_assigned}
    assert numbers(org_unit="bj-aftersales") == {bj_assigned}
    assert numbers(category="A") == {bj_new, bj_assigned}
    assert numbers(category="B") == set()
    assert numbers(q="态度恶劣") == {bj_new, bj_assigned}
    assert numbers(q=bj_new[-6:]) == {bj_new}
    assert numbers(q="13800138000") == {bj_new, bj_assigned}
    assert numbers(channel="email") == set()


def test_head_office_needs_no_filter_but_a_second_company_keeps_its_cases(firm, cases):
    """The head office's subtree holds every unit, so its scope is no filter at all (the
    reports then read index ranges alone). Once another company shares the installation,
    the filter is back and that company's cases stay out."""
    from django.db.models import Q

    from kesu.accounts.models import OrgUnit
    from kesu.complaints.access import complaint_scope_q
    from kesu.complaints.models import Complaint

    executive = firm.people.executive
    assert complaint_scope_q(executive) == Q()
    other = OrgUnit.objects.create(code="other-co", name="另一家公司", kind="company")
    theirs = receive(firm, contact_phone="13900000009")
    Complaint.objects.filter(pk=theirs.pk).update(intake_unit=other, org_unit=None)
    assert complaint_scope_q(executive) != Q()
    listed = set(
        complaint_list_for_user(user=executive, filters=ComplaintFilters()).values_list(
            "number", flat=True
        )
    )
    assert listed == {case.number for case in cases.values()}
    with pytest.raises(NotFound):
        complaint_get_for_user(number=theirs.number, user=executive)
