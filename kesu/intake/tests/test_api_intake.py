"""The API's intake: the Idempotency-Key, attachments, referrals and backdated receipt."""

import json

import pytest
from django.test import Client

from kesu.accounts.services import api_token_create
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive
from kesu.complaints.tests.test_api import _at_once

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a2e2a1f30000000049454e44ae426082"
)
BODY = {
    "kind": "complaint",
    "channel": "phone",
    "complainant": {"name": "赵先生", "phone": "13800138001"},
    "description": "网点排队太久",
}


def post(client, token, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        "/api/v1/complaints", json.dumps(body), content_type="application/json", **headers
    )


@pytest.fixture
def token(firm, policies):
    return api_token_create(user=firm.people.agent)[1]


def test_a_retry_with_the_same_key_returns_the_same_case(client, token):
    first = post(client, token, BODY, key="order-1")
    again = post(client, token, BODY, key="order-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Complaint.objects.count() == 1
    assert post(client, token, BODY, key="order-2").status_code == 201
    assert post(client, token, BODY).status_code == 201  # no key: a new case each time
    assert Complaint.objects.count() == 3


def test_the_same_key_with_another_body_is_a_conflict(client, token):
    post(client, token, BODY, key="k")
    response = post(client, token, {**BODY, "description": "别的事"}, key="k")
    assert response.status_code == 409 and response.json()["error"] == "idempotency_key_reused"


def test_a_failed_request_does_not_use_up_its_key(client, token):
    bad = post(client, token, {**BODY, "category": "NOPE"}, key="k")
    assert bad.status_code == 422
    assert post(client, token, BODY, key="k").status_code == 201


def test_keys_are_per_client(client, firm, token):
    other = api_token_create(user=firm.people.manager)[1]
    a = post(client, token, BODY, key="same").json()["number"]
    b = post(client, other, BODY, key="same").json()["number"]
    assert a != b


def test_an_overlong_key_is_refused(client, token):
    response = post(client, token, BODY, key="x" * 201)
    assert response.status_code == 422 and "Idempotency-Key" in response.json()["fields"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_case(firm, policies):
    token = api_token_create(user=firm.people.agent)[1]

    def send(_index):
        response = post(Client(), token, BODY, key="burst")
        return response.status_code, response.json()["number"]

    results = _at_once(8, send)
    assert sorted(code for code, _n in results) == [200] * 7 + [201]
    assert len({number for _c, number in results}) == 1
    assert Complaint.objects.count() == 1


def test_a_referral_and_a_backdated_receipt_through_the_api(client, token, firm):
    body = {
        **BODY,
        "channel": "third_party",
        "source_org": "12315",
        "source_reference": "GD-88",
        "source_due_at": "2026-12-01T17:00:00+08:00",
        "received_at": "2026-11-01T09:00:00+08:00",
    }
    created = post(client, token, body)
    assert created.status_code == 201
    data = created.json()
    assert (data["source_org"], data["source_reference"]) == ("12315", "GD-88")
    assert data["source_due_at"].startswith("2026-12-01T17:00")
    assert post(client, token, body).json()["error"] == "duplicate_referral"
    case = Complaint.objects.get(number=data["number"])
    first = case.events.get(sequence=1)
    assert first.actor == firm.people.agent and first.data["received_at_given"].startswith(
        "2026-11-01"
    )
    no_source = post(client, token, {**BODY, "source_reference": "X"})
    assert no_source.status_code == 422 and "source_org" in no_source.json()["fields"]


# --- attachments --------------------------------------------------------------------------------


def upload(client, token, number, content=PNG, name="p.png", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/api/v1/complaints/{number}/attachments",
        {"file": SimpleUploadedFile(name, content), **extra},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_attachments_upload_list_and_download(client, firm, token):
    case = receive(firm)
    created = upload(client, token, case.number, is_public="true")
    assert created.status_code == 201
    data = created.json()
    assert (data["content_type"], data["is_public"], data["size"]) == ("image/png", True, len(PNG))
    listed = client.get(
        f"/api/v1/complaints/{case.number}/attachments", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert [row["id"] for row in listed.json()] == [data["id"]]
    file = client.get(data["url"], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert file.status_code == 200 and b"".join(file.streaming_content) == PNG
    assert file["X-Content-Type-Options"] == "nosniff"
    missing = client.get(data["url"] + "9", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert missing.status_code == 404


def test_attachments_are_judged_by_content(client, firm, token):
    case = receive(firm)
    response = upload(client, token, case.number, content=b"#!/bin/sh\nrm -rf /", name="a.png")
    assert response.status_code == 422 and "file" in response.json()["fields"]
    assert upload(client, token, case.number, content=b"").status_code in (400, 422)
    assert case.attachments.count() == 0


def test_attachments_of_a_case_out_of_scope_are_not_found(client, firm, token):
    theirs = receive(firm, actor=firm.people.sh_agent)
    sh_token = api_token_create(user=firm.people.sh_agent)[1]
    mine = upload(client, sh_token, theirs.number).json()
    assert upload(client, token, theirs.number).status_code == 404
    assert client.get(mine["url"], HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
    assert client.get(mine["url"]).status_code == 401
