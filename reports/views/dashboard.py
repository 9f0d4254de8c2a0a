"""The completeness dashboard: a unit and its direct sub-units with their rates, report
status and the 4 chỉ tiêu, charts drawn on the server; drill down by opening a sub-unit;
the cadres of a subtree who have not registered. Managers and provincial staff only: the
unit is fetched through `get_dashboard_unit_for_user`, anything else is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy as _, ngettext
from django.views.decorators.http import require_POST

from cadres.models import AccessKind
from cadres.selectors import access_for, active_positions_in_subtree, managed_roots, visible_ancestors
from cadres.services.access_log import access_record_request
from reports import charts, trends
from reports.charts import INDICATOR_COLOURS
from reports.models import ReportFileKind
from reports.selectors import (
    completeness,
    get_dashboard_unit_for_user,
    nudged_today,
    report_files_for,
    reports_awaiting_decision,
    sorted_subunits,
    unregistered_cadres,
)
from reports.services.reminders import registration_nudge
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
# The sub-units table's orders (reports.selectors.SUBUNIT_SORTS), as its select offers them.
SORT_LABELS = [("late", _("Behind first")), ("name", _("Name")), ("registration", _("Registration rate, lowest first")),
               ("-registration", _("Registration rate, highest first")),
               ("self_assessment", _("Self-assessment rate, lowest first")), ("status", _("Report status"))]
# A huyện may hold hundreds of đoàn cơ sở: its sub-units (and their chart) a page at a time.
SUBUNITS_PER_PAGE = 50


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
        head, *rows = completeness(unit, cycle, source=source)
        table = {"sort": request.GET.get("sort", "late"), "behind": request.GET.get("behind") == "1",
                 "q": request.GET.get("q", "").strip()[:100]}
        shown = sorted_subunits(rows, table["sort"], behind_only=table["behind"], query=table["q"])
        page = Paginator(shown, SUBUNITS_PER_PAGE).get_page(request.GET.get("page"))
        children = list(page.object_list)
        for row in children:
            row.unregistered = row.figures.cadres - row.figures.registered if row.figures else 0
        context.update(
            head=head, children=children, page=page, table=table, subunit_count=len(rows),
            sorts=SORT_LABELS,
            indicators=list(zip(INDICATOR_LABELS, head.figures.indicators, INDICATOR_COLOURS)) if head.figures else [],
            rating_chart=charts.rating_chart(head.figures.ratings) if head.figures else "",
            indicators_chart=charts.indicators_chart(children) if children else "",
            legend=list(zip(INDICATOR_LABELS, INDICATOR_COLOURS)),
            awaiting=reports_awaiting_decision(request.user, cycle).filter(unit__path__startswith=unit.path),
            files=report_files_for(request.user, unit, cycle)[:RECENT_FILES],
            summary_buttons=SUMMARY_BUTTONS,
            **trends.trend_context(unit, cycle, cycles, head.figures, children=children),
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
    cadres = list(page.object_list) if page else []
    access_record_request(request, AccessKind.REPORT, cadres, tenant_id=unit.tenant_id, obj=unit)
    reminded = nudged_today(cadre.user_id for cadre in cadres if cadre.user_id)
    rows = [(cadre, positions.get(cadre.pk, []), cadre.user_id in reminded) for cadre in cadres]
    return render(request, "reports/unregistered.html", {
        "unit": unit, "cycle": cycle, "cycles": cycles, "page": page, "rows": rows,
        "can_nudge": cycle is not None and cycle.is_open, "breadcrumb": _breadcrumb(request.user, unit),
    })


@login_required
@require_POST
def reports_unregistered_nudge(request, tenant_slug: str, code: str):
    """"Nhắc" one cadre of the list, or "Nhắc tất cả": a notice to each, once a day at most."""
    unit = get_dashboard_unit_for_user(request.user, tenant_slug, code)
    cycle, _cycles = pick_cycle(request, unit, strict=True)
    back = redirect("reports_unregistered", tenant_slug=tenant_slug, code=code)
    if cycle is None:
        return back
    if not cycle.is_open:
        messages.error(request, gettext("The %(year)d cycle is closed: there is no one to remind.")
                       % {"year": cycle.year})
        return back
    cadre = None
    if request.POST.get("cadre"):
        # Only someone of this list: anyone else (another unit, a made-up id) is nobody to remind.
        cadre = unregistered_cadres(unit, cycle).filter(pk=request.POST["cadre"] if request.POST["cadre"].isdigit()
                                                        else 0).first()
        if cadre is None:
            messages.error(request, gettext("This cadre is not on the list of those who have not registered."))
            return back
    count = registration_nudge(cycle=cycle, unit=unit, cadre=cadre, acting_user=request.user)
    if count:
        messages.success(request, ngettext("%(n)d cadre reminded.", "%(n)d cadres reminded.", count) % {"n": count})
    else:
        messages.info(request, gettext("Nobody new to remind: each was reminded today already, or has no account."))
    return back
