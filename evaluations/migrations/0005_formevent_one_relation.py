import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('evaluations', '0004_formevent_form_data'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='formevent',
            name='registration',
        ),
        migrations.RemoveField(
            model_name='formevent',
            name='self_assessment',
        ),
        migrations.AlterField(
            model_name='formevent',
            name='form_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                    to='contenttypes.contenttype'),
        ),
        migrations.AddIndex(
            model_name='formevent',
            index=models.Index(fields=['form_type', 'form_id', 'created_at'], name='form_event_timeline'),
        ),
    ]
