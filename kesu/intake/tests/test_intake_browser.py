"""The agent's intake pages in a real browser: a referral batch uploaded with its report, and
a quarantined email made into a case. Screenshots in test-results/intake/."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesu.complaints.models import Complaint
from kesu.intake.services import inbound_email_take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("test-results/intake")
CSV = (
    "工单编号,诉求人,联系电话,诉求内容,办结时限\n"
    "W-1,赵一,13800000001,营业厅空调坏了,2026-12-30\n"
    "W-2,,13800000002,没有姓名,2026-12-30\n"
)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_agent_imports_referrals_and_rescues_a_quarantined_email(
    page: Page, live_server, firm, policies, tmp_path
):
    inbound_email_take(raw=b"Subject: help\r\n\r\nplease call me 13900001234", source="t")
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("agent")
    page.get_by_label("密码").fill("Kesu@2026")
    page.get_by_role("button", name="登录").click()

    page.get_by_role("link", name="受理渠道").click()
    expect(page.get_by_role("heading", name="来信")).to_be_visible()
    page.get_by_role("link", name="help").click()
    expect(page.locator("pre")).to_contain_text("please call me")
    shot(page, "01-quarantined")
    page.get_by_label("投诉人姓名").fill("来信客户")
    page.get_by_label("投诉人电话").fill("13900001234")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("h1")).to_contain_text("已接收")
    assert Complaint.objects.get(contact_phone="13900001234").channel == "email"

    batch = tmp_path / "12345.csv"
    batch.write_text(CSV, encoding="utf-8")
    page.goto(f"{base}/intake/referrals/")
    page.get_by_label("CSV 或 xlsx 文件").set_input_files(str(batch))
    page.get_by_label("转办来源（文件中无此列时填写）").fill("12345")
    page.get_by_role("button", name="导入").click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("已建 1 件，拒绝 1 行")
    expect(report).to_contain_text("contact_name")
    shot(page, "02-referrals")
