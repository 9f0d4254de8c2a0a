"""The beat schedule that purges access records past their retention: nightly at 2:30,
Asia/Ho_Chi_Minh. Idempotent, like the other schedules."""

from django.db import migrations

NAME, TASK = "cadres: purge old access records", "cadres.tasks.purge_access_records"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Ho_Chi_Minh",
    )
    PeriodicTask.objects.update_or_create(name=NAME, defaults={"task": TASK, "crontab": crontab, "enabled": True})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0014_access_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
