from django.conf import settings
from django.utils import translation
from django_scopes import scope

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
