"""The beat schedule: a full rollup every night and the reminders every morning, in
Asia/Ho_Chi_Minh. Idempotent: running it again (or `setup_schedules`) changes nothing."""

from django.db import migrations

SCHEDULES = [
    # (name, task, hour, minute)
    ("reports: nightly rollup", "reports.tasks.rollup_nightly", "1", "30"),
    ("reports: reminders and late lists", "reports.tasks.send_reminders", "7", "0"),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, minute in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Ho_Chi_Minh",
        )
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab,
                                                                   "enabled": True})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
