"""The improvement loop through the API, with permissions and bad input."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.quality.models import ChecklistItem, CorrectiveAction, QuarterlyReview


def at(text):
    return dt.datetime.fromisoformat(text).astimezone()


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def closed_cases(firm, policies):
    cases = []
    for day in range(1, 11):
        with clock.frozen(at(f"2026-10-{day:02d} 10:00")):
            cases.append(
                walk_to(firm, receive(firm, contact_phone=f"1390000{day:04d}"), Status.CLOSED)
            )
    return cases


def action_body(**overrides):
    return {
        "title": "柜面收费告知整改",
        "kind": "corrective",
        "complaints": [],
        "category": "A01",
        "org_unit": "bj",
        "root_cause": "收费告知流程缺失",
        "measures": "增加收费告知牌，培训柜员",
        "owner": "department_head",
        "due_date": "2026-12-31",
        **overrides,
    }


def test_an_action_is_planned_done_and_verified_with_its_measured_effect(firm, policies, api_as):
    # 6 complaints in the 30 days before the action was done, 2 in the 30 days after
    for day in (1, 5, 9, 13, 17, 21):
        with clock.frozen(at(f"2026-10-{day:02d} 10:00")):
            receive(firm, contact_phone=f"1380000{day:04d}")
    quality = api_as(firm.people.quality)
    with clock.frozen(at("2026-10-25 10:00")):
        action = ok(quality.post("/actions", action_body()), 201)
        owner = api_as(firm.people.department_head)
        ok(owner.post(f"/actions/{action['id']}/progress", {"state": "in_progress"}))
    with clock.frozen(at("2026-10-31 10:00")):
        assert owner.post(f"/actions/{action['id']}/progress", {"state": "done"}).status_code == 422
        ok(
            owner.post(
                f"/actions/{action['id']}/progress", {"state": "done", "evidence": "已培训 12 人"}
            )
        )
    for day in (3, 20):
        with clock.frozen(at(f"2026-11-{day:02d} 10:00")):
            receive(firm, contact_phone=f"1370000{day:04d}")
    receive(firm, category="B01")  # another category does not count
    with clock.frozen(at("2026-12-05 10:00")):
        effect = ok(quality.get(f"/actions/{action['id']}/effect", {"window_days": 30}))
        assert (effect["before"], effect["after"], effect["change_percent"]) == (6, 2, -66.7)
        # the owner does not verify their own action
        assert (
            owner.post(
                f"/actions/{action['id']}/verify", {"effective": True, "evidence": "x"}
            ).status_code
            == 403
        )
        verified = ok(
            quality.post(
                f"/actions/{action['id']}/verify",
                {
                    "effective": False,
                    "evidence": "仍有投诉",
                    "window_days": 30,
                    "follow_up": {"measures": "改版收费单", "due_date": "2027-01-31"},
                },
            )
        )
    assert verified["state"] == "not_effective" and verified["effect"]["after"] == 2
    follow_up = CorrectiveAction.objects.get(follows_id=action["id"])
    assert (follow_up.state, follow_up.owner) == ("planned", firm.people.department_head)
    assert (
        quality.post(
            f"/actions/{action['id']}/verify", {"effective": True, "evidence": "x"}
        ).status_code
        == 409
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": None},
        {"category": "ZZZ"},
        {"owner": "nobody"},
        {"due_date": "2020-01-01"},
        {"kind": "magic"},
        {"complaints": ["TS209901010001"]},
        {"title": ""},
    ],
)
def test_a_bad_action_is_refused(firm, policies, api_as, overrides):
    response = api_as(firm.people.quality).post("/actions", action_body(**overrides))
    assert response.status_code == 422 and not CorrectiveAction.objects.exists()


def test_agents_and_handlers_cannot_run_the_loop(firm, policies, api_as):
    for person in (firm.people.agent, firm.people.handler):
        assert api_as(person).post("/actions", action_body()).status_code == 403
        assert (
            api_as(person)
            .post(
                "/spot-checks",
                {"title": "x", "period_start": "2026-10-01", "period_end": "2026-10-31", "size": 1},
            )
            .status_code
            == 403
        )
        assert (
            api_as(person)
            .get("/performance", {"start": "2026-10-01", "end": "2026-10-31"})
            .status_code
            == 403
        )
    action = ok(api_as(firm.people.quality).post("/actions", action_body()), 201)
    assert api_as(firm.people.agent).get(f"/actions/{action['id']}").status_code == 404
    assert api_as(firm.people.department_head).get(f"/actions/{action['id']}").status_code == 200


def test_an_action_one_click_from_a_case(firm, policies, api_as):
    case = receive(firm)
    action = ok(
        api_as(firm.people.quality).post(
            "/actions", action_body(complaints=[case.number], category=None, org_unit=None)
        ),
        201,
    )
    assert action["complaints"] == [case.number] and action["category"] == "A01"


def test_a_spot_check_is_drawn_reproducibly_and_reviewed(firm, closed_cases, api_as):
    quality = api_as(firm.people.quality)
    body = {
        "title": "10 月抽查",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "percent": 30,
        "seed": 42,
    }
    with clock.frozen(at("2026-11-02 10:00")):
        first = ok(quality.post("/spot-checks", body), 201)
        again = ok(quality.post("/spot-checks", body), 201)
    assert (first["population"], first["size"], first["seed"]) == (10, 3, 42)
    assert [c["complaint"] for c in first["cases"]] == [c["complaint"] for c in again["cases"]]
    items = [str(pk) for pk in ChecklistItem.objects.values_list("pk", flat=True)]
    checked = first["cases"][0]
    bad = quality.post(f"/checked-cases/{checked['id']}/review", {"answers": {items[0]: True}})
    assert bad.status_code == 422
    failing = {item: index > 2 for index, item in enumerate(items)}
    assert (
        quality.post(f"/checked-cases/{checked['id']}/review", {"answers": failing}).status_code
        == 422
    )  # findings needed
    with clock.frozen(at("2026-11-02 11:00")):
        reviewed = ok(
            quality.post(
                f"/checked-cases/{checked['id']}/review",
                {"answers": failing, "findings": "未回访即结案", "open_action": True},
            )
        )
    assert (reviewed["score"], reviewed["passed"]) == (50, False)
    assert CorrectiveAction.objects.get().complaints.get().number == checked["complaint"]
    passing = dict.fromkeys(items, True)
    ok(quality.post(f"/checked-cases/{first['cases'][1]['id']}/review", {"answers": passing}))
    assert (
        api_as(firm.people.agent)
        .post(f"/checked-cases/{checked['id']}/review", {"answers": passing})
        .status_code
        == 403
    )


def test_a_failed_check_can_reopen_the_case(firm, closed_cases, api_as):
    lead = api_as(firm.people.branch_head)
    check = ok(
        lead.post(
            "/spot-checks",
            {
                "title": "x",
                "period_start": "2026-10-01",
                "period_end": "2026-10-31",
                "size": 1,
                "seed": 7,
            },
        ),
        201,
    )
    items = [str(pk) for pk in ChecklistItem.objects.values_list("pk", flat=True)]
    ok(
        lead.post(
            f"/checked-cases/{check['cases'][0]['id']}/review",
            {"answers": dict.fromkeys(items, False), "findings": "方案不当", "reopen": True},
        )
    )
    assert Complaint.objects.get(number=check["cases"][0]["complaint"]).status == "in_progress"


@pytest.mark.parametrize(
    "body",
    [
        {"period_start": "2026-10-31", "period_end": "2026-10-01", "size": 1},
        {"period_start": "2026-10-01", "period_end": "2026-10-31"},
        {"period_start": "2026-10-01", "period_end": "2026-10-31", "size": 1, "percent": 5},
        {"period_start": "2025-01-01", "period_end": "2025-01-31", "size": 1},
        {
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "size": 1,
            "org_unit": "nowhere",
        },
    ],
)
def test_a_bad_draw_is_refused(firm, closed_cases, api_as, body):
    assert (
        api_as(firm.people.quality).post("/spot-checks", {"title": "x", **body}).status_code == 422
    )


def test_the_quarterly_review_is_prepared_once_and_finished_by_its_manager(
    firm, closed_cases, api_as
):
    from kesu.quality.services import quarterly_remind_unfinished, quarterly_reviews_prepare

    with clock.frozen(at("2027-01-01 06:10")):
        made = quarterly_reviews_prepare(today=dt.date(2027, 1, 1))
        assert quarterly_reviews_prepare(today=dt.date(2027, 1, 1)) == []
    review = next(r for r in made if r.manager == firm.people.manager)
    assert (review.year, review.quarter, review.cases.count()) == (2026, 4, 10)
    manager = api_as(firm.people.manager)
    assert manager.post(f"/quarterly-reviews/{review.pk}/finish").status_code == 422
    assert quarterly_remind_unfinished(today=dt.date(2027, 1, 15)) >= 1
    items = [str(pk) for pk in ChecklistItem.objects.values_list("pk", flat=True)]
    for checked in review.cases.all():
        ok(
            manager.post(
                f"/checked-cases/{checked.pk}/review", {"answers": dict.fromkeys(items, True)}
            )
        )
    assert (
        api_as(firm.people.sh_manager).post(f"/quarterly-reviews/{review.pk}/finish").status_code
        == 403
    )
    ok(manager.post(f"/quarterly-reviews/{review.pk}/finish"))
    listed = ok(api_as(firm.people.quality).get("/quarterly-reviews", {"year": 2026, "quarter": 4}))
    mine = next(r for r in listed if r["manager"]["username"] == "manager")
    assert (mine["cases"], mine["reviewed"]) == (10, 10) and mine["finished_at"]
    # a manager with nothing closed last quarter has nothing to review
    assert QuarterlyReview.objects.get(manager=firm.people.sh_manager).finished_at is not None


def test_staff_performance_and_its_spreadsheet(firm, closed_cases, api_as):
    from kesu.handling.services import accountability_record

    accountability_record(
        complaint=closed_cases[0],
        actor=firm.people.quality,
        is_justified=True,
        responsible_party="staff",
        staff=["handler"],
        penalty="警告",
    )
    lead = api_as(firm.people.quality)
    data = ok(lead.get("/performance", {"start": "2026-10-01", "end": "2026-12-31"}))
    handler = next(r for r in data["staff"] if r["name"] == "handler")
    assert handler["handled"] == 10 and handler["timeliness"] == 1.0
    assert handler["satisfaction"] == 5.0
    assert (handler["justified"], handler["penalties"]) == (1, ["警告"])
    department = next(r for r in data["departments"] if r["name"] == "bj-aftersales")
    assert department["handled"] == 10
    response = lead.client.get(
        "/api/v1/performance.xlsx",
        {"start": "2026-10-01", "end": "2026-12-31"},
        HTTP_AUTHORIZATION=lead.headers["HTTP_AUTHORIZATION"],
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["员工", "部门"]
    rows = list(book["员工"].iter_rows(min_row=3, values_only=True))
    assert rows[0][:2] == ("handler", 10) and rows[0][7] == "警告"
    assert lead.get("/performance", {"start": "2026-10-01"}).status_code == 422
