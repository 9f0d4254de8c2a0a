from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("Units and cadres")

    def ready(self):
        from cadres import tasks
        from cadres.models import Notice

        post_save.connect(tasks.notice_saved, sender=Notice, dispatch_uid="cadres.notice_saved")
        from django.contrib.auth.signals import user_logged_in

        from cadres import privacy

        user_logged_in.connect(privacy.remember_answer, dispatch_uid="cadres.privacy_notice")
