"""Referral batches (转办工单): a 12345 / 12315 export or a regulator's list, as CSV or xlsx,
one case per row with the source's reference and deadline. Every refused row is reported
with its reason; a reference already imported never makes a second case.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.complaints.models import Channel, Complaint
from kesu.complaints.services import complaint_receive
from kesu.core.errors import ApplicationError, ValidationFailed

# The headers each field is found under when no mapping names them: the words the big
# hotline systems export, in Chinese and English. Matched exactly, ignoring case and spaces.
HEADERS: dict[str, tuple[str, ...]] = {
    "source_reference": ("工单编号", "工单号", "编号", "单号", "reference", "ref", "ticket"),
    "source_org": ("来源", "来源单位", "转办单位", "交办单位", "source", "referred by"),
    "contact_name": ("诉求人", "来电人", "姓名", "联系人", "客户姓名", "name", "customer"),
    "contact_phone": ("联系电话", "来电号码", "电话", "手机", "手机号", "phone", "mobile"),
    "contact_email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "description": ("诉求内容", "反映内容", "内容", "问题描述", "description", "content"),
    "demands": ("诉求要求", "要求", "demands"),
    "source_due_at": ("办结时限", "办理时限", "截止时间", "回复时限", "deadline", "due"),
    "received_at": ("受理时间", "派单时间", "登记时间", "received", "received at"),
    "kind": ("类型", "诉求类型", "工单类型", "kind", "type"),
    "category": ("分类", "分类代码", "category"),
    "incident_place": ("地点", "发生地点", "事发地点", "place"),
}
FIELDS = tuple(HEADERS)
REQUIRED = ("source_reference", "contact_name", "description")

KINDS = {
    "投诉": "complaint",
    "举报": "complaint",
    "求助": "complaint",
    "咨询": "inquiry",
    "建议": "suggestion",
    "意见": "suggestion",
    "complaint": "complaint",
    "inquiry": "inquiry",
    "suggestion": "suggestion",
}


@dataclass
class ImportReport:
    created: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.refused)


def norm_header(header: Any) -> str:
    return re.sub(r"\s+", "", str(header or "")).lower()


def read_table(content: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The header row and the data rows (numbered as the spreadsheet numbers them)."""
    if Path(filename).suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:
            raise ValidationFailed(
                _("The spreadsheet cannot be read: %(error)s") % {"error": error},
                fields={"file": _("Not a readable xlsx file.")},
            ) from error
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(v or "").strip() for v in next(rows, [])]
        return header, ((number, list(row)) for number, row in enumerate(rows, start=2))
    if Path(filename).suffix.lower() not in (".csv", ".txt"):
        raise ValidationFailed(
            _("Upload a .csv or .xlsx file."), fields={"file": _("Upload a .csv or .xlsx file.")}
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    return header, ((number, row) for number, row in enumerate(reader, start=2))


def map_columns(
    header: list[str],
    mapping: dict[str, str] | None = None,
    *,
    headers: dict[str, tuple[str, ...]] = HEADERS,
) -> dict[str, int]:
    """Field → column index, from the explicit mapping first, then the known `headers`
    (a column serves one field only)."""
    mapping = mapping or {}
    unknown = set(mapping) - set(headers)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields in the column mapping: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            fields={"mapping": _("Fields are: %(fields)s.") % {"fields": ", ".join(headers)}},
        )
    by_name = {norm_header(h): i for i, h in enumerate(header)}
    columns: dict[str, int] = {}
    for name in headers:
        if name in mapping:
            index = by_name.get(norm_header(mapping[name]))
            if index is None:
                raise ValidationFailed(
                    _("The file has no column “%(column)s”.") % {"column": mapping[name]},
                    fields={"mapping": _("No such column: %(column)s") % {"column": mapping[name]}},
                )
            columns[name] = index
            continue
        taken = set(columns.values())
        for candidate in headers[name]:
            index = by_name.get(norm_header(candidate))
            if index is not None and index not in taken:
                columns[name] = index
                break
    return columns


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y%m%d",
)


