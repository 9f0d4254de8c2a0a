"""Every error the API returns is a problem document (RFC 9457, `application/problem+json`):
`type` (a stable URI per problem), `title`, `status`, `detail` in Vietnamese, `detail_en` in
English, and for a 400 on fields `errors` (field → messages). Nothing leaks what exists: a
unit or cadre outside the client's subtree is the same 404 as one that never was."""

from typing import Any

from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.problems import MESSAGES, Problem

PROBLEM_TYPE = "https://so-ren-luyen.vn/api/problems/"
CONTENT_TYPE = "application/problem+json"


# Problems of DRF's own exceptions, by class.
_BY_CLASS: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.MethodNotAllowed, Problem.METHOD),
    (exceptions.NotAcceptable, Problem.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, Problem.MEDIA_TYPE),
    (exceptions.Throttled, Problem.THROTTLED),
    (exceptions.NotFound, Problem.NOT_FOUND),
    (exceptions.ParseError, Problem.INVALID),
    (exceptions.ValidationError, Problem.INVALID),
    (exceptions.NotAuthenticated, Problem.TOKEN_MISSING),
    (exceptions.PermissionDenied, Problem.SCOPE_MISSING),
]


class BadCursor(exceptions.ValidationError):
    problem = Problem.BAD_CURSOR


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = Problem.TOO_LARGE


def _code_of(exc: exceptions.APIException) -> str:
    if isinstance(getattr(exc, "problem", None), str):
        return str(getattr(exc, "problem"))
    codes = exc.get_codes()
    if isinstance(codes, str) and codes in MESSAGES:
        return codes
    return next((problem for cls, problem in _BY_CLASS if isinstance(exc, cls)), Problem.INVALID)


def _in(language: str, text: Promise) -> str:
    with translation.override(language):
        return str(text)


def problem(code: str, status_code: int, errors: Any = None, **extra: Any) -> Response:
    title, detail = MESSAGES[code]
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code, "title": _in("vi", title), "status": status_code,
        "detail": _in("vi", detail), "detail_en": _in("en", detail), "code": code, **extra,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=CONTENT_TYPE)


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler: every APIException (and Http404) as a problem document."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = _code_of(exc)
    errors = exc.detail if isinstance(exc, exceptions.ValidationError) else None
    if isinstance(errors, list):
        errors = {"non_field_errors": errors}
    result = problem(code, response.status_code, errors)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response.headers:
            result[header] = response[header]
    return result
