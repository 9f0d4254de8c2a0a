"""Vietnamese display rules (domain §9) as template filters.

Dates always read dd/mm/yyyy, whatever the language; numbers group thousands with the
active language's separator ("." in Vietnamese) without turning on
USE_THOUSAND_SEPARATOR, which would also group ids printed into URLs; phones read in the
national format.
"""

import datetime

from django import template
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cadres.text import display_phone

register = template.Library()


@register.filter
def dmy(value) -> str:
    """A date as dd/mm/yyyy; empty for no date."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return ""


@register.filter
def phone(value) -> str:
    """A stored phone in the national format: "0912 345 678", "0296 3852 123". The tel: link
    takes the stored E.164 value itself (`href="tel:{{ cadre.phone }}"`)."""
    return display_phone(value or "")


@register.filter
def num(value) -> str:
    """An integer with thousands grouped: 12.345 in Vietnamese."""
    if value is None or value == "":
        return ""
    # Django's Vietnamese locale sets no NUMBER_GROUPING, so group by three here.
    return numberformat.format(
        value, get_format("DECIMAL_SEPARATOR"), grouping=3, thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, for pagination links."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def position_status(position) -> str:
    """"current", "ended" or "upcoming", for the badge beside a position."""
    today = timezone.localdate()
    if position.end_date and position.end_date < today:
        return "ended"
    if position.start_date > today:
        return "upcoming"
    return "current"


@register.simple_tag
def bar(rate, colour: str = "") -> SafeString:
    """The filled part of a bar, `rate` percent of its track (clamped to 0…100; None is
    empty). SVG, whose width and fill are attributes: a style attribute would be refused
    by the Content-Security-Policy. It takes the track's CSS `fill` unless given a colour."""
    width = max(0.0, min(100.0, float(rate or 0)))
    return format_html(
        '<svg class="bar-fill" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        '<rect width="{}" height="1"{}/></svg>',
        f"{width:.1f}", format_html(' fill="{}"', colour) if colour else "",
    )
