"""`Authorization: Bearer srl_<prefix>_<secret>`: the client is found by its prefix and its
secret compared with the stored hash in constant time. A wrong, expired or revoked token, or a
client whose unit was archived, is a 401; no header at all is a 401 too (the permission)."""

from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from api.models import ApiClient, split_token
from api.problems import Problem
from cadres.selectors import SubtreeReader

# last_used_at is written at most once a minute per client: the call log says the rest.
LAST_USED_EVERY = 60


class TokenProblem(exceptions.AuthenticationFailed):
    def __init__(self, problem: str) -> None:
        super().__init__(detail=problem, code=problem)


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[SubtreeReader, ApiClient] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _space, token = header.partition(" ")
        parts = split_token(token.strip()) if keyword == self.keyword else None
        if parts is None:
            raise TokenProblem(Problem.TOKEN_MALFORMED)
        prefix, secret = parts
        with scopes_disabled():  # the request's scope is empty until the client is known
            client = ApiClient.objects.select_related("unit").filter(token_prefix=prefix).first()
        if client is None or not client.matches(secret):
            raise TokenProblem(Problem.TOKEN_INVALID)
        if client.revoked_at is not None:
            raise TokenProblem(Problem.TOKEN_REVOKED)
        if client.is_expired:
            raise TokenProblem(Problem.TOKEN_EXPIRED)
        if client.unit.is_archived:
            raise TokenProblem(Problem.UNIT_ARCHIVED)
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > LAST_USED_EVERY:
            with scopes_disabled():
                ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return SubtreeReader(tenant_id=client.tenant_id, root_path=client.unit.path), client

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
