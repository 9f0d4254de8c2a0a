"""Per-client rate limit: `settings.API_RATE` (600 requests a minute by default) counted for
each client in the cache, whichever address it calls from. Over it: 429 with Retry-After."""

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiClient


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self) -> str:
        return str(settings.API_RATE)  # read per request, so a deployment (or a test) sets it

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None
        # By the token's random prefix, not the id alone: an id can come back (a rolled-back
        # test, a restored database) and must not inherit another client's count.
        return self.cache_format % {"scope": self.scope, "ident": f"{client.pk}-{client.token_prefix}"}
