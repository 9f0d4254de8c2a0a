"""With the broker (Redis) down, actions still happen and nothing they start is lost: the
jobs stay queued, the immediate emails unsent and the rollups marked, and the sweep
(`reports.tasks.resend_unsent`, every minute) hands them over once the broker is back.
A job is never run by two claims at once."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cadres.models import ImportJob, ImportJobStatus, Notice
from evaluations.workflow import registration_approve
from reports.models import PendingRollup, ReportFile, ReportFileKind, ReportFileStatus, UnitFigures
from reports.services import files
from reports.services.files import report_file_run
from reports.tasks import resend_unsent
from tests.evaluations.factories import submitted_registration, world

pytestmark = pytest.mark.django_db


def a_few_minutes_later(*models) -> None:
    """The sweep leaves what was just made to the request's own hand-over for a couple of minutes."""
    earlier = timezone.now() - timedelta(minutes=3)
    with scopes_disabled():
        for model in models:
            model.objects.update(created_at=earlier)


def figures(w) -> tuple[int, int] | None:
    with scopes_disabled():
        row = UnitFigures.objects.filter(cycle=w.cycle, unit=w.b1).first()
    return (row.registered, row.registrations_approved) if row else None


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()


def test_forms_handled_with_the_broker_down_catch_up_their_figures_and_emails_after(
        settings, tmp_path, broker_down, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        w = world()
    with django_capture_on_commit_callbacks(execute=True):
        registration = submitted_registration(w)
    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=registration, acting_user=w.secretary.user,
                             expected_version=registration.lock_version)
    notices = Notice.objects.with_scopes_disabled()
    assert notices.count() == 3 and not notices.exclude(emailed_at=None, email_queued_at=None).exists()
    assert mail.outbox == []
    pending = PendingRollup.objects.with_scopes_disabled().get()
    assert pending.cycle == w.cycle and pending.marked_at >= started
    assert figures(w) is None  # stale until the sweep

    broker_down()  # back
    assert resend_unsent() == 1  # the rollup at once; the emails wait out the request's own hand-over
    assert figures(w) == (1, 1) and not PendingRollup.objects.with_scopes_disabled().exists()
    a_few_minutes_later(Notice)
    assert resend_unsent() == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [w.secretary.user.email, w.deputy.user.email, w.member.user.email])
    assert not notices.filter(emailed_at=None).exists() and not notices.filter(email_queued_at=None).exists()
    assert resend_unsent() == 0 and len(mail.outbox) == 3


def test_a_notice_handed_over_twice_is_emailed_once(w, django_capture_on_commit_callbacks):
    from cadres.tasks import send_notice_email

    with django_capture_on_commit_callbacks(execute=True):
        submitted_registration(w)
    notice = Notice.objects.with_scopes_disabled().filter(kind="submitted").first()
    sent = len(mail.outbox)
    Notice.objects.with_scopes_disabled().filter(pk=notice.pk).update(email_queued_at=None)
    a_few_minutes_later(Notice)
    # Emailed already: the sweep leaves it, and a second task for it sends nothing.
    assert resend_unsent() == 0
    assert send_notice_email.apply(args=[notice.tenant_id, notice.pk]).get() is False
    assert len(mail.outbox) == sent


def test_a_notice_made_days_ago_is_not_emailed_late(w, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_registration(w)
    broker_down()
    Notice.objects.with_scopes_disabled().update(created_at=timezone.now() - timedelta(days=2))
    assert resend_unsent() == 0 and mail.outbox == []


def test_a_job_handed_over_long_ago_and_never_run_is_handed_over_again(w, settings):
    job = ReportFile.objects.with_scopes_disabled().create(
        tenant=w.cycle.tenant, kind=ReportFileKind.SUMMARY_XLSX, unit=w.root, cycle=w.cycle,
        requested_by=w.provincial, sent_at=timezone.now() - timedelta(hours=1))
    assert resend_unsent() == 0  # within the visibility timeout: the message may still be waiting
    lost = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 60
    ReportFile.objects.with_scopes_disabled().filter(pk=job.pk).update(sent_at=timezone.now() - timedelta(seconds=lost))
    assert resend_unsent() == 1
    job.refresh_from_db()
    assert job.status == ReportFileStatus.DONE and resend_unsent() == 0


def test_a_run_that_died_leaves_the_job_to_the_next_run(w):
    job = ReportFile.objects.with_scopes_disabled().create(
        tenant=w.cycle.tenant, kind=ReportFileKind.SUMMARY_XLSX, unit=w.root, cycle=w.cycle,
        requested_by=w.provincial, status=ReportFileStatus.RUNNING, started_at=timezone.now() - timedelta(hours=3))
    with scope(tenant=w.cycle.tenant_id):
        assert report_file_run(file_id=job.pk).status == ReportFileStatus.DONE


def test_an_import_job_for_a_lost_upload_is_finished_once(w):
    job = ImportJob.objects.with_scopes_disabled().create(tenant=w.cycle.tenant, unit=w.b1, user=w.secretary.user,
                                                          kind="units", upload_token="gone")
    from cadres.services.imports import import_job_run

    with scope(tenant=w.cycle.tenant_id):
        first = import_job_run(job_id=job.pk)
        again = import_job_run(job_id=job.pk)
    assert first.status == again.status == ImportJobStatus.FAILED and again.finished_at == first.finished_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_job_at_once_build_it_once(settings, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (DATABASE_URL)")
    settings.MEDIA_ROOT = tmp_path
    w = world()
    job = ReportFile.objects.with_scopes_disabled().create(
        tenant=w.cycle.tenant, kind=ReportFileKind.SUMMARY_XLSX, unit=w.root, cycle=w.cycle, requested_by=w.provincial)
    building, release, builds = threading.Event(), threading.Event(), []
    build, stem, extension = files.BUILDERS[ReportFileKind.SUMMARY_XLSX]

    def slow_build(cycle, unit):
        builds.append(threading.get_ident())
        building.set()
        assert release.wait(20)
        return build(cycle, unit)

    monkeypatch.setitem(files.BUILDERS, ReportFileKind.SUMMARY_XLSX, (slow_build, stem, extension))
    outcomes = {}

    def run(name):
        try:
            with scope(tenant=w.cycle.tenant_id):
                outcomes[name] = report_file_run(file_id=job.pk).status
        finally:
            connection.close()

    first = threading.Thread(target=run, args=["first"])
    first.start()
    assert building.wait(20)
    run("second")  # the first holds the job: the second leaves it
    release.set()
    first.join(20)
    assert outcomes == {"first": ReportFileStatus.DONE, "second": ReportFileStatus.RUNNING} and len(builds) == 1
    job.refresh_from_db()
    assert job.status == ReportFileStatus.DONE and job.file.name


def test_after_one_refusal_the_process_stops_asking_for_a_while(broker_down, caplog):
    from cadres.tasks import count_units, hand_over

    assert not hand_over(count_units, [1], "a first task") and not hand_over(count_units, [1], "a second task")
    messages = [record.getMessage() for record in caplog.records if record.name == "cadres.tasks"]
    assert messages == ["the job queue does not answer: could not queue a first task",
                        "the job queue did not answer a moment ago; a second task is left for the sweep"]
