"""FormEvent refers to its form through one generic relation, in three steps (each its own
transaction: PostgreSQL refuses to alter a table whose rows were just updated in the same
one): the new columns beside the two foreign keys (here); the data (0004); the
old keys dropped (0005)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('evaluations', '0002_cycle_reopen_reason_assessment_cadre_index'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='formevent',
            name='form_event_one_form',
        ),
        migrations.AddField(
            model_name='formevent',
            name='form_type',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                    to='contenttypes.contenttype'),
        ),
        # 0 for the moment: every row gets its form's id in 0004.
        migrations.AddField(
            model_name='formevent',
            name='form_id',
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
    ]
