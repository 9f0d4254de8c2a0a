"""cadres 0005: units gain their version (0 for the units already there) and the history
table starts empty; migrating back drops both and keeps the units."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cadres", "0006_notice_digest_schedule")]
AFTER = [("cadres", "0007_unit_history")]


@pytest.mark.django_db(transaction=True)
def test_units_keep_their_rows_both_ways(latest_schema_after):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    tenant = apps.get_model("cadres", "Tenant").objects.create(name="Tỉnh Đoàn Di Trú", slug="di-tru")
    apps.get_model("cadres", "Unit").objects.create(tenant=tenant, path="0001", depth=1, code="DT",
                                                   name="Tỉnh Đoàn Di Trú", level="province")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    assert list(apps.get_model("cadres", "Unit").objects.values_list("code", "lock_version")) == [("DT", 0)]
    assert not apps.get_model("cadres", "UnitChange").objects.exists()

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    assert list(apps.get_model("cadres", "Unit").objects.values_list("code", flat=True)) == ["DT"]
