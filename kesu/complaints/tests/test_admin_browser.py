"""The admin in a real browser (Debian's chromium): a complaint manager finds a case, reads
its timeline, accepts it; a bad registration shows its error and keeps nothing."""

import re

import pytest
from playwright.sync_api import Page, expect

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill("Kesu@2026")
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    expect(
        page.get_by_role("link", name=re.compile("注销|Log out")).or_(
            page.get_by_role("button", name=re.compile("注销|Log out"))
        )
    ).to_be_visible()


def test_a_manager_accepts_a_case_in_the_admin(page: Page, live_server, firm, categories):
    # given a case at the manager's unit and one at another branch
    mine = receive(firm)
    theirs = receive(firm, actor=firm.people.sh_agent)
    # when the manager signs in and opens the complaints list
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/admin/complaints/complaint/")
    # then only their own unit's case is listed, in Chinese
    expect(page.get_by_role("link", name=mine.number)).to_be_visible()
    expect(page.get_by_text(theirs.number)).to_have_count(0)
    expect(page.locator("body")).to_contain_text("已接收")
    # when they open it and accept it through the action form
    page.get_by_role("link", name=mine.number).click()
    expect(page.locator("body")).to_contain_text("柜台工作人员态度恶劣")
    page.get_by_role("link", name="处理操作").click()
    page.get_by_label("操作").select_option("accept")
    page.get_by_role("button", name="提交").click()
    # then the case is accepted and the timeline shows the step with its actor
    expect(page.locator(".messagelist")).to_contain_text("已完成")
    expect(page.locator("body")).to_contain_text("已受理")
    page.screenshot(path="test-results/admin-case.png", full_page=True)
    assert Complaint.objects.get(pk=mine.pk).status == "accepted"


def test_a_refused_action_shows_its_reason_and_changes_nothing(
    page: Page, live_server, firm, categories
):
    case = receive(firm)
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/admin/complaints/complaint/{case.pk}/act/")
    page.get_by_label("操作").select_option("reject")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".errornote")).to_contain_text("执行“不予受理”需要填写：原因")
    expect(page.locator(".errorlist").first).to_contain_text("此项为必填项")
    assert Complaint.objects.get(pk=case.pk).status == "received"


def test_a_bad_registration_shows_the_error_and_keeps_nothing(
    page: Page, live_server, firm, categories
):
    sign_in(page, live_server.url, "agent")
    page.goto(f"{live_server.url}/admin/complaints/complaint/add/")
    page.get_by_label("投诉人姓名").fill("钱七")
    page.get_by_label("投诉人电话").fill("not a phone")
    page.get_by_label("投诉内容").fill("空调坏了")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("body")).to_contain_text("联系方式无效")
    assert Complaint.objects.count() == 0
    # when corrected, the case is registered and numbered
    page.get_by_label("投诉人电话").fill("13600001234")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messagelist")).to_contain_text("已登记 TS")
    assert Complaint.objects.get().contact_phone == "13600001234"


def test_the_admin_speaks_english_to_an_english_browser(browser, live_server, firm, categories):
    receive(firm)
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/admin/complaints/complaint/")
    expect(page.locator("body")).to_contain_text("Kesu complaint handling")
    expect(page.locator("body")).to_contain_text("Received")
    context.close()


def test_an_administrator_enters_next_years_holiday_and_the_warning_goes(
    page: Page, live_server, firm, policies
):
    from kesu.deadlines.models import CalendarDay

    firm.people.administrator.is_superuser = False
    firm.people.administrator.save()
    sign_in(page, live_server.url, "administrator")
    page.goto(f"{live_server.url}/admin/deadlines/calendarday/")
    expect(page.locator(".messagelist")).to_contain_text("2027 年的法定节假日尚未发布")
    page.goto(f"{live_server.url}/admin/deadlines/calendarday/add/")
    page.get_by_label("日期").fill("2027-01-01")
    page.get_by_label("备注").fill("元旦")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("正在重新计算未结案件的期限")
    expect(page.locator(".messagelist")).not_to_contain_text("尚未发布")
    assert CalendarDay.objects.get().is_working_day is False
