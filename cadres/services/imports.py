"""Spreadsheet import and export of units and cadres for one managed subtree.

An import is all or nothing: the file is planned row by row, and only when no row has a
problem are the changes written, through the unit and people services, in one transaction
that is rolled back if any of them still refuses.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as gettext_now, gettext_lazy as _

from cadres.actors import SYSTEM
from cadres.imports import people, units
from cadres.imports.reader import UnreadableFile, read_sheet
from cadres.imports.report import Column, ImportReport, Problem, RowResult, RowStatus
from cadres.imports.rows import Progress, no_progress
from cadres.imports.uploads import UploadMissing, discard_upload, load_upload
from cadres.imports.workbook import build_workbook
from cadres.maintenance import analyze
from cadres.models import Cadre, ImportJob, ImportJobStatus, Position, Unit, User
from cadres.services.audit import audit_on_behalf, audit_record
from cadres.services.jobs import job_run_once
from cadres.services.units import require_manager
from cadres.transitions import User as Actor

# The job page shows at most this many problems; the counts cover the rest.
STORED_PROBLEMS = 200
# A preview of thousands of rows is unreadable on a phone; the counts cover the rest.
PREVIEW_ROWS = 200
# A file that writes this many rows refreshes the statistics of what it wrote.
ANALYZE_AFTER_ROWS = 1000
ANALYZED: dict[str, list[type[models.Model]]] = {"units": [Unit], "cadres": [User, Cadre, Position]}


class Plan(Protocol):
    def apply(self, acting_user: Actor, progress: Progress = ...) -> None: ...


@dataclass(frozen=True)
class Kind:
    columns: list[Column]
    plan: Callable[[Unit, list[tuple[int, dict[str, Any]]], ImportReport], Plan]
    export_rows: Callable[[Unit], list[list[Any]]]
    title: str | Promise
    file_stem: str
    guide_notes: Sequence[str | Promise]


KINDS = {
    "units": Kind(units.COLUMNS, units.plan_units, units.export_rows, _("Units"), "don-vi", units.GUIDE_NOTES),
    "cadres": Kind(people.COLUMNS, people.plan_cadres, people.export_rows, _("Cadres"), "can-bo", people.GUIDE_NOTES),
}


class _RollBack(Exception):
    """Raised inside the import's transaction to undo every row once one has failed."""


def import_file(*, kind: str, root: Unit, data: bytes, dry_run: bool, acting_user: Actor,
                filename: str = "", progress: Progress = no_progress, in_request: bool | None = None,
                audit_data: dict[str, Any] | None = None) -> ImportReport:
    """Check (dry run) or apply a file to `root`'s subtree; the report says what each row does.
    A queued job runs as the person who queued it, so one who no longer manages `root` is refused.
    A dry run is told the rows read, with 0 for the total (`progress`). `audit_data` is added
    to every audit row the import writes (the API client a job of the system runs for)."""
    require_manager(acting_user, root)
    spec = KINDS[kind]
    report = ImportReport(kind)
    try:
        # A preview inside a web request (a dry run, unless a job's) must end within the request's time.
        budget = settings.IMPORT_READ_SECONDS if (dry_run if in_request is None else in_request) else None
        sheet = read_sheet(data, spec.columns, filename, seconds=budget, progress=progress if dry_run else None)
    except UnreadableFile as exc:
        report.file_problems.append(Problem(None, "", exc.message))
        return report
    report.file_problems.extend(sheet.problems)
    if report.file_problems:
        # With the columns wrong, every row would repeat the same complaint.
        return report
    if dry_run:
        spec.plan(root, sheet.rows, report)
        return report
    try:
        # Planned again inside the transaction, so the checks see what is being written over.
        with transaction.atomic(), audit_on_behalf(audit_data or {}):
            plan = spec.plan(root, sheet.rows, report)
            if not report.has_errors:
                plan.apply(acting_user, progress)
            if report.has_errors:
                raise _RollBack
            audit_record(actor=acting_user, action=f"import.{kind}", obj=root,
                         data={**report.counts, "file": filename})
            report.applied = True
    except _RollBack:
        pass
    if report.applied and report.counts["new"] + report.counts["changed"] >= ANALYZE_AFTER_ROWS:
        analyze(ANALYZED[kind])
    return report


def export_file(*, kind: str, root: Unit) -> bytes:
    """`root`'s subtree in the import's columns: the export page and `manage.py export_<kind>`
    both write this, and importing it unchanged changes nothing."""
    spec = KINDS[kind]
    return build_workbook(spec.columns, spec.export_rows(root))


