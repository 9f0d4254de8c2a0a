"""PDF documents in the Đoàn's official format (domain §8), rendered by WeasyPrint: the
machinery every app's documents share (the forms in evaluations, the reports), so it sits
below all of them and knows none of their models.

The serif font ships with the app (static/fonts, Liberation Serif 2, which has every
Vietnamese glyph), so a PDF looks the same on every server. WeasyPrint may only read the
app's own static files: a document never fetches anything over the network.
"""

import datetime
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from weasyprint import CSS

FONT_FAMILY = "Liberation Serif"
_FONT_FACES = [("Regular", "normal", "normal"), ("Bold", "bold", "normal"),
               ("Italic", "normal", "italic"), ("BoldItalic", "bold", "italic")]


@dataclass(frozen=True)
class OfficialHeader:
    """The two-column header: who issues the document, its number, where and when."""

    superior: str  # e.g. "TỈNH ĐOÀN AN GIANG"
    issuer: str  # e.g. "BCH HUYỆN ĐOÀN CHỢ MỚI", printed bold
    number: str = "Số: …-BC/TĐTN-TCKT"
    place: str = ""
    date: datetime.date | None = None
    recipients: list[str] = field(default_factory=list)
    signer_title: str = "BÍ THƯ"
    on_behalf: str = "TM. BAN THƯỜNG VỤ"
    signer_name: str = ""


def _font_css() -> "CSS":
    from weasyprint import CSS

    faces = []
    for style, weight, slant in _FONT_FACES:
        path = Path(finders.find(f"fonts/LiberationSerif-{style}.ttf"))
        faces.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_uri()}");'
            f" font-weight: {weight}; font-style: {slant}; }}"
        )
    return CSS(string="\n".join(faces), url_fetcher=_fetcher_class()())


def _static_roots() -> list[Path]:
    return [Path(p).resolve() for p in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT).resolve()]


# WeasyPrint (≈1 s to import) is loaded when a PDF is made, not when a command or a web
# process starts: every module that can make a PDF imports this one.
@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class LocalStaticFetcher(URLFetcher):
        """Serve file: URLs inside the static folders; refuse everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(unquote(url[len("file://"):].split("?")[0])).resolve()
                if any(path.is_relative_to(root) for root in _static_roots()):
                    return super().fetch(url, headers)
            raise ValueError(f"PDF documents may not fetch {url}")

    return LocalStaticFetcher


def __getattr__(name: str) -> Any:
    if name == "LocalStaticFetcher":
        return _fetcher_class()
    raise AttributeError(name)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=_fetcher_class()())
    return document.write_pdf(stylesheets=[_font_css()])


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template that extends pdf/official.html to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
