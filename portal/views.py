"""Pages that gather several apps: the home page, the inbox, the managers' hub, the audit
trail and the help pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import selectors
from cadres.models import AccessKind, AuditEvent
from cadres.services.access_log import access_record_rows
from evaluations.selectors import programme_changes_for
from evaluations.views.assessments import home_next_steps
from evaluations.views.unit_forms import unit_next_steps
from models_registry.selectors import programmes_applying_to
from portal.audit import trail_row, trail_xlsx
from portal.forms import AuditFilterForm, InboxFilterForm
from portal.help import topic_for, topics_for
from portal.selectors import Inbox, rating_batches, remember_inbox_count

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVENTS_PER_PAGE = 50
# A download is built in the request: past this many rows, narrow the dates.
EXPORT_ROWS = 20000
INBOX_PER_PAGE = 30


@login_required
def home(request):
    cadre = selectors.own_cadre(request.user)
    changes = programme_changes_for(cadre) if cadre else []
    return render(
        request,
        "portal/home.html",
        {
            "cadre": cadre,
            "programme_changes": changes,
            "my_positions": selectors.active_positions_of(cadre) if cadre else [],
            "managed_roots": selectors.managed_roots(request.user),
            "my_programmes": programmes_applying_to(request.user, cadre, timezone.localdate().year) if cadre else [],
            "next_steps": [*(home_next_steps(cadre, changes) if cadre else []), *unit_next_steps(request.user)],
        },
    )


@login_required
def inbox(request):
    """Everything awaiting the user's decision, oldest first, each linking to where they act."""
    if not selectors.access_for(request.user).is_reviewer:
        raise Http404
    filters = InboxFilterForm(request.GET or None, user=request.user)
    if filters.is_bound and not filters.is_valid():
        messages.warning(request, _("A filter that is not offered here was ignored."))
    kind, unit = filters.chosen()
    page = Paginator(Inbox(request.user, kind=kind, unit=unit), INBOX_PER_PAGE).get_page(request.GET.get("page"))
    if not kind and unit is None:
        remember_inbox_count(request.user, page.paginator.count)
    access_record_rows(request, AccessKind.LIST, [item.obj for item in page.object_list])
    batches = [batch for batch in rating_batches(request.user) if unit is None or (
        batch.unit.tenant_id == unit.tenant_id and batch.unit.path.startswith(unit.path))] if kind in ("", "rating") \
        else []
    return render(request, "portal/inbox.html", {"page": page, "filters": filters, "rating_batches": batches})


@login_required
def manage(request):
    """The managers' hub: every management page in one place, so the menu stays short."""
    access = selectors.access_for(request.user)
    if not access.is_manager:
        raise Http404
    # One box for the units and cadres within the user's reach, by name, code or phone.
    query = request.GET.get("q", "").strip()[:100]
    found_cadres = list(selectors.search_managed_cadres(request.user, query, limit=20)) if query else None
    access_record_rows(request, AccessKind.LIST, found_cadres or [])
    return render(request, "portal/manage.html", {
        "is_provincial": bool(access.provincial_tenant_ids),
        "provincial_tenants": selectors.tenants_visible_to(request.user).filter(pk__in=access.provincial_tenant_ids),
        "managed_roots": selectors.managed_roots(request.user),
        "query": query,
        "found_units": selectors.search_units(request.user, query, limit=20).select_related("tenant") if query else None,
        "found_cadres": found_cadres,
    })


@login_required
def help_index(request):
    """Help for every role, the pages that fit the user's own roles first."""
    mine, others = topics_for(request.user)
    return render(request, "portal/help/index.html", {"mine": mine, "others": others})


@login_required
def help_page(request, role: str):
    topic = topic_for(role)
    if topic is None:
        raise Http404
    mine, others = topics_for(request.user)
    return render(request, "portal/help/page.html", {
        "topic": topic, "body": topic.body(), "elsewhere": [other for other in [*mine, *others] if other != topic]})


@login_required
def unit_audit(request: HttpRequest, tenant_slug: str, code: str, export: bool = False) -> HttpResponse:
    """What happened in a unit's subtree, for its managers and the provincial staff."""
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    return _trail(request, selectors.unit_audit_events(unit), export, f"nhat-ky-{unit.code}.xlsx", {
        "unit": unit, "tenant_slug": tenant_slug, "ancestors": [*selectors.visible_ancestors(request.user, unit), unit],
    })


@login_required
def cadre_audit(request: HttpRequest, cadre_id: int, export: bool = False) -> HttpResponse:
    """A cadre's own trail, for the managers of their units."""
    cadre = selectors.get_managed_cadre_for_user(request.user, cadre_id)
    return _trail(request, selectors.cadre_audit_events(request.user, cadre), export, f"nhat-ky-can-bo-{cadre.pk}.xlsx",
                  {"cadre": cadre})


def _trail(request: HttpRequest, events: QuerySet[AuditEvent], export: bool, filename: str, context: dict) -> HttpResponse:
    filters = AuditFilterForm(request.GET)
    if filters.is_valid():
        events = selectors.filter_audit_events(events, **filters.filters())
        if export:
            named = events[:EXPORT_ROWS].select_related(None).only("tenant_id", "cadre_id")
            access_record_rows(request, AccessKind.EXPORT, named)
            response = HttpResponse(trail_xlsx(events[:EXPORT_ROWS].iterator()), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        access_record_rows(request, AccessKind.LIST, page.object_list)
        context.update(page=page, rows=[trail_row(event) for event in page.object_list])
    return render(request, "portal/audit.html", {"page": None, **context, "filters": filters, "export_rows": EXPORT_ROWS})
