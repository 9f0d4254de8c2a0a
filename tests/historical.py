"""The migration tests' tools: migrate the test database to a past schema, and write rows
through that schema's models (`executor.loader.project_state(...).apps`)."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets):
    """Migrate to `targets` ([(app, migration), …]); the models of that schema."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def historical_root(apps):
    """A tenant and its root unit: (tenant, unit)."""
    tenant = apps.get_model("cadres", "Tenant").objects.create(name="Tỉnh Đoàn Di Trú", slug="di-tru")
    unit = apps.get_model("cadres", "Unit").objects.create(tenant=tenant, path="0001", depth=1, code="DT",
                                                          name="Tỉnh Đoàn Di Trú", level="province")
    return tenant, unit


def historical_cycle(apps):
    """A tenant, its root unit and its 2025 cycle: (tenant, unit, cycle)."""
    tenant, unit = historical_root(apps)
    day = datetime.date(2025, 10, 30)
    cycle = apps.get_model("evaluations", "Cycle").objects.create(
        tenant=tenant, year=2025, registration_closes=day, self_assessment_due=day, review_due=day, unit_report_due=day)
    return tenant, unit, cycle
