"""Handling steps in the workspace: offered to the right people, refused with the reason."""

import datetime as dt

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.core import clock


@pytest.fixture
def case(firm, policies):
    return walk_to(firm, receive(firm), Status.IN_PROGRESS)


def offered(client, case):
    return client.get(f"/cases/{case.number}/").context["offered"]


def test_the_owner_is_offered_investigation_causes_and_tasks_the_agent_is_not(client, firm, case):
    client.force_login(firm.people.handler)
    keys = [key for key, _label, _form in offered(client, case)]
    assert {"h-investigate", "h-cause", "h-request_task"} <= set(keys)
    client.force_login(firm.people.agent)
    keys = [key for key, _label, _form in offered(client, case)]
    assert not {"h-investigate", "h-cause", "h-request_task"} & set(keys)


def test_recording_an_investigation_and_a_cause_from_the_case_page(client, firm, case):
    client.force_login(firm.people.handler)
    bad = client.post(f"/cases/{case.number}/h-investigate/", {"method": "on_site", "findings": ""})
    assert bad.status_code == 422 and not case.investigations.exists()
    done = client.post(
        f"/cases/{case.number}/h-investigate/", {"method": "on_site", "findings": "压缩机故障"}
    )
    assert done.status_code == 302 and case.investigations.get().findings == "压缩机故障"
    client.post(
        f"/cases/{case.number}/h-cause/",
        {"level": "root", "category": "product", "description": "批次质量问题"},
    )
    assert case.causes.get().category == "product"
    # the agent's attempt is refused with the reason, nothing changes
    client.force_login(firm.people.agent)
    refused = client.post(
        f"/cases/{case.number}/h-investigate/", {"method": "on_site", "findings": "x"}
    )
    assert refused.status_code == 422 and case.investigations.count() == 1


def test_a_proposal_with_compensation_goes_to_the_branch_head(client, firm, case):
    client.force_login(firm.people.handler)
    response = client.post(
        f"/cases/{case.number}/propose/",
        {"solution": "补偿 300 元", "measures": ["apology"], "compensation": "300"},
    )
    assert response.status_code == 302
    approval = case.approvals.get()
    assert (approval.level, approval.approver) == ("branch", firm.people.branch_head)
    negative = client.post(
        f"/cases/{case.number}/propose/", {"solution": "x", "compensation": "-1"}
    )
    assert negative.status_code == 422


def test_a_task_from_the_page_and_its_owner_reports_it_done(client, firm, case):
    client.force_login(firm.people.handler)
    due = (clock.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/cases/{case.number}/h-request_task/",
        {"org_unit": "bj-sales", "assignee": "sales_handler", "request": "调取合同", "due_at": due},
    )
    assert response.status_code == 302
    task = case.collaboration_tasks.get()
    client.force_login(firm.people.sales_handler)
    keys = [key for key, _label, _form in offered(client, case)]
    assert keys == ["h-task_done"]  # read-only but for the task
    client.post(f"/cases/{case.number}/h-task_done/", {"task": task.pk, "result": "合同已上传"})
    task.refresh_from_db()
    assert task.state == "done"


def test_the_responsibility_finding_from_the_page_only_for_quality_and_leaders(client, firm, case):
    finding = {
        "is_justified": "yes",
        "responsible_party": "staff",
        "staff": ["handler"],
        "penalty": "警告",
        "note": "态度问题",
    }
    client.force_login(firm.people.agent)
    assert client.post(f"/cases/{case.number}/h-accountability/", finding).status_code == 422
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "h-accountability" not in page
    client.force_login(firm.people.quality)
    assert client.post(f"/cases/{case.number}/h-accountability/", finding).status_code == 302
    client.force_login(firm.people.branch_head)
    assert client.post(f"/cases/{case.number}/h-approve_accountability/", {}).status_code == 302
    assert Complaint.objects.get(pk=case.pk).accountability.approved_by == firm.people.branch_head
    client.force_login(firm.people.agent)
    assert "警告" not in client.get(f"/cases/{case.number}/").content.decode()


def test_an_unknown_step_is_not_found(client, firm, case):
    client.force_login(firm.people.handler)
    assert client.post(f"/cases/{case.number}/h-nonsense/", {}).status_code == 404
