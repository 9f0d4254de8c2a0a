"""Target results kept per home unit (`UnitTargetFigures`) instead of per cadre: each open
cycle's per-cadre results (`CadreFigures.targets`) are summed per home unit before the
column goes. Migrating back leaves the per-cadre column empty: the next full rollup
(`manage.py rollup`) fills it again."""

import django.db.models.deletion
from django.db import migrations, models


def sum_per_home_unit(apps, schema_editor) -> None:
    CadreFigures = apps.get_model("reports", "CadreFigures")
    UnitTargetFigures = apps.get_model("reports", "UnitTargetFigures")
    Criterion = apps.get_model("models_registry", "Criterion")
    sums: dict[tuple, list] = {}
    rows = CadreFigures.objects.filter(unit__isnull=False).exclude(targets={}).values_list(
        "tenant_id", "cycle_id", "unit_id", "targets", "computed_at")
    for tenant_id, cycle_id, unit_id, targets, computed_at in rows.iterator(chunk_size=5000):
        for criterion_id, (met, total) in targets.items():
            entry = sums.setdefault((tenant_id, cycle_id, unit_id, int(criterion_id)), [0, 0, computed_at])
            entry[0] += met
            entry[1] += total
            entry[2] = max(entry[2], computed_at)
    existing = set(Criterion.objects.values_list("pk", flat=True))
    UnitTargetFigures.objects.bulk_create(
        [UnitTargetFigures(tenant_id=tenant_id, cycle_id=cycle_id, unit_id=unit_id, criterion_id=criterion_id,
                           met=met, total=total, computed_at=computed_at)
         for (tenant_id, cycle_id, unit_id, criterion_id), (met, total, computed_at) in sums.items()
         if criterion_id in existing], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0003_position_start_date_required"),
        ("evaluations", "0002_cycle_reopen_reason_assessment_cadre_index"),
        ("models_registry", "0001_initial"),
        ("reports", "0004_snapshot_closed_cycles"),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitTargetFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('met', models.PositiveIntegerField(default=0)),
                ('total', models.PositiveIntegerField(default=0)),
                ('computed_at', models.DateTimeField()),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='models_registry.criterion')),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='evaluations.cycle')),
                ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cadres.tenant')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cadres.unit')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('cycle', 'unit', 'criterion'), name='unit_target_figures_unique')],
            },
        ),
        migrations.RunPython(sum_per_home_unit, migrations.RunPython.noop),
        migrations.RemoveField(model_name="cadrefigures", name="targets"),
    ]
