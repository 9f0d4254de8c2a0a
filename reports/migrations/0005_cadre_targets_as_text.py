"""Per-cadre target results as plain text (`reports.rollup.encode_targets`) instead of a JSON
object: the rows keep their values, rewritten from {"4": [1, 1]} to "4:1:1"."""

import json

from django.db import migrations, models

MODELS = ("CadreFigures", "SnapshotCadre")


def _convert(apps, convert, empty: str) -> None:
    for name in MODELS:
        model = apps.get_model("reports", name)
        rows = []
        for row in model.objects.exclude(targets__in=["", "{}"]).only("id", "targets").iterator(chunk_size=2000):
            row.targets = convert(row.targets)
            rows.append(row)
            if len(rows) == 2000:
                model.objects.bulk_update(rows, ["targets"])
                rows = []
        model.objects.bulk_update(rows, ["targets"])
        model.objects.filter(targets__in=["", "{}"]).update(targets=empty)


def to_text(apps, schema_editor) -> None:
    def convert(value: str) -> str:
        targets = json.loads(value)
        return ",".join(f"{key}:{met}:{total}" for key, (met, total) in sorted(targets.items(), key=lambda item: int(item[0])))

    _convert(apps, convert, "")


def to_json(apps, schema_editor) -> None:
    def convert(value: str) -> str:
        items = (item.split(":") for item in value.split(",") if item)
        return json.dumps({key: [int(met), int(total)] for key, met, total in items})

    _convert(apps, convert, "{}")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_snapshot_closed_cycles"),
    ]

    operations = [
        migrations.AlterField(model_name="cadrefigures", name="targets", field=models.TextField(blank=True)),
        migrations.AlterField(model_name="snapshotcadre", name="targets", field=models.TextField(blank=True)),
        migrations.RunPython(to_text, to_json),
    ]
