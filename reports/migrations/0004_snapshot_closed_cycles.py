"""Closed cycles get their frozen figures: version 1 of each is what its live rows held at
this migration, on the tree as it stands. Nothing is deleted. The cadres counted cannot be
recovered from those rows, so such a snapshot lists none (its figures are complete)."""

import datetime

from django.db import migrations

FIGURES = [
    "cadres", "registered", "registrations_approved", "self_assessed", "self_assessments_finalised",
    "registered_and_self_assessed", "rated_excellent", "rated_good", "rated_completed", "rated_not_completed",
    "late_registrations", "late_self_assessments", "grassroots_secretaries", "grassroots_secretaries_with_initiative",
    "civil_servants", "civil_servants_four_gains", "units", "units_with_programme", "grassroots_units",
    "grassroots_units_complete", "extra",
]


def freeze_closed_cycles(apps, schema_editor):
    Cycle = apps.get_model("evaluations", "Cycle")
    Unit = apps.get_model("cadres", "Unit")
    UnitFigures = apps.get_model("reports", "UnitFigures")
    FiguresSnapshot = apps.get_model("reports", "FiguresSnapshot")
    SnapshotUnit = apps.get_model("reports", "SnapshotUnit")
    for cycle in Cycle.objects.filter(status="closed"):
        if FiguresSnapshot.objects.filter(cycle=cycle).exists():
            continue
        closed = cycle.closed_at.date() if cycle.closed_at else datetime.date(cycle.year, 12, 31)
        snapshot = FiguresSnapshot.objects.create(tenant_id=cycle.tenant_id, cycle=cycle, version=1,
                                                  reference_date=min(closed, datetime.date(cycle.year, 12, 31)))
        by_path = {u.path: u for u in Unit.objects.filter(tenant_id=cycle.tenant_id)}
        by_id = {u.pk: u for u in by_path.values()}
        rows = []
        for figures in UnitFigures.objects.filter(cycle=cycle).iterator(chunk_size=2000):
            unit = by_id[figures.unit_id]
            rows.append(SnapshotUnit(
                tenant_id=cycle.tenant_id, snapshot=snapshot, unit=unit, parent_unit=by_path.get(unit.path[:-4]),
                path=unit.path, depth=unit.depth, code=unit.code, name=unit.name, level=unit.level,
                sector=unit.sector, **{name: getattr(figures, name) for name in FIGURES}))
        SnapshotUnit.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_cadre_figures_and_snapshots")]

    operations = [migrations.RunPython(freeze_closed_cycles, migrations.RunPython.noop)]
