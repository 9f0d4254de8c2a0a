"""When a report file was handed to the broker and claimed by a run (like the imports in
cadres 0008), and the cycles whose figures missed a rollup while the queue was down."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def mark_existing_handed_over(apps, schema_editor):
    apps.get_model("reports", "ReportFile").objects.update(sent_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0008_queue_handover'),
        ('evaluations', '0007_collective_meeting_closed_drafts_evidence_source'),
        ('reports', '0005_unit_target_figures'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportfile',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='reportfile',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='PendingRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('marked_at', models.DateTimeField()),
                ('cycle', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='evaluations.cycle')),
                ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cadres.tenant')),
            ],
        ),
        migrations.RunPython(mark_existing_handed_over, migrations.RunPython.noop),
    ]
