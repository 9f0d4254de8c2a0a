"""When a job or an immediate email was handed to the broker (empty while the queue was not
answering, for the sweep) and when a run claimed a job. Rows from before were handed over
(a refusal then failed the job or was logged), so they get their creation time."""

from django.db import migrations, models
from django.db.models import F


def mark_existing_handed_over(apps, schema_editor):
    apps.get_model("cadres", "ImportJob").objects.update(sent_at=F("created_at"))
    apps.get_model("cadres", "Notice").objects.filter(email="immediate").update(email_queued_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0007_unit_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='importjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='notice',
            name='email_queued_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_existing_handed_over, migrations.RunPython.noop),
    ]