def parse_moment(value: Any, *, end_of_day: bool = False) -> dt.datetime | None:
    """A spreadsheet's date or date-time, in local time; a bare date is the day's start (or,
    for a deadline, its last second)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.max if end_of_day else dt.time.min)
    else:
        text = str(value).strip()
        try:
            moment = dt.datetime.fromisoformat(text)
            if end_of_day and ":" not in text:
                moment = moment.replace(hour=23, minute=59, second=59)
        except ValueError:
            moment = None
            for fmt in _DATE_FORMATS:
                try:
                    moment = dt.datetime.strptime(text, fmt)
                except ValueError:
                    continue
                if end_of_day and "%H" not in fmt:
                    moment = moment.replace(hour=23, minute=59, second=59)
                break
        if moment is None:
            raise ValueError(_("“%(value)s” is not a date.") % {"value": text})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.replace(microsecond=0)


def cell(row: list, columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _row_arguments(row: list, columns: dict[str, int], source_org: str) -> dict[str, Any]:
    missing = [name for name in REQUIRED if not cell_text(cell(row, columns, name))]
    org = cell_text(cell(row, columns, "source_org")) or source_org
    if not org:
        missing.append("source_org")
    if missing:
        # named as the hotline's export names them (诉求人), and as the mapping does
        names = [f"{HEADERS[name][0]} ({name})" for name in missing]
        raise ValueError(_("missing %(fields)s") % {"fields": ", ".join(names)})
    kind_text = cell_text(cell(row, columns, "kind"))
    kind = KINDS.get(kind_text.lower()) if kind_text else "complaint"
    if kind is None:
        raise ValueError(_("unknown kind “%(kind)s”") % {"kind": kind_text})
    return {
        "kind": kind,
        "channel": Channel.THIRD_PARTY,
        "source_org": org,
        "source_reference": cell_text(cell(row, columns, "source_reference")),
        "source_due_at": parse_moment(cell(row, columns, "source_due_at"), end_of_day=True),
        "received_at": parse_moment(cell(row, columns, "received_at")),
        "contact_name": cell_text(cell(row, columns, "contact_name")),
        "contact_phone": cell_text(cell(row, columns, "contact_phone")),
        "contact_email": cell_text(cell(row, columns, "contact_email")),
        "description": cell_text(cell(row, columns, "description")),
        "demands": cell_text(cell(row, columns, "demands")),
        "category": cell_text(cell(row, columns, "category")) or None,
        "incident_place": cell_text(cell(row, columns, "incident_place")),
    }


def referrals_import(
    *,
    actor: User,
    content: bytes,
    filename: str,
    source_org: str = "",
    mapping: dict[str, str] | None = None,
    intake_unit: str | None = None,
) -> ImportReport:
    """One case per row, each in its own transaction: a bad row is refused, never the file."""
    header, rows = read_table(content, filename)
    columns = map_columns(header, mapping)
    report = ImportReport(columns={name: header[i] for name, i in columns.items()})
    absent = [name for name in REQUIRED if name not in columns]
    if absent:
        raise ValidationFailed(
            _("The file has no column for %(fields)s; map one.") % {"fields": ", ".join(absent)},
            fields={"mapping": _("Map a column to: %(fields)s") % {"fields": ", ".join(absent)}},
        )
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        if not any(cell_text(v) for v in row):
            continue
        try:
            arguments = _row_arguments(row, columns, source_org.strip())
        except ValueError as error:
            report.refused.append((number, str(error)))
            continue
        key = (arguments["source_org"], arguments["source_reference"])
        if key in seen:
            report.refused.append((number, _("same reference as row %(row)s") % {"row": seen[key]}))
            continue
        seen[key] = number
        existing = (
            Complaint.objects.filter(source_org=key[0], source_reference=key[1])
            .values_list("number", flat=True)
            .first()
        )
        if existing:
            report.refused.append(
                (number, _("already imported as %(number)s") % {"number": existing})
            )
            continue
        try:
            complaint = complaint_receive(actor=actor, intake_unit=intake_unit, **arguments)
        except ApplicationError as error:
            detail = error.detail
            if error.fields:
                detail += " (" + "; ".join(f"{k}: {v}" for k, v in error.fields.items()) + ")"
            report.refused.append((number, detail))
            continue
        report.created.append((number, complaint.number))
    return report
