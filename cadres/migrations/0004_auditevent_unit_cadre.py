"""Each audit row names the unit it happened in and the cadre it is about, so the audit trail
pages read a unit's subtree or a cadre's history with one indexed query.

Existing rows are filled from their object: one set-based UPDATE per object type with a
correlated subquery (the object's `unit_id`/`owner_unit_id`, `cadre_id`, or the object itself),
and from `data` for the two cycle rows that name a unit or a cadre there. An app whose
models are not in this migration's state (a fresh database, which has no rows yet) is skipped.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import BigIntegerField, OuterRef, Subquery
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast

# object type → (its unit column, its cadre column); "pk" when the object is that unit or cadre.
SUBJECTS = {
    "cadres.unit": ("pk", None),
    "cadres.cadre": (None, "pk"),
    "cadres.position": ("unit_id", "cadre_id"),
    "cadres.joinrequest": ("unit_id", "cadre_id"),
    "cadres.importjob": ("unit_id", None),
    "models_registry.programme": ("owner_unit_id", None),
    "evaluations.registration": ("unit_id", "cadre_id"),
    "evaluations.selfassessment": ("unit_id", "cadre_id"),
    "evaluations.activity": (None, "cadre_id"),
    "evaluations.initiative": (None, "cadre_id"),
    "evaluations.feedbackrequest": (None, "cadre_id"),
    "reports.unitreport": ("unit_id", None),
    "reports.reportfile": ("unit_id", None),
}


def fill_subjects(apps, schema_editor):
    AuditEvent = apps.get_model("cadres", "AuditEvent")
    Unit = apps.get_model("cadres", "Unit")
    db = schema_editor.connection.alias
    for object_type, columns in SUBJECTS.items():
        try:
            model = apps.get_model(object_type)
        except LookupError:
            continue
        same = model.objects.using(db).filter(pk=Cast(OuterRef("object_id"), BigIntegerField()))
        values = {field: Subquery(same.values(column)[:1])
                  for field, column in zip(("unit_id", "cadre_id"), columns) if column}
        AuditEvent.objects.using(db).filter(object_type=object_type).update(**values)
    AuditEvent.objects.using(db).filter(action="cycle.deadline_set").update(unit_id=Subquery(
        Unit.objects.using(db).filter(tenant_id=OuterRef("tenant_id"), code=KeyTextTransform("unit", OuterRef("data"))).values("pk")[:1]))
    AuditEvent.objects.using(db).filter(action="cycle.extension_grant").update(
        cadre_id=Cast(KT("data__cadre"), BigIntegerField()))


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0003_position_start_date_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="cadre",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="cadres.cadre"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="unit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="cadres.unit"),
        ),
        migrations.RunPython(fill_subjects, migrations.RunPython.noop),
    ]
