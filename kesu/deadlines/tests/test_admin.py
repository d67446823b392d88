"""The time-limit admin: the unknown-year warning, and recomputation after a change."""

import datetime as dt

import pytest

from kesu.core import clock
from kesu.deadlines.models import CalendarDay, TimeLimitPolicy

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin_client_as(client, firm):
    firm.people.administrator.is_superuser = False
    firm.people.administrator.save()
    client.force_login(firm.people.administrator)
    return client


def test_the_calendar_page_warns_that_next_year_is_unknown_until_entered(admin_client_as, policies):
    with clock.frozen(NOW):
        page = admin_client_as.get("/admin/deadlines/calendarday/").content.decode()
    assert "2027 年的法定节假日尚未发布" in page
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, note="元旦")
    with clock.frozen(NOW):
        page = admin_client_as.get("/admin/deadlines/calendarday/").content.decode()
    assert "尚未发布" not in page


def test_an_administrator_edits_a_policy_and_open_cases_are_recomputed(
    admin_client_as, firm, policies, django_capture_on_commit_callbacks
):
    from kesu.complaints.tests.factories import receive

    case = receive(firm)
    before = case.resolution_due
    policy = TimeLimitPolicy.objects.get(name="通用：投诉处理时限")
    form = {
        "name": policy.name,
        "preset": policy.preset,
        "is_active": "on",
        "priority": 0,
        "kind": "complaint",
        "severity": "",
        "response_amount": 3,
        "response_unit": "days",
        "resolution_amount": 5,
        "resolution_unit": "working_days",
        "revisit_amount": 3,
        "revisit_unit": "working_days",
        "extension_amount": 7,
        "extension_unit": "working_days",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_as.post(
            f"/admin/deadlines/timelimitpolicy/{policy.pk}/change/", form
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.resolution_due > before
    assert case.events.last().type == "deadlines_set"


def test_a_policy_with_an_amount_but_no_unit_is_refused(admin_client_as, policies):
    policy = TimeLimitPolicy.objects.get(name="通用：投诉处理时限")
    form = {"name": "x", "priority": 0, "resolution_amount": 5, "resolution_unit": ""}
    response = admin_client_as.post(f"/admin/deadlines/timelimitpolicy/{policy.pk}/change/", form)
    assert response.status_code == 200
    assert "数量和单位须同时填写或同时留空" in response.content.decode()
    policy.refresh_from_db()
    assert (policy.name, policy.resolution_amount) == ("通用：投诉处理时限", 3)


def test_a_handler_cannot_change_policies(client, firm, policies):
    client.force_login(firm.people.handler)
    policy = TimeLimitPolicy.objects.get(name="通用：投诉处理时限")
    response = client.post(
        f"/admin/deadlines/timelimitpolicy/{policy.pk}/change/", {"name": "改", "priority": 0}
    )
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.name == "通用：投诉处理时限"
