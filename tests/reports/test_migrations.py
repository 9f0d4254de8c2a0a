"""reports 0005: the per-cadre target results become per-home-unit sums, nothing lost."""


import pytest
from django.utils import timezone

from reports.models import UnitTargetFigures
from tests.historical import historical_cycle, migrate_to

BEFORE = [("reports", "0004_snapshot_closed_cycles")]
AFTER = [("reports", "0005_unit_target_figures")]


# Schema changes must run outside a transaction on SQLite.
@pytest.mark.django_db(transaction=True)
def test_target_results_are_summed_per_home_unit(latest_schema_after):
    apps = migrate_to(BEFORE)
    tenant, root, cycle = historical_cycle(apps)
    branch = apps.get_model("cadres", "Unit").objects.create(tenant=tenant, path="00010001", depth=2, code="CD",
                                                            name="Chi đoàn 1", level="branch")
    programme = apps.get_model("models_registry", "Programme").objects.create(
        tenant=tenant, owner_unit=root, name="Mô hình", start_year=2025, end_year=2025)
    group = apps.get_model("models_registry", "CriteriaGroup").objects.create(tenant=tenant, programme=programme,
                                                                              title="Nhóm")
    Criterion = apps.get_model("models_registry", "Criterion")
    first, second = (Criterion.objects.create(tenant=tenant, group=group, title=f"Tiêu chí {n}", kind="quantitative")
                     for n in (1, 2))
    Cadre, Figures = apps.get_model("cadres", "Cadre"), apps.get_model("reports", "CadreFigures")
    for name, unit, targets in (("An", branch, {str(first.pk): [1, 2], str(second.pk): [0, 1]}),
                                ("Bình", branch, {str(first.pk): [1, 1]}),
                                ("Chi", root, {str(second.pk): [1, 1]}),
                                ("Dũng", root, {})):
        cadre = Cadre.objects.create(tenant=tenant, full_name=name, sort_key=name, search_text=name)
        Figures.objects.create(tenant=tenant, cycle=cycle, cadre=cadre, unit=unit, path=unit.path, depth=unit.depth,
                               computed_at=timezone.now(), targets=targets)

    migrate_to(AFTER)

    sums = {(row.unit_id, row.criterion_id): (row.met, row.total) for row in UnitTargetFigures.objects.all()}
    assert sums == {(branch.pk, first.pk): (2, 3), (branch.pk, second.pk): (0, 1), (root.pk, second.pk): (1, 1)}
