from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        from evaluations import receivers
        from models_registry.signals import programme_changed

        programme_changed.connect(receivers.programme_changed, dispatch_uid="evaluations.programme_changed")
