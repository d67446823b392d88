"""Evidence on a case: judged by content, kept private to those who see the case."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.complaints.models import Complaint, ComplaintAttachment
from kesu.complaints.services import complaint_attach
from kesu.complaints.tests.factories import receive
from kesu.core.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_photo_is_kept_with_its_checksum_and_on_the_timeline(firm, categories):
    case = receive(firm)
    attachment = complaint_attach(
        complaint=case, actor=firm.people.agent, upload=upload("现场.png", PNG)
    )
    assert (attachment.content_type, attachment.size, attachment.original_name) == (
        "image/png",
        len(PNG),
        "现场.png",
    )
    assert len(attachment.sha256) == 64
    event = case.events.last()
    assert (event.type, event.message, event.is_public) == ("attached", "现场.png", False)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"this is text pretending to be a photo"),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_file_that_is_not_evidence_is_refused_whatever_its_name(firm, categories, name, content):
    case = receive(firm)
    with pytest.raises(ValidationFailed) as error:
        complaint_attach(complaint=case, actor=firm.people.agent, upload=upload(name, content))
    assert "file" in error.value.fields
    assert ComplaintAttachment.objects.count() == 0
    assert case.events.count() == 1


def test_a_file_over_the_limit_is_refused(firm, categories, settings):
    settings.KESU_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationFailed):
        complaint_attach(
            complaint=receive(firm), actor=firm.people.agent, upload=upload("a.pdf", PDF)
        )
    assert ComplaintAttachment.objects.count() == 0


def test_someone_outside_the_case_cannot_attach(firm, categories):
    with pytest.raises(NotFound):
        complaint_attach(
            complaint=receive(firm), actor=firm.people.sh_agent, upload=upload("a.pdf", PDF)
        )
    assert ComplaintAttachment.objects.count() == 0


def test_the_case_page_previews_images_and_serves_files_only_in_scope(client, firm, categories):
    case = receive(firm)
    client.force_login(firm.people.agent)
    response = client.post(f"/cases/{case.number}/files/", {"file": upload("现场.png", PNG)})
    assert response.status_code == 302
    attachment = ComplaintAttachment.objects.get()
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'<img src="/cases/{case.number}/files/{attachment.pk}/"' in page
    image = client.get(f"/cases/{case.number}/files/{attachment.pk}/")
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert b"".join(image.streaming_content) == PNG
    client.post(f"/cases/{case.number}/files/", {"file": upload("合同.pdf", PDF)})
    pdf = ComplaintAttachment.objects.get(content_type="application/pdf")
    assert (
        "attachment" in client.get(f"/cases/{case.number}/files/{pdf.pk}/")["Content-Disposition"]
    )
    # a bad file comes back with the reason, nothing kept
    refused = client.post(
        f"/cases/{case.number}/files/", {"file": upload("x.png", b"not an image")}
    )
    assert refused.status_code == 422 and "只能上传照片" in refused.content.decode()
    assert ComplaintAttachment.objects.count() == 2
    # another branch sees neither the case nor its files
    client.force_login(firm.people.sh_agent)
    assert client.get(f"/cases/{case.number}/files/{attachment.pk}/").status_code == 404
    assert (
        client.post(f"/cases/{case.number}/files/", {"file": upload("y.png", PNG)}).status_code
        == 404
    )
    assert ComplaintAttachment.objects.count() == 2


def test_correcting_the_record_from_the_case_page(client, firm, categories):
    case = receive(firm)
    client.force_login(firm.people.agent)
    form = {
        "description": "柜台工作人员态度恶劣，拒绝解释收费",
        "demands": "道歉",
        "service_item": "柜台业务",
        "staff_involved": "",
        "incident_place": "2号窗口",
        "amount_involved": "",
    }
    client.post(f"/cases/{case.number}/edit/", form)
    fresh = Complaint.objects.get(pk=case.pk)
    assert (fresh.service_item, fresh.incident_place) == ("柜台业务", "2号窗口")
    assert fresh.events.last().data["changes"]["incident_place"] == ["", "2号窗口"]
    response = client.post(f"/cases/{case.number}/edit/", {**form, "description": ""})
    assert response.status_code == 422
    assert Complaint.objects.get(pk=case.pk).description == "柜台工作人员态度恶劣，拒绝解释收费"
    client.force_login(firm.people.quality)
    assert client.post(f"/cases/{case.number}/edit/", {**form, "demands": "改"}).status_code == 422
    assert Complaint.objects.get(pk=case.pk).demands == "道歉"
