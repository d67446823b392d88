"""Deadlines through the API: shown with their policies, filtered, sorted, and the clock
actions with bad input and the wrong user."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.deadlines.models import DeadlineExtension
from kesu.notifications.models import Notification

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def cases(firm, policies):
    """early: received Mon 11-16 09:00 (response due 11-19 09:00); late: Fri 11-20 09:00."""
    with clock.frozen(at("2026-11-16 09:00")):
        early = receive(firm)
    with clock.frozen(at("2026-11-20 09:00")):
        late = receive(firm)
    return early, late


def test_the_detail_shows_each_deadline_with_its_policy(firm, cases, api_as):
    early, _late = cases
    with clock.frozen(at("2026-11-18 12:00")):
        body = api_as(firm.people.manager).get(f"/complaints/{early.number}").json()
    assert body["response_due"] == "2026-11-19T09:00:00+08:00"
    assert body["resolution_due"] == "2026-11-18T17:30:00+08:00"
    assert body["deadlines"]["response"] == {
        "due": "2026-11-19T09:00:00+08:00",
        "policy": "通用：投诉处理时限",
        "met": None,
    }
    # the revisit clock starts with the answer; its policy is known already
    assert body["deadlines"]["revisit"] == {
        "due": None,
        "policy": "通用：投诉处理时限",
        "met": None,
    }
    # 80% of the 3-day response limit is used on Wednesday at 18:36
    assert (body["time_state"], body["next_due_target"]) == ("on_time", "response")
    assert body["deadlines"]["at_risk_at"] == "2026-11-18T18:36:00+08:00"
    with clock.frozen(at("2026-11-18 18:36")):
        body = api_as(firm.people.manager).get(f"/complaints/{early.number}").json()
    assert body["time_state"] == "at_risk"


def test_filters_overdue_at_risk_due_before_and_sort_by_deadline(firm, cases, api_as):
    early, late = cases
    api = api_as(firm.people.manager)
    with clock.frozen(at("2026-11-19 10:00")):
        assert [
            c["number"] for c in api.get("/complaints", {"overdue": "true"}).json()["items"]
        ] == [early.number]
        assert api.get("/complaints", {"at_risk": "true"}).json()["count"] == 0
        listed = api.get("/complaints", {"sort": "deadline"}).json()["items"]
        assert [c["number"] for c in listed] == [early.number, late.number]
        assert [c["time_state"] for c in listed] == ["overdue", "on_time"]
        due_before = api.get("/complaints", {"due_before": "2026-11-20T00:00:00+08:00"}).json()
        assert [c["number"] for c in due_before["items"]] == [early.number]
        assert api.get("/complaints", {"overdue": "false"}).json()["count"] == 1


@pytest.mark.parametrize(
    "params", [{"overdue": "maybe"}, {"sort": "random"}, {"due_before": "tomorrow"}]
)
def test_bad_deadline_filters_are_422(firm, cases, api_as, params):
    assert api_as(firm.people.manager).get("/complaints", params).status_code == 422


def test_pause_and_resume_through_the_api(firm, cases, api_as):
    early, _late = cases
    api = api_as(firm.people.manager)
    body = api.post(f"/complaints/{early.number}/pause", {"reason": "请补充发票"}).json()
    assert (body["time_state"], body["deadlines"]["is_awaiting_customer"]) == ("paused", True)
    assert "resume" in body["allowed_actions"] and "pause" not in body["allowed_actions"]
    again = api.post(f"/complaints/{early.number}/pause", {"reason": "again"})
    assert (again.status_code, again.json()["error"]) == (409, "transition_not_allowed")
    body = api.post(f"/complaints/{early.number}/resume", {"note": "已补充"}).json()
    assert body["deadlines"]["is_awaiting_customer"] is False


@pytest.mark.parametrize(
    ("user", "path", "body", "status"),
    [
        ("manager", "pause", {}, 422),
        ("manager", "pause", {"reason": ""}, 422),
        ("quality", "pause", {"reason": "x"}, 403),
        ("sh_manager", "pause", {"reason": "x"}, 404),
        ("manager", "resume", {}, 409),
    ],
)
def test_bad_clock_requests_change_nothing(firm, cases, api_as, user, path, body, status):
    early, _late = cases
    response = api_as(getattr(firm.people, user)).post(f"/complaints/{early.number}/{path}", body)
    assert response.status_code == status
    fresh = Complaint.objects.get(pk=early.pk)
    assert (fresh.is_awaiting_customer, fresh.pauses, fresh.events.count()) == (False, [], 1)


def test_an_extension_through_the_api(firm, cases, api_as):
    early, _late = cases
    case = walk_to(firm, early, Status.IN_PROGRESS)
    handler = api_as(firm.people.handler)
    bad = handler.post(
        f"/complaints/{case.number}/extend", {"reason": "需鉴定", "amount": 7, "unit": "weeks"}
    )
    assert bad.status_code == 422
    too_long = handler.post(
        f"/complaints/{case.number}/extend",
        {"reason": "需鉴定", "amount": 20, "unit": "working_days"},
    )
    assert (too_long.status_code, list(too_long.json()["fields"])) == (422, ["amount"])
    body = handler.post(
        f"/complaints/{case.number}/extend",
        {"reason": "需鉴定", "amount": 7, "unit": "working_days"},
    ).json()
    assert body["deadlines"]["pending_extension"] == {
        "amount": 7,
        "unit": "working_days",
        "reason": "需鉴定",
        "requested_by": "handler",
    }
    own = handler.post(f"/complaints/{case.number}/decide-extension", {"approve": True})
    assert own.status_code == 403
    body = (
        api_as(firm.people.department_head)
        .post(f"/complaints/{case.number}/decide-extension", {"approve": True, "note": "同意"})
        .json()
    )
    assert body["deadlines"]["extended_to"] == {"amount": 7, "unit": "working_days"}
    assert body["deadlines"]["pending_extension"] is None
    assert DeadlineExtension.objects.get().decided_by == firm.people.department_head


def test_notifications_are_ones_own(firm, cases, api_as):
    early, _late = cases
    from kesu.deadlines.sweep import sweep

    with clock.frozen(at("2026-11-18 19:00")):
        sweep(now=at("2026-11-18 19:00"))
    manager = api_as(firm.people.manager)
    listed = manager.get("/notifications", {"unread": "true"}).json()
    assert listed["count"] == 1
    note = listed["items"][0]
    assert note["complaint"] == early.number
    read = manager.post(f"/notifications/{note['id']}/read").json()
    assert read["read_at"] is not None
    assert manager.get("/notifications", {"unread": "true"}).json()["count"] == 0
    # somebody else's notification is not found, and stays unread
    other = Notification.objects.create(
        recipient=firm.people.agent, kind="x", title="t", created_at=clock.now()
    )
    response = manager.post(f"/notifications/{other.pk}/read")
    assert (response.status_code, response.json()["error"]) == (404, "notification_not_found")
    other.refresh_from_db()
    assert other.read_at is None
    assert api_as(None).get("/notifications").status_code == 401
