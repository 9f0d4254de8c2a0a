"""Background jobs (an import, a report file) run at most once at a time.

A job row can be handed to the worker more than once: the request queues it, the sweep
queues it again when the broker was down or the message was lost, and a worker that dies
puts it back. Each run first claims the row (QUEUED → RUNNING, `started_at` as the claim,
committed so the page shows it running), then does the work inside one transaction that
holds the row locked. A second run meanwhile finds the row locked and leaves it; a RUNNING
row that nobody holds belongs to a run that died (its transaction rolled back), and the next
run claims it again. Finished jobs are left alone.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cadres.models import QueuedJob

J = TypeVar("J", bound=QueuedJob)


def job_run_once(*, jobs: "models.QuerySet[J]", job_id: int, work: Callable[[J], None]) -> J:
    """Claim the job and call `work(job)` (which records the outcome) while holding it; a
    job finished, or held by another run, is returned as it is."""
    claim = _claim(jobs, job_id)
    if claim is not None:
        with transaction.atomic():
            job = jobs.select_for_update().get(pk=job_id)
            # Another run may have claimed it between our two transactions: theirs wins.
            if job.started_at == claim and not job.is_finished:
                work(job)
                return job
    return jobs.get(pk=job_id)


def _claim(jobs: "models.QuerySet[J]", job_id: int) -> datetime | None:
    with transaction.atomic():
        job = jobs.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.is_finished:  # held by a live run, or done
            return None
        job.status, job.started_at = QueuedJob.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
        return job.started_at


# Right after its commit the request hands the job over itself: the sweep leaves it that long.
HANDOVER_GRACE = timedelta(minutes=2)


def jobs_to_resend(jobs: "models.QuerySet[J]") -> list[int]:
    """The jobs the broker missed: queued and never handed over (it did not answer), or
    handed over longer ago than the visibility timeout and still not finished (the message
    was lost, or the run died). Handing one over again is harmless: runs claim it."""
    now = timezone.now()
    lost = now - timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
    return list(jobs.filter(Q(status=QueuedJob.QUEUED, sent_at__isnull=True, created_at__lt=now - HANDOVER_GRACE)
                            | Q(status__in=(QueuedJob.QUEUED, QueuedJob.RUNNING), sent_at__lt=lost))
                .order_by("pk").values_list("pk", flat=True))
