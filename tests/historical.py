"""Rows written through the models of a past schema (`executor.loader.project_state(...).apps`),
for the migration tests."""

import datetime


def historical_cycle(apps):
    """A tenant, its root unit and its 2025 cycle: (tenant, unit, cycle)."""
    tenant = apps.get_model("cadres", "Tenant").objects.create(name="Tỉnh Đoàn Di Trú", slug="di-tru")
    unit = apps.get_model("cadres", "Unit").objects.create(tenant=tenant, path="0001", depth=1, code="DT",
                                                          name="Tỉnh Đoàn Di Trú", level="province")
    day = datetime.date(2025, 10, 30)
    cycle = apps.get_model("evaluations", "Cycle").objects.create(
        tenant=tenant, year=2025, registration_closes=day, self_assessment_due=day, review_due=day, unit_report_due=day)
    return tenant, unit, cycle
