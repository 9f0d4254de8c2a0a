"""The beat schedule of the sweep that hands the broker what it missed while it was down
(`reports.tasks.resend_unsent`): every minute. Idempotent, like the other schedules."""

from django.db import migrations

NAME, TASK = "reports: resend what the job queue missed", "reports.tasks.resend_unsent"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={"task": TASK, "interval": every_minute,
                                                               "crontab": None, "enabled": True})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_queue_handover_and_pending_rollups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
