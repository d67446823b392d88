"""The customer's journeys in a real browser (Debian's chromium, phone-sized): submit a
complaint, then follow it, add to it, and rate the answer. Screenshots of every page are
kept in test-results/portal/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import walk_to
from kesu.complaints.workflow import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("test-results/portal")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a2e2a1f30000000049454e44ae426082"
)


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def solve(page: Page) -> None:
    question = page.locator("label[for=id_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question)[:2])
    page.locator("#id_answer").fill(str(a + b))


def test_a_customer_submits_then_follows_adds_and_rates(
    phone: Page, live_server, firm, policies, tmp_path, settings
):
    settings.KESU_INTAKE_UNIT = "bj-service"  # the portal's cases land at the service desk
    page, base = phone, live_server.url
    page.goto(f"{base}/portal/")
    expect(page.get_by_role("heading", name="我们能为您做什么？")).to_be_visible()
    shot(page, "01-home")
    page.get_by_role("link", name="提交投诉、咨询或建议").click()

    # a first try without consent is refused, and nothing typed is lost
    page.get_by_label("发生了什么？").fill("快递员把包裹扔在门口，东西摔坏了。")
    page.get_by_label("您的姓名").fill("陈女士")
    page.get_by_label("手机号码").fill("13911112222")
    solve(page)
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    expect(page.get_by_label("发生了什么？")).to_have_value("快递员把包裹扔在门口，东西摔坏了。")
    shot(page, "02-submit-refused")

    photo = tmp_path / "破损.png"
    photo.write_bytes(PNG)
    page.get_by_label("照片、文件、录音或视频（最多 5 个）").set_input_files(str(photo))
    page.get_by_label("您希望我们怎么做？").fill("赔偿")
    page.get_by_label("涉及哪方面？（可不选）").select_option("A01")
    solve(page)
    page.locator("#id_consent").check()
    shot(page, "03-submit-filled")
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", name="我们已收到")).to_be_visible()
    number = page.get_by_test_id("case-number").inner_text()
    case = Complaint.objects.get(number=number)
    expect(page.get_by_text("我们将于")).to_contain_text(
        f"{case.resolution_due.astimezone():%Y-%m-%d}"
    )
    shot(page, "04-submitted")

    # later, from another browser session: the number and the last four digits
    page.context.clear_cookies()
    page.goto(f"{base}/portal/track/")
    page.get_by_label("案件编号").fill(number)
    page.get_by_label("手机号码后 4 位").fill("9999")
    page.get_by_role("button", name="查看案件").click()
    expect(page.get_by_role("alert")).to_contain_text("不匹配")
    shot(page, "05-track-refused")
    page.get_by_label("手机号码后 4 位").fill("2222")
    page.get_by_role("button", name="查看案件").click()
    expect(page.get_by_role("heading", name=f"投诉 {number}")).to_be_visible()
    expect(page.get_by_text("139****2222")).to_be_visible()
    expect(page.get_by_role("link", name="破损.png")).to_be_visible()
    shot(page, "06-case")

    page.get_by_label("您要补充什么？").fill("快递单号 SF123456")
    page.get_by_role("button", name="补充", exact=True).click()
    expect(page.get_by_text("谢谢，您补充的内容已记入案件。")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("快递单号 SF123456")

    # the firm answers; the customer sees it, accepts it and rates the handling
    walk_to(firm, Complaint.objects.get(number=number), Status.ANSWERED)
    page.reload()
    expect(page.get_by_test_id("answer")).to_be_visible()
    shot(page, "07-answered")
    page.get_by_role("button", name="我接受答复").click()
    expect(page.get_by_text("感谢您的确认。")).to_be_visible()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("意见").fill("处理及时")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("您给出的评价是 4 分")).to_be_visible()
    shot(page, "08-rated")
    case.refresh_from_db()
    assert (case.customer_response, case.customer_rating) == ("confirmed", 4)
    # the page fits a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
