"""The privacy notice (Law 91/2025/QH15, Decree 356/2025/NĐ-CP: the data subject is told what
is processed, why, by whom, for how long, their rights and whom to contact): its version and
what it names. The text is a template per language (`templates/cadres/privacy/notice/`), read
best as one page, like the help pages; a change of its content takes a new VERSION, which asks
everyone again."""

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import select_template
from django.utils import translation

from cadres.models import AnyUser, Consent

VERSION = "2026-01"
# The version the signed-in person answered (accepted, or accepted and later withdrew), kept in
# the session by `cadres.middleware.PrivacyNoticeMiddleware` so a page costs no query.
SESSION_KEY = "privacy_notice_answered"


def notice_template() -> str:
    language = (translation.get_language() or "vi").split("-")[0]
    return select_template([f"cadres/privacy/notice/{language}.html", "cadres/privacy/notice/vi.html"]).template.name


def notice_context() -> dict:
    return {
        "version": VERSION,
        "controller": settings.DATA_CONTROLLER,
        "contact": settings.DATA_PROTECTION_CONTACT,
        "contact_email": settings.DATA_PROTECTION_EMAIL,
        "access_months": settings.ACCESS_LOG_RETENTION_MONTHS,
        "retention_years": settings.DEIDENTIFY_AFTER_YEARS,
        "notice_template": notice_template(),
    }


def current_consent(user: AnyUser) -> Consent | None:
    return consents_of(user).filter(version=VERSION, withdrawn_at__isnull=True).first()


def consents_of(user: AnyUser) -> QuerySet[Consent]:
    return Consent.objects.filter(user_id=getattr(user, "pk", None) or 0)


def remember_answer(sender, request, user, **kwargs) -> None:
    """At login, the answer is read once with the session being written anyway, so the first
    page after it costs no query (the middleware asks again when VERSION changes)."""
    request.session[SESSION_KEY] = VERSION if answered(user) else ""


def answered(user: AnyUser) -> bool:
    """Whether the person was shown this version and accepted it (a withdrawal since counts:
    they read it and chose; they may accept again from the notice)."""
    return consents_of(user).filter(version=VERSION).exists()
