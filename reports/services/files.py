"""Generated PDF and Excel files: requested from a page, built by a worker, downloaded
through a permission-checked view that logs every download.

A request never waits for the file and never fails because the queue is down: the job is
created, the task queued once the transaction commits (`reports.tasks.enqueue_report_file`),
and a broker that does not answer leaves the job queued, its page saying so, until the
sweep hands it over (`reports.tasks.resend_unsent`).
"""

import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Unit, User as Account
from cadres.selectors import access_for
from cadres.services.audit import audit_record
from cadres.services.jobs import job_run_once
from evaluations.models import Cycle
from reports import documents
from reports.models import ReportFile, ReportFileDownload, ReportFileKind, ReportFileStatus

logger = logging.getLogger(__name__)

BUILDERS = {
    ReportFileKind.UNIT_PDF: (documents.unit_report_pdf, "bao-cao", "pdf"),
    ReportFileKind.SUMMARY_PDF: (documents.summary_pdf, "tong-hop", "pdf"),
    ReportFileKind.SUMMARY_XLSX: (documents.summary_xlsx, "tong-hop", "xlsx"),
}


def _progress_key(file_id: int) -> str:
    return f"report-file:{file_id}:progress"


def report_file_progress(report_file: ReportFile) -> int:
    """Percent done, for a progress bar: 100 when finished, else what the worker last said."""
    if report_file.is_finished:
        return 100
    try:
        return cache.get(_progress_key(report_file.pk)) or report_file.progress
    except Exception:  # a cache that does not answer must not break the page
        return report_file.progress


@transaction.atomic
def report_file_request(*, user: Account, unit: Unit, cycle: Cycle, kind: str) -> ReportFile:
    """A queued file of a unit the user manages; `reports.tasks.enqueue_report_file` hands it
    to the worker."""
    if kind not in ReportFileKind.values:
        raise ValidationError(_("Choose one of the listed documents."), code="invalid")
    if not access_for(user).manages_path(unit.path) or unit.tenant_id != cycle.tenant_id:
        raise ValidationError(_("Only the managers of this unit can request its documents."), code="forbidden")
    report_file = ReportFile.objects.create(tenant_id=unit.tenant_id, kind=kind, unit=unit, cycle=cycle,
                                            requested_by=user)
    audit_record(actor=user, action="report_file.request", obj=report_file,
                 data={"kind": kind, "unit": unit.code, "year": cycle.year})
    return report_file


def report_file_run(*, file_id: int) -> ReportFile:
    """Build the file, at most one run at a time (`job_run_once`). A finished job is left
    alone (a retried task, the sweep); a failure is recorded."""
    return job_run_once(jobs=ReportFile.objects.select_related("unit", "cycle"), job_id=file_id,
                        work=_report_file_build)


def _report_file_build(report_file: ReportFile) -> None:
    build, stem, extension = BUILDERS[ReportFileKind(report_file.kind)]
    try:
        with transaction.atomic():  # a failed query in the build must not spoil the job's transaction
            data = build(report_file.cycle, report_file.unit)
    except Exception:
        logger.exception("report file %s failed", report_file.pk)
        report_file.status, report_file.finished_at = ReportFileStatus.FAILED, timezone.now()
        report_file.error = _("The document could not be made. Please try again; if it fails again, tell the "
                              "provincial staff.")
        report_file.save(update_fields=["status", "finished_at", "error"])
        return
    report_file.filename = f"{stem}-{report_file.unit.code.lower()}-{report_file.cycle.year}.{extension}"
    report_file.file.save(report_file.filename, ContentFile(data), save=False)
    report_file.status, report_file.progress, report_file.finished_at = ReportFileStatus.DONE, 100, timezone.now()
    report_file.save(update_fields=["file", "filename", "status", "progress", "finished_at"])
    cache.delete(_progress_key(report_file.pk))


@transaction.atomic
def report_file_download_log(*, report_file: ReportFile, user: Account) -> ReportFileDownload:
    """Record one download; the view calls it before streaming the file."""
    if report_file.status != ReportFileStatus.DONE:
        raise ValidationError(_("This document is not ready yet."), code="state")
    download = ReportFileDownload.objects.create(tenant_id=report_file.tenant_id, report_file=report_file, user=user)
    audit_record(actor=user, action="report_file.download", obj=report_file)
    return download
