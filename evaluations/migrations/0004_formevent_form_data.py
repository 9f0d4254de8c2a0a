"""Each event's form moves from its foreign key (registration or self_assessment) to
(form_type, form_id), and back when migrated back: one UPDATE per form model."""

from django.db import migrations
from django.db.models import F

# Old foreign key → the model it points to.
LINKS = {"registration": "registration", "self_assessment": "selfassessment"}


def _form_type(apps, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # On a fresh database the content types are only created after every migration.
    return ContentType.objects.get_or_create(app_label="evaluations", model=model)[0]


def forward(apps, schema_editor):
    FormEvent = apps.get_model("evaluations", "FormEvent")
    for link, model in LINKS.items():
        FormEvent.objects.filter(**{f"{link}__isnull": False}).update(
            form_type=_form_type(apps, model), form_id=F(f"{link}_id"))


def backward(apps, schema_editor):
    FormEvent = apps.get_model("evaluations", "FormEvent")
    for link, model in LINKS.items():
        FormEvent.objects.filter(form_type=_form_type(apps, model)).update(**{f"{link}_id": F("form_id")})


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0003_formevent_form_fields'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
