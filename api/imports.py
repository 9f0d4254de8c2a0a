"""Imports through the API: the dry run of the pages' importer (`cadres.services.imports`),
answered as JSON row by row — what the page previews before its confirm button — and the
confirmation, which POSTs the same file again and queues it as the pages' import job (all or
nothing, in the worker); the job is then a resource the client polls.

The client is a program, not a person: the importer runs as the system (`cadres.actors`),
confined to the unit the client reaches (`api.selectors.reach_unit`), which is what a
manager's page confines it to; a dry run writes nothing. The job records the client as its
principal, and its audit rows name it. A dry run of a file larger than the pages check
inline (`IMPORT_INLINE_PREVIEW_BYTES`) is refused with a 413; a confirmation takes what the
pages take (`IMPORT_MAX_UPLOAD_BYTES`, within the API's body limit)."""

from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.base import ApiViewSet
from api.errors import TooLarge
from api.models import ApiScope
from cadres.actors import SYSTEM
from cadres.imports.report import ImportReport, RowStatus
from cadres.imports.uploads import save_upload
from cadres.models import ImportJob, ImportJobStatus
from cadres.services.imports import KINDS, import_file, import_job_progress, import_job_start, import_preview_inline
from cadres.tasks import enqueue_import_job


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
_COUNTS = inline_serializer("ImportCounts", {status: serializers.IntegerField() for status in RowStatus.values})
_PREVIEW = inline_serializer("ImportPreview", {
    "kind": serializers.CharField(), "unit": serializers.CharField(),
    "counts": _COUNTS,
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


def _upload(view: ApiViewSet, request: Request, kind: str, max_bytes: int) -> tuple[Any, Any]:
    """The unit the client reaches and the uploaded file of a dry run or a confirmation."""
    if kind not in KINDS:
        raise Http404
    given = PreviewInput(data=request.data)
    given.is_valid(raise_exception=True)
    unit = selectors.reach_unit(view.reader, given.validated_data["unit"])
    upload = given.validated_data["file"]
    if upload.size > max_bytes:
        raise TooLarge()
    return unit, upload


class ImportViewSet(ApiViewSet):
    """POST a units or cadres file: the row-by-row preview of what importing it would do."""

    required_scope = ApiScope.IMPORTS_WRITE
    parser_classes = [MultiPartParser]
    pagination_class = None
    serializer_class = PreviewInput

    @extend_schema(request={"multipart/form-data": PreviewInput}, responses=_PREVIEW, parameters=[
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS))])
    def preview(self, request: Request, kind: str) -> Response:
        unit, upload = _upload(self, request, kind, settings.IMPORT_INLINE_PREVIEW_BYTES)
        data = upload.read()
        assert import_preview_inline(data)
        report = import_file(kind=kind, root=unit, data=data, dry_run=True, acting_user=SYSTEM, filename=upload.name)
        return Response({"kind": kind, "unit": unit.code, **preview_json(report)})


_JOB = inline_serializer("ImportJob", {
    "id": serializers.IntegerField(),
    "url": serializers.URLField(help_text="Where to poll the job."),
    "kind": serializers.ChoiceField(choices=list(KINDS)),
    "unit": serializers.CharField(help_text="The code of the unit the file is imported into."),
    "filename": serializers.CharField(allow_blank=True),
    "status": serializers.ChoiceField(choices=ImportJobStatus.values,
                                      help_text="queued, running, done (saved) or failed (nothing saved)."),
    "created_at": serializers.DateTimeField(),
    "started_at": serializers.DateTimeField(allow_null=True),
    "finished_at": serializers.DateTimeField(allow_null=True),
    "progress": inline_serializer("ImportJobProgress", {
        "done": serializers.IntegerField(), "total": serializers.IntegerField()}, allow_null=True,
        help_text="Rows written of rows to write, while it runs; null otherwise."),
    "counts": _COUNTS.__class__(allow_null=True, help_text="Once finished: the rows by status."),
    "summary": serializers.CharField(allow_blank=True, help_text="Once finished: one sentence (Vietnamese)."),
    "problems": serializers.ListField(child=serializers.CharField(),
                                      help_text="Once failed: the first problems, row and column first (Vietnamese)."),
    "problem_count": serializers.IntegerField(),
    "error": serializers.CharField(allow_blank=True, help_text="Why a job could not run at all (Vietnamese)."),
})


def job_json(job: ImportJob, request: Request) -> dict[str, Any]:
    progress = import_job_progress(job) if job.is_running else None
    result = job.result or {}
    # In the site's time zone, as the resources' serializers write instants.
    when = serializers.DateTimeField().to_representation
    return {
        "id": job.pk, "url": request.build_absolute_uri(reverse("api_import_job", args=[job.pk])),
        "kind": job.kind, "unit": job.unit.code, "filename": job.filename, "status": job.status,
        "created_at": when(job.created_at), "started_at": job.started_at and when(job.started_at),
        "finished_at": job.finished_at and when(job.finished_at),
        "progress": {"done": progress[0], "total": progress[1]} if progress else None,
        "counts": result.get("counts"), "summary": result.get("summary", ""), "problems": result.get("problems", []),
        "problem_count": result.get("problem_count", 0), "error": result.get("error", ""),
    }


class ImportJobViewSet(ApiViewSet):
    """Confirm an import (POST the same file as the dry run): it is queued as a job that writes
    every row or none; then poll the job until it is done or failed. A job is the client's own:
    another client's job is a 404, as one that never was."""

    required_scope = ApiScope.IMPORTS_WRITE
    parser_classes = [MultiPartParser]
    pagination_class = None
    serializer_class = PreviewInput

    @extend_schema(request={"multipart/form-data": PreviewInput},
                   responses={202: OpenApiResponse(_JOB, description="Queued; poll `url`.")},
                   description="Confirm an import: the same multipart body as the dry run. The file is "
                               "queued as a job that writes every row or none (the file is checked again "
                               "when it runs); the answer is the job, 202, with its `url` to poll.",
                   parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS))])
    def confirm(self, request: Request, kind: str) -> Response:
        unit, upload = _upload(self, request, kind, settings.IMPORT_MAX_UPLOAD_BYTES)
        token = save_upload(user=self.client, kind=kind, unit_id=unit.pk, data=upload.read(), filename=upload.name)
        job = import_job_start(user=None, api_client_id=self.client.pk, unit=unit, kind=kind, token=token,
                               filename=upload.name)
        enqueue_import_job(job)
        body = job_json(job, request)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(responses=_JOB, parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
                   description="An import job this client queued: its status, its progress while it runs, "
                               "then the counts, or the problems and nothing saved. Another client's job is a 404.")
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(job_json(selectors.get_import_job_for_client(self.reader, self.client, int(pk)), request))
