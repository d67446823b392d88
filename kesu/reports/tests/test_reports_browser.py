"""The reports page in a real browser: the figures, the chart drawn, a report made."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesu.complaints.tests.factories import receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quality_manager_reads_the_figures_and_makes_a_report(
    page: Page, live_server, firm, policies
):
    receive(firm)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("quality")
    page.get_by_label("密码").fill("Kesu@2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="报表", exact=True).click()
    expect(page.locator('[data-kpi="intake"]')).to_have_text("1")
    expect(page.locator("#report-chart canvas")).to_have_count(1)
    page.get_by_label("起始月份").fill("2026-10")
    page.get_by_role("button", name="立即生成").click()
    expect(page.get_by_test_id("report-files")).to_contain_text("月度汇总")
    Path("test-results/reports").mkdir(parents=True, exist_ok=True)
    page.screenshot(path="test-results/reports/01-reports.png", full_page=True)
