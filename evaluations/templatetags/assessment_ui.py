"""Display helpers for the activity log and the self-assessment pages."""

from decimal import Decimal

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def amount(value) -> str:
    """A decimal without trailing zeros, with the language's decimal mark: 2,5 and 3."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def gains(form) -> list[tuple[str, bool | None]]:
    """The "4 được" of a self-assessment as (label, answer) pairs."""
    from evaluations.forms.drafts import GAINS_FIELDS

    return [(str(form._meta.get_field(name).verbose_name).capitalize(), getattr(form, name)) for name in GAINS_FIELDS]
