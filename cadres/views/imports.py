"""Spreadsheet import and export pages for unit managers.

Every unit in a URL is fetched through get_managed_unit_for_user, so a foreign, sibling or
archived unit is a 404; the upload itself is bound to the user, the kind and the unit.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.forms.imports import ImportUploadForm
from cadres.imports.uploads import UploadMissing, save_upload, upload_filename
from cadres.models import AccessKind, ImportKind
from cadres.selectors import (
    access_for,
    exported_cadre_ids,
    get_import_job_for_user,
    get_managed_unit_for_user,
    managed_roots,
    search_units,
)
from cadres.services.access_log import access_record_request
from cadres.services.imports import (
    KINDS,
    PREVIEW_ROWS,
    export_file,
    import_file,
    import_job_progress,
    import_job_start,
    import_preview_inline,
    import_preview_report,
    preview_rows,
    template_file,
)
from cadres.tasks import enqueue_import_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_list(request):
    # Like the tree browser: a page that does not exist for non-managers.
    if not access_for(request.user).is_manager:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "cadres/imports/list.html", {
        "roots": managed_roots(request.user),
        "query": query,
        "results": search_units(request.user, query).select_related("tenant") if query else None,
        "kinds": KINDS,
    })


@login_required
def import_template(request, kind: str):
    if not access_for(request.user).is_manager:
        raise Http404
    spec = _kind(kind)
    return _xlsx_response(template_file(kind=kind), f"mau-nhap-{spec.file_stem}.xlsx")


@login_required
def import_export(request, tenant_slug: str, code: str, kind: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    spec = _kind(kind)
    if kind == ImportKind.CADRES:  # the file names every cadre of the subtree
        access_record_request(request, AccessKind.EXPORT, exported_cadre_ids(unit),
                              tenant_id=unit.tenant_id, obj=unit)
    return _xlsx_response(export_file(kind=kind, root=unit), f"{spec.file_stem}-{unit.code}.xlsx")


def _render_page(request, unit, kind, form, report=None, token=None):
    context = {"unit": unit, "kind": kind, "spec": KINDS[kind], "form": form, "report": report, "token": token}
    if report is not None:
        shown = preview_rows(report)
        context.update(shown_rows=shown[:PREVIEW_ROWS], hidden_count=max(0, len(shown) - PREVIEW_ROWS),
                       problems=report.problems[:PREVIEW_ROWS], counts=report.counts, has_errors=report.has_errors)
    return render(request, "cadres/imports/upload.html", context)


def _preview_context(job) -> dict:
    """A finished preview job's page: the same report as a preview inside the request."""
    report = import_preview_report(job)
    result = job.result
    return {"report": report, "unit": job.unit, "kind": job.kind, "counts": result["counts"],
            "problems": result["problems"][:PREVIEW_ROWS], "has_errors": result["has_errors"],
            "shown_rows": report.rows, "hidden_count": max(0, result["shown_count"] - len(report.rows)),
            "token": None if result["has_errors"] else job.upload_token}


@login_required
def import_upload(request, tenant_slug: str, code: str, kind: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    _kind(kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render_page(request, unit, kind, form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    if not import_preview_inline(data):
        # Too large to check inside the request: a job checks it, and its page shows the preview.
        token = save_upload(user=request.user, kind=kind, unit_id=unit.pk, data=data, filename=upload.name)
        job = import_job_start(user=request.user, unit=unit, kind=kind, token=token, filename=upload.name,
                               preview=True)
        enqueue_import_job(job)
        return redirect("import_job_detail", job_id=job.pk)
    report = import_file(kind=kind, root=unit, data=data, dry_run=True, acting_user=request.user, filename=upload.name)
    if report.file_problems:
        for problem in report.file_problems:
            form.add_error("file", str(problem))
        return _render_page(request, unit, kind, form)
    kept = None if report.has_errors else save_upload(user=request.user, kind=kind, unit_id=unit.pk, data=data,
                                                      filename=upload.name)
    return _render_page(request, unit, kind, form, report, kept)


@require_POST
@login_required
def import_confirm(request, tenant_slug: str, code: str, kind: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    _kind(kind)
    token = request.POST.get("token", "")
    try:
        filename = upload_filename(user=request.user, token=token, kind=kind, unit_id=unit.pk)
    except UploadMissing:
        messages.error(request, _("This upload is no longer available; please upload the file again."))
        return redirect("import_upload", tenant_slug=tenant_slug, code=code, kind=kind)
    job = import_job_start(user=request.user, unit=unit, kind=kind, token=token, filename=filename)
    enqueue_import_job(job)
    return redirect("import_job_detail", job_id=job.pk)


@login_required
def import_job_detail(request, job_id: int):
    """The job's progress while it runs (htmx polls the fragment), then its outcome."""
    job = get_import_job_for_user(request.user, job_id)
    context = {"job": job, "progress": import_job_progress(job), "spec": KINDS[job.kind]}
    if job.preview and job.is_done:
        context.update(_preview_context(job))
    if request.headers.get("HX-Request"):
        return render(request, "cadres/imports/_job_status.html", context)
    return render(request, "cadres/imports/job.html", context)
