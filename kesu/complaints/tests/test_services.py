"""The services against the database: what each step changes and records, and what it refuses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kesu.complaints import services
from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kesu.customers.models import Customer

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def events_of(complaint):
    return list(complaint.events.order_by("sequence").values_list("type", flat=True))


def assert_unchanged(complaint):
    """The refused step left the row and its timeline as they were."""
    before_version, before_events = complaint.version, complaint.events.count()
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.version == before_version
    assert fresh.status == complaint.status
    assert fresh.events.count() == before_events


# --- intake -------------------------------------------------------------------------------------


def test_receive_numbers_the_case_links_the_customer_and_records_it(firm, categories):
    # given
    moment = dt.datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    # when
    with clock.frozen(moment):
        complaint = receive(firm, contact_phone="+86 138-0013-8000", contact_email="ZS@Example.com")
    # then
    assert complaint.number == "TS202611230001"
    assert complaint.status == Status.RECEIVED
    assert complaint.received_at == moment
    assert complaint.intake_unit == firm.units.bj_service
    assert complaint.created_by == firm.people.agent
    assert (complaint.customer.phone, complaint.customer.email) == ("13800138000", "zs@example.com")
    event = complaint.events.get()
    assert (event.type, event.actor, event.is_public, event.to_status) == (
        "received",
        firm.people.agent,
        True,
        "received",
    )


def test_a_returning_customer_is_found_by_phone_or_email(firm, categories):
    first = receive(firm, contact_phone="13800138000", contact_email="")
    by_phone = receive(firm, contact_phone="138 0013 8000", contact_email="zs@example.com")
    by_email = receive(firm, contact_phone="", contact_email="ZS@example.com")
    assert first.customer_id == by_phone.customer_id == by_email.customer_id
    assert Customer.objects.get().email == "zs@example.com"


def test_numbers_have_a_prefix_per_kind_and_restart_each_day(firm, categories):
    day_one = dt.datetime(2026, 11, 23, 23, 50, tzinfo=SHANGHAI)
    with clock.frozen(day_one):
        numbers = [
            receive(firm).number,
            receive(firm, kind="inquiry").number,
            receive(firm, kind="suggestion").number,
            receive(firm).number,
        ]
    with clock.frozen(day_one + dt.timedelta(minutes=20)):
        numbers.append(receive(firm).number)
    assert numbers == [
        "TS202611230001",
        "ZX202611230001",
        "JY202611230001",
        "TS202611230002",
        "TS202611240001",
    ]


def test_a_case_registered_after_the_fact_keeps_its_real_receipt_time_on_the_timeline(
    firm, categories
):
    letter_arrived = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    complaint = receive(firm, channel="letter", received_at=letter_arrived)
    assert complaint.received_at == letter_arrived
    data = complaint.events.get().data
    assert data["received_at_given"] == letter_arrived.isoformat()
    assert "registered_at" in data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "ZZ99"}, "category"),
        ({"kind": "praise"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"contact_name": "  "}, "complainant.name"),
        ({"description": ""}, "description"),
        ({"description": "长" * 10_001}, "description"),
        ({"contact_phone": "call me maybe"}, "complainant.phone"),
        ({"contact_phone": "123"}, "complainant.phone"),
        ({"contact_email": "not-an-email"}, "complainant.email"),
        ({"severity": "catastrophic"}, "severity"),
        ({"risk": "extreme"}, "risk"),
        ({"special_flags": ["royalty"]}, "special_flags"),
        ({"amount_involved": Decimal("-1")}, "amount_involved"),
        ({"received_at": timezone.now() + dt.timedelta(days=1)}, "received_at"),
        ({"received_at": dt.datetime(2026, 1, 1, 9, 0)}, "received_at"),
        ({"intake_unit": "sh-service"}, "intake_unit"),
        ({"intake_unit": "nowhere"}, "intake_unit"),
    ],
)
def test_bad_intake_is_refused_naming_the_field_and_nothing_is_kept(
    firm, categories, overrides, field
):
    with pytest.raises(ValidationFailed) as error:
        receive(firm, **overrides)
    assert field in error.value.fields
    assert Complaint.objects.count() == 0
    assert Customer.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_someone_without_any_role_cannot_register(firm, categories):
    from kesu.accounts.tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        receive(firm, actor=UserFactory(username="nobody"))


# --- the whole life ----------------------------------------------------------------------------


def test_a_complaint_walks_its_whole_life_with_every_step_recorded(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.CLOSED)
    assert events_of(complaint) == [
        "received",
        "accepted",
        "assigned",
        "started",
        "proposed",
        "approval_routed",
        "approved",
        "answered",
        "followed_up",
        "followed_up",
        "closed",
    ]
    assert complaint.owner == firm.people.handler
    assert complaint.org_unit == firm.units.bj_aftersales
    assert complaint.version == 10
    assert complaint.closed_at is not None
    assert complaint.satisfaction == 5
    statuses = list(complaint.events.order_by("sequence").values_list("from_status", "to_status"))
    assert statuses[1:] == [
        ("received", "accepted"),
        ("accepted", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "awaiting_approval"),
        ("awaiting_approval", "awaiting_approval"),
        ("awaiting_approval", "approved"),
        ("approved", "answered"),
        ("answered", "follow_up"),
        ("follow_up", "follow_up"),
        ("follow_up", "closed"),
    ]
    actors = list(complaint.events.order_by("sequence").values_list("actor__username", flat=True))
    # None: the rules' own steps (the approval routed, the close a satisfied revisit causes)
    assert actors == [
        "agent",
        "manager",
        "manager",
        "handler",
        "handler",
        None,
        "department_head",
        "handler",
        "agent",
        "agent",
        None,
    ]


def test_an_inquiry_is_answered_on_the_spot_by_the_agent_and_closed(firm, categories):
    inquiry = receive(firm, kind="inquiry", category=None)
    inquiry = services.complaint_accept(complaint=inquiry, actor=firm.people.agent)
    inquiry = services.complaint_answer(
        complaint=inquiry, actor=firm.people.agent, answer="需带身份证"
    )
    inquiry = services.complaint_close(complaint=inquiry, actor=firm.people.manager)
    assert inquiry.status == Status.CLOSED
    assert inquiry.owner == firm.people.agent


def test_reject_ends_the_case_with_the_reason_visible_to_the_customer(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.NOT_ACCEPTED)
    event = complaint.events.last()
    assert (complaint.status, event.type, event.message, event.is_public) == (
        "not_accepted",
        "rejected",
        "不属于受理范围",
        True,
    )


def test_a_returned_solution_goes_back_to_the_owner_with_the_reason(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.AWAITING_APPROVAL)
    complaint = services.complaint_return(
        complaint=complaint, actor=firm.people.department_head, reason="补充调查材料"
    )
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.events.last().message == "补充调查材料"


def test_nobody_approves_their_own_solution(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.ASSIGNED)
    complaint = services.complaint_assign(
        complaint=complaint,
        actor=firm.people.manager,
        assignee=firm.people.department_head,
        org_unit=firm.units.bj_aftersales,
    )
    complaint = services.complaint_start(complaint=complaint, actor=firm.people.department_head)
    complaint = services.complaint_propose(
        complaint=complaint, actor=firm.people.department_head, solution="退款"
    )
    with pytest.raises(PermissionDenied):
        services.complaint_approve(complaint=complaint, actor=firm.people.department_head)
    assert_unchanged(complaint)


def test_an_unsatisfied_revisit_reopens_the_case_until_satisfied(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.ANSWERED)
    complaint = services.complaint_follow_up(
        complaint=complaint, actor=firm.people.agent, note="客户不满意", satisfaction=2
    )
    # then it is reopened by itself and handled again
    assert (complaint.status, complaint.is_customer_satisfied) == (Status.IN_PROGRESS, False)
    reopened = complaint.events.last()
    assert (reopened.type, reopened.actor) == ("reopened", None)
    assert complaint.answered_at is None and complaint.resolution_started_at is not None
    complaint = walk_to(firm, complaint, Status.ANSWERED)
    complaint = services.complaint_follow_up(
        complaint=complaint, actor=firm.people.agent, note="满意", satisfaction=4, method="visit"
    )
    assert (complaint.status, complaint.revisit_method) == (Status.CLOSED, "visit")


def test_a_revisit_needs_the_customers_satisfaction_unless_they_were_not_reached(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.ANSWERED)
    for bad in ({"satisfaction": 0}, {"satisfaction": 6}, {}, {"satisfaction": 4, "method": "x"}):
        with pytest.raises(ValidationFailed):
            services.complaint_follow_up(
                complaint=complaint, actor=firm.people.agent, note="回访", **bad
            )
        assert_unchanged(complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_follow_up(
            complaint=complaint, actor=firm.people.handler, note="回访", satisfaction=5
        )
    assert_unchanged(complaint)


def test_revisiting_a_case_not_yet_answered_is_refused(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.IN_PROGRESS)
    with pytest.raises(Conflict):
        services.complaint_follow_up(
            complaint=complaint, actor=firm.people.agent, note="回访", satisfaction=5
        )
    assert_unchanged(complaint)


def test_a_supervisor_may_close_an_unsatisfied_case_only_with_a_reason(firm, categories):
    # dissatisfied once, answered again, then the customer cannot be reached
    complaint = walk_to(firm, receive(firm), Status.ANSWERED)
    complaint = services.complaint_follow_up(
        complaint=complaint, actor=firm.people.agent, note="仍不满意", satisfaction=1
    )
    complaint = walk_to(firm, complaint, Status.ANSWERED)
    complaint = services.complaint_follow_up(
        complaint=complaint, actor=firm.people.agent, note="未接听", reached=False
    )
    with pytest.raises(Conflict) as error:
        services.complaint_close(complaint=complaint, actor=firm.people.manager)
    assert error.value.code == "customer_not_satisfied"
    with pytest.raises(ValidationFailed):
        services.complaint_close(complaint=complaint, actor=firm.people.branch_head)
    closed = services.complaint_close(
        complaint=complaint,
        actor=firm.people.branch_head,
        reason="诉求超出合同范围，已告知复核渠道",
    )
    assert closed.status == Status.CLOSED


def test_a_closed_case_can_be_reopened(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.CLOSED)
    complaint = services.complaint_reopen(
        complaint=complaint, actor=firm.people.manager, reason="客户再次来电"
    )
    assert (complaint.status, complaint.closed_at) == (Status.IN_PROGRESS, None)


def test_assigning_needs_a_classified_complaint_and_a_member_of_the_unit(firm, categories):
    complaint = walk_to(firm, receive(firm, category=None), Status.ACCEPTED)
    with pytest.raises(ValidationFailed) as error:
        services.complaint_assign(
            complaint=complaint,
            actor=firm.people.manager,
            assignee=firm.people.handler,
            org_unit=firm.units.bj_aftersales,
        )
    assert "category" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        services.complaint_assign(
            complaint=complaint,
            actor=firm.people.manager,
            assignee=firm.people.sales_handler,
            org_unit=firm.units.bj_aftersales,
            category="A01",
        )
    assert "assignee" in error.value.fields
    assert_unchanged(complaint)
    # classifying in the same step is allowed
    assigned = services.complaint_assign(
        complaint=complaint,
        actor=firm.people.manager,
        assignee="handler",
        org_unit="bj-aftersales",
        category="A01",
    )
    assert assigned.category.code == "A01"
    assert assigned.events.last().data["changes"]["category"] == [None, "A01"]


def test_escalation_climbs_the_org_tree_one_supervisor_at_a_time(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.IN_PROGRESS)
    levels = []
    for _ in range(3):
        complaint = services.complaint_escalate(
            complaint=complaint, actor=complaint.owner, reason="客户坚持要求领导处理"
        )
        levels.append((complaint.escalation_level, complaint.owner.username))
    assert levels == [(1, "department_head"), (2, "branch_head"), (3, "executive")]
    with pytest.raises(Conflict) as error:
        services.complaint_escalate(complaint=complaint, actor=complaint.owner, reason="再升级")
    assert error.value.code == "escalation_exhausted"
    event = complaint.events.filter(type="escalated").first()
    assert event.data["changes"] == {
        "escalation_level": [0, 1],
        "owner": ["handler", "department_head"],
    }
    assert event.is_public is False


def test_notes_are_internal_unless_marked_for_the_customer(firm, categories):
    complaint = receive(firm)
    services.complaint_add_note(complaint=complaint, actor=firm.people.agent, text="内部备注")
    services.complaint_add_note(
        complaint=complaint, actor=firm.people.agent, text="已收到您的材料", is_public=True
    )
    notes = list(complaint.events.filter(type="note_added").values_list("message", "is_public"))
    assert notes == [("内部备注", False), ("已收到您的材料", True)]


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.ASSIGNED, Status.CLOSED])
def test_a_forbidden_transition_is_a_conflict_and_changes_nothing(firm, categories, status):
    complaint = walk_to(firm, receive(firm), status)
    with pytest.raises(Conflict):
        services.complaint_approve(complaint=complaint, actor=firm.people.branch_head)
    assert_unchanged(complaint)


def test_someone_outside_the_case_scope_gets_not_found(firm, categories):
    complaint = receive(firm)
    with pytest.raises(NotFound):
        services.complaint_accept(complaint=complaint, actor=firm.people.sh_manager)
    assert_unchanged(complaint)


def test_a_stale_version_is_refused(firm, categories):
    complaint = receive(firm)
    with pytest.raises(Conflict) as error:
        services.complaint_accept(
            complaint=complaint, actor=firm.people.manager, expected_version=7
        )
    assert error.value.code == "version_conflict"
    assert_unchanged(complaint)


# --- edits --------------------------------------------------------------------------------------


def test_an_edit_records_before_and_after(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.ACCEPTED)
    updated = services.complaint_update(
        complaint=complaint,
        actor=firm.people.manager,
        changes={
            "severity": "urgent",
            "category": "B02",
            "amount_involved": Decimal("120.50"),
            "demands": "道歉",
        },
    )
    assert (updated.severity, updated.category.code, updated.version) == ("urgent", "B02", 3)
    assert updated.events.last().data == {
        "changes": {
            "severity": ["general", "urgent"],
            "category": ["A01", "B02"],
            "amount_involved": [None, "120.50"],
        }
    }


def test_an_edit_that_changes_nothing_records_nothing(firm, categories):
    complaint = receive(firm)
    services.complaint_update(
        complaint=complaint, actor=firm.people.agent, changes={"demands": "道歉"}
    )
    assert_unchanged(complaint)


@pytest.mark.parametrize(
    ("actor", "changes", "error"),
    [
        ("agent", {"severity": "urgent"}, PermissionDenied),
        ("manager", {"status": "closed"}, ValidationFailed),
        ("manager", {"category": "nope"}, ValidationFailed),
        ("manager", {"description": ""}, ValidationFailed),
        ("manager", {"received_at": None}, ValidationFailed),
        ("sh_manager", {"demands": "x"}, NotFound),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(firm, categories, actor, changes, error):
    complaint = walk_to(firm, receive(firm), Status.ACCEPTED)
    with pytest.raises(error):
        services.complaint_update(
            complaint=complaint, actor=getattr(firm.people, actor), changes=changes
        )
    assert_unchanged(complaint)


def test_a_closed_case_is_kept_unaltered(firm, categories):
    complaint = walk_to(firm, receive(firm), Status.CLOSED)
    with pytest.raises(Conflict):
        services.complaint_update(
            complaint=complaint, actor=firm.people.manager, changes={"demands": "改"}
        )
    assert_unchanged(complaint)


# --- the timeline is append-only -----------------------------------------------------------------


def test_timeline_events_cannot_be_changed_or_deleted_through_the_orm(firm, categories):
    event = receive(firm).events.get()
    event.message = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(RuntimeError):
        ComplaintEvent.objects.filter(pk=event.pk).update(message="rewritten")
    with pytest.raises(RuntimeError):
        ComplaintEvent.objects.filter(pk=event.pk).delete()
    assert ComplaintEvent.objects.get(pk=event.pk).message == ""


@pytest.mark.postgres
def test_postgresql_refuses_to_rewrite_the_timeline_even_in_raw_sql(firm, categories):
    from django.db import DatabaseError, connection, transaction

    event = receive(firm).events.get()
    for sql in (
        "UPDATE complaints_complaintevent SET message = 'x' WHERE id = %s",
        "DELETE FROM complaints_complaintevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert ComplaintEvent.objects.get(pk=event.pk).message == ""


# --- presets -------------------------------------------------------------------------------------


def test_every_preset_loads_twice_without_duplicates(db):
    from kesu.complaints.models import Category
    from kesu.complaints.presets import PRESETS

    counts = {name: services.category_preset_load(name=name) for name in PRESETS}
    total = Category.objects.count()
    for name in PRESETS:
        services.category_preset_load(name=name)
    assert Category.objects.count() == total == sum(counts.values())
    assert Category.objects.get(code="A").name == "服务态度"
    assert Category.objects.get(code="F01").parent.code == "F"
    assert set(Category.objects.values_list("preset", flat=True)) == set(PRESETS)


def test_an_unknown_preset_is_refused(db):
    with pytest.raises(ValidationFailed):
        services.category_preset_load(name="casino")
