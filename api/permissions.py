"""Each view names the scope it needs (`required_scope`); a client without it gets a 403."""

from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.models import ApiClient
from api.problems import Problem


class HasScope(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated(code=Problem.TOKEN_MISSING)
        scope = getattr(view, "required_scope", None)
        if scope is None or not client.has_scope(scope):
            raise exceptions.PermissionDenied(detail=scope or "", code=Problem.SCOPE_MISSING)
        return True
