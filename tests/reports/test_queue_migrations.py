"""cadres 0008, reports 0006–0007: the jobs and immediate notices already there count as
handed to the broker (the sweep leaves them), the sweep's schedule runs every minute, and
migrating back keeps every row."""

import pytest

from tests.historical import historical_root, migrate_to

BEFORE = [("cadres", "0007_unit_history"), ("reports", "0005_unit_target_figures")]
AFTER = [("cadres", "0008_queue_handover"), ("reports", "0007_queue_sweep_schedule")]


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_count_as_handed_over_and_stay_both_ways(latest_schema_after):
    apps = migrate_to(BEFORE)
    tenant, unit = historical_root(apps)
    user = apps.get_model("cadres", "User").objects.create(email="u@example.vn")
    job = apps.get_model("cadres", "ImportJob").objects.create(tenant=tenant, unit=unit, user=user, kind="units",
                                                               upload_token="t")
    notices = apps.get_model("cadres", "Notice").objects
    immediate = notices.create(tenant=tenant, recipient=user, kind="approved", subject="a", email="immediate")
    digest = notices.create(tenant=tenant, recipient=user, kind="approved", subject="b", email="digest")

    apps = migrate_to(AFTER)
    job = apps.get_model("cadres", "ImportJob").objects.get(pk=job.pk)
    assert job.sent_at == job.created_at and job.started_at is None
    notices = apps.get_model("cadres", "Notice").objects
    assert notices.get(pk=immediate.pk).email_queued_at == notices.get(pk=immediate.pk).created_at
    assert notices.get(pk=digest.pk).email_queued_at is None
    sweep = apps.get_model("django_celery_beat", "PeriodicTask").objects.get(task="reports.tasks.resend_unsent")
    assert sweep.enabled and (sweep.interval.every, sweep.interval.period) == (1, "minutes")

    apps = migrate_to(BEFORE)
    assert apps.get_model("cadres", "ImportJob").objects.count() == 1
    assert apps.get_model("cadres", "Notice").objects.count() == 2
    assert not apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="reports.tasks.resend_unsent").exists()
