"""Turn every API failure into JSON ``{"code", "message"[, "field"]}`` with a 4xx/5xx status."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser

from kefu.core.errors import DomainError, ErrorCode, PayloadTooLarge

logger = logging.getLogger(__name__)


class MalformedJson(DomainError):
    status = 400
    code = ErrorCode.MALFORMED_JSON


class StrictJsonParser(Parser):
    """JSON bodies must be UTF-8 JSON objects; say which rule was broken."""

    def parse_body(self, request: HttpRequest):
        try:
            raw = request.body
        except RequestDataTooBig as exc:
            raise PayloadTooLarge("request body is too large") from exc
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type and "json" not in content_type:
            raise DomainError("send the body as application/json",
                              code=ErrorCode.UNSUPPORTED_MEDIA_TYPE)
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedJson(f"body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise MalformedJson("body must be a JSON object")
        return data


def _body(code: str, message: str, field: str | None = None) -> dict:
    data = {"code": code, "message": message}
    if field:
        data["field"] = field
    return data


def _field_of(loc: list) -> str:
    # ("body", "payload", "requester", "email") -> "requester.email"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file")]
    if len(parts) > 1 and parts[0] in ("payload", "data", "filters", "params"):
        parts = parts[1:]
    return ".".join(parts)


def install_error_handlers(api: NinjaAPI) -> None:
    def domain_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = 415 if exc.code == ErrorCode.UNSUPPORTED_MEDIA_TYPE else exc.status
        return api.create_response(request, exc.as_dict(), status=status)

    def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(list(first.get("loc", [])))
        errors = [
            {"field": _field_of(list(e.get("loc", []))), "message": e.get("msg", ""),
             "type": e.get("type", "")}
            for e in exc.errors
        ]
        message = f"{field}: {first.get('msg', 'invalid')}" if field else first.get("msg", "invalid")
        body = _body(ErrorCode.VALIDATION_ERROR, message, field) | {"errors": errors}
        return api.create_response(request, body, status=422)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, DomainError):
            return domain_error(request, cause)
        if isinstance(cause, RequestDataTooBig):
            return domain_error(request, PayloadTooLarge("request body is too large"))
        if isinstance(exc, AuthenticationError):
            code = ErrorCode.NOT_AUTHENTICATED
        elif isinstance(exc, AuthorizationError) or exc.status_code == 403:
            code = ErrorCode.PERMISSION_DENIED
        elif exc.status_code == 404:
            code = ErrorCode.NOT_FOUND
        elif exc.status_code == 429:
            code = ErrorCode.RATE_LIMITED
        else:
            code = ErrorCode.VALIDATION_ERROR
        return api.create_response(request, _body(code, str(exc)), status=exc.status_code)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, _body(ErrorCode.NOT_FOUND, "not found"), status=404)

    def too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return domain_error(request, PayloadTooLarge("request body is too large"))

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request, _body(ErrorCode.SERVER_ERROR, "internal error; it was logged"), status=500
        )

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_exception_handler(Exception, unexpected)
