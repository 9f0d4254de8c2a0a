"""Celery tasks: thin, they take ids, enter the tenant's scope and call a service. Each
task's `enqueue_…` helper lives here too, so services never import this module."""

import logging
import smtplib
import time

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from kombu.exceptions import OperationalError as KombuOperationalError

from cadres.models import ImportJob, Notice, NoticeEmail, Tenant, Unit
from cadres.services import access_log, accounts, notices, retention
from cadres.services.imports import import_job_run
from cadres.services.jobs import jobs_to_resend

logger = logging.getLogger(__name__)


# --- Handing a task to the broker -------------------------------------------------------------

# After the broker failed to answer, this process stops asking for a while: a request that
# queues several tasks (an approval: a notice and a rollup; "Mời tất cả": one per cadre) waits
# on one refusal at most, and what it could not hand over is left for the sweep.
BROKER_PAUSE_SECONDS = 30
_broker_paused_until = 0.0


def hand_over(task, args: list, what: str) -> bool:
    """Queue `task(*args)` without waiting on the result backend; False (logged) when the
    broker does not answer, or, eagerly, when the task failed. Never raises."""
    global _broker_paused_until
    if time.monotonic() < _broker_paused_until:
        logger.warning("the job queue did not answer a moment ago; %s is left for the sweep", what)
        return False
    try:
        task.apply_async(args=args, retry=False, ignore_result=True)
    except KombuOperationalError:  # the broker refused, or did not answer within its timeouts
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.exception("the job queue does not answer: could not queue %s", what)
        return False
    except Exception:  # eagerly (development, tests), the task itself failed
        logger.exception("could not queue or run %s", what)
        return False
    return True


def hand_over_recorded(task, args: list, what: str, model, pk: int, field: str) -> bool:
    """`hand_over`, and once handed over the row says when (`field`); until then it stays
    for the sweep (`jobs_to_resend`, `notices_to_resend`) and its page says it is queued."""
    if not hand_over(task, args, what):
        return False
    model.objects.with_scopes_disabled().filter(pk=pk).update(**{field: timezone.now()})
    return True


def broker_pause_end() -> None:
    """Ask the broker again at the next hand-over (a test brings the broker back)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


@shared_task
def count_units(tenant_id: int) -> int:
    """Units of one tenant: a small task that proves a worker reaches the broker and the database."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant.pk):
        return Unit.objects.filter(archived_at__isnull=True).count()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: int) -> str:
    """Idempotent: a finished job is left alone; an interrupted one wrote nothing (one
    transaction) and runs again."""
    tenant_id = ImportJob.objects.with_scopes_disabled().values_list("tenant_id", flat=True).get(pk=job_id)
    with scope(tenant=tenant_id):
        return import_job_run(job_id=job_id).status


def enqueue_import_job(job: ImportJob) -> None:
    """Hand a started job (`import_job_start`) to the worker once the transaction commits."""
    transaction.on_commit(lambda: _send_import_job(job.pk))


def _send_import_job(job_id: int) -> bool:
    return hand_over_recorded(run_import_job, [job_id], f"import job {job_id}", ImportJob, job_id, "sent_at")


# --- Notices by email --------------------------------------------------------------------

# A mail server that is down or refuses for now: try again later, up to about a day.
MAIL_RETRY = dict(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=60, retry_backoff_max=3600,
                  max_retries=24, retry_jitter=True)


@shared_task(acks_late=True, reject_on_worker_lost=True, **MAIL_RETRY)
def send_notice_email(tenant_id: int, notice_id: int) -> bool:
    """Idempotent: a notice already emailed is not emailed again."""
    with scope(tenant=tenant_id):
        return notices.notice_email_send(notice_id=notice_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **MAIL_RETRY)
def send_notice_digest(tenant_id: int, user_id: int) -> int:
    """Idempotent: it holds only the notices not yet emailed."""
    with scope(tenant=tenant_id):
        return notices.notice_digest_send(tenant_id=tenant_id, user_id=user_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_notice_digests() -> int:
    """Every morning (beat): one digest task per person with notices waiting, per tenant.
    Idempotent: each digest holds only what is not yet emailed."""
    with scopes_disabled():
        tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    queued = 0
    for tenant_id in tenant_ids:
        with scope(tenant=tenant_id):
            user_ids = notices.digest_pending(tenant_id)
        for user_id in user_ids:
            hand_over(send_notice_digest, [tenant_id, user_id], f"the digest of user {user_id}")
            queued += 1
    return queued


@shared_task(bind=True, acks_late=True, **MAIL_RETRY)
def send_email(self, subject: str, body: str, to: list[str], html: str | None = None,
               invitation: list[int] | None = None) -> None:
    """One email: to an address outside the app (a feedback request to the cấp ủy), or one of
    the account mails (invitation, password reset). `invitation` ([tenant id, cadre id]): the
    cadre's trail records whether it was sent or, after the last try, failed. Not idempotent
    (nothing records that it went out), so a worker lost mid-send does not send it twice."""
    message = EmailMultiAlternatives(subject, body, None, to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except MAIL_RETRY["autoretry_for"]:
        if invitation and (self.request.is_eager or self.request.retries >= self.max_retries):
            with scope(tenant=invitation[0]):
                accounts.invitation_mail_record(cadre_id=invitation[1], sent=False)
        raise
    if invitation:
        with scope(tenant=invitation[0]):
            accounts.invitation_mail_record(cadre_id=invitation[1], sent=True)


def _send_notice_email(tenant_id: int, notice_id: int) -> bool:
    return hand_over_recorded(send_notice_email, [tenant_id, notice_id], f"notice {notice_id}", Notice, notice_id,
                              "email_queued_at")


def notice_saved(sender, instance: Notice, created: bool, **kwargs) -> None:
    """A new notice whose recipient wants it at once: email it once the transaction commits
    (connected in `CadresConfig.ready`; a rolled-back action sends nothing)."""
    if created and instance.email == NoticeEmail.IMMEDIATE:
        tenant_id, notice_id = instance.tenant_id, instance.pk
        transaction.on_commit(lambda: _send_notice_email(tenant_id, notice_id))


def enqueue_email(*, subject: str, body: str, to: str, html: str | None = None,
                  invitation: list[int] | None = None) -> None:
    """Send an email by the worker once the transaction commits, retried while the mail
    server is down; never inside the request."""
    transaction.on_commit(lambda: hand_over(send_email, [subject, body, [to], html, invitation], f"an email to {to}"))


def resend_unsent() -> int:
    """The sweep's share here (`reports.tasks.resend_unsent`, every minute): the import jobs
    and immediate emails the broker missed, handed over again; returns how many went."""
    sent = sum(_send_import_job(job_id) for job_id in jobs_to_resend(ImportJob.objects.with_scopes_disabled()))
    return sent + sum(_send_notice_email(tenant_id, notice_id)
                      for tenant_id, notice_id in notices.notices_to_resend())


@shared_task
def purge_access_records() -> int:
    """Beat, nightly: the access log keeps `ACCESS_LOG_RETENTION_MONTHS` of records."""
    return access_log.access_records_purge()


@shared_task
def deidentify_past_retention() -> list[int]:
    """Beat, nightly: tell the staff of those due soon; de-identify those due and told of."""
    return list(retention.retention_run())
