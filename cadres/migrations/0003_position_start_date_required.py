"""Every position has a start date.

A position without one counted as held on any date, so importing next year's cadres changed
a closed year's figures. Existing positions get the date they were recorded: the earliest
"position.create" audit row (as a local date), else the day their cadre was created. Positions
that were ended before they were recorded (a back-dated end) start on their end date, so the
check constraint holds.

The fill is one set-based UPDATE with correlated subqueries, not a query per row: the audit
lookup uses the (object_type, object_id) index, so 100k positions stay one statement, on
SQLite and PostgreSQL alike.
"""

import zoneinfo

from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Cast, Coalesce, Least, TruncDate


def fill_start_dates(apps, schema_editor):
    Position = apps.get_model("cadres", "Position")
    AuditEvent = apps.get_model("cadres", "AuditEvent")
    Cadre = apps.get_model("cadres", "Cadre")
    db = schema_editor.connection.alias
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    recorded = (AuditEvent.objects.using(db)
                .filter(action="position.create", object_type="cadres.position",
                        object_id=Cast(OuterRef("pk"), output_field=CharField()))
                .order_by("created_at", "pk")
                .values(day=TruncDate("created_at", tzinfo=local))[:1])
    cadre_created = (Cadre.objects.using(db).filter(pk=OuterRef("cadre_id"))
                     .values(day=TruncDate("created_at", tzinfo=local))[:1])
    start = Coalesce(Subquery(recorded), Subquery(cadre_created), output_field=models.DateField())
    # One statement, each row updated once: on PostgreSQL a second update of a row this transaction
    # wrote queues its foreign-key checks, and ALTER TABLE then refuses to run ("pending trigger events").
    Position.objects.using(db).filter(start_date__isnull=True).update(
        start_date=Case(When(end_date__isnull=True, then=start), default=Least(start, F("end_date"))))


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0002_import_job"),
    ]

    operations = [
        # Dropped first: with a NULL start the old check passed whatever the end date was.
        migrations.RemoveConstraint(model_name="position", name="position_ends_after_start"),
        migrations.RunPython(fill_start_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="position",
            name="start_date",
            field=models.DateField(verbose_name="from"),
        ),
        migrations.AddConstraint(
            model_name="position",
            constraint=models.CheckConstraint(
                condition=Q(("end_date__isnull", True), ("end_date__gte", F("start_date")), _connector="OR"),
                name="position_ends_after_start",
            ),
        ),
    ]
