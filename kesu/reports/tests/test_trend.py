"""The trend through the API and the spike alert raised once, shown on the dashboard."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive
from kesu.core import clock
from kesu.notifications.models import Notification
from kesu.reports.models import SpikeAlert
from kesu.reports.trend import spike_alerts_raise

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SH)  # a Monday


@pytest.fixture
def weekly(firm, categories):
    """Two or three A complaints a week for 20 weeks, then 15 in the last complete week."""
    last_monday = dt.datetime(2026, 11, 16, 10, 0, tzinfo=SH)
    counts = [2, 3] * 10 + [15]
    for index, count in enumerate(counts):
        week = last_monday - dt.timedelta(weeks=len(counts) - 1 - index)
        for n in range(count):
            with clock.frozen(week + dt.timedelta(hours=n)):
                receive(firm, contact_phone=f"137{index:04d}{n:04d}")
    return counts


def test_the_trend_gives_actuals_a_forecast_and_the_spike(firm, weekly, api_as):
    with clock.frozen(NOW):
        data = (
            api_as(firm.people.executive).get("/reports/trend", {"weeks": 21, "horizon": 8}).json()
        )
    series = data["categories"]["服务态度"]
    assert series["actual"] == weekly and series["spike"] is True
    assert len(series["forecast"]["mean"]) == len(data["future"]) == 8
    assert data["future"][0] == "2026-11-23"
    bad = api_as(firm.people.executive).get("/reports/trend", {"weeks": 3})
    assert bad.status_code == 422


def test_a_spike_is_alerted_once_and_shown_on_the_dashboard(firm, weekly, client):
    with clock.frozen(NOW):
        made = spike_alerts_raise(Complaint.objects.all(), now=NOW)
        again = spike_alerts_raise(Complaint.objects.all(), now=NOW)
    assert [(a.category, a.actual) for a in made] == [("服务态度", 15)] and again == []
    assert Notification.objects.filter(kind="spike", recipient=firm.people.quality).count() == 1
    client.force_login(firm.people.quality)
    with clock.frozen(NOW):
        page = client.get("/dashboard/").content.decode()
    assert "服务态度" in page and 'data-testid="spikes"' in page
    assert SpikeAlert.objects.count() == 1
