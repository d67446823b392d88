"""The monthly and quarterly reports: made, stored, read back (xlsx with openpyxl, the PDF's
text), and the reports page with bad input and the wrong user."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.reports.models import ReportFile
from kesu.reports.periodic import bounds, previous_quarter_start, report_make


def at(text):
    return dt.datetime.fromisoformat(text).astimezone()


@pytest.fixture
def october(firm, policies):
    for day in (3, 9, 15):
        with clock.frozen(at(f"2026-10-{day:02d} 10:00")):
            walk_to(firm, receive(firm, contact_phone=f"13955{day:06d}"), Status.CLOSED)
    with clock.frozen(at("2026-10-20 10:00")):
        receive(firm, category="B01", severity="urgent", contact_phone="13966600000")
    with clock.frozen(at("2026-09-20 10:00")):
        receive(firm, contact_phone="13977700000")


def test_a_monthly_report_is_made_stored_and_reads_back(october):
    with clock.frozen(at("2026-11-01 06:30")):
        row = report_make(kind="monthly", start=dt.date(2026, 10, 1))
    assert (row.period_start, row.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    book = load_workbook(io.BytesIO(row.xlsx.read()))
    assert book.sheetnames == ["概览", "按类别", "按部门", "按渠道", "超期案件", "重点案件"]
    summary = {
        r[0]: r[1:4] for r in book["概览"].iter_rows(min_row=3, max_row=17, values_only=True)
    }
    assert summary["受理量"] == (4, 1, 0)  # October, September, October last year
    assert summary["结案量"][0] == 3
    categories = list(book["按类别"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[1]) for r in categories) == [("A", 3), ("B", 1)]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(row.pdf.read())).pages)
    assert "月度汇总" in text and "2026-10-01" in text and "受理量" in text
    assert "紧急" in text  # the urgent complaint is a notable case


def test_quarters_start_in_their_first_month():
    assert bounds("quarterly", dt.date(2026, 10, 1)) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert previous_quarter_start(dt.date(2027, 1, 1)) == dt.date(2026, 10, 1)
    with pytest.raises(ValueError):
        bounds("quarterly", dt.date(2026, 11, 1))
    with pytest.raises(ValueError):
        bounds("monthly", dt.date(2026, 11, 2))


def test_the_worker_makes_last_months_and_last_quarters_report(october):
    from kesu.reports.tasks import monthly_report_task

    with clock.frozen(at("2027-01-01 06:30")):
        monthly_report_task.call_local()
    kinds = sorted(ReportFile.objects.values_list("kind", "period_start"))
    assert kinds == [("monthly", dt.date(2026, 12, 1)), ("quarterly", dt.date(2026, 10, 1))]


def test_the_reports_page(client, firm, october):
    client.force_login(firm.people.quality)
    page = client.get("/reports/?start=2026-10-01&end=2026-10-31&group=category")
    assert page.status_code == 200 and 'data-kpi="intake">4<' in page.content.decode()
    assert client.get("/reports/?start=2026-10-31&end=2026-10-01&group=category").status_code == 422
    assert client.get("/reports/?start=2026-10-01&end=2026-10-31&group=colour").status_code == 422
    assert client.post("/reports/", {"kind": "quarterly", "month": "2026-11"}).status_code == 422
    assert client.post("/reports/", {"kind": "monthly", "month": "2026-10"}).status_code == 302
    row = ReportFile.objects.get()
    assert client.get(f"/reports/{row.pk}.xlsx").status_code == 200
    assert client.get(f"/reports/{row.pk}.doc").status_code == 404
    client.force_login(firm.people.agent)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/{row.pk}.pdf").status_code == 403
