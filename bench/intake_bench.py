"""Benchmark: intake throughput. Emails read and made into cases (the corpus's Chinese
messages, made unique), portal submissions through the real view, and referral rows.

    KESU_DATABASE_URL=sqlite:///$PWD/var/intake-bench.sqlite3 \\
        .venv/bin/python bench/intake_bench.py 500
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("KESU_LOG_LEVEL", "WARNING")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import signing  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kesu.accounts.models import User  # noqa: E402
from kesu.complaints.models import Complaint  # noqa: E402
from kesu.intake.forms import new_challenge  # noqa: E402
from kesu.intake.referrals import referrals_import  # noqa: E402
from kesu.intake.services import inbound_email_take  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]
settings.KESU_PORTAL_SUBMITS_PER_IP_HOUR = 10**9
settings.KESU_PORTAL_SUBMITS_PER_CONTACT_DAY = 10**9
CORPUS = ROOT / "kesu/intake/tests/mail_corpus"


def rate(label: str, count: int, seconds: float) -> None:
    print(f"{label:<44} {count:>6} in {seconds:6.2f} s = {count / seconds:7.1f}/s")


def main(count: int) -> None:
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="agent").exists():
        call_command("demo", "--count", "1", verbosity=0)
    print(f"{Complaint.objects.count():,} cases before")
    messages = [
        (CORPUS / name).read_bytes()
        for name in (
            "01-gbk-base64.eml",
            "02-gb2312-lies-qp.eml",
            "04-big5.eml",
            "05-html-only.eml",
        )
    ]
    started = time.perf_counter()
    for i in range(count):
        raw = messages[i % len(messages)] + f"\r\n-- {time.time_ns()} {i}\r\n".encode()
        inbound_email_take(raw=raw, source=f"bench:{i}")
    rate("emails read, stored raw, made into cases", count, time.perf_counter() - started)

    client = Client()
    started = time.perf_counter()
    for i in range(count):
        _question, token = new_challenge()
        a, b = signing.loads(token, salt="kesu.portal.challenge")
        response = client.post(
            "/portal/submit/",
            {
                "kind": "complaint",
                "description": "营业厅排队两小时无人处理。",
                "contact_name": "刘女士",
                "contact_phone": f"139{i:08d}",
                "consent": "on",
                "challenge": token,
                "answer": a + b,
            },
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 302, response.status_code
    rate("portal submissions (the whole view)", count, time.perf_counter() - started)

    header = "工单编号,诉求人,联系电话,诉求内容,办结时限\n"
    stamp = time.time_ns()
    rows = "".join(
        f"B{stamp}-{i},赵一,138{i:08d},营业厅空调坏了,2026-12-30\n" for i in range(count)
    )
    started = time.perf_counter()
    report = referrals_import(
        actor=User.objects.get(username="agent"),
        content=(header + rows).encode(),
        filename="batch.csv",
        source_org="12345",
    )
    assert len(report.created) == count, report.refused[:3]
    rate("referral rows imported", count, time.perf_counter() - started)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
