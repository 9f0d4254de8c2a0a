"""A sáng kiến counts only once its reviewer or the unit's BTV recognises it. Every one
logged before is the cadre's own claim: it becomes "awaiting recognition" with the body
the cadre typed kept in `recognised_by`, and nothing of it counts until someone who may
confirms it (chỉ tiêu 3, criteria counting initiatives)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _claims_await_recognition(apps, schema_editor):
    Initiative = apps.get_model("evaluations", "Initiative")
    Initiative.objects.update(state="pending", updated_at=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0009_notice_and_reminder_kinds'),
        ('evaluations', '0007_collective_meeting_closed_drafts_evidence_source'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='initiative',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='initiative',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='initiative',
            name='decision_comment',
            field=models.CharField(blank=True, max_length=1000, verbose_name='comment'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='decision_date',
            field=models.DateField(blank=True, null=True, verbose_name='decision date'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='decision_number',
            field=models.CharField(blank=True, max_length=100, verbose_name='decision number'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='lock_version',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='initiative',
            name='state',
            field=models.CharField(choices=[('pending', 'Awaiting recognition'), ('recognised', 'Recognised'), ('not_recognised', 'Not recognised')], default='pending', max_length=20, verbose_name='state'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunPython(_claims_await_recognition, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='initiative',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'recognised'), _negated=True), models.Q(models.Q(('recognised_by', ''), _negated=True), models.Q(('decision_number', ''), _negated=True), ('decision_date__isnull', False)), _connector='OR'), name='initiative_recognised_has_decision'),
        ),
    ]
