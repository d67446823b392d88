"""Each role's day in the browser (Debian's chromium through Playwright), from a phone
complaint to its close, asserting what the page shows after each step. Screenshots of every
page are kept in test-results/journey/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesu.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("test-results/journey")
# A real 1×1 PNG, so that the browser can draw the preview.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a2e2a1f30000000049454e44ae426082"
)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Kesu@2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="案件", exact=True)).to_be_visible()


def act(page: Page, action: str, fields: dict | None = None, radios: dict | None = None) -> None:
    """Open an action on the case page, fill it, submit; htmx swaps the case in place."""
    box = page.locator(f'details[data-action="{action}"]')
    if not box.evaluate("element => element.open"):
        box.locator("summary").click()
    for label, value in (fields or {}).items():
        control = box.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    for label in (radios or {}).values():
        box.get_by_label(label, exact=True).check()
    box.get_by_role("button").last.click()


def test_a_phone_complaint_from_registration_to_close(page: Page, live_server, firm, policies):
    base = live_server.url

    # the agent registers a phone complaint, finding the customer as the number is typed
    sign_in(page, base, "agent")
    shot(page, "01-agent-cases")
    page.get_by_role("link", name="登记案件").click()
    page.get_by_label("投诉人电话").fill("13800138000")
    expect(page.locator("#customer-found")).to_contain_text("还没有使用此电话的客户")
    page.get_by_label("投诉人姓名").fill("赵六")
    page.get_by_label("投诉内容").fill("热水器维修不及时，师傅约好上门却没来")
    expect(page.locator("#category-suggestion")).to_contain_text("E01")
    page.locator("#category-suggestion button").click()
    page.get_by_label("客户诉求").fill("尽快上门并补偿误工")
    shot(page, "02-agent-register")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登记 TS")
    number = Complaint.objects.get().number
    expect(page.get_by_role("heading", name=re.compile(number))).to_contain_text("已接收")
    expect(page.locator('details[data-action="accept"]')).to_have_count(0)
    # the customer's photo of the broken heater goes on the case, with a preview
    page.get_by_label("上传照片、PDF、录音或视频").set_input_files(
        files=[{"name": "热水器.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已上传 热水器.png")
    expect(page.locator('.files img[alt="热水器.png"]')).to_be_visible()
    shot(page, "03-agent-case")

    # the complaint manager accepts, classifies and assigns it
    sign_in(page, base, "manager")
    page.get_by_role("link", name=re.compile("待分派")).click()
    page.get_by_role("link", name=number).click()
    act(page, "accept", {"备注": "已受理，三个工作日内答复"})
    expect(page.locator("h1")).to_contain_text("已受理")
    act(page, "classify", {"严重程度": "important", "风险等级": "medium"})
    expect(page.locator("dl.facts")).to_contain_text("重要")
    act(page, "assign", {"责任单位": "bj-aftersales", "受理负责人": "handler"})
    expect(page.locator("h1")).to_contain_text("已分派")
    shot(page, "04-manager-assigned")

    # the handler investigates and proposes, after a refused empty proposal
    sign_in(page, base, "handler")
    page.get_by_role("link", name=re.compile("我的")).click()
    page.get_by_role("link", name=number).click()
    act(page, "start")
    expect(page.locator("h1")).to_contain_text("处理中")
    act(page, "note", {"备注": "已电话联系客户，约定周四上门"})
    expect(page.locator("ol.timeline")).to_contain_text("约定周四上门")
    act(page, "h-investigate", {"方式": "on_site", "调查结果": "上门查看，冰箱压缩机故障"})
    expect(page.get_by_test_id("handling")).to_contain_text("冰箱压缩机故障")
    act(page, "propose", {"处理方案": ""})
    expect(page.locator('details[data-action="propose"] .errorlist')).to_contain_text(
        "此项为必填项"
    )
    act(page, "propose", {"处理方案": "48小时内上门维修，补偿误工费200元"})
    expect(page.locator("h1")).to_contain_text("待审批")
    shot(page, "05-handler-proposed")

    # the department head approves it
    sign_in(page, base, "department_head")
    page.get_by_role("link", name=re.compile("待我审批")).click()
    page.get_by_role("link", name=number).click()
    act(page, "approve", {"批示意见": "同意"})
    expect(page.locator("h1")).to_contain_text("已批准")
    shot(page, "06-head-approved")

    # the handler answers the customer
    sign_in(page, base, "handler")
    page.goto(f"{base}/cases/{number}/")
    act(page, "answer", {"处理决定": "已上门维修并补偿200元，向您致歉"})
    expect(page.locator("h1")).to_contain_text("已答复")

    # the agent records the revisit: the customer is satisfied, which closes the case
    sign_in(page, base, "agent")
    page.get_by_role("link", name=re.compile("待回访")).click()
    page.get_by_role("link", name=number).click()
    act(
        page,
        "follow_up",
        {"客户反馈": "客户表示满意", "回访方式": "phone", "满意度（1–5）": "5"},
        radios={"reached": "已联系上"},
    )
    expect(page.locator("h1")).to_contain_text("已结案")
    # received, attached, accepted, classified, assigned, started, note, investigated,
    # proposed, approval routed, approved, answered, revisited, closed, and three SMS to the
    # customer: acknowledgement, answer, survey
    expect(page.locator("ol.timeline li")).to_have_count(17)
    expect(page.locator('ol.timeline li[data-type="message_sent"]')).to_have_count(3)
    expect(page.get_by_test_id("handling")).to_contain_text("部门负责人")
    shot(page, "07-revisited-and-closed")
    assert Complaint.objects.get().status == "closed"


def test_the_dashboard_draws_its_chart(page: Page, live_server, firm, policies):
    from kesu.complaints.tests.factories import receive

    receive(firm)
    sign_in(page, live_server.url, "manager")
    page.get_by_role("link", name="仪表盘").click()
    expect(page.locator('[data-kpi="backlog"]')).to_have_text("1")
    expect(page.locator("#intake-chart canvas")).to_have_count(1)
    # this month against the last: the reporting measures, each with its definition
    month = page.get_by_test_id("month-measures")
    expect(month.locator('[data-kpi="intake"]')).to_have_text("1")
    expect(month.locator('[data-kpi-last="intake"]')).to_have_text("0")
    expect(month.locator("abbr").first).to_have_attribute("title", re.compile("受理量"))
    shot(page, "08-dashboard")


def test_lists_and_case_pages_work_on_a_phone(browser, live_server, firm, policies):
    from kesu.complaints.tests.factories import receive

    case = receive(firm)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server.url, "manager")
    row = page.locator(f'tr[data-number="{case.number}"]')
    expect(row).to_be_visible()
    # the rows become cards: nothing runs off the side of the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "09-phone-list")
    row.get_by_role("link").click()
    act(page, "accept")
    expect(page.locator("h1")).to_contain_text("已受理")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "10-phone-case")
    context.close()


def test_the_keyboard_reaches_the_content_and_the_language_switches(page: Page, live_server, firm):
    sign_in(page, live_server.url, "agent")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="Register a case")).to_be_visible()
    shot(page, "11-english")


def test_the_quality_manager_and_the_executive_read_without_handling(
    page: Page, live_server, firm, policies
):
    from kesu.complaints.tests.factories import receive, walk_to
    from kesu.complaints.workflow import Status

    closed = walk_to(firm, receive(firm), Status.CLOSED)
    other_branch = receive(firm, actor=firm.people.sh_agent, category="C01")
    # the quality manager searches the whole firm, reads a closed case, sees no phone number
    sign_in(page, live_server.url, "quality")
    expect(page.locator(f'tr[data-number="{other_branch.number}"]')).to_be_visible()
    page.get_by_text("筛选与搜索").click()
    page.get_by_label("状态").select_option("closed")
    expect(page.locator(f'tr[data-number="{other_branch.number}"]')).to_have_count(0)
    page.get_by_role("link", name=closed.number).click()
    expect(page.locator("dl.facts")).to_contain_text("138****8000")
    expect(page.locator("dl.facts")).not_to_contain_text("13800138000")
    expect(page.locator('details[data-action="note"]')).to_have_count(1)
    expect(page.locator('details[data-action="reopen"]')).to_have_count(0)
    shot(page, "12-quality-case")
    # the executive reads the dashboard for the whole firm
    sign_in(page, live_server.url, "executive")
    page.get_by_role("link", name="仪表盘").click()
    expect(page.locator('[data-kpi="backlog"]')).to_have_text("1")
    shot(page, "13-executive-dashboard")
