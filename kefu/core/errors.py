"""Domain errors with machine-readable codes.

Services raise ``DomainError`` subclasses; the API turns them into
``{"code": ..., "message": ...}`` with the status the error carries.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    VALIDATION_ERROR = "validation_error", _("Validation error")
    MALFORMED_JSON = "malformed_json", _("Malformed JSON")
    PAYLOAD_TOO_LARGE = "payload_too_large", _("Payload too large")
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", _("Unsupported media type")
    NOT_AUTHENTICATED = "not_authenticated", _("Not authenticated")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    NOT_FOUND = "not_found", _("Not found")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("Method not allowed")
    INVALID_TRANSITION = "invalid_transition", _("Invalid status transition")
    CONFLICT = "conflict", _("Conflict")
    DUPLICATE_IDENTITY = "duplicate_identity", _("Identity belongs to another customer")
    INVALID_MERGE = "invalid_merge", _("Invalid merge")
    INVALID_CURSOR = "invalid_cursor", _("Invalid cursor")
    RATE_LIMITED = "rate_limited", _("Too many requests")
    SERVER_ERROR = "server_error", _("Server error")


class DomainError(Exception):
    status = 400
    code: str = ErrorCode.VALIDATION_ERROR

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def as_dict(self) -> dict:
        body: dict = {"code": str(self.code), "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        return body


class ValidationFailed(DomainError):
    status = 422
    code = ErrorCode.VALIDATION_ERROR


class NotFound(DomainError):
    status = 404
    code = ErrorCode.NOT_FOUND


class PermissionDenied(DomainError):
    status = 403
    code = ErrorCode.PERMISSION_DENIED


class Conflict(DomainError):
    status = 409
    code = ErrorCode.CONFLICT


class InvalidTransition(Conflict):
    code = ErrorCode.INVALID_TRANSITION


class PayloadTooLarge(DomainError):
    status = 413
    code = ErrorCode.PAYLOAD_TOO_LARGE
