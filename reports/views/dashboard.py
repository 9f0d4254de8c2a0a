"""The completeness dashboard: a unit and its direct sub-units with their rates, report
status and the 4 chỉ tiêu, charts drawn on the server; drill down by opening a sub-unit;
the cadres of a subtree who have not registered. Managers and provincial staff only: the
unit is fetched through `get_dashboard_unit_for_user`, anything else is a 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cadres.selectors import access_for, active_positions_in_subtree, managed_roots, visible_ancestors
from reports import charts
from reports.charts import INDICATOR_COLOURS
from reports.models import ReportFileKind
from reports.selectors import (
    completeness,
    get_dashboard_unit_for_user,
    report_files_for,
    reports_awaiting_decision,
    unregistered_cadres,
)
from reports.views.common import pick_cycle, pick_figures

INDICATOR_LABELS = [
    _("Target 1: units with a programme of their own"),
    _("Target 2: cadres with a registration and a self-assessment"),
    _("Target 3: grassroots secretaries with a recognised initiative"),
    _("Target 4: civil-servant cadres meeting all “4 được”"),
]
SUMMARY_BUTTONS = [(ReportFileKind.SUMMARY_PDF, _("Download the summary PDF")),
                   (ReportFileKind.SUMMARY_XLSX, _("Download Excel"))]
UNREGISTERED_PER_PAGE = 50
RECENT_FILES = 5


@login_required
def reports_dashboard(request):
    """The top of what the user manages (the province for provincial staff)."""
    roots = list(managed_roots(request.user))
    if not roots:
        raise Http404
    return _dashboard(request, roots[0], other_roots=roots[1:])


@login_required
def reports_unit_dashboard(request, tenant_slug: str, code: str):
    # Archived units too: the years before a merge or split are read from their snapshots.
    unit = get_dashboard_unit_for_user(request.user, tenant_slug, code, include_archived=True)
    return _dashboard(request, unit)


def _breadcrumb(user, unit):
    access = access_for(user)
    return [ancestor for ancestor in visible_ancestors(user, unit) if access.manages_path(ancestor.path)]


def _dashboard(request, unit, other_roots=()):
    cycle, cycles = pick_cycle(request, unit)
    context = {"unit": unit, "cycle": cycle, "cycles": cycles, "other_roots": other_roots,
               "breadcrumb": _breadcrumb(request.user, unit)}
    if cycle is not None:
        source, frozen = pick_figures(request, cycle, unit)
        context.update(frozen)
        head, *children = completeness(unit, cycle, source=source)
        for row in children:
            row.unregistered = row.figures.cadres - row.figures.registered if row.figures else 0
        context.update(
            head=head, children=children,
            indicators=list(zip(INDICATOR_LABELS, head.figures.indicators, INDICATOR_COLOURS)) if head.figures else [],
            rating_chart=charts.rating_chart(head.figures.ratings) if head.figures else "",
            indicators_chart=charts.indicators_chart(children) if children else "",
            legend=list(zip(INDICATOR_LABELS, INDICATOR_COLOURS)),
            awaiting=reports_awaiting_decision(request.user, cycle).filter(unit__path__startswith=unit.path),
            files=report_files_for(request.user, unit, cycle)[:RECENT_FILES],
            summary_buttons=SUMMARY_BUTTONS,
        )
    return render(request, "reports/dashboard.html", context)


@login_required
def reports_unregistered(request, tenant_slug: str, code: str):
    """Who still owes a registration, with a phone number to call, a page at a time."""
    unit = get_dashboard_unit_for_user(request.user, tenant_slug, code)
    cycle, cycles = pick_cycle(request, unit)
    page = None
    positions = {}
    if cycle is not None:
        source, _frozen = pick_figures(request, cycle, unit)
        page = Paginator(unregistered_cadres(unit, cycle, source=source), UNREGISTERED_PER_PAGE).get_page(
            request.GET.get("page"))
        positions = active_positions_in_subtree(unit, list(page.object_list))
    rows = [(cadre, positions.get(cadre.pk, [])) for cadre in page.object_list] if page else []
    return render(request, "reports/unregistered.html", {
        "unit": unit, "cycle": cycle, "cycles": cycles, "page": page, "rows": rows,
        "breadcrumb": _breadcrumb(request.user, unit),
    })
