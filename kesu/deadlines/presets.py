"""Time-limit presets with the seeds' values (PRODUCT.md, "Time limits").

Each row: name, criteria (kind, severity, category code), and limits as (amount, unit) for
response, resolution, revisit, and the longest resolution limit an approved extension may set.
"""

from __future__ import annotations

from typing import NamedTuple

Limit = tuple[int, str] | None


class PolicyRow(NamedTuple):
    name: str
    kind: str = ""
    severity: str = ""
    category: str = ""
    response: Limit = None
    resolution: Limit = None
    revisit: Limit = None
    extension: Limit = None
    filing_window_days: int | None = None
    priority: int = 0


GENERAL = [
    # 银行网点 rules: what cannot be answered on the spot is answered within 3 days;
    # 卷烟营销 rules: handled within 3 working days, up to 7 for special cases; 物业 rules:
    # every case revisited (here within 3 working days of the answer).
    PolicyRow(
        "通用：投诉处理时限",
        kind="complaint",
        response=(3, "days"),
        resolution=(3, "working_days"),
        revisit=(3, "working_days"),
        extension=(7, "working_days"),
    ),
    # 服务业客户投诉处理标准与程序 3.2.2: an urgent complaint is responded to within 1 hour.
    PolicyRow(
        "通用：紧急投诉1小时响应", kind="complaint", severity="urgent", response=(1, "hours")
    ),
    # 卷烟营销 rules: an inquiry is answered within 24 hours.
    PolicyRow(
        "通用：咨询24小时答复", kind="inquiry", response=(24, "hours"), resolution=(24, "hours")
    ),
    PolicyRow(
        "通用：建议答复时限",
        kind="suggestion",
        response=(3, "days"),
        resolution=(7, "working_days"),
        extension=(15, "working_days"),
    ),
]

LAB = [
    # 检测机构 rules: a disputed result may be raised within 10 days of the report and is
    # answered within 15 days; urgent within 3 working days.
    PolicyRow(
        "检测机构：结果异议15日答复",
        category="JC-A",
        response=(3, "days"),
        resolution=(15, "days"),
        revisit=(5, "working_days"),
        extension=(30, "days"),
        filing_window_days=10,
        priority=10,
    ),
    PolicyRow(
        "检测机构：紧急异议3个工作日",
        category="JC-A",
        severity="urgent",
        response=(1, "hours"),
        resolution=(3, "working_days"),
        extension=(7, "working_days"),
        priority=10,
    ),
]

BANK = [
    # 银行保险机构消费投诉处理管理办法 (2020): a decision within 15 days; 30 for complex
    # cases, and a further 30 with internal approval — an approved extension up to 60 days.
    PolicyRow(
        "银行：投诉15日内作出处理决定",
        kind="complaint",
        response=(3, "days"),
        resolution=(15, "days"),
        revisit=(5, "working_days"),
        extension=(60, "days"),
        priority=10,
    ),
    PolicyRow(
        "银行：紧急投诉1小时响应",
        kind="complaint",
        severity="urgent",
        response=(1, "hours"),
        priority=10,
    ),
]

TIME_LIMIT_PRESETS: dict[str, list[PolicyRow]] = {"general": GENERAL, "lab": LAB, "bank": BANK}
