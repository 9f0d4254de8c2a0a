from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    """django.contrib.admin with the platform's own site (config/admin.py) as `admin.site`."""

    default_site = "config.admin.PlatformAdminSite"

    def ready(self) -> None:
        super().ready()
        from config import admin

        admin.connect_audit()
