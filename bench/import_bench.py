"""Benchmark: `kesu import` of an earlier system's finished cases (run by hand, not a test).

    KESU_DATABASE_URL=sqlite:///$PWD/var/import-bench.sqlite3 \
        .venv/bin/python bench/import_bench.py 20000
    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_import_bench \
        .venv/bin/python bench/import_bench.py 20000

It writes a GB18030 CSV of N finished cases (the headers an earlier system exports), loads
it through the command's own code path, then loads it again (which must load nothing), and
prints rows per second for both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.db import connection  # noqa: E402

from kesu.accounts.models import OrgUnit, User  # noqa: E402
from kesu.complaints.services import preset_load  # noqa: E402
from kesu.intake.history import history_import  # noqa: E402

HEADER = [
    "投诉编号",
    "受理时间",
    "客户姓名",
    "联系电话",
    "投诉内容",
    "投诉分类",
    "受理网点",
    "首次响应时间",
    "答复时间",
    "结案时间",
    "回访时间",
    "满意度",
]


def rows(total: int):
    rng = random.Random(7)
    start = dt.datetime(2021, 1, 4, 9)
    for index in range(total):
        received = start + dt.timedelta(minutes=index * 97 % (5 * 365 * 24 * 60))
        answered = received + dt.timedelta(hours=rng.randint(4, 200))
        closed = answered + dt.timedelta(hours=rng.randint(2, 72))
        yield [
            f"OLD-{index:08d}",
            f"{received:%Y-%m-%d %H:%M}",
            rng.choice("赵钱孙李周吴郑王") + rng.choice("一二三四五六"),
            f"13{rng.randrange(10**9):09d}",
            "客户反映网点排队时间过长，要求改进。",
            rng.choice(["A01", "A02", "B01", "B02", "C01"]),
            "bench-import",
            f"{received + dt.timedelta(hours=1):%Y-%m-%d %H:%M}",
            f"{answered:%Y-%m-%d %H:%M}",
            f"{closed:%Y-%m-%d %H:%M}",
            f"{closed - dt.timedelta(hours=1):%Y-%m-%d %H:%M}",
            rng.choice(["满意", "非常满意", "基本满意", "不满意"]),
        ]


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    preset_load(name="general")
    OrgUnit.objects.get_or_create(
        code="bench-import", defaults={"name": "导入网点", "kind": "company"}
    )
    user, _ = User.objects.get_or_create(username="bench-importer")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows(total))
    content = out.getvalue().encode("gb18030")
    print(f"{connection.vendor}: a CSV of {total:,} rows, {len(content) / 1e6:.1f} MB")
    for label in ("first run", "second run (nothing new)"):
        started = time.perf_counter()
        report = history_import(actor=user, content=content, filename="bench.csv")
        took = time.perf_counter() - started
        print(
            f"{label:<26} {took:6.1f} s, {total / took:,.0f} rows/s: {len(report.created):,} "
            f"loaded, {len(report.already):,} already there, {len(report.refused):,} refused"
        )


if __name__ == "__main__":
    main()
