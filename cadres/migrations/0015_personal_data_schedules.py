"""The beat schedules of personal-data retention, nightly, Asia/Ho_Chi_Minh: purging access
records past their retention (2:30), de-identifying people past theirs (2:45). Idempotent."""

from django.db import migrations

SCHEDULES = [
    ("cadres: purge old access records", "cadres.tasks.purge_access_records", "30"),
    ("cadres: de-identify people past retention", "cadres.tasks.deidentify_past_retention", "45"),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour="2", day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Ho_Chi_Minh",
        )
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab, "enabled": True})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[n for n, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0014_access_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
