from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from cadres import signals as cadres_signals
        from cadres.models import AuditEvent, Cadre, Position
        from evaluations import signals as evaluations_signals
        from evaluations.models import FormEvent, Initiative
        from reports import signals

        post_save.connect(signals.form_event_saved, sender=FormEvent, dispatch_uid="reports.form_event_saved")
        for model in (Position, Cadre, Initiative):
            post_save.connect(signals.cadre_changed, sender=model, dispatch_uid=f"reports.{model.__name__}.saved")
        for model in (Position, Initiative):
            post_delete.connect(signals.cadre_changed, sender=model, dispatch_uid=f"reports.{model.__name__}.deleted")
        post_save.connect(signals.unit_changed, sender=AuditEvent, dispatch_uid="reports.tree_changed")
        evaluations_signals.cycle_closing.connect(signals.cycle_closing, dispatch_uid="reports.cycle_closing")
        evaluations_signals.cycle_opened.connect(signals.cycle_opened, dispatch_uid="reports.cycle_opened")
        cadres_signals.unit_impact.connect(signals.unit_impact, dispatch_uid="reports.unit_impact")
