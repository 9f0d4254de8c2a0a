from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from evaluations.models import FormEvent
        from reports.signals import form_event_saved

        post_save.connect(form_event_saved, sender=FormEvent, dispatch_uid="reports.form_event_saved")
