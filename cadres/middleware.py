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
