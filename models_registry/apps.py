from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = _("Programmes")

    def ready(self):
        from cadres import signals
        from models_registry.selectors import unit_impact

        signals.unit_impact.connect(unit_impact, dispatch_uid="models_registry.unit_impact")
