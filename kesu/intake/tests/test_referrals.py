"""Referral batches: CSV (UTF-8 or GB18030) and xlsx, mapped columns, every refused row
reported with its reason, and no reference made into two cases."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from kesu.complaints.models import Complaint
from kesu.core.errors import ValidationFailed
from kesu.intake.referrals import parse_moment, referrals_import

HEADER = ["工单编号", "诉求人", "联系电话", "诉求内容", "办结时限", "受理时间", "类型"]
ROWS = [
    [
        "12345-001",
        "赵一",
        "13800000001",
        "营业厅空调坏了",
        "2026-11-30",
        "2026-11-20 09:30",
        "投诉",
    ],
    ["12345-002", "钱二", "13800000002", "咨询开户所需材料", "2026/12/01 17:00", "", "咨询"],
    ["12345-003", "", "13800000003", "没有姓名的行", "2026-11-30", "", "投诉"],
    ["12345-004", "孙四", "13800000004", "日期写错了", "下周一", "", "投诉"],
    ["12345-001", "赵一", "13800000001", "同一工单又出现了", "2026-11-30", "", "投诉"],
    ["12345-005", "李五", "13800000005", "未知类型", "2026-11-30", "", "表扬"],
    ["12345-006", "周六", "12", "电话不对", "2026-11-30", "", "投诉"],
    ["", "", "", "", "", "", ""],
    ["12345-007", "吴七", "13800000007", "受理时间在将来", "2026-11-30", "2099-01-01", "投诉"],
]


def csv_bytes(rows, encoding="utf-8") -> bytes:
    lines = [",".join(HEADER)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def agent(firm, policies):
    return firm.people.agent


def test_a_csv_batch_makes_one_case_per_good_row_and_reports_the_rest(agent):
    report = referrals_import(
        actor=agent, content=csv_bytes(ROWS, "gb18030"), filename="12345.csv", source_org="12345"
    )
    assert [row for row, _number in report.created] == [2, 3]
    refused = dict(report.refused)
    assert set(refused) == {4, 5, 6, 7, 8, 10}  # row 9 is blank
    assert "contact_name" in refused[4]
    assert "下周一" in refused[5]
    assert "第 2 行" in refused[6] or "row 2" in refused[6]
    assert "表扬" in refused[7]
    assert "complainant.phone" in refused[8]
    assert "received_at" in refused[10]
    first = Complaint.objects.get(source_reference="12345-001")
    assert (first.source_org, first.channel, first.kind) == ("12345", "third_party", "complaint")
    assert first.source_due_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2026-11-30 23:59"
    assert first.received_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2026-11-20 09:30"
    assert first.events.get(sequence=1).data["source"]["reference"] == "12345-001"
    assert Complaint.objects.get(source_reference="12345-002").kind == "inquiry"


def test_importing_the_same_file_again_makes_nothing_new(agent):
    referrals_import(actor=agent, content=csv_bytes(ROWS), filename="a.csv", source_org="12345")
    again = referrals_import(
        actor=agent, content=csv_bytes(ROWS), filename="a.csv", source_org="12345"
    )
    assert again.created == []
    assert "已导入为 TS" in dict(again.refused)[2] or "already imported" in dict(again.refused)[2]
    assert Complaint.objects.count() == 2


def test_an_xlsx_with_a_column_mapping_and_real_dates(agent):
    import datetime as dt

    header = ["单号", "来源", "客户", "手机", "问题", "期限"]
    rows = [["R-1", "12315", "郑八", 13800000008, "发票开错", dt.datetime(2026, 12, 5, 12, 0)]]
    report = referrals_import(
        actor=agent,
        content=xlsx_bytes(header, rows),
        filename="regulator.xlsx",
        mapping={
            "contact_name": "客户",
            "contact_phone": "手机",
            "description": "问题",
            "source_due_at": "期限",
        },
    )
    assert len(report.created) == 1, report.refused
    case = Complaint.objects.get()
    assert (case.source_org, case.contact_phone) == ("12315", "13800000008")
    assert case.source_due_at.astimezone().hour == 12


@pytest.mark.parametrize(
    ("content", "filename", "mapping", "message"),
    [
        (b"not a workbook", "x.xlsx", None, "无法读取表格"),
        (b"a,b\n1,2\n", "x.pdf", None, "请上传 .csv 或 .xlsx"),
        (b"a,b\n1,2\n", "x.csv", None, "对应的列"),
        (csv_bytes(ROWS), "x.csv", {"colour": "红"}, "未知字段"),
        (csv_bytes(ROWS), "x.csv", {"contact_name": "不存在的列"}, "不存在的列"),
    ],
)
def test_a_file_that_cannot_be_imported_says_why(agent, content, filename, mapping, message):
    with pytest.raises(ValidationFailed) as refused:
        referrals_import(actor=agent, content=content, filename=filename, mapping=mapping)
    assert message in refused.value.detail or message in str(refused.value.fields)


def test_dates_as_hotlines_write_them():
    assert parse_moment("2026年11月30日").day == 30
    assert parse_moment("20261130", end_of_day=True).hour == 23
    assert parse_moment("") is None
    with pytest.raises(ValueError):
        parse_moment("soon")


def test_the_command_prints_every_row(agent, tmp_path, capsys):
    path = tmp_path / "batch.csv"
    path.write_bytes(csv_bytes(ROWS[:3]))
    call_command("import-referrals", str(path), "--user", "agent", "--source", "12345")
    out = capsys.readouterr().out
    assert "row 2: TS" in out and "row 4: REFUSED" in out
    assert "2 case(s) made, 1 row(s) refused" in out
    with pytest.raises(Exception, match="no active user"):
        call_command("import-referrals", str(path), "--user", "nobody")
    with pytest.raises(Exception, match="FIELD=COLUMN"):
        call_command("import-referrals", str(path), "--user", "agent", "--map", "oops")


def test_the_upload_page(client, firm, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent)
    assert client.get("/intake/referrals/").status_code == 200
    assert client.post("/intake/referrals/", {}).status_code == 422
    bad_map = client.post(
        "/intake/referrals/",
        {"file": SimpleUploadedFile("b.csv", csv_bytes(ROWS)), "mapping": "no equals sign"},
    )
    assert bad_map.status_code == 422
    response = client.post(
        "/intake/referrals/",
        {"file": SimpleUploadedFile("b.csv", csv_bytes(ROWS)), "source_org": "12345"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "已建 2 件，拒绝 6 行" in page


def test_a_handler_cannot_import(client, firm):
    client.force_login(firm.people.handler)
    assert client.get("/intake/referrals/").status_code == 403
