from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        from cadres import signals
        from evaluations import reorganised

        signals.unit_impact.connect(reorganised.unit_impact, dispatch_uid="evaluations.unit_impact")
        signals.positions_transferred.connect(reorganised.positions_transferred,
                                              dispatch_uid="evaluations.positions_transferred")
        signals.units_reorganised.connect(reorganised.units_reorganised, dispatch_uid="evaluations.units_reorganised")
        from evaluations import receivers
        from models_registry.signals import programme_changed

        programme_changed.connect(receivers.programme_changed, dispatch_uid="evaluations.programme_changed")
        signals.deidentifying.connect(receivers.cadre_deidentifying, dispatch_uid="evaluations.deidentifying")
