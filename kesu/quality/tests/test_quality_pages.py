"""The quality manager's pages: each with bad input and the wrong user."""

import datetime as dt

import pytest

from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.quality.models import CheckedCase, ChecklistItem, CorrectiveAction, SpotCheck


def at(text):
    return dt.datetime.fromisoformat(text).astimezone()


@pytest.fixture
def closed(firm, policies):
    with clock.frozen(at("2026-11-02 10:00")):
        return [
            walk_to(firm, receive(firm, contact_phone=f"1391111{i:04d}"), Status.CLOSED)
            for i in range(4)
        ]


def test_only_leads_see_the_loop_and_agents_do_not(client, firm, closed):
    client.force_login(firm.people.agent)
    assert "质量改进" not in client.get("/cases/").content.decode()
    for path in ("/quality/actions/new/", "/quality/spot-checks/", "/quality/performance/"):
        assert client.get(path).status_code == 403, path
    client.force_login(firm.people.quality)
    assert "质量改进" in client.get("/cases/").content.decode()
    for path in (
        "/quality/",
        "/quality/actions/new/",
        "/quality/spot-checks/",
        "/quality/reviews/",
        "/quality/performance/",
    ):
        assert client.get(path).status_code == 200, path


def test_an_action_planned_from_a_case_with_its_root_cause(client, firm, closed):
    case = closed[0]
    client.force_login(firm.people.quality)
    page = client.get(f"/quality/actions/new/?case={case.number}&root_cause=流程缺失")
    assert case.number in page.content.decode() and "流程缺失" in page.content.decode()
    bad = client.post(
        "/quality/actions/new/",
        {
            "title": "x",
            "kind": "corrective",
            "root_cause": "r",
            "measures": "m",
            "owner": "department_head",
            "due_date": "2026-12-31",
        },
    )
    assert bad.status_code == 422 and not CorrectiveAction.objects.exists()  # no case, no category
    done = client.post(
        "/quality/actions/new/",
        {
            "title": "整改",
            "kind": "corrective",
            "complaints": case.number,
            "root_cause": "流程缺失",
            "measures": "修订流程",
            "owner": "department_head",
            "due_date": "2026-12-31",
        },
    )
    action = CorrectiveAction.objects.get()
    assert done.status_code == 302 and action.complaints.get() == case
    detail = client.get(f"/quality/actions/{action.pk}/?window=30").content.decode()
    assert "效果验证" in detail and "修订流程" in detail
    # the owner reports it done; the quality manager verifies
    client.force_login(firm.people.department_head)
    assert (
        client.post(
            f"/quality/actions/{action.pk}/", {"progress": "1", "state": "done"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/quality/actions/{action.pk}/",
            {"progress": "1", "state": "done", "evidence": "已修订"},
        ).status_code
        == 302
    )
    client.force_login(firm.people.quality)
    bad_verify = client.post(
        f"/quality/actions/{action.pk}/",
        {
            "verify": "1",
            "effective": "no",
            "evidence": "x",
            "window_days": "30",
            "follow_up_measures": "再培训",
        },
    )
    assert bad_verify.status_code == 422  # the follow-up needs a due date
    client.post(
        f"/quality/actions/{action.pk}/",
        {"verify": "1", "effective": "yes", "evidence": "投诉下降", "window_days": "30"},
    )
    action.refresh_from_db()
    assert action.state == "effective"
    client.force_login(firm.people.agent)
    assert client.get(f"/quality/actions/{action.pk}/").status_code == 404


def test_a_spot_check_drawn_and_reviewed_on_the_page(client, firm, closed):
    client.force_login(firm.people.quality)
    bad = client.post(
        "/quality/spot-checks/",
        {"title": "x", "period_start": "2026-11-30", "period_end": "2026-11-01", "size": "2"},
    )
    assert bad.status_code == 422
    response = client.post(
        "/quality/spot-checks/",
        {
            "title": "11 月抽查",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
            "size": "2",
            "seed": "5",
        },
    )
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and check.cases.count() == 2
    page = client.get(f"/quality/spot-checks/{check.pk}/").content.decode()
    items = list(ChecklistItem.objects.all())
    assert items[0].text in page
    row = check.cases.first()
    answers = {f"c{row.pk}-item_{item.pk}": "on" for item in items}
    client.post(f"/quality/checked/{row.pk}/", answers)
    row.refresh_from_db()
    assert (row.score, row.passed) == (100, True)
    client.force_login(firm.people.agent)
    other = check.cases.exclude(pk=row.pk).get()
    client.post(
        f"/quality/checked/{other.pk}/", answers | {f"c{other.pk}-item_{items[0].pk}": "on"}
    )
    assert CheckedCase.objects.get(pk=other.pk).reviewed_at is None


def test_staff_performance_page_and_its_download(client, firm, closed):
    client.force_login(firm.people.branch_head)
    page = client.get("/quality/performance/?start=2026-11-01&end=2026-11-30")
    assert page.status_code == 200 and "handler" in page.content.decode()
    download = client.get("/quality/performance/?start=2026-11-01&end=2026-11-30&format=xlsx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/quality/performance/?start=2026-11-30&end=2026-11-01").status_code == 422
    ranked = client.get("/quality/performance/?start=2026-11-01&end=2026-11-30&rank=timeliness")
    assert ranked.status_code == 200 and 'aria-sort="descending"' in ranked.content.decode()
    bad = client.get("/quality/performance/?start=2026-11-01&end=2026-11-30&rank=shoe_size")
    assert bad.status_code == 422
    # a link naming only the ranking takes the default period
    assert client.get("/quality/performance/?rank=reopen_rate").status_code == 200


def test_the_manager_reviews_their_quarter_on_the_page(client, firm, closed):
    from kesu.quality.services import quarterly_reviews_prepare

    with clock.frozen(at("2027-01-01 06:10")):
        quarterly_reviews_prepare(today=dt.date(2027, 1, 1))
    client.force_login(firm.people.manager)
    page = client.get("/quality/reviews/?year=2026&quarter=4").content.decode()
    assert closed[0].number in page and "完成我的复查" in page
    review = firm.people.manager and __import__(
        "kesu.quality.models", fromlist=["QuarterlyReview"]
    ).QuarterlyReview.objects.get(manager=firm.people.manager)
    assert client.post("/quality/reviews/", {"finish": review.pk}).status_code == 302
    review.refresh_from_db()
    assert review.finished_at is None  # cases still unreviewed: refused with the reason
    client.force_login(firm.people.quality)
    assert "未完成" in client.get("/quality/reviews/?year=2026&quarter=4").content.decode()
