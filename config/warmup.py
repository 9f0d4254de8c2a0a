"""What a web process loads before its first request (config/wsgi.py): the URL patterns and
their views, the translation catalogues and the project's compiled templates. Django loads
each of them on first use, so a fresh gunicorn worker (at start, and after every
`max_requests`) made its first people wait: ≈2 s for the URLs' imports and up to 1 s a page
for its templates at 100,000 cadres, every worker thread racing on the same locks. Nothing
here touches the database or the cache."""

import logging
from pathlib import Path

from django.conf import settings
from django.template import Engine, TemplateSyntaxError
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt")


def project_templates() -> list[str]:
    """The names of the templates under the project's template directories."""
    names: list[str] = []
    for directory in Engine.get_default().dirs:
        root = Path(directory)
        names += sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.suffix in TEMPLATE_SUFFIXES)
    return names


def warm_up() -> int:
    """Load what the first requests would; returns how many templates were compiled."""
    get_resolver().url_patterns  # noqa: B018 (imports every URLconf and view module)
    reverse("healthz")  # builds the reverse lookup tables
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    engine = Engine.get_default()  # the DjangoTemplates backend's, with its cached loader
    compiled = 0
    for name in project_templates():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:  # its page fails with its own error when asked for; the others still load
            logger.exception("template %s does not compile", name)
            continue
        compiled += 1
    return compiled
