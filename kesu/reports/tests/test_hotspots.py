"""When, where and what: counted in the firm's time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive
from kesu.core import clock
from kesu.reports.hotspots import hotspots
from kesu.reports.measures import Period

SH = ZoneInfo("Asia/Shanghai")


def test_hour_and_weekday_in_the_firms_zone_and_units_and_categories(
    firm, categories, client, api_as
):
    for when in ("2026-11-16 09:30", "2026-11-16 09:45", "2026-11-22 23:10"):  # Mon ×2, Sun
        with clock.frozen(dt.datetime.fromisoformat(when).replace(tzinfo=SH)):
            receive(firm, contact_phone=f"1360000{when[-5:-3]}{when[-2:]}")
    period = Period(dt.datetime(2026, 11, 16, tzinfo=SH), dt.datetime(2026, 11, 23, tzinfo=SH))
    data = hotspots(Complaint.objects.all(), period)
    assert data["when"][0][9] == 2 and data["when"][6][23] == 1 and data["peak"] == 2
    assert data["where"] == [("bj-service", 3)] and data["what"] == [("服务态度", 3)]
    api = api_as(firm.people.executive).get(
        "/reports/hotspots", {"start": "2026-11-16", "end": "2026-11-22"}
    )
    assert api.json()["when"][0][9] == 2
    client.force_login(firm.people.quality)
    page = client.get("/reports/?start=2026-11-16&end=2026-11-22&group=category").content.decode()
    assert 'data-testid="hotspots"' in page and "bj-service — 3" in page