def template_file(*, kind: str) -> bytes:
    spec = KINDS[kind]
    return build_workbook(spec.columns, [], guide_notes=spec.guide_notes)


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def import_job_progress(job: ImportJob) -> tuple[int, int] | None:
    """(rows written, rows to write) while the job runs, from the cache; None before that."""
    progress: tuple[int, int] | None = cache.get(_progress_key(job.pk))
    return progress


def import_preview_inline(data: bytes) -> bool:
    """Whether an upload is small enough to check inside the request; a larger one is checked
    by a job (`import_job_start(preview=True)`), so no web worker parses a large file."""
    return len(data) <= settings.IMPORT_INLINE_PREVIEW_BYTES


@transaction.atomic
def import_job_start(*, user: User | None, unit: Unit, kind: str, token: str, filename: str,
                     preview: bool = False, api_client_id: int | None = None) -> ImportJob:
    """A job that writes a previewed upload, or (`preview`) that checks a large one and writes
    nothing; `cadres.tasks.enqueue_import_job` hands it to the worker. Queued by a person
    (`user`) or by an API client (`api_client_id`, for a unit its token reached): exactly one."""
    job = ImportJob.objects.create(
        tenant_id=unit.tenant_id, unit=unit, user=user, api_client_id=api_client_id, kind=kind, filename=filename,
        upload_token=token, preview=preview,
    )
    if not preview:  # a check changes nothing, as a preview inside the request does
        audit_record(actor=user or SYSTEM, action="import.queue", obj=job,
                     data={"kind": kind, "unit": unit.code, "file": filename, **job.audit_data})
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Apply a queued import, at most one run at a time (`job_run_once`). Safe to run twice
    (a retried task, the sweep): a finished job is left alone, and an interrupted run wrote
    nothing, since the import and its outcome are one transaction."""
    # Not the principal: both its keys are nullable, and PostgreSQL locks no outer join's side.
    return job_run_once(jobs=ImportJob.objects.select_related("unit"), job_id=job_id, work=_import_job_apply)


def _import_job_apply(job: ImportJob) -> None:
    written = [0.0]

    def progress(done: int, total: int) -> None:
        # Told per batch (cadres) or per row (units): half a second apart is enough for a bar.
        if done == total or time.monotonic() - written[0] > 0.5:
            cache.set(_progress_key(job.pk), (done, total), timeout=24 * 3600)
            written[0] = time.monotonic()

    # A client's job runs as the system, confined to the unit, while the client still reaches it.
    actor: Actor = job.user if job.user is not None else SYSTEM
    client = job.api_client
    report, error = None, ""
    if client is not None and not client.reaches(job.unit):
        # str(_(…)), not gettext_now: makemessages reads only the usual names, and no other code has this text.
        error = str(_("The API client that queued this import no longer reaches this unit; nothing was saved."))
        discard_upload(user=client, token=job.upload_token)
    else:
        try:
            data, _filename = load_upload(user=job.principal, token=job.upload_token, kind=job.kind,
                                          unit_id=job.unit_id)
        except UploadMissing:
            error = gettext_now("This upload is no longer available; please upload the file again.")
        else:
            report = import_file(kind=job.kind, root=job.unit, data=data, dry_run=job.preview, acting_user=actor,
                                 filename=job.filename, progress=progress, in_request=False,
                                 audit_data=job.audit_data)
    if report is None:
        job.status = ImportJobStatus.FAILED
        job.result = {"error": error}
    else:
        job.status = ImportJobStatus.DONE if report.applied or job.preview else ImportJobStatus.FAILED
        job.result = {
            "counts": report.counts,
            "summary": report.summary(),
            "problems": [str(problem) for problem in report.problems[:STORED_PROBLEMS]],
            "problem_count": len(report.problems),
        }
        if job.preview:
            # What the preview page shows, as the preview inside the request does; the upload
            # stays for the confirmation.
            job.result["has_errors"] = report.has_errors
            job.result["rows"] = [{"number": row.number, "label": row.label, "status": row.status,
                                   "changes": row.changes} for row in preview_rows(report)[:PREVIEW_ROWS]]
            job.result["shown_count"] = len(preview_rows(report))
        else:
            discard_upload(user=job.principal, token=job.upload_token)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "finished_at"])
    cache.delete(_progress_key(job.pk))


def preview_rows(report: ImportReport) -> list[RowResult]:
    """The rows a preview lists: those that change something or have a problem."""
    return [row for row in report.rows if row.status != RowStatus.UNCHANGED]


def import_preview_report(job: ImportJob) -> ImportReport:
    """A finished preview job's report again, as far as its page shows it: the listed rows and
    the stored problems (the counts are the job's)."""
    report = ImportReport(job.kind)
    report.rows = [RowResult(row["number"], row["label"], row["status"], row["changes"])
                   for row in job.result.get("rows", [])]
    return report
