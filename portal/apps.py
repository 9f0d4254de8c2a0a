from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: pages and commands that put several apps together (the home page,
    the managers' hub, the demo). Every other app stays unaware of it."""

    name = "portal"
