"""Imports through the API: the dry run of the pages' importer (`cadres.services.imports`),
answered as JSON row by row — what the page previews before its confirm button.

The client is a program, not a person: the importer runs as the system (`cadres.actors`),
confined to the unit the client reaches (`api.selectors.reach_unit`), which is what a
manager's page confines it to; a dry run writes nothing. A file larger than the pages check
inline (`IMPORT_INLINE_PREVIEW_BYTES`) is refused with a 413."""

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.base import ApiViewSet
from api.errors import TooLarge
from api.models import ApiScope
from cadres.actors import SYSTEM
from cadres.imports.report import ImportReport, RowStatus
from cadres.services.imports import KINDS, import_file, import_preview_inline


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class XlsxField(serializers.FileField):
    """An uploaded file that is not empty (an empty part is no file to multipart parsers)."""


class PreviewInput(serializers.Serializer[Any]):
    unit = serializers.RegexField(r"^[^\x00-\x1f]{1,40}$", help_text="The code of the unit the file is imported into.")
    file = XlsxField(allow_empty_file=True, help_text="The .xlsx file in the pages' format (template on the import page).")


_PROBLEM = inline_serializer("ImportProblem", {"row": serializers.IntegerField(allow_null=True),
                                               "column": serializers.CharField(allow_blank=True),
                                               "message": serializers.CharField()})
_ROW = inline_serializer("ImportRow", {
    "number": serializers.IntegerField(help_text="The row in the sheet."),
    "label": serializers.CharField(allow_blank=True),
    "status": serializers.ChoiceField(choices=RowStatus.choices),
    "changes": serializers.ListField(child=serializers.CharField()),
    "problems": _PROBLEM.__class__(many=True),
})
_PREVIEW = inline_serializer("ImportPreview", {
    "kind": serializers.CharField(), "unit": serializers.CharField(),
    "counts": inline_serializer("ImportCounts", {status: serializers.IntegerField() for status in RowStatus.values}),
    "file_problems": _PROBLEM.__class__(many=True),
    "rows": _ROW.__class__(many=True),
})


def _problem(problem: Any) -> dict[str, Any]:
    return {"row": problem.row, "column": problem.column, "message": str(problem.message)}


def preview_json(report: ImportReport) -> dict[str, Any]:
    return {"counts": report.counts, "file_problems": [_problem(p) for p in report.file_problems],
            "rows": [{"number": row.number, "label": row.label, "status": row.status,
                      "changes": [str(change) for change in row.changes],
                      "problems": [_problem(p) for p in row.problems]} for row in report.rows]}


class ImportViewSet(ApiViewSet):
    """POST a units or cadres file: the row-by-row preview of what importing it would do."""

    required_scope = ApiScope.IMPORTS_WRITE
    parser_classes = [MultiPartParser]
    pagination_class = None
    serializer_class = PreviewInput

    @extend_schema(request={"multipart/form-data": PreviewInput}, responses=_PREVIEW, parameters=[
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS))])
    def preview(self, request: Request, kind: str) -> Response:
        if kind not in KINDS:
            raise Http404
        given = PreviewInput(data=request.data)
        given.is_valid(raise_exception=True)
        unit = selectors.reach_unit(self.reader, given.validated_data["unit"])
        upload = given.validated_data["file"]
        if upload.size > settings.IMPORT_INLINE_PREVIEW_BYTES:
            raise TooLarge()
        data = upload.read()
        assert import_preview_inline(data)
        report = import_file(kind=kind, root=unit, data=data, dry_run=True, acting_user=SYSTEM, filename=upload.name)
        return Response({"kind": kind, "unit": unit.code, **preview_json(report)})
