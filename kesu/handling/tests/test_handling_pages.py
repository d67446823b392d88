"""The handling tables in the admin and the handling form from the workspace."""

import io

import pytest
from pypdf import PdfReader

from kesu.complaints.tests.factories import receive, walk_to
from kesu.complaints.workflow import Status
from kesu.handling.models import ApprovalRule, PenaltyLevel


@pytest.mark.django_db
def test_the_seeded_rules_penalties_and_routes():
    assert list(ApprovalRule.objects.values_list("level", flat=True)) == [
        "department",
        "branch",
        "head_office",
    ]
    assert list(PenaltyLevel.objects.values_list("name", flat=True)) == ["警告", "小过", "大过"]


def test_administrators_edit_the_approval_rules_and_agents_cannot(client, firm):
    rule = ApprovalRule.objects.get(level="branch")
    client.force_login(firm.people.administrator)
    url = f"/admin/handling/approvalrule/{rule.pk}/change/"
    response = client.post(
        url, {"name": "1000 元以内", "max_amount": "1000", "level": "branch", "is_active": "on"}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.max_amount == 1000
    client.force_login(firm.people.agent)
    assert client.get(url).status_code == 403
    assert client.get("/admin/handling/penaltylevel/").status_code == 403


def test_the_case_page_shows_the_handling_and_links_the_form(client, firm, policies):
    case = walk_to(firm, receive(firm), Status.APPROVED)
    client.force_login(firm.people.handler)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "处理过程" in page and "部门负责人" in page and "handling-form.pdf" in page
    pdf = client.get(f"/cases/{case.number}/handling-form.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert case.number in text and "投诉处理单" in text and "道歉并培训" in text
    client.force_login(firm.people.sh_agent)
    assert client.get(f"/cases/{case.number}/handling-form.pdf").status_code == 404
