"""A case's file as an HTTP response: one way for the workspace, the portal and the API."""

from __future__ import annotations

from django.http import FileResponse

from kesu.complaints.models import ComplaintAttachment


def attachment_response(attachment: ComplaintAttachment, *, inline_images: bool = True):
    """The file under its own name and sniffed type; images shown inline when asked, the rest
    downloaded. The browser may not second-guess the type (nosniff)."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not (inline_images and attachment.is_image),
        filename=attachment.original_name,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
