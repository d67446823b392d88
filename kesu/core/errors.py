"""The domain's error family. Services raise these; the interfaces map them to HTTP once."""

from __future__ import annotations


class ApplicationError(Exception):
    """A request the domain refuses; `code` is stable and machine-readable."""

    code = "application_error"

    def __init__(self, detail: str, *, fields: dict[str, str] | None = None, code: str = ""):
        super().__init__(detail)
        self.detail = str(detail)
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    """The input is well-formed but breaks a rule (unknown category, missing reason)."""

    code = "validation_failed"


class NotFound(ApplicationError):
    """The thing does not exist, or the actor may not know that it exists."""

    code = "not_found"


class PermissionDenied(ApplicationError):
    """The actor sees the thing but may not do this to it."""

    code = "permission_denied"


class Conflict(ApplicationError):
    """The thing is not in a state that allows this (a forbidden transition, a lost race)."""

    code = "conflict"


class RateLimited(ApplicationError):
    """Too many requests from one address or about one contact or case, for now (HTTP 429)."""

    code = "rate_limited"
