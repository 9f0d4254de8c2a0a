"""Display helpers for programme pages: targets in Vietnamese, status badges."""

from django import template
from django.utils.translation import gettext as _

from models_registry.models import ActivityKind, CriterionKind, MeasureUnit, Period, ProgrammeStatus

register = template.Library()

STATUS_BADGE = {ProgrammeStatus.DRAFT: "badge-warn", ProgrammeStatus.PUBLISHED: "badge-ok",
                ProgrammeStatus.ARCHIVED: ""}


def number(value) -> str:
    """2.50 → "2,5": a target as a person writes it."""
    return format(value.normalize(), "f").replace(".", ",")


@register.simple_tag
def target_text(criterion, target=None) -> str:
    """"At least 4 activities per month" for a quantitative criterion (its own target unless
    an audience's is given); the period alone for a yes/no one; "" otherwise."""
    # An unset template variable arrives as "", not None.
    value = target if target not in (None, "") else criterion.target
    # Both may be blank on a criterion: no period counts over the year (as the progress does).
    period = Period(criterion.period).label if criterion.period in Period.values else Period.YEAR.label
    if criterion.kind == CriterionKind.QUANTITATIVE and value is not None:
        if criterion.measure not in MeasureUnit.values:
            return _("At least %(target)s per %(period)s") % {"target": number(value), "period": period}
        return _("At least %(target)s %(measure)s per %(period)s") % {
            "target": number(value), "measure": MeasureUnit(criterion.measure).label, "period": period}
    if criterion.kind == CriterionKind.YES_NO and criterion.period in Period.values:
        return _("Once per %(period)s") % {"period": period}
    return ""


@register.filter
def status_badge(programme) -> str:
    return STATUS_BADGE.get(programme.status, "")


@register.filter
def percent(share) -> int:
    """0.734 → 73."""
    return round(float(share or 0) * 100)


@register.filter
def activity_labels(criterion) -> str:
    return ", ".join(str(ActivityKind(kind).label) for kind in criterion.activity_kinds if kind in ActivityKind.values)


@register.filter
def audience_text(row) -> str:
    """One audience row as words: "Bí thư · Cấp huyện · chuyên trách"."""
    parts = []
    if row.role:
        parts.append(str(row.get_role_display()))
    if row.unit_level:
        parts.append(str(row.get_unit_level_display()))
    if row.full_time:
        parts.append(_("full-time") if row.full_time == "yes" else _("not full-time"))
    if row.civil_servant:
        parts.append(_("civil servant") if row.civil_servant == "yes" else _("not a civil servant"))
    return " · ".join(parts) or _("Everyone")
