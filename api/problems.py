"""The problems the API answers with, by code, with their Vietnamese and English messages
(msgids in English; `locale/fragments/api.po`). Kept apart from `api.errors` so the
authentication classes, which DRF's settings import early, need no view module."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Problem:
    """Codes of the problems, each with its message."""

    TOKEN_MISSING = "token-missing"
    TOKEN_MALFORMED = "token-malformed"
    TOKEN_INVALID = "token-invalid"
    TOKEN_EXPIRED = "token-expired"
    TOKEN_REVOKED = "token-revoked"
    UNIT_ARCHIVED = "unit-archived"
    SCOPE_MISSING = "scope-missing"
    NOT_FOUND = "not-found"
    INVALID = "invalid"
    BAD_CURSOR = "bad-cursor"
    METHOD = "method-not-allowed"
    NOT_ACCEPTABLE = "not-acceptable"
    MEDIA_TYPE = "unsupported-media-type"
    TOO_LARGE = "too-large"
    THROTTLED = "throttled"


MESSAGES: dict[str, tuple[Promise, Promise]] = {
    Problem.TOKEN_MISSING: (_("Not authenticated"), _("Send the client's token as \"Authorization: Bearer <token>\".")),
    Problem.TOKEN_MALFORMED: (_("Not authenticated"), _("The Authorization header is not \"Bearer <token>\".")),
    Problem.TOKEN_INVALID: (_("Not authenticated"), _("This token is not valid.")),
    Problem.TOKEN_EXPIRED: (_("Not authenticated"), _("This token has expired.")),
    Problem.TOKEN_REVOKED: (_("Not authenticated"), _("This token was revoked.")),
    Problem.UNIT_ARCHIVED: (_("Not authenticated"), _("The client's unit is archived.")),
    Problem.SCOPE_MISSING: (_("Forbidden"), _("This client lacks the scope this resource needs.")),
    Problem.NOT_FOUND: (_("Not found"), _("There is nothing here this client may read.")),
    Problem.INVALID: (_("Bad request"), _("Some parameters are not valid; see errors.")),
    Problem.BAD_CURSOR: (_("Bad request"), _("The cursor is not valid; start again from the first page.")),
    Problem.METHOD: (_("Method not allowed"), _("This resource does not take this method.")),
    Problem.NOT_ACCEPTABLE: (_("Not acceptable"), _("This resource answers in JSON only.")),
    Problem.MEDIA_TYPE: (_("Unsupported media type"), _("Send the body as JSON or multipart/form-data.")),
    Problem.TOO_LARGE: (_("Request too large"), _("The body is larger than this API takes.")),
    Problem.THROTTLED: (_("Too many requests"), _("This client sent too many requests; wait and try again.")),
}
