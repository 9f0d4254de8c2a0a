"""cadres 0022: an import job gains its API client; the jobs already there keep their person
(and meet the check that exactly one is set); migrating back keeps them too."""

import pytest
from django.db import IntegrityError, transaction

from tests.historical import historical_root, migrate_to

BEFORE = [("cadres", "0021_secretary_and_archived_indexes")]
AFTER = [("cadres", "0022_import_job_api_client")]


@pytest.mark.django_db(transaction=True)
def test_import_jobs_keep_their_person_both_ways(latest_schema_after):
    apps = migrate_to(BEFORE)
    tenant, unit = historical_root(apps)
    user = apps.get_model("cadres", "User").objects.create(email="quanly@example.vn")
    job = apps.get_model("cadres", "ImportJob").objects.create(tenant=tenant, unit=unit, user=user, kind="cadres",
                                                               upload_token="t" * 32, status="done")

    apps = migrate_to(AFTER)
    ImportJob = apps.get_model("cadres", "ImportJob")
    assert list(ImportJob.objects.values_list("pk", "user_id", "api_client_id", "status")) == [
        (job.pk, user.pk, None, "done")]
    with pytest.raises(IntegrityError), transaction.atomic():  # no principal at all
        ImportJob.objects.create(tenant_id=tenant.pk, unit_id=unit.pk, kind="units", upload_token="u" * 32)

    apps = migrate_to(BEFORE)
    assert list(apps.get_model("cadres", "ImportJob").objects.values_list("pk", "user_id")) == [(job.pk, user.pk)]
