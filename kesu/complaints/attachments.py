"""What a case may carry as evidence. Pure: judged by the file's first bytes, not its name."""

from __future__ import annotations

import filetype

# Photos, documents, recordings and videos, as PRODUCT.md step 2 lists evidence.
ALLOWED_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "application/pdf",
        "audio/mpeg",
        "audio/mp4",
        "audio/x-wav",
        "audio/amr",
        "audio/ogg",
        "audio/x-m4a",
        "video/mp4",
        "video/quicktime",
        "video/x-msvideo",
        "video/webm",
    }
)


def sniff_type(head: bytes) -> str | None:
    """The MIME type the file's content shows, or None when it is not one Kesu accepts."""
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return kind.mime
