"""Handling in depth through the API: each journey, each permission with the wrong user, each
bad input refused with nothing changed."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from pypdf import PdfReader

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a2e2a1f30000000049454e44ae426082"
)
VALID_ID = "11010519491231002X"


def ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def refused(response, status):
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def case(firm, policies):
    return walk_to(firm, receive(firm, contact_email="zs@example.cn"), Status.IN_PROGRESS)


def version(number):
    return Complaint.objects.get(number=number).version


def test_a_complaint_investigated_approved_compensated_answered_disputed_reviewed_and_closed(
    firm, case, api_as, client
):
    p, n = firm.people, case.number
    handler = api_as(p.handler)
    # evidence, investigation, causes
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = client.post(
        f"/api/v1/complaints/{n}/attachments",
        {"file": SimpleUploadedFile("现场.png", PNG)},
        HTTP_AUTHORIZATION=handler.headers["HTTP_AUTHORIZATION"],
    ).json()
    found = ok(
        handler.post(
            f"/complaints/{n}/investigations",
            {"method": "on_site", "findings": "柜员未按规定解释收费。", "evidence": [photo["id"]]},
        ),
        201,
    )
    assert found["investigator"]["username"] == "handler" and found["evidence"] == [photo["id"]]
    ok(
        handler.post(
            f"/complaints/{n}/causes",
            {"level": "direct", "category": "people", "description": "柜员服务意识不足"},
        ),
        201,
    )
    ok(
        handler.post(
            f"/complaints/{n}/causes",
            {"level": "root", "category": "process", "description": "收费告知流程缺失"},
        ),
        201,
    )

    # a compensation of 300: the branch head approves, not the department head
    proposal = {
        "solution": "致歉并补偿 300 元",
        "measures": [
            {"kind": "apology"},
            {"kind": "compensation", "amount": "300.00", "note": "误工补偿"},
        ],
    }
    ok(handler.post(f"/complaints/{n}/propose", proposal))
    approval = ok(handler.get(f"/complaints/{n}/approvals"))[-1]
    assert (approval["level"], approval["approver"]["username"], approval["amount"]) == (
        "branch",
        "branch_head",
        "300.00",
    )
    assert (
        "branch_head"
        in refused(api_as(p.department_head).post(f"/complaints/{n}/approve", {}), 403)["detail"]
    )
    assert Complaint.objects.get(number=n).status == "awaiting_approval"
    ok(api_as(p.branch_head).post(f"/complaints/{n}/approve", {"comment": "同意"}))

    # compensation: never more than approved, paid only after identity and confirmation
    manager = api_as(p.manager)
    refused(
        handler.post(f"/complaints/{n}/compensations", {"kind": "cash", "amount": "300.01"}), 422
    )
    refused(handler.post(f"/complaints/{n}/compensations", {"kind": "cash", "amount": "-1"}), 422)
    comp = ok(
        handler.post(f"/complaints/{n}/compensations", {"kind": "cash", "amount": "300"}), 201
    )
    c = comp["id"]
    assert (
        refused(manager.post(f"/compensations/{c}/pay", {}), 409)["error"]
        == "identity_not_verified"
    )
    refused(
        handler.post(
            f"/compensations/{c}/verify",
            {"document_type": "resident_id", "number": "110105194912310021"},
        ),
        422,
    )
    verified = ok(
        handler.post(
            f"/compensations/{c}/verify", {"document_type": "resident_id", "number": VALID_ID}
        )
    )
    assert verified["id_number"] == "1101**********002X"
    assert refused(manager.post(f"/compensations/{c}/pay", {}), 409)["error"] == "not_confirmed"
    refused(
        handler.post(f"/compensations/{c}/confirm", {"method": "signature", "signature": 999}), 422
    )
    ok(handler.post(f"/compensations/{c}/confirm", {"method": "phone"}))
    refused(handler.post(f"/compensations/{c}/pay", {}), 403)  # the handler does not pay
    paid = ok(manager.post(f"/compensations/{c}/pay", {"reference": "FK-001"}))
    assert paid["payment_status"] == "paid"
    refused(manager.post(f"/compensations/{c}/pay", {}), 409)
    # the full number only with its own permission
    assert ok(manager.get(f"/complaints/{n}/compensations"))[0]["id_number"] == "1101**********002X"
    p.executive.user_permissions.add(Permission.objects.get(codename="view_identity_number"))
    assert ok(api_as(p.executive).get(f"/complaints/{n}/compensations"))[0]["id_number"] == VALID_ID

    # the decision letter
    answered = ok(handler.post(f"/complaints/{n}/answer", {"answer": "向您致歉，并补偿 300 元。"}))
    letter = answered["answer"]
    assert "柜员未按规定解释收费" in letter and "补偿 300 元" in letter
    assert "向上一级申请复核" in letter and "12315" in letter

    # the customer disputes by phone and asks for a review by the level above
    refused(api_as(p.quality).post(f"/complaints/{n}/dispute", {"reason": "x"}), 403)
    disputed = ok(
        api_as(p.agent).post(f"/complaints/{n}/dispute", {"reason": "补偿太少", "review": True})
    )
    assert (disputed["status"], disputed["escalation_level"]) == ("in_progress", 1)
    review = ok(handler.get(f"/complaints/{n}/reviews"))[0]
    assert review["reviewer"]["username"] == "executive"  # above the branch that approved
    refused(
        api_as(p.branch_head).post(
            f"/reviews/{review['id']}/decide", {"outcome": "upheld", "finding": "x"}
        ),
        403,
    )
    refused(
        api_as(p.executive).post(
            f"/reviews/{review['id']}/decide", {"outcome": "maybe", "finding": "x"}
        ),
        422,
    )
    ok(
        api_as(p.executive).post(
            f"/reviews/{review['id']}/decide", {"outcome": "upheld", "finding": "补偿标准符合制度"}
        )
    )
    refused(
        api_as(p.executive).post(
            f"/reviews/{review['id']}/decide", {"outcome": "upheld", "finding": "x"}
        ),
        409,
    )

    # handled again, answered, then revisits: unsatisfied reopens, satisfied closes
    ok(
        handler.post(
            f"/complaints/{n}/propose",
            {"solution": "再次解释补偿标准", "measures": [{"kind": "explanation"}]},
        )
    )
    ok(api_as(p.department_head).post(f"/complaints/{n}/approve", {}))
    ok(handler.post(f"/complaints/{n}/answer", {"answer": "维持原补偿方案。"}))
    agent = api_as(p.agent)
    assert (
        ok(agent.post(f"/complaints/{n}/follow-up", {"note": "仍不满意", "satisfaction": 2}))[
            "status"
        ]
        == "in_progress"
    )
    ok(
        handler.post(
            f"/complaints/{n}/propose",
            {"solution": "增加补偿", "measures": [{"kind": "compensation", "amount": "100"}]},
        )
    )
    ok(api_as(p.branch_head).post(f"/complaints/{n}/approve", {}))
    ok(handler.post(f"/complaints/{n}/answer", {"answer": "再补偿 100 元。"}))
    closed = ok(
        agent.post(
            f"/complaints/{n}/follow-up", {"note": "满意", "satisfaction": 5, "method": "phone"}
        )
    )
    assert closed["status"] == "closed"

    # the responsibility finding: quality managers and supervisors only
    finding = {
        "is_justified": True,
        "responsible_party": "staff",
        "staff": ["handler"],
        "penalty": "小过",
        "note": "未按规定告知收费",
    }
    refused(api_as(p.agent).put(f"/complaints/{n}/accountability", finding), 403)
    refused(api_as(p.agent).get(f"/complaints/{n}/accountability"), 403)
    ok(api_as(p.quality).put(f"/complaints/{n}/accountability", finding))
    refused(api_as(p.quality).post(f"/complaints/{n}/accountability/approve"), 403)  # recorded it
    approved = ok(api_as(p.branch_head).post(f"/complaints/{n}/accountability/approve"))
    assert (approved["penalty"], approved["approved_by"]["username"]) == ("小过", "branch_head")

    # the handling form prints it all
    response = api_as(p.branch_head).client.get(
        f"/api/v1/complaints/{n}/handling-form.pdf",
        HTTP_AUTHORIZATION=api_as(p.branch_head).headers["HTTP_AUTHORIZATION"],
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        n,
        "投诉处理单",
        "现场调查",
        "柜员未按规定解释收费",
        "收费告知流程缺失",
        "补偿",
        "1101**********002X",
        "补偿标准符合制度",
        "小过",
        "签字",
        "回访满意",
    ):
        assert expected in text.replace("\n", ""), expected
    assert VALID_ID not in text
    # the agent's copy leaves the responsibility finding out
    agent_pdf = agent.client.get(
        f"/api/v1/complaints/{n}/handling-form.pdf",
        HTTP_AUTHORIZATION=agent.headers["HTTP_AUTHORIZATION"],
    )
    agent_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(agent_pdf.content)).pages
    )
    assert "小过" not in agent_text and "责任认定" not in agent_text
    assert not any(
        e["type"].startswith("accountability") for e in ok(agent.get(f"/complaints/{n}/timeline"))
    )
    # the quality manager reads the case without the customer's full contact
    quality = api_as(p.quality)
    quality_pdf = quality.client.get(
        f"/api/v1/complaints/{n}/handling-form.pdf",
        HTTP_AUTHORIZATION=quality.headers["HTTP_AUTHORIZATION"],
    )
    quality_text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(quality_pdf.content)).pages
    )
    assert "138****8000" in quality_text and "13800138000" not in quality_text


def test_the_approval_is_routed_past_staff_named_in_the_case(firm, policies, api_as):
    case = walk_to(firm, receive(firm, staff_involved="department_head"), Status.IN_PROGRESS)
    ok(
        api_as(firm.people.handler).post(
            f"/complaints/{case.number}/propose",
            {"solution": "致歉", "measures": [{"kind": "apology"}]},
        )
    )
    approval = ok(api_as(firm.people.handler).get(f"/complaints/{case.number}/approvals"))[-1]
    assert approval["approver"]["username"] == "branch_head"
    assert "department_head" in approval["routing"]
    detail = refused(
        api_as(firm.people.department_head).post(f"/complaints/{case.number}/approve", {}), 403
    )["detail"]
    assert detail
    assert Complaint.objects.get(number=case.number).status == "awaiting_approval"
    timeline = ok(api_as(firm.people.handler).get(f"/complaints/{case.number}/timeline"))
    assert any(
        e["type"] == "approval_routed" and "department_head" in e["message"] for e in timeline
    )


def test_approving_ones_own_proposal_is_refused(firm, policies, api_as):
    case = walk_to(firm, receive(firm), Status.ASSIGNED)
    from kesu.complaints import services

    case = services.complaint_assign(
        complaint=case,
        actor=firm.people.manager,
        assignee=firm.people.department_head,
        org_unit=firm.units.bj_aftersales,
    )
    head = api_as(firm.people.department_head)
    ok(head.post(f"/complaints/{case.number}/start", {}))
    ok(head.post(f"/complaints/{case.number}/propose", {"solution": "致歉"}))
    before = version(case.number)
    refused(head.post(f"/complaints/{case.number}/approve", {}), 403)
    assert version(case.number) == before


@pytest.mark.parametrize(
    "measures",
    [
        [{"kind": "refund", "amount": "-5"}],
        [{"kind": "refund"}],
        [{"kind": "bribe"}],
        [{"kind": "apology", "surprise": 1}],
        [],
    ],
)
def test_bad_measures_change_nothing(case, api_as, measures):
    before = version(case.number)
    response = api_as(case.owner).post(
        f"/complaints/{case.number}/propose", {"solution": "x", "measures": measures}
    )
    assert response.status_code == 422
    assert version(case.number) == before and not case.measures.exists()


def test_an_open_task_holds_the_answer_until_done_or_overridden(firm, case, api_as):
    n, p = case.number, firm.people
    due = (clock.now() + dt.timedelta(days=2)).isoformat()
    task = {
        "org_unit": "bj-sales",
        "assignee": "sales_handler",
        "request": "提供销售合同",
        "due_at": due,
    }
    refused(api_as(p.agent).post(f"/complaints/{n}/tasks", task), 403)
    refused(api_as(p.handler).post(f"/complaints/{n}/tasks", {**task, "assignee": "handler"}), 422)
    refused(
        api_as(p.handler).post(
            f"/complaints/{n}/tasks", {**task, "due_at": "2020-01-01T00:00:00+08:00"}
        ),
        422,
    )
    refused(api_as(p.handler).post(f"/complaints/{n}/tasks", {**task, "org_unit": "nowhere"}), 422)
    created = ok(api_as(p.handler).post(f"/complaints/{n}/tasks", task), 201)
    # the other department sees the case, read-only, and its task
    sales = api_as(p.sales_handler)
    assert ok(sales.get(f"/complaints/{n}"))["number"] == n
    assert [t["id"] for t in ok(sales.get("/tasks"))] == [created["id"]]
    refused(sales.post(f"/complaints/{n}/notes", {"text": "x"}), 403)
    refused(api_as(p.handler).post(f"/tasks/{created['id']}/done", {"result": "x"}), 403)
    # the case cannot be answered while the task is open
    walk_to(firm, Complaint.objects.get(number=n), Status.APPROVED)
    assert (
        refused(api_as(p.handler).post(f"/complaints/{n}/answer", {"answer": "x"}), 409)["error"]
        == "tasks_open"
    )
    refused(api_as(p.handler).post(f"/complaints/{n}/tasks/override", {"reason": "x"}), 403)
    ok(
        api_as(p.department_head).post(
            f"/complaints/{n}/tasks/override", {"reason": "合同已由客户提供"}
        )
    )
    ok(api_as(p.handler).post(f"/complaints/{n}/answer", {"answer": "已处理"}))
    events = [e["type"] for e in ok(api_as(p.handler).get(f"/complaints/{n}/timeline"))]
    assert "task_requested" in events and "tasks_overridden" in events
    refused(sales.post(f"/tasks/{created['id']}/done", {"result": "x"}), 409)


def test_a_task_done_by_its_owner(firm, case, api_as):
    due = (clock.now() + dt.timedelta(days=2)).isoformat()
    created = ok(
        api_as(firm.people.handler).post(
            f"/complaints/{case.number}/tasks",
            {"org_unit": "bj-sales", "assignee": "sales_handler", "request": "合同", "due_at": due},
        ),
        201,
    )
    refused(
        api_as(firm.people.sales_handler).post(f"/tasks/{created['id']}/done", {"result": ""}), 422
    )
    done = ok(
        api_as(firm.people.sales_handler).post(
            f"/tasks/{created['id']}/done", {"result": "合同已上传"}
        )
    )
    assert done["state"] == "done"
    refused(api_as(firm.people.sh_agent).post(f"/tasks/{created['id']}/done", {"result": "x"}), 404)


def test_investigation_bad_input_and_wrong_user(firm, case, api_as):
    n = case.number
    before = version(n)
    for body in (
        {"method": "guess", "findings": "x"},
        {"method": "interview", "findings": ""},
        {"method": "interview", "findings": "x", "investigated_at": "2099-01-01T00:00:00+08:00"},
        {"method": "interview", "findings": "x", "investigator": "nobody"},
        {"method": "interview", "findings": "x", "evidence": [424242]},
    ):
        assert (
            api_as(firm.people.handler).post(f"/complaints/{n}/investigations", body).status_code
            == 422
        ), body
    refused(
        api_as(firm.people.agent).post(
            f"/complaints/{n}/investigations", {"method": "interview", "findings": "x"}
        ),
        403,
    )
    refused(
        api_as(firm.people.sh_head).post(
            f"/complaints/{n}/investigations", {"method": "interview", "findings": "x"}
        ),
        404,
    )
    refused(
        api_as(firm.people.handler).post(
            f"/complaints/{n}/causes", {"level": "root", "category": "weather", "description": "x"}
        ),
        422,
    )
    assert version(n) == before


def test_a_suggestion_needs_an_adoption_decision_by_a_supervisor(firm, policies, api_as):
    case = walk_to(
        firm, receive(firm, kind="suggestion", description="建议增加自助机"), Status.APPROVED
    )
    n = case.number
    assert (
        refused(
            api_as(firm.people.handler).post(f"/complaints/{n}/answer", {"answer": "谢谢"}), 409
        )["error"]
        == "adoption_missing"
    )
    refused(
        api_as(firm.people.handler).post(f"/complaints/{n}/adoption", {"adoption": "adopted"}), 403
    )
    refused(
        api_as(firm.people.branch_head).post(f"/complaints/{n}/adoption", {"adoption": "sure"}), 422
    )
    ok(
        api_as(firm.people.branch_head).post(
            f"/complaints/{n}/adoption", {"adoption": "partly", "reason": "先在一个网点试点"}
        )
    )
    letter = ok(
        api_as(firm.people.handler).post(f"/complaints/{n}/answer", {"answer": "下月起试点"})
    )["answer"]
    assert "部分采纳" in letter
    complaint = walk_to(firm, receive(firm), Status.APPROVED)
    refused(
        api_as(firm.people.branch_head).post(
            f"/complaints/{complaint.number}/adoption", {"adoption": "adopted"}
        ),
        409,
    )


def test_an_inquiry_is_answered_and_closed_in_one_step_by_its_agent(firm, policies, api_as):
    inquiry = receive(firm, kind="inquiry", category=None, description="开户需要什么材料？")
    closed = ok(
        api_as(firm.people.agent).post(
            f"/complaints/{inquiry.number}/answer-at-once", {"answer": "身份证原件"}
        )
    )
    assert (closed["status"], closed["answer"]) == ("closed", "身份证原件")
    types = list(Complaint.objects.get(pk=inquiry.pk).events.values_list("type", flat=True))
    assert types[:4] == ["received", "accepted", "answered", "closed"]
    complaint = receive(firm)
    refused(
        api_as(firm.people.agent).post(
            f"/complaints/{complaint.number}/answer-at-once", {"answer": "x"}
        ),
        409,
    )
    refused(
        api_as(firm.people.agent).post(
            f"/complaints/{inquiry.number}/answer-at-once", {"answer": ""}
        ),
        422,
    )


def test_revisiting_a_case_not_answered_is_refused_through_the_api(firm, case, api_as):
    before = version(case.number)
    refused(
        api_as(firm.people.agent).post(
            f"/complaints/{case.number}/follow-up", {"note": "x", "satisfaction": 5}
        ),
        409,
    )
    refused(
        api_as(firm.people.agent).post(
            f"/complaints/{case.number}/follow-up", {"note": "x", "satisfaction": 9}
        ),
        422,
    )
    assert version(case.number) == before


def test_a_repeat_complaint_is_linked_to_the_earlier_one(firm, policies, api_as):
    first = receive(firm)
    second = receive(firm, description="又是同一个柜员")
    other_category = receive(firm, category="A02")
    assert second.repeat_of == first
    assert other_category.repeat_of is None
    assert (
        ok(api_as(firm.people.agent).get(f"/complaints/{second.number}"))["repeat_of"]
        == first.number
    )
    assert second.events.get(sequence=1).data["repeat_of"] == first.number


def test_a_repeat_found_when_the_case_is_classified_later(firm, policies):
    from kesu.complaints import services

    first = receive(firm)
    later = receive(firm, category=None)
    assert later.repeat_of is None
    later = services.complaint_update(
        complaint=later, actor=firm.people.manager, changes={"category": "A01"}
    )
    assert later.repeat_of == first
    assert later.events.filter(type="repeat_linked").exists()


def test_the_handling_form_needs_access_to_the_case(firm, case, api_as):
    response = api_as(firm.people.sh_agent).client.get(
        f"/api/v1/complaints/{case.number}/handling-form.pdf",
        HTTP_AUTHORIZATION=api_as(firm.people.sh_agent).headers["HTTP_AUTHORIZATION"],
    )
    assert response.status_code == 404
