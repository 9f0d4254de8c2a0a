# Notices (issue 11): the in-app and email notices at each hand-off, and each person's choice of email.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0004_auditevent_unit_cadre'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='notice_email',
            field=models.CharField(choices=[('immediate', 'At once, one email per notice'), ('digest', "Once a day, all of the day's notices in one email"), ('none', 'No email: in the app only')], default='immediate', max_length=10, verbose_name='email me my notices'),
        ),
        migrations.CreateModel(
            name='Notice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('submitted', 'Form to review'), ('returned', 'Form returned'), ('approved', 'Registration approved'), ('proposed', 'Rating proposed'), ('rated', 'Final rating'), ('report_submitted', 'Unit report submitted'), ('report_returned', 'Unit report returned'), ('report_accepted', 'Unit report accepted'), ('join_request', 'Join request'), ('late', 'Deadline passed')], max_length=20)),
                ('subject', models.CharField(max_length=200)),
                ('body', models.TextField(blank=True)),
                ('link', models.CharField(blank=True, max_length=300)),
                ('email', models.CharField(choices=[('immediate', 'At once, one email per notice'), ('digest', "Once a day, all of the day's notices in one email"), ('none', 'No email: in the app only')], max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('emailed_at', models.DateTimeField(blank=True, null=True)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to=settings.AUTH_USER_MODEL)),
                ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cadres.tenant')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['recipient', 'read_at'], name='notice_recipient_unread'), models.Index(fields=['email', 'emailed_at'], name='notice_email_pending')],
            },
        ),
    ]
