"""SMS gateways: a small interface with two implementations.

`log` (the default) writes that a message went out, with the number masked, to the log; the
text itself stays in the outbox row, where the admin can read it. `http` posts to a provider
configured by KESU_SMS_URL and KESU_SMS_PARAMS (a JSON object whose string values may name
{phone} and {text}), with an optional bearer token in KESU_SMS_TOKEN.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kesu.core.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or could not be reached; the message is tried again later."""


class SmsGateway(Protocol):
    def send(self, *, phone: str, text: str) -> str:
        """Send `text` to `phone`; return the gateway's reference for the message."""


class LogGateway:
    def send(self, *, phone: str, text: str) -> str:
        reference = uuid.uuid4().hex[:16]
        logger.info("SMS %s to %s (%d characters)", reference, mask_phone(phone), len(text))
        return reference


class HttpGateway:
    def __init__(
        self,
        *,
        url: str,
        params: dict,
        method: str = "POST",
        token: str = "",
        timeout: float = 10.0,
    ) -> None:
        if not url:
            raise ImproperlyConfigured("KESU_SMS_URL must be set for the http SMS gateway")
        self.url, self.params, self.method = url, params, method.upper()
        self.token, self.timeout = token, timeout

    def _fill(self, phone: str, text: str) -> dict:
        return {
            key: value.replace("{phone}", phone).replace("{text}", text)
            if isinstance(value, str)
            else value
            for key, value in self.params.items()
        }

    def send(self, *, phone: str, text: str) -> str:
        fields = self._fill(phone, text)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.method == "GET":
            request = urllib.request.Request(
                f"{self.url}?{urllib.parse.urlencode(fields)}", headers=headers
            )
        else:
            headers["Content-Type"] = "application/json; charset=utf-8"
            request = urllib.request.Request(
                self.url, data=json.dumps(fields).encode(), headers=headers, method=self.method
            )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(4096).decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            raise SmsError(f"gateway answered HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise SmsError(f"gateway unreachable: {error}") from error
        try:
            answer = json.loads(body)
        except ValueError:
            return body[:100]
        if isinstance(answer, dict):
            return str(
                answer.get("id") or answer.get("message_id") or answer.get("reference") or ""
            )[:100]
        return ""


def sms_gateway() -> SmsGateway:
    """The gateway KESU_SMS_GATEWAY names."""
    name = settings.KESU_SMS_GATEWAY
    if name == "log":
        return LogGateway()
    if name == "http":
        return HttpGateway(
            url=settings.KESU_SMS_URL,
            params=settings.KESU_SMS_PARAMS,
            method=settings.KESU_SMS_METHOD,
            token=settings.KESU_SMS_TOKEN,
        )
    raise ImproperlyConfigured(f"KESU_SMS_GATEWAY must be log or http, not {name!r}")
