"""The outcome of a yes/no or prohibition result (đạt / chưa đạt, giữ đúng / vi phạm).
Existing results get a blank outcome: nothing is guessed, nothing lost; the cadre answers
it on their next submission."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0005_formevent_one_relation'),
    ]

    operations = [
        migrations.AddField(
            model_name='commitmentresult',
            name='outcome',
            field=models.CharField(blank=True, choices=[('met', 'Done'), ('not_met', 'Not done'), ('kept', 'Kept'), ('broken', 'Broken')], max_length=8, verbose_name='outcome'),
        ),
    ]
