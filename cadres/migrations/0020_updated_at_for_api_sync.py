"""`updated_at` on positions, and indexes on (tenant, updated_at), for the API's
`updated_since`. Existing positions take their cadre's `updated_at` (the latest time the
cadre was known to change), not the migration's time, so no sync sees every row as new."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0019_breach_register'),
    ]

    operations = [
        migrations.AddField(
            model_name='position',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunSQL(
            "UPDATE cadres_position SET updated_at = "
            "(SELECT c.updated_at FROM cadres_cadre c WHERE c.id = cadres_position.cadre_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='cadre',
            index=models.Index(fields=['tenant', 'updated_at'], name='cadre_tenant_updated'),
        ),
        migrations.AddIndex(
            model_name='position',
            index=models.Index(fields=['tenant', 'updated_at'], name='position_tenant_updated'),
        ),
        migrations.AddIndex(
            model_name='unit',
            index=models.Index(fields=['tenant', 'updated_at'], name='unit_tenant_updated'),
        ),
    ]
