"""The one NinjaAPI at /api/v1: routers, authentication, and the error mapping (done once)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from kesu.accounts.api_auth import BearerToken
from kesu.complaints.api import router as complaints_router
from kesu.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from kesu.handling.api import router as handling_router
from kesu.notifications.api import router as notifications_router
from kesu.quality.api import router as quality_router
from kesu.reports.api import router as reports_router


class ReadableJSONRenderer(JSONRenderer):
    # Chinese text as itself, not as \uXXXX escapes: readable in logs, curl and exports.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ReadableJSONRenderer(),
    title="Kesu API",
    version="1",
    description="Kesu (客诉): complaints, inquiries and suggestions from receipt to archive.",
    urls_namespace="api-v1",
    auth=[BearerToken(), django_auth],
)

_STATUS = {
    ValidationFailed: 422,
    NotFound: 404,
    PermissionDenied: 403,
    Conflict: 409,
    RateLimited: 429,
}


def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    return {"error": code, "detail": detail, "fields": fields or {}}


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
    return api.create_response(request, error_body(exc.code, exc.detail, exc.fields), status=status)


# Where in the request a field sits is noise for the client: "body.payload.complainant.phone"
# becomes "complainant.phone".
_LOCATION_PREFIXES = {"body", "query", "path", "payload", "filters", "data"}


def _field_name(location: list) -> str:
    parts = [str(part) for part in location]
    while parts and parts[0] in _LOCATION_PREFIXES:
        parts.pop(0)
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(list(error.get("loc", []))), error.get("msg", ""))
    detail = _("The request is not valid: %(fields)s.") % {"fields": ", ".join(fields)}
    return api.create_response(request, error_body("invalid_request", detail, fields), status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request,
        error_body("not_authenticated", _("Send a valid token: Authorization: Bearer …")),
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code = "malformed_request" if exc.status_code == 400 else "http_error"
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


api.add_router("/", complaints_router)
api.add_router("/", notifications_router)
api.add_router("/", handling_router)
api.add_router("/", quality_router)
api.add_router("/", reports_router)
