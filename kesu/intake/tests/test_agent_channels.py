"""Agent-entered channels in the workspace: letters, opinion books, referrals with their
source, and emergencies registered afterwards with the real time of receipt."""

import pytest

from kesu.complaints.models import Complaint

FORM = {
    "kind": "complaint",
    "contact_name": "黄先生",
    "contact_phone": "13700001111",
    "description": "意见簿留言：洗手间无纸巾。",
    "severity": "general",
    "risk": "low",
}


@pytest.mark.parametrize("channel", ["letter", "opinion_book", "social", "walk_in", "third_party"])
def test_every_channel_can_be_registered(client, firm, policies, channel):
    client.force_login(firm.people.agent)
    response = client.post("/cases/new/", {**FORM, "channel": channel})
    assert response.status_code == 302
    assert Complaint.objects.get().channel == channel


def test_an_emergency_registered_afterwards_keeps_the_real_time_and_who_set_it(
    client, firm, policies
):
    client.force_login(firm.people.agent)
    response = client.post(
        "/cases/new/",
        {
            **FORM,
            "channel": "third_party",
            "received_at": "2026-11-20T08:15",
            "source_org": "12345",
            "source_reference": "WO-7",
            "source_due_at": "2026-11-27T17:00",
        },
    )
    assert response.status_code == 302
    case = Complaint.objects.get()
    assert case.received_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2026-11-20 08:15"
    first = case.events.get(sequence=1)
    assert first.actor == firm.people.agent and "received_at_given" in first.data
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "12345 · WO-7" in page
    # the same referral again is refused on the form, nothing lost
    again = client.post(
        "/cases/new/",
        {**FORM, "channel": "third_party", "source_org": "12345", "source_reference": "WO-7"},
    )
    assert again.status_code == 422 and "WO-7" in again.content.decode()
    assert Complaint.objects.count() == 1


def test_a_future_receipt_time_is_refused(client, firm, policies):
    client.force_login(firm.people.agent)
    response = client.post(
        "/cases/new/", {**FORM, "channel": "phone", "received_at": "2099-01-01T08:00"}
    )
    assert response.status_code == 422 and Complaint.objects.count() == 0
