"""Cursor pagination: `next` and `previous` are opaque links; a list read page by page sees
each row once even while rows are added. A cursor that was not made here is a 400."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from api.errors import BadCursor

MAX_PAGE_SIZE = 500


class Cursor(CursorPagination):
    ordering: tuple[str, ...] = ("pk",)
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError) as error:  # a position of the wrong type
            raise BadCursor({"cursor": ["not valid"]}) from error

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except Exception as error:  # DRF answers a bad cursor with a 404; it is a bad request
            raise BadCursor({"cursor": ["not valid"]}) from error

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError({"page_size": [f"a whole number from 1 to {MAX_PAGE_SIZE}"]})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            if parameter["name"] == self.cursor_query_param:
                # Only a cursor the API made (a `next` or `previous` link) is valid: any other string is a 400.
                parameter["schema"] = {"type": "string", "format": "cursor"}
        return parameters


class TreeCursor(Cursor):
    """Units in tree order (the materialized path): a parent before its children."""

    ordering = ("path",)
