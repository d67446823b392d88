"""Historical cases from an earlier system (`kesu import`): finished cases loaded as they were,
every row not loaded reported with its reason, nothing loaded twice, and the reports count
them by when they happened."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.complaints.services import HistoricalCase, complaints_import_history
from kesu.core.errors import ValidationFailed
from kesu.intake.history import count_rows, history_import
from kesu.notifications.models import OutboundMessage
from kesu.reports import kpis
from kesu.reports.measures import Period

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")

HEADER = [
    "投诉编号",
    "受理时间",
    "类型",
    "渠道",
    "客户姓名",
    "联系电话",
    "投诉内容",
    "投诉分类",
    "责任部门",
    "首次响应时间",
    "答复时间",
    "结案时间",
    "回访时间",
    "满意度",
    "状态",
]
GOOD = [
    # closed on time, satisfied; the general preset gives 1 working day to respond and 5 to
    # resolve, so 3 days is in time
    [
        "OLD-1",
        "2025-03-03 09:00",
        "投诉",
        "电话",
        "赵一",
        "13800000001",
        "柜台排队太久",
        "B01",
        "bj-service",
        "2025-03-03 10:00",
        "2025-03-05 16:00",
        "2025-03-06 10:00",
        "2025-03-06 09:30",
        "满意",
        "",
    ],
    # closed late (answered after 12 days), dissatisfied
    [
        "OLD-2",
        "2025-03-10 14:00",
        "投诉",
        "12345",
        "钱二",
        "13800000002",
        "多收了手续费",
        "服务态度",
        "bj-aftersales",
        "2025-03-17 10:00",
        "2025-03-24 10:00",
        "2025-03-25 10:00",
        "2025-03-25 09:00",
        "2",
        "",
    ],
    # not accepted: no closing time needed
    [
        "OLD-3",
        "2025-04-01 09:00",
        "咨询",
        "",
        "孙三",
        "",
        "问营业时间",
        "",
        "bj-service",
        "2025-04-01 09:30",
        "",
        "",
        "",
        "",
        "不予受理",
    ],
]
BAD = [
    (
        [
            "OLD-4",
            "2025-04-02 09:00",
            "投诉",
            "电话",
            "李四",
            "13800000004",
            "",
            "",
            "bj-service",
            "",
            "",
            "2025-04-03 09:00",
            "",
            "",
            "",
        ],
        "missing 投诉内容",
    ),
    (
        [
            "OLD-5",
            "去年春天",
            "投诉",
            "电话",
            "周五",
            "13800000005",
            "日期写错",
            "",
            "bj-service",
            "",
            "",
            "2025-04-03 09:00",
            "",
            "",
            "",
        ],
        "受理时间",
    ),
    (
        [
            "OLD-6",
            "2099-01-01 09:00",
            "投诉",
            "电话",
            "吴六",
            "13800000006",
            "将来的投诉",
            "",
            "bj-service",
            "",
            "",
            "2099-01-02 09:00",
            "",
            "",
            "",
        ],
        "in the future",
    ),
    (
        [
            "OLD-7",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "郑七",
            "13800000007",
            "先结案后受理",
            "",
            "bj-service",
            "",
            "",
            "2025-04-01 09:00",
            "",
            "",
            "",
        ],
        "结案时间 is before 受理时间",
    ),
    (
        [
            "OLD-8",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "王八",
            "13800000008",
            "还没办完",
            "",
            "bj-service",
            "",
            "",
            "",
            "",
            "",
            "处理中",
        ],
        "not finished",
    ),
    (
        [
            "OLD-9",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "冯九",
            "13800000009",
            "分类不存在",
            "Z99",
            "bj-service",
            "",
            "",
            "2025-04-06 09:00",
            "",
            "",
            "",
        ],
        "unknown category",
    ),
    (
        [
            "OLD-10",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "陈十",
            "13800000010",
            "部门不存在",
            "",
            "火星分行",
            "",
            "",
            "2025-04-06 09:00",
            "",
            "",
            "",
        ],
        "unknown org unit",
    ),
    (
        [
            "OLD-1",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "赵一",
            "13800000001",
            "编号重复",
            "",
            "bj-service",
            "",
            "",
            "2025-04-06 09:00",
            "",
            "",
            "",
        ],
        "same number as row 2",
    ),
    (
        [
            "OLD-11",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "褚十一",
            "12",
            "电话不对",
            "",
            "bj-service",
            "",
            "",
            "2025-04-06 09:00",
            "",
            "",
            "",
        ],
        "phone",
    ),
    (
        [
            "OLD-12",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "卫十二",
            "13800000012",
            "满意度乱写",
            "",
            "bj-service",
            "",
            "",
            "2025-04-06 09:00",
            "",
            "还行吧",
            "",
        ],
        "satisfaction",
    ),
    (
        [
            "OLD-13",
            "2025-04-05 09:00",
            "投诉",
            "飞鸽传书",
            "蒋十三",
            "13800000013",
            "渠道未知",
            "",
            "bj-service",
            "",
            "",
            "2025-04-06 09:00",
            "",
            "",
            "",
        ],
        "unknown channel",
    ),
    (
        [
            "OLD-14",
            "2025-04-05 09:00",
            "投诉",
            "电话",
            "沈十四",
            "13800000014",
            "没有结案时间",
            "",
            "bj-service",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        "neither a closing time nor a status",
    ),
]


def csv_bytes(rows, header=HEADER, encoding="gb18030") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def history(firm, policies):
    # The reasons are asserted in English; users read them in Chinese (test_i18n checks
    # every string has its translation).
    with translation.override("en"):
        yield firm


def test_finished_cases_load_as_they_were(history):
    report = history_import(
        actor=history.people.administrator, content=csv_bytes(GOOD), filename="old.csv"
    )
    assert [row for row, _ in report.created] == [2, 3, 4] and not report.refused
    one = Complaint.objects.get(imported_reference="OLD-1")
    assert one.number.startswith("TS20250303") and one.status == "closed"
    assert one.received_at == dt.datetime(2025, 3, 3, 9, tzinfo=SH)
    assert one.closed_at == dt.datetime(2025, 3, 6, 10, tzinfo=SH)
    assert (one.channel, one.category.code, one.org_unit.code) == ("phone", "B01", "bj-service")
    assert one.intake_unit.code == "bj-service" and one.created_by == history.people.administrator
    assert (one.response_met, one.resolution_met) == (True, True)
    assert (one.satisfaction, one.is_customer_satisfied) == (4, True)
    assert one.next_due_at is None and one.customer.phone == "13800000001"
    two = Complaint.objects.get(imported_reference="OLD-2")
    assert (two.channel, two.category.code) == ("third_party", "A")
    assert (two.response_met, two.resolution_met) == (False, False)
    assert (two.satisfaction, two.is_customer_satisfied) == (2, False)
    three = Complaint.objects.get(imported_reference="OLD-3")
    assert (three.kind, three.status, three.closed_at) == ("inquiry", "not_accepted", None)
    assert three.number.startswith("ZX20250401") and three.channel == "phone"
    event = ComplaintEvent.objects.get(complaint=one)
    assert event.type == "imported" and event.data == {
        "origin": "old.csv",
        "row": 2,
        "reference": "OLD-1",
    }
    # history: no acknowledgement goes to anyone
    assert not OutboundMessage.objects.exists()


def test_every_row_not_loaded_is_reported_with_its_reason(history):
    rows = GOOD + [row for row, _ in BAD]
    report = history_import(
        actor=history.people.administrator, content=csv_bytes(rows), filename="old.csv"
    )
    assert len(report.created) == 3
    refused = dict(report.refused)
    for number, (_row, reason) in enumerate(BAD, start=len(GOOD) + 2):
        assert reason in refused.get(number, ""), (number, reason, refused.get(number))
    assert report.rows == len(rows)
    assert Complaint.objects.count() == 3


def test_running_the_same_file_twice_loads_nothing_new(history):
    content = csv_bytes(GOOD)
    first = history_import(actor=history.people.administrator, content=content, filename="a.csv")
    again = history_import(actor=history.people.administrator, content=content, filename="a.csv")
    assert not again.created and not again.refused
    assert again.already == first.created
    assert Complaint.objects.count() == 3


def test_a_batch_meeting_a_concurrent_run_loads_each_case_once(history):
    """Two rows with one number reach the database together (as when another run loaded the
    number a moment before): the batch falls back to one by one and reports the second."""
    unit = history.units.bj_service
    cases = [
        HistoricalCase(
            row=row,
            reference="SAME",
            kind="complaint",
            channel="phone",
            received_at=dt.datetime(2025, 1, 6, 9, tzinfo=SH),
            contact_name="赵一",
            description="重复",
            intake_unit=unit,
            closed_at=dt.datetime(2025, 1, 7, 9, tzinfo=SH),
        )
        for row in (2, 3)
    ]
    created, already = complaints_import_history(
        actor=history.people.administrator, cases=cases, origin="x.csv"
    )
    number = Complaint.objects.get(imported_reference="SAME").number
    assert created == [(2, number)] and already == [(3, number)]


def test_an_xlsx_with_its_own_headers_and_a_mapping(history):
    book = Workbook()
    sheet = book.active
    sheet.append(["Ticket", "Opened", "Customer", "Text", "Finished", "Branch"])
    sheet.append(
        ["X-1", dt.datetime(2025, 6, 2, 10), "林一", "空调不冷", dt.datetime(2025, 6, 3), "bj"]
    )
    sheet.append(["X-2", "2025-06-04", "林二", "", "2025-06-05", "bj"])
    data = io.BytesIO()
    book.save(data)
    mapping = {
        "reference": "Ticket",
        "received_at": "Opened",
        "contact_name": "Customer",
        "description": "Text",
        "closed_at": "Finished",
        "unit": "Branch",
    }
    report = history_import(
        actor=history.people.administrator,
        content=data.getvalue(),
        filename="old.xlsx",
        mapping=mapping,
        channel="walk_in",
    )
    assert [row for row, _ in report.created] == [2]
    assert report.refused == [(3, "missing 投诉内容 (description)")]
    case = Complaint.objects.get(imported_reference="X-1")
    assert (case.intake_unit.code, case.org_unit, case.channel) == ("bj", None, "walk_in")
    assert count_rows(data.getvalue(), "old.xlsx") == 2


def test_bad_files_and_mappings_are_refused_whole(history):
    admin = history.people.administrator
    with pytest.raises(ValidationFailed, match="客户姓名"):
        history_import(
            actor=admin,
            content=csv_bytes([], header=["投诉编号", "受理时间", "投诉内容"]),
            filename="a.csv",
        )
    with pytest.raises(ValidationFailed, match="colour"):
        history_import(
            actor=admin, content=csv_bytes(GOOD), filename="a.csv", mapping={"colour": "投诉编号"}
        )
    with pytest.raises(ValidationFailed, match="no column"):
        history_import(
            actor=admin, content=csv_bytes(GOOD), filename="a.csv", mapping={"reference": "工号"}
        )
    with pytest.raises(ValidationFailed, match="csv"):
        history_import(actor=admin, content=b"%PDF", filename="a.pdf")
    with pytest.raises(ValidationFailed, match="pigeon"):
        history_import(actor=admin, content=csv_bytes(GOOD), filename="a.csv", channel="pigeon")
    with pytest.raises(ValidationFailed, match="nowhere"):
        history_import(actor=admin, content=csv_bytes(GOOD), filename="a.csv", unit="nowhere")
    assert not Complaint.objects.exists()


def test_the_command_checks_loads_and_writes_the_report(history, tmp_path):
    source = tmp_path / "old.csv"
    source.write_bytes(csv_bytes([*GOOD, BAD[0][0]]))
    out = io.StringIO()
    call_command(
        "import", str(source), user="administrator", check=True, no_progress=True, stdout=out
    )
    assert "3 case(s) would be loaded, 0 already imported, 1 row(s) refused" in out.getvalue()
    assert not Complaint.objects.exists()
    report = tmp_path / "refused.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import", str(source), user="administrator", report=str(report), stdout=out, stderr=err
    )
    assert "row 5: REFUSED missing 投诉内容" in out.getvalue()
    assert "3 case(s) loaded, 0 already imported, 1 row(s) refused" in out.getvalue()
    assert "row" in err.getvalue()  # the progress bar
    with report.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["row", "result", "reason or number"] and lines[1][:2] == ["5", "refused"]
    out = io.StringIO()
    call_command("import", str(source), user="administrator", no_progress=True, stdout=out)
    assert "0 case(s) loaded, 3 already imported, 1 row(s) refused" in out.getvalue()
    assert Complaint.objects.count() == 3
    with pytest.raises(CommandError, match="no active user"):
        call_command("import", str(source), user="nobody")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", str(tmp_path / "missing.csv"), user="administrator")
    with pytest.raises(CommandError, match="FIELD=COLUMN"):
        call_command("import", str(source), user="administrator", map=["reference"])


def test_imported_history_counts_in_the_reports_by_when_it_happened(history):
    history_import(actor=history.people.administrator, content=csv_bytes(GOOD), filename="a.csv")
    march = Period(dt.datetime(2025, 3, 1, tzinfo=SH), dt.datetime(2025, 4, 1, tzinfo=SH))
    figures = kpis.kpis(Complaint.objects.all(), march)
    assert (figures["intake"], figures["closed"], figures["backlog"]) == (2, 2, 0)
    assert figures["resolution_timeliness"] == 0.5 and figures["satisfaction"] == 0.5
