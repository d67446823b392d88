"""The quality manager's quarter in a real browser: a spot check drawn and a case checked, an
action planned from a case's root cause and its effect shown. Screenshots in
test-results/quality/."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.handling.services import cause_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("test-results/quality")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_quality_manager_checks_a_sample_and_plans_an_action(
    page: Page, live_server, firm, policies
):
    base = live_server.url
    cases = []
    for index in range(5):
        case = walk_to(firm, receive(firm, contact_phone=f"1392222{index:04d}"), Status.IN_PROGRESS)
        if index == 0:
            cause_record(
                complaint=case,
                actor=firm.people.handler,
                level="root",
                category="process",
                description="收费告知流程缺失",
            )
        cases.append(walk_to(firm, case, Status.CLOSED))
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("quality")
    page.get_by_label("密码").fill("Kesu@2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="质量改进").click()
    page.get_by_role("link", name="抽查", exact=True).click()
    today = clock.now().astimezone().date()
    page.get_by_label("标题").fill("本月抽查")
    page.get_by_label("结案日期自").fill(f"{today.replace(day=1)}")
    page.get_by_label("结案日期至").fill(f"{today}")
    page.get_by_label("抽样数量").fill("2")
    page.get_by_label("随机种子（用于重复抽样）").fill("7")
    page.get_by_role("button", name="抽取").click()
    expect(page.get_by_role("heading", name="本月抽查")).to_be_visible()
    shot(page, "01-sample")
    first = page.locator("details[data-checked]").first
    for box in first.locator("input[type=checkbox][name*=item_]").all():
        box.check()
    first.get_by_role("button", name="记录检查结果").click()
    expect(page.locator("details[data-checked]").first).to_contain_text("合格 100")

    # one click from the case's root cause to an action
    page.goto(f"{base}/cases/{cases[0].number}/")
    page.get_by_role("link", name="提出纠正措施").click()
    expect(page.get_by_label("根本原因")).to_have_value("收费告知流程缺失")
    page.get_by_label("计划措施").fill("增设收费告知牌，培训柜员")
    page.get_by_label("负责人").select_option("department_head")
    page.get_by_label("期限").fill(f"{today + dt.timedelta(days=30)}")
    page.get_by_role("button", name="制定措施").click()
    expect(page.get_by_test_id("state")).to_have_text("已计划")
    expect(page.get_by_test_id("effect")).to_contain_text("每 30 天")
    shot(page, "02-action")
