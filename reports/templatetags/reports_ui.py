"""Display helpers of the reports pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from reports.documents import percent
from reports.selectors import ReportStatus

register = template.Library()

STATUS_LABELS = {
    ReportStatus.NOT_STARTED: _("Not started"),
    ReportStatus.SUBMITTED: _("Submitted"),
    ReportStatus.ACCEPTED: _("Accepted"),
    ReportStatus.RETURNED: _("Returned"),
    ReportStatus.LATE: _("Late"),
}


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, "")


@register.simple_tag
def ratio(part, whole) -> str:
    """"402/402 (100%)"; "–" when there is nothing to count."""
    if not whole:
        return "–"
    return f"{part}/{whole} ({percent(part, whole)})"


@register.filter
def pct_width(rate) -> str:
    """A rate as a CSS width, clamped to 0…100 (None draws an empty bar)."""
    return f"{max(0.0, min(100.0, float(rate or 0))):.1f}%"
