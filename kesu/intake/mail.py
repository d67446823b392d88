"""Reading an email as it really arrives: Chinese charsets that lie about themselves, encoded
headers, HTML-only bodies, broken MIME. Pure: bytes in, a ParsedMail out, no database.

Whatever cannot be read raises MailUnreadable with the reason; the caller quarantines the
message (it is never dropped).
"""

from __future__ import annotations

import email
import email.policy
import html
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

# A case number in a subject: [TS202611230001], or bare.
CASE_NUMBER = re.compile(r"\b((?:TS|ZX|JY)\d{8}\d{4,})\b")

# Declared charsets that are really a larger one in practice: a "gb2312" mail usually holds
# GBK characters, and "big5" mail Hong Kong ones. Decoding as the superset loses nothing.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}
_FALLBACKS = ("utf-8", "gb18030", "big5hkscs")


class MailUnreadable(Exception):
    """The message cannot be read well enough to make a case of it."""


@dataclass
class MailAttachment:
    name: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str = ""
    sender_name: str = ""
    sender_address: str = ""
    subject: str = ""
    text: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    automatic: str = ""  # why it is an auto-reply or bounce; empty for a person's mail
    problems: list[str] = field(default_factory=list)

    @property
    def case_number(self) -> str:
        found = CASE_NUMBER.search(self.subject)
        return found.group(1) if found else ""


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text from `data` in its declared charset, or the likeliest other one."""
    names = []
    if charset:
        charset = charset.strip().strip('"').lower()
        names.append(_SUPERSETS.get(charset, charset))
    names.extend(_FALLBACKS)
    for name in names:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def decode_header_value(value: str | None) -> str:
    """A header with RFC 2047 encoded words (=?GBK?B?…?=), whatever charset they claim."""
    if not value:
        return ""
    if isinstance(value, Header):
        # Raw 8-bit bytes in a header arrive as an "unknown-8bit" Header object.
        try:
            return re.sub(
                r"\s+",
                " ",
                "".join(
                    decode_bytes(chunk, None if cs in (None, "unknown-8bit") else cs)
                    if isinstance(chunk, bytes)
                    else chunk
                    for chunk, cs in decode_header(value)
                ),
            ).strip()
        except Exception:
            value = str(value)
    value = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        # Raw 8-bit bytes in a header (common from Chinese clients): read them as text.
        value = decode_bytes(value.encode("ascii", "surrogateescape"), None)
    try:
        parts = decode_header(value)
    except Exception:
        return value.strip()
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    try:
        joined = "".join(out) if any(c for _, c in parts) else str(make_header(parts))
    except Exception:
        joined = "".join(out)
    return re.sub(r"\s+", " ", joined).replace("\x00", "").strip()


class _TextFromHtml(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "blockquote"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        if isinstance(payload, str):
            return payload
        return ""
    return decode_bytes(payload, part.get_content_charset())


def _filename(part: Message) -> str:
    name = part.get_filename()
    if not name:
        return ""
    return decode_header_value(name).replace("/", "_").replace("\\", "_")[:200]


_AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自动答复|auto(matic)?[ -]?reply|auto:|out of (the )?office|"
    r"undeliver(able|ed)|delivery (status notification|failure)|returned mail|"
    r"mail delivery (failed|subsystem)|退信|系统退信)",
    re.IGNORECASE,
)


def automatic_reason(message: Message, sender: str, subject: str) -> str:
    """Why this message is an auto-reply, a bounce or bulk mail; empty when a person wrote it."""
    auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "X-Autogenerated"):
        if message.get(name):
            return name
    precedence = (message.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    local = sender.partition("@")[0].lower()
    if local in ("mailer-daemon", "postmaster") or (
        not sender and message.get("Return-Path") == "<>"
    ):
        return f"sender {local or 'empty'}"
    if _AUTO_SUBJECT.search(subject):
        return "subject"
    return ""


def parse_mail(raw: bytes) -> ParsedMail:
    """Read what a person needs from `raw`; MailUnreadable when there is nothing to read."""
    if not raw or not raw.strip():
        raise MailUnreadable("empty message")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as error:
        raise MailUnreadable(f"the MIME structure cannot be parsed: {error}") from error
    parsed = ParsedMail()
    parsed.problems = [type(defect).__name__ for defect in message.defects][:10]
    parsed.subject = decode_header_value(message.get("Subject"))[:300]
    parsed.message_id = (message.get("Message-ID") or "").strip()[:300]
    from_header = message.get("From") or ""
    if isinstance(from_header, Header):
        from_header = decode_header_value(from_header)
    name, address = parseaddr(from_header)
    if not address and from_header:
        found = getaddresses([from_header])
        address = found[0][1] if found else ""
    if "@" not in address:
        address = ""
    parsed.sender_name = decode_header_value(name) if "=?" in name else name
    parsed.sender_name = parsed.sender_name.replace("\x00", "").strip().strip('"')[:100]
    parsed.sender_address = address.replace("\x00", "").strip().lower()[:254]
    parsed.automatic = automatic_reason(message, parsed.sender_address, parsed.subject)

    plain, markup = [], []
    for part in message.walk() if message.is_multipart() else [message]:
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        filename = _filename(part)
        content_type = part.get_content_type()
        if filename or disposition.startswith("attachment"):
            content = part.get_payload(decode=True) or b""
            if content:
                parsed.attachments.append(
                    MailAttachment(name=filename or "attachment", content=content)
                )
            continue
        if content_type == "text/plain":
            plain.append(_part_text(part))
        elif content_type == "text/html":
            markup.append(_part_text(part))
        elif content_type.startswith(("image/", "audio/", "video/", "application/pdf")):
            content = part.get_payload(decode=True) or b""
            if content:
                parsed.attachments.append(MailAttachment(name="inline", content=content))
    text = "\n\n".join(t.strip() for t in plain if t.strip())
    if not text and markup:
        text = "\n\n".join(html_to_text(m) for m in markup if m.strip())
    parsed.text = text.replace("\r\n", "\n").replace("\x00", "").strip()
    if not parsed.text and not parsed.subject and not parsed.attachments:
        raise MailUnreadable("no subject, no text and no attachment could be read")
    if not parsed.sender_address and not parsed.automatic:
        raise MailUnreadable("no sender address: there is nobody to answer")
    return parsed
