"""/api/v1/complaints: every endpoint with good input, bad input and the wrong user."""

import threading

import pytest
from django.db import close_old_connections

from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status

pytestmark = pytest.mark.django_db

NEW_CASE = {
    "kind": "complaint",
    "channel": "phone",
    "complainant": {"name": "李四", "phone": "13912345678", "email": "lisi@example.com"},
    "description": "维修师傅迟到三小时且未提前通知。",
    "demands": "赔偿误工费",
    "category": "E01",
    "severity": "important",
}


def error_of(response):
    body = response.json()
    assert set(body) == {"error", "detail", "fields"}
    return body


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer kesu_wrong", "Basic abc"])
def test_without_a_valid_token_the_api_answers_401(client, firm, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/complaints", **extra)
    assert response.status_code == 401
    assert error_of(response)["error"] == "not_authenticated"


def test_a_revoked_token_or_inactive_user_is_refused(client, firm, api_as):
    from kesu.accounts.models import ApiToken

    api = api_as(firm.people.agent)
    assert api.get("/complaints").status_code == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert api.get("/complaints").status_code == 401
    ApiToken.objects.update(revoked_at=None)
    firm.people.agent.is_active = False
    firm.people.agent.save()
    assert api.get("/complaints").status_code == 401


def test_openapi_and_docs_are_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/complaints/{number}/follow-up" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


# --- create --------------------------------------------------------------------------------------


def test_create_returns_201_with_the_number_and_stored_fields(firm, categories, api_as):
    response = api_as(firm.people.agent).post("/complaints", NEW_CASE)
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("TS")
    assert body["status"] == "received"
    assert body["complainant"] == {
        "name": "李四",
        "phone": "13912345678",
        "email": "lisi@example.com",
        "customer_id": body["complainant"]["customer_id"],
    }
    assert (body["category"]["code"], body["severity"], body["risk"]) == ("E01", "important", "low")
    assert body["received_at"].endswith("+08:00")
    assert body["allowed_actions"] == ["escalate", "note", "pause"]
    assert Complaint.objects.get(number=body["number"]).demands == "赔偿误工费"


def test_received_at_may_be_given_for_a_late_registration(firm, categories, api_as):
    response = api_as(firm.people.agent).post(
        "/complaints", {**NEW_CASE, "channel": "letter", "received_at": "2026-11-02T09:00:00+08:00"}
    )
    assert response.status_code == 201
    assert response.json()["received_at"] == "2026-11-02T09:00:00+08:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": None}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"complainant": {"name": ""}}, "complainant.name"),
        ({"complainant": None}, "complainant"),
        ({"description": "x" * 10_001}, "description"),
        ({"description": 42}, "description"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"amount_involved": "-5"}, "amount_involved"),
        ({"amount_involved": "lots"}, "amount_involved"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2026-11-02T09:00:00"}, "received_at"),
        ({"special_flags": ["royal"]}, "special_flags.0"),
        ({"status": "closed"}, "status"),
        ({"category": "NOPE"}, "category"),
        ({"complainant": {"name": "王五", "phone": "abc"}}, "complainant.phone"),
        ({"received_at": "2099-01-01T00:00:00+08:00"}, "received_at"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_creates_nothing(
    firm, categories, api_as, change, field
):
    body = {**NEW_CASE, **change}
    body = {key: value for key, value in body.items() if value is not None}
    response = api_as(firm.people.agent).post("/complaints", body)
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_malformed_json_is_400(firm, api_as):
    response = api_as(firm.people.agent).post("/complaints", "{not json")
    assert response.status_code == 400
    assert error_of(response)["error"] == "malformed_request"


# --- list and read -------------------------------------------------------------------------------


def test_the_list_is_scoped_filtered_paginated_and_masked(firm, categories, api_as):
    for _ in range(3):
        receive(firm)
    receive(firm, actor=firm.people.sh_agent)
    api = api_as(firm.people.manager)
    body = api.get("/complaints", {"status": "received"}).json()
    assert body["count"] == 3
    assert body["items"][0]["complainant"]["phone"] == "138****8000"
    assert body["items"][0]["complainant"]["name"] == "张*"
    assert api.get("/complaints", {"page": 2}).json()["items"] == []
    assert api.get("/complaints", {"q": "没有这个词"}).json()["count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"page": "x"},
        {"received_from": "not-a-date"},
        {"q": "x" * 101},
        {"kind": "praise"},
    ],
)
def test_bad_list_parameters_are_422(firm, api_as, params):
    response = api_as(firm.people.manager).get("/complaints", params)
    assert response.status_code == 422
    assert error_of(response)["error"] == "invalid_request"


def test_a_case_outside_ones_scope_is_404_like_a_missing_one(firm, categories, api_as):
    case = receive(firm)
    api = api_as(firm.people.sh_agent)
    for path in (
        f"/complaints/{case.number}",
        f"/complaints/{case.number}/timeline",
        "/complaints/TS209901010001",
    ):
        response = api.get(path)
        assert response.status_code == 404
        assert error_of(response)["error"] == "complaint_not_found"
    assert api.post(f"/complaints/{case.number}/notes", {"text": "x"}).status_code == 404
    assert case.events.count() == 1


def test_quality_managers_read_cases_with_the_contact_masked(firm, categories, api_as):
    case = receive(firm)
    body = api_as(firm.people.quality).get(f"/complaints/{case.number}").json()
    assert body["complainant"]["phone"] == "138****8000"
    body = api_as(firm.people.manager).get(f"/complaints/{case.number}").json()
    assert body["complainant"]["phone"] == "13800138000"


def test_the_timeline_lists_every_step_in_order(firm, categories, api_as):
    case = walk_to(firm, receive(firm), Status.ASSIGNED)
    events = api_as(firm.people.manager).get(f"/complaints/{case.number}/timeline").json()
    assert [(e["sequence"], e["type"], e["actor"]["username"]) for e in events] == [
        (1, "received", "agent"),
        (2, "accepted", "manager"),
        (3, "assigned", "manager"),
    ]
    assert events[2]["data"]["changes"]["owner"] == [None, "handler"]
    assert events[2]["is_public"] is False


def test_the_timeline_has_no_write_endpoints(firm, categories, api_as):
    case = receive(firm)
    api = api_as(firm.people.executive)
    assert api.patch(f"/complaints/{case.number}/timeline", {}).status_code == 405
    response = api.client.delete(f"/api/v1/complaints/{case.number}/timeline", **api.headers)
    assert response.status_code == 405
    assert case.events.count() == 1


# --- edit ----------------------------------------------------------------------------------------


def test_patch_changes_editable_fields_and_records_them(firm, categories, api_as):
    case = walk_to(firm, receive(firm), Status.ACCEPTED)
    response = api_as(firm.people.manager).patch(
        f"/complaints/{case.number}", {"risk": "high", "incident_place": "营业大厅", "version": 2}
    )
    assert response.status_code == 200
    assert (response.json()["risk"], response.json()["version"]) == ("high", 3)
    assert case.events.last().data["changes"] == {
        "risk": ["low", "high"],
        "incident_place": ["", "营业大厅"],
    }


@pytest.mark.parametrize(
    ("user", "body", "status", "error"),
    [
        ("manager", {"status": "closed"}, 422, "invalid_request"),
        ("manager", {"severity": "huge"}, 422, "invalid_request"),
        ("manager", {"category": "ZZ"}, 422, "validation_failed"),
        ("manager", {"description": ""}, 422, "invalid_request"),
        ("manager", {"risk": "high", "version": 1}, 409, "version_conflict"),
        ("agent", {"severity": "urgent"}, 403, "permission_denied"),
        ("sh_manager", {"risk": "high"}, 404, "complaint_not_found"),
    ],
)
def test_bad_patches_are_refused_and_change_nothing(
    firm, categories, api_as, user, body, status, error
):
    case = walk_to(firm, receive(firm), Status.ACCEPTED)
    response = api_as(getattr(firm.people, user)).patch(f"/complaints/{case.number}", body)
    assert response.status_code == status
    assert error_of(response)["error"] == error
    fresh = Complaint.objects.get(pk=case.pk)
    assert (fresh.version, fresh.risk, fresh.severity, fresh.events.count()) == (
        2,
        "low",
        "general",
        2,
    )


# --- the whole life through the API --------------------------------------------------------------


def test_a_complaint_walks_its_whole_life_through_the_api(firm, categories, api_as):
    p = firm.people
    number = api_as(p.agent).post("/complaints", NEW_CASE).json()["number"]
    steps = [
        (p.manager, "accept", {"note": "受理"}, "accepted"),
        (p.manager, "assign", {"assignee": "handler", "org_unit": "bj-aftersales"}, "assigned"),
        (p.handler, "start", {}, "in_progress"),
        (p.handler, "notes", {"text": "已联系客户", "is_public": True}, "in_progress"),
        (p.handler, "propose", {"solution": "赔偿误工费200元并致歉"}, "awaiting_approval"),
        (p.department_head, "return", {"reason": "请附上派工单"}, "in_progress"),
        (p.handler, "propose", {"solution": "赔偿200元，附派工单"}, "awaiting_approval"),
        (p.department_head, "approve", {"comment": "同意"}, "approved"),
        (p.handler, "answer", {"answer": "已赔偿200元并致歉"}, "answered"),
        # a dissatisfied revisit reopens the case by itself
        (p.agent, "follow-up", {"note": "回访", "satisfaction": 2}, "in_progress"),
        (p.handler, "escalate", {"reason": "需主管出面"}, "in_progress"),
        (p.department_head, "propose", {"solution": "主管上门致歉"}, "awaiting_approval"),
        (p.branch_head, "approve", {}, "approved"),
        (p.department_head, "answer", {"answer": "主管已上门致歉"}, "answered"),
        # the customer could not be reached at first; then they are satisfied, which closes it
        (p.agent, "follow-up", {"note": "未接听", "reached": False}, "follow_up"),
        (p.agent, "follow-up", {"note": "满意", "satisfaction": 5, "method": "sms"}, "closed"),
    ]
    for actor, action, body, expected in steps:
        response = api_as(actor).post(f"/complaints/{number}/{action}", body)
        assert response.status_code == (201 if action == "notes" else 200), (
            action,
            response.json(),
        )
        assert response.json()["status"] == expected, action
    case = Complaint.objects.get(number=number)
    assert (case.escalation_level, case.owner.username, case.satisfaction) == (
        1,
        "department_head",
        5,
    )
    # every step by a person, and the registration; the rest are the rules' own steps
    # (approvals routed, the reopening and the closing that revisits cause)
    assert case.events.filter(actor__isnull=False).count() == len(steps) + 1
    assert case.events.filter(type="reopened", actor__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("reject", {}, "reason"),
        ("reject", {"reason": ""}, "reason"),
        ("assign", {"assignee": "handler"}, "org_unit"),
        ("escalate", {"reason": "x" * 10_001}, "reason"),
        ("accept", {"surprise": 1}, "surprise"),
        ("accept", {"version": "two"}, "version"),
    ],
)
def test_bad_action_input_is_422_and_changes_nothing(firm, categories, api_as, action, body, field):
    case = receive(firm)
    response = api_as(firm.people.manager).post(f"/complaints/{case.number}/{action}", body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert Complaint.objects.get(pk=case.pk).status == "received"
    assert case.events.count() == 1


def test_assigning_to_an_unknown_user_or_unit_is_422(firm, categories, api_as):
    case = walk_to(firm, receive(firm), Status.ACCEPTED)
    api = api_as(firm.people.manager)
    response = api.post(
        f"/complaints/{case.number}/assign", {"assignee": "ghost", "org_unit": "bj-aftersales"}
    )
    assert (response.status_code, list(error_of(response)["fields"])) == (422, ["assignee"])
    response = api.post(
        f"/complaints/{case.number}/assign", {"assignee": "handler", "org_unit": "mars"}
    )
    assert (response.status_code, list(error_of(response)["fields"])) == (422, ["org_unit"])
    assert Complaint.objects.get(pk=case.pk).status == "accepted"


def test_a_forbidden_transition_is_409_with_the_reason(firm, categories, api_as):
    case = receive(firm)
    response = api_as(firm.people.branch_head).post(f"/complaints/{case.number}/approve", {})
    assert response.status_code == 409
    body = error_of(response)
    assert body["error"] == "transition_not_allowed"
    assert body["detail"]
    assert case.events.count() == 1


@pytest.mark.parametrize(
    ("user", "action", "body"),
    [
        ("agent", "accept", {}),
        ("agent", "reject", {"reason": "x"}),
        ("quality", "escalate", {"reason": "x"}),
    ],
)
def test_the_wrong_role_is_403_and_changes_nothing(firm, categories, api_as, user, action, body):
    case = receive(firm)
    response = api_as(getattr(firm.people, user)).post(f"/complaints/{case.number}/{action}", body)
    assert response.status_code == 403
    assert error_of(response)["error"] == "permission_denied"
    fresh = Complaint.objects.get(pk=case.pk)
    assert (fresh.version, fresh.status, fresh.events.count()) == (1, "received", 1)


def test_a_handler_may_not_start_someone_elses_case(firm, categories, api_as):
    from kesu.accounts.roles import Role
    from kesu.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    colleague = UserFactory(username="colleague")
    RoleAssignmentFactory(user=colleague, role=Role.HANDLER, org_unit=firm.units.bj_aftersales)
    case = walk_to(firm, receive(firm), Status.ASSIGNED)
    response = api_as(colleague).post(f"/complaints/{case.number}/start", {})
    assert response.status_code == 403
    assert Complaint.objects.get(pk=case.pk).status == "assigned"


def test_a_stale_version_in_an_action_is_409(firm, categories, api_as):
    case = receive(firm)
    response = api_as(firm.people.manager).post(f"/complaints/{case.number}/accept", {"version": 5})
    assert (response.status_code, error_of(response)["error"]) == (409, "version_conflict")


def test_categories_are_listed(firm, categories, api_as):
    body = api_as(firm.people.agent).get("/categories").json()
    assert {
        "code": "A01",
        "name": "态度生硬、冷漠",
        "name_en": "Rude or cold manner",
        "parent": "A",
        "preset": "general",
    } in body


# --- races, on PostgreSQL -------------------------------------------------------------------------


def _at_once(count: int, work):
    """Run `work(i)` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_under_concurrent_intake(firm, categories):
    from kesu.complaints.services import complaint_receive

    def register(index):
        return complaint_receive(
            actor=firm.people.agent,
            kind="complaint",
            channel="phone",
            contact_name=f"客户{index}",
            contact_phone=f"1390000{index:04d}",
            description="并发登记",
            category="A01",
        ).number

    numbers = _at_once(16, register)
    assert len(set(numbers)) == 16
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, 17))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_acting_on_one_case_at_once_cannot_both_win(client, firm, categories):
    from django.test import Client

    from kesu.accounts.services import api_token_create

    case = receive(firm)
    tokens = [
        api_token_create(user=firm.people.manager)[1],
        api_token_create(user=firm.people.branch_head)[1],
    ]

    def act(index):
        action = ("accept", "reject")[index]
        body = {} if action == "accept" else {"reason": "不受理"}
        response = Client().post(
            f"/api/v1/complaints/{case.number}/{action}",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[index]}",
        )
        return response.status_code

    codes = _at_once(2, act)
    assert sorted(codes) == [200, 409]
    case.refresh_from_db()
    assert case.status in ("accepted", "not_accepted")
    # received and the one step that won (messages to the customer aside)
    assert case.events.exclude(type__startswith="message_").count() == 2
