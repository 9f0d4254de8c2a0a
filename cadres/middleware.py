from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django_scopes import scope

from cadres import privacy
from cadres.selectors import access_for


class TenantScopeMiddleware:
    """Runs each request inside the scope of the tenants the user belongs to; an
    anonymous request gets an empty scope, so a scoped query there finds nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant_ids = sorted(access_for(request.user).tenant_ids)
        with scope(tenant=tenant_ids):
            return self.get_response(request)


class LanguageMiddleware:
    """Vietnamese unless the person chose another language with the switcher.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many
    phones in Vietnam are set to English, and their owners still expect Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# What a person who has not answered the privacy notice may still open: the notice, the
# account's own pages (sign out, password, two-factor), the language switch and what is no page.
NOTICE_OPEN_PREFIXES = ("/accounts/", "/platform-admin/", "/api/", "/static/")
NOTICE_OPEN_NAMES = frozenset({"privacy_notice", "set_language", "healthz", "service_worker"})


class PrivacyNoticeMiddleware:
    """Nobody signed in uses the app before the current privacy notice is shown and accepted
    (Law 91/2025/QH15: informed, and consent recorded, before processing): at the first login,
    after an invitation's password is set, and when a new version comes, every page leads to
    the notice, which sends the person on to where they were going. The answered version is
    kept in the session, so a page costs no query once it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        # Set at login (`privacy.remember_answer`); read again while unanswered or outdated.
        if user.is_authenticated and request.session.get(privacy.SESSION_KEY) != privacy.VERSION:
            if privacy.answered(user):
                request.session[privacy.SESSION_KEY] = privacy.VERSION
            elif not _open_before_notice(request.path_info):
                return _to_notice(request)
        return self.get_response(request)


def _open_before_notice(path: str) -> bool:
    if path.startswith(NOTICE_OPEN_PREFIXES):
        return True
    try:
        return resolve(path).url_name in NOTICE_OPEN_NAMES
    except Resolver404:
        return True  # the 404 page shows nobody's data


def _to_notice(request) -> HttpResponse:
    url = reverse("privacy_notice")
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):  # an htmx fragment: the whole page goes to the notice
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
