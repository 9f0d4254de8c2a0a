"""What every resource shares: the tenant scope of the client, the call log, ETags, the
query-parameter filters validated as a serializer (a malformed one is a 400)."""

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django_scopes import scope
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.viewsets import GenericViewSet

from api.errors import TooLarge, problem
from api.models import ApiCall, ApiClient
from api.problems import Problem
from cadres.models import AccessKind
from cadres.selectors import SubtreeReader
from cadres.services.access_log import access_record


class SinceField(serializers.DateTimeField):
    """An instant as ISO 8601: one at the very edge of the calendar, whose offset or time zone
    takes it past the first or last representable instant (0001-01-01T00:00+01:00), is that
    first or last instant, not a 400 (nor DRF's OverflowError, a 500, for a local time)."""

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        try:
            return super().enforce_timezone(value)
        except (OverflowError, ValidationError):
            if value.year not in (datetime.MINYEAR, datetime.MAXYEAR):
                raise
            edge = datetime.datetime.min if value.year == datetime.MINYEAR else datetime.datetime.max
            return edge.replace(tzinfo=datetime.UTC)


class Filters(serializers.Serializer[Any]):
    """Query parameters every list takes."""

    updated_since = SinceField(
        required=False, help_text="Only rows changed at or after this instant (ISO 8601), for an incremental sync.")


def etag_of(data: Any) -> str:
    body = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False).encode()
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class ApiViewSet(GenericViewSet):
    """A read resource of one scope. `get_queryset` starts from a selector given the client's
    `SubtreeReader` (`self.reader`), never from a bare manager."""

    required_scope: str = ""
    # The field of each row naming a cadre: a response with cadres in it is in their access log.
    cadre_field: str = ""
    filters_class: type[serializers.Serializer[Any]] = Filters
    # The actions that answer a page of rows: they take the filters and the cursor.
    paged_actions: tuple[str, ...] = ("list",)
    _scope: Any = None

    @property
    def reader(self) -> SubtreeReader:
        user = self.request.user
        assert isinstance(user, SubtreeReader)
        return user

    @property
    def client(self) -> ApiClient:
        client = self.request.auth
        assert isinstance(client, ApiClient)
        return client

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # the token, the scope, the rate limit
        self._check_parameters(request)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > settings.API_MAX_BODY_BYTES:
            raise TooLarge()
        # The request ran in the empty scope of a visitor so far: now the client's tenant.
        self._scope = scope(tenant=[self.client.tenant_id])
        self._scope.__enter__()

    def _check_parameters(self, request: Request) -> None:
        """A parameter the resource does not take is a 400, not ignored: a misspelt
        `updated_since` would otherwise read everything."""
        if self.action is None:
            return  # a method the resource does not take: DRF answers 405
        allowed: set[str] = set()
        if self.action in self.paged_actions:
            allowed = set(self.filters_class().fields)
            paginator = self.paginator
            if paginator is not None:
                allowed |= {paginator.cursor_query_param, paginator.page_size_query_param}
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError({name or "(empty)": ["unknown parameter"] for name in unknown})

    def filters(self) -> dict[str, Any]:
        # A plain dict, not the QueryDict: DRF skips an empty value of a form field, and
        # "?updated_since=" is a malformed filter, not no filter.
        parsed = self.filters_class(data=dict(self.request.query_params.items()))
        parsed.is_valid(raise_exception=True)
        return dict(parsed.validated_data)

    def since(self, rows: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        since = filters.get("updated_since")
        return rows.filter(updated_at__gte=since) if since else rows

    def finalize_response(self, request: Request, response: HttpResponseBase, *args: Any,
                          **kwargs: Any) -> HttpResponseBase:
        try:
            if isinstance(response, Response) and request.method == "GET" and response.status_code == 200:
                tag = etag_of(response.data)
                if tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
                    response = Response(status=status.HTTP_304_NOT_MODIFIED)
                response["ETag"] = tag
            response = super().finalize_response(request, response, *args, **kwargs)
            self._log(request, response)
            return response
        finally:
            if self._scope is not None:
                self._scope.__exit__(None, None, None)
                self._scope = None

    def _log(self, request: Request, response: HttpResponseBase) -> None:
        client = getattr(request, "_auth", None)
        if not isinstance(client, ApiClient):
            return  # no client known: nobody to log the call against
        data = getattr(response, "data", None)
        rows: list[Any] = []
        if request.method == "GET" and response.status_code == 200 and isinstance(data, dict):
            # A list's page holds its rows in "results"; a self-assessment has "results" of its own.
            rows = (data["results"] if self.action in self.paged_actions and isinstance(data.get("results"), list)
                    else [data])
        match = request.resolver_match
        ApiCall.objects.create(client=client, method=request.method or "", endpoint=(match.url_name or "")[:80]
                               if match else "", path=request.path[:300], status=response.status_code,
                               records=len(rows))
        if self.cadre_field and rows:
            access_record(viewer=None, viewer_label=f"API: {client.name}", kind=AccessKind.API,
                          cadres=[row[self.cadre_field] for row in rows], tenant_id=client.tenant_id,
                          path=request.get_full_path())


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def not_found(request: Request) -> Response:
    return problem(Problem.NOT_FOUND, status.HTTP_404_NOT_FOUND)
