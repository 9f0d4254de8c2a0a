"""Display helpers of the reports pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from reports.documents import percent
from reports.figures import rate_text
from reports.selectors import STATUS_CLASS, ReportStatus

register = template.Library()

STATUS_LABELS = {
    ReportStatus.NOT_STARTED: _("Not submitted"),
    ReportStatus.OVERDUE: _("Not submitted, overdue"),
    ReportStatus.SUBMITTED: _("Submitted on time"),
    ReportStatus.LATE: _("Submitted late"),
    ReportStatus.ACCEPTED: _("Accepted"),
    ReportStatus.RETURNED: _("Returned"),
}


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, "")


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASS.get(status, "badge")


@register.filter
def rate(value: float | None) -> str:
    return rate_text(value)


@register.simple_tag
def ratio(part, whole) -> str:
    """"402/402 (100%)"; "–" when there is nothing to count."""
    if not whole:
        return "–"
    return f"{part}/{whole} ({percent(part, whole)})"

