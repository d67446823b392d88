"""A firm's history from its earlier system (`kesu import FILE`): finished cases from CSV or
xlsx, so that reports and trends start from years of data, not from the day Kesu started.

Each row is read and checked here (columns found by the words complaint systems export, or by
a mapping); the rows that pass are loaded in batches by `complaints_import_history`. Every
row that is not loaded is reported with its reason, and a row whose number in the earlier
system was loaded before is reported as already there: running the same file twice makes
nothing new.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from kesu.accounts.models import OrgUnit, User
from kesu.complaints.models import Category, Channel, Complaint, Severity, Status
from kesu.complaints.services import HistoricalCase, complaints_import_history
from kesu.core import clock
from kesu.core.errors import ValidationFailed
from kesu.customers.contacts import normalize_email, normalize_phone
from kesu.intake import referrals
from kesu.intake.referrals import KINDS, cell, cell_text, norm_header, parse_moment, read_table

HEADERS: dict[str, tuple[str, ...]] = {
    "reference": ("投诉编号", "工单编号", "原编号", "编号", "单号", "number", "reference", "id"),
    "received_at": ("受理时间", "投诉时间", "登记时间", "来电时间", "received", "received at"),
    "kind": ("类型", "诉求类型", "工单类型", "kind", "type"),
    "channel": ("渠道", "受理渠道", "来源渠道", "投诉渠道", "channel"),
    "contact_name": ("客户姓名", "投诉人", "姓名", "联系人", "诉求人", "name", "customer"),
    "contact_phone": ("联系电话", "电话", "手机", "手机号", "phone", "mobile"),
    "contact_email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "description": ("投诉内容", "诉求内容", "内容", "问题描述", "description", "content"),
    "demands": ("客户诉求", "诉求", "要求", "demands"),
    "category": ("投诉分类", "分类", "分类代码", "类别", "category"),
    "department": ("责任部门", "处理部门", "承办部门", "部门", "department"),
    "unit": ("受理网点", "受理单位", "受理机构", "网点", "intake unit", "branch"),
    "severity": ("严重程度", "等级", "紧急程度", "severity"),
    "status": ("状态", "处理状态", "status"),
    "responded_at": ("首次响应时间", "响应时间", "responded", "responded at"),
    "answered_at": ("答复时间", "回复时间", "answered", "answered at"),
    "closed_at": ("结案时间", "办结时间", "关闭时间", "closed", "closed at"),
    "revisited_at": ("回访时间", "revisited", "revisited at"),
    "satisfaction": ("满意度", "回访结果", "评价", "satisfaction"),
    "answer": ("处理结果", "答复内容", "处理意见", "answer"),
    "resolution_due": ("办结时限", "处理时限", "deadline", "due"),
}
FIELDS = tuple(HEADERS)
REQUIRED = ("reference", "received_at", "contact_name", "description")
BATCH = 500

CHANNELS = {
    **{value: value for value in Channel.values},
    "电话": "phone",
    "热线": "phone",
    "来电": "phone",
    "网站": "portal",
    "网上": "portal",
    "在线": "portal",
    "app": "portal",
    "邮件": "email",
    "电子邮件": "email",
    "来访": "walk_in",
    "现场": "walk_in",
    "柜台": "walk_in",
    "到店": "walk_in",
    "信函": "letter",
    "来信": "letter",
    "意见簿": "opinion_book",
    "意见箱": "opinion_book",
    "微博": "social",
    "微信": "social",
    "社交媒体": "social",
    "12345": "third_party",
    "12315": "third_party",
    "转办": "third_party",
    "监管转办": "third_party",
    "第三方": "third_party",
}
SEVERITIES = {
    **{value: value for value in Severity.values},
    "一般": "general",
    "重要": "important",
    "较重": "important",
    "严重": "important",
    "紧急": "urgent",
    "重大": "urgent",
    "特急": "urgent",
}
FINISHED = {
    "closed": Status.CLOSED,
    "已结案": Status.CLOSED,
    "结案": Status.CLOSED,
    "已办结": Status.CLOSED,
    "办结": Status.CLOSED,
    "已关闭": Status.CLOSED,
    "关闭": Status.CLOSED,
    "not_accepted": Status.NOT_ACCEPTED,
    "不予受理": Status.NOT_ACCEPTED,
    "不受理": Status.NOT_ACCEPTED,
}
SATISFACTION = {"非常满意": 5, "满意": 4, "基本满意": 3, "一般": 3, "不满意": 2, "非常不满意": 1}


@dataclass
class HistoryReport:
    created: list[tuple[int, str]] = field(default_factory=list)
    already: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.already) + len(self.refused)


def count_rows(content: bytes, filename: str) -> int:
    """About how many data rows the file holds (for the progress bar; CSV fields may hold
    line breaks, so it is an upper bound)."""
    if Path(filename).suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        except Exception:
            return 0
        return max((sheet.max_row or 1) - 1, 0)
    return max(content.count(b"\n") - 1 + (not content.endswith(b"\n")), 0)


def map_columns(header: list[str], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """Field → column index: the mapping first, then the known headers; every required
    field must have a column."""
    columns = referrals.map_columns(header, mapping, headers=HEADERS)
    absent = [name for name in REQUIRED if name not in columns]
    if absent:
        names = ", ".join(f"{HEADERS[name][0]} ({name})" for name in absent)
        raise ValidationFailed(
            _("The file has no column for %(fields)s; map one with --map FIELD=COLUMN.")
            % {"fields": names},
            fields={"mapping": _("Map a column to: %(fields)s") % {"fields": names}},
        )
    return columns


class Lookups:
    """Categories and org units by code or name, read once."""

    def __init__(self, default_unit: str | None):
        self.categories: dict[str, Category | None] = {}
        for category in Category.objects.select_related("parent"):
            for key in {norm_header(category.code), norm_header(category.name)}:
                # A name two categories share names neither.
                self.categories[key] = None if key in self.categories else category
        self.units: dict[str, OrgUnit | None] = {}
        for unit in OrgUnit.objects.all():
            for key in {norm_header(unit.code), norm_header(unit.name)}:
                self.units[key] = None if key in self.units else unit
        self.default_unit = None
        if default_unit:
            self.default_unit = OrgUnit.objects.filter(
                Q(code=default_unit) | Q(name=default_unit)
            ).first()
            if self.default_unit is None:
                raise ValidationFailed(
                    _("No org unit “%(unit)s”.") % {"unit": default_unit},
                    fields={"unit": _("Give an org unit's code.")},
                )

    def category(self, text: str) -> Category:
        key = norm_header(text)
        if key not in self.categories:
            raise ValueError(_("unknown category “%(value)s”") % {"value": text})
        found = self.categories[key]
        if found is None:
            raise ValueError(
                _("category “%(value)s” names several; give its code") % {"value": text}
            )
        return found

    def unit(self, text: str) -> OrgUnit:
        key = norm_header(text)
        if key not in self.units:
            raise ValueError(_("unknown org unit “%(value)s”") % {"value": text})
        found = self.units[key]
        if found is None:
            raise ValueError(
                _("org unit “%(value)s” names several; give its code") % {"value": text}
            )
        return found


def _choice(table: dict[str, str], text: str, what: str, default: str) -> str:
    if not text:
        return default
    value = table.get(norm_header(text))
    if value is None:
        raise ValueError(_("unknown %(what)s “%(value)s”") % {"what": what, "value": text})
    return value


def _satisfaction(text: str) -> int | None:
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    if text in SATISFACTION:
        return SATISFACTION[text]
    raise ValueError(
        _("satisfaction “%(value)s” is neither 1–5 nor a known word") % {"value": text}
    )


def _moment(row: list, columns: dict[str, int], name: str) -> dt.datetime | None:
    try:
        return parse_moment(cell(row, columns, name), end_of_day=name == "resolution_due")
    except ValueError as error:
        raise ValueError(f"{HEADERS[name][0]}: {error}") from error


def read_row(
    number: int, row: list, columns: dict[str, int], lookups: Lookups, *, default_channel: str
) -> HistoricalCase:
    """One row as a finished case, or ValueError with the reason it cannot be one."""

    def text(name: str) -> str:
        return cell_text(cell(row, columns, name))

    missing = [f"{HEADERS[name][0]} ({name})" for name in REQUIRED if not text(name)]
    if missing:
        raise ValueError(_("missing %(fields)s") % {"fields": ", ".join(missing)})
    reference = text("reference")
    if len(reference) > 100:
        raise ValueError(_("the number is longer than 100 characters"))
    kind_text = text("kind")
    kind = KINDS.get(kind_text.lower()) if kind_text else "complaint"
    if kind is None:
        raise ValueError(_("unknown kind “%(kind)s”") % {"kind": kind_text})
    times = {
        name: _moment(row, columns, name)
        for name in (
            "received_at",
            "responded_at",
            "answered_at",
            "closed_at",
            "revisited_at",
            "resolution_due",
        )
    }
    received = times["received_at"]
    now = clock.now()
    for name, moment in times.items():
        if moment is not None and moment > now and name != "resolution_due":
            raise ValueError(_("%(column)s is in the future") % {"column": HEADERS[name][0]})
    for later, earlier in (
        ("responded_at", "received_at"),
        ("answered_at", "received_at"),
        ("closed_at", "received_at"),
        ("closed_at", "answered_at"),
        ("revisited_at", "answered_at"),
    ):
        if times[later] and times[earlier] and times[later] < times[earlier]:
            raise ValueError(
                _("%(later)s is before %(earlier)s")
                % {"later": HEADERS[later][0], "earlier": HEADERS[earlier][0]}
            )
    status_text = text("status")
    if status_text:
        status = FINISHED.get(norm_header(status_text))
        if status is None:
            raise ValueError(
                _(
                    "status “%(value)s” is not finished: only closed or not-accepted cases are "
                    "history; register open ones as new cases"
                )
                % {"value": status_text}
            )
    elif times["closed_at"]:
        status = Status.CLOSED
    else:
        raise ValueError(_("neither a closing time nor a status: only finished cases are history"))
    if status == Status.CLOSED and times["closed_at"] is None:
        raise ValueError(_("closed without a closing time (结案时间)"))
    try:
        phone = normalize_phone(text("contact_phone"))
    except ValueError as error:
        raise ValueError(_("phone: %(error)s") % {"error": error}) from error
    try:
        email = normalize_email(text("contact_email"))
    except ValueError as error:
        raise ValueError(_("email: %(error)s") % {"error": error}) from error
    limit = settings.KESU_MAX_TEXT_LENGTH
    for name in ("description", "demands", "answer"):
        if len(text(name)) > limit:
            raise ValueError(
                _("%(column)s is longer than %(limit)s characters")
                % {"column": HEADERS[name][0], "limit": limit}
            )
    if len(text("contact_name")) > 100:
        raise ValueError(_("the name is longer than 100 characters"))
    department = lookups.unit(text("department")) if text("department") else None
    unit = lookups.unit(text("unit")) if text("unit") else department or lookups.default_unit
    if unit is None:
        raise ValueError(
            _("no org unit: map 受理网点 (unit) or 责任部门 (department), or give --unit")
        )
    return HistoricalCase(
        row=number,
        reference=reference,
        kind=kind,
        channel=_choice(CHANNELS, text("channel"), _("channel"), default_channel),
        received_at=received,
        contact_name=text("contact_name"),
        contact_phone=phone,
        contact_email=email,
        description=text("description"),
        demands=text("demands"),
        answer=text("answer"),
        category=lookups.category(text("category")) if text("category") else None,
        severity=_choice(SEVERITIES, text("severity"), _("severity"), Severity.GENERAL),
        intake_unit=unit,
        org_unit=department,
        status=status,
        responded_at=times["responded_at"],
        answered_at=times["answered_at"],
        closed_at=times["closed_at"] if status == Status.CLOSED else None,
        revisited_at=times["revisited_at"],
        satisfaction=_satisfaction(text("satisfaction")),
        resolution_due=times["resolution_due"],
    )


def history_import(
    *,
    actor: User,
    content: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    unit: str | None = None,
    channel: str = Channel.PHONE,
    check_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> HistoryReport:
    """Read, check and load the file; `check_only` reads and checks without loading.
    `progress(n)` is told of every n rows done."""
    if channel not in Channel.values:
        raise ValidationFailed(
            _("Unknown channel “%(channel)s”.") % {"channel": channel},
            fields={"channel": ", ".join(Channel.values)},
        )
    header, rows = read_table(content, filename)
    columns = map_columns(header, mapping)
    lookups = Lookups(unit)
    report = HistoryReport(columns={name: header[i] for name, i in columns.items()})
    seen: dict[str, int] = {}
    batch: list[HistoricalCase] = []
    origin = Path(filename).name

    def flush() -> None:
        if not batch:
            return
        if check_only:
            existing = dict(
                Complaint.objects.filter(
                    imported_reference__in=[case.reference for case in batch]
                ).values_list("imported_reference", "number")
            )
            for case in batch:
                if case.reference in existing:
                    report.already.append((case.row, existing[case.reference]))
                else:
                    report.created.append((case.row, ""))
        else:
            created, already = complaints_import_history(actor=actor, cases=batch, origin=origin)
            report.created += created
            report.already += already
        if progress:
            progress(len(batch))
        batch.clear()

    for number, row in rows:
        if not any(cell_text(v) for v in row):
            continue
        try:
            case = read_row(number, row, columns, lookups, default_channel=channel)
        except ValueError as error:
            report.refused.append((number, str(error)))
            if progress:
                progress(1)
            continue
        if case.reference in seen:
            report.refused.append(
                (number, _("same number as row %(row)s") % {"row": seen[case.reference]})
            )
            if progress:
                progress(1)
            continue
        seen[case.reference] = number
        batch.append(case)
        if len(batch) >= BATCH:
            flush()
    flush()
    report.created.sort()
    report.already.sort()
    return report
