"""Generated documents: a POST queues the job and goes to its page, which shows a progress
bar (htmx polls every 2 s) and then the download link. Files are served only here, to
those who manage the document's unit, and each download is logged."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from office.files import private_file_response
from reports.forms import FileRequestForm
from reports.selectors import get_dashboard_unit_for_user, get_report_file_for_user
from reports.services.files import report_file_download_log, report_file_progress, report_file_request as request_file
from reports.tasks import enqueue_report_file
from reports.views.common import pick_cycle


@login_required
@require_POST
def report_file_request(request, tenant_slug: str, code: str):
    unit = get_dashboard_unit_for_user(request.user, tenant_slug, code)
    cycle, _cycles = pick_cycle(request, unit, strict=True)
    form = FileRequestForm(request.POST)
    if cycle is None or not form.is_valid():
        if cycle is not None:
            messages.error(request, " ".join(form.errors.get("kind", [])))
        return redirect("reports_unit_dashboard", tenant_slug=tenant_slug, code=code)
    try:
        job = request_file(user=request.user, unit=unit, cycle=cycle, kind=form.cleaned_data["kind"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports_unit_dashboard", tenant_slug=tenant_slug, code=code)
    enqueue_report_file(job)
    return redirect("report_file_detail", pk=job.pk)


@login_required
def report_file_detail(request, pk: int):
    """The job while it runs (the fragment for htmx), then its link or its error."""
    job = get_report_file_for_user(request.user, pk)
    context = {"job": job, "progress": report_file_progress(job)}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_file_status.html", context)
    return render(request, "reports/file_job.html", context)


@login_required
def report_file_download(request, pk: int):
    job = get_report_file_for_user(request.user, pk)
    # A file lost from the storage is a 404, and its download is not logged (rolled back).
    with transaction.atomic():
        try:
            report_file_download_log(report_file=job, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("report_file_detail", pk=job.pk)
        return private_file_response(job.file, job.filename)
