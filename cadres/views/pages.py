"""Read-only pages: my profile, the unit tree browser and cadre lists.

Each view's first line fetches its object through a selector, so a missing, archived
or out-of-reach unit or cadre is a 404 alike.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from cadres import selectors
from cadres.forms.notices import NoticeEmailForm
from cadres.forms.unit_filter import unit_suggestions
from cadres.models import AccessKind, Unit
from cadres.services.access_log import access_record_request

CADRES_PER_PAGE = 50
# A huyện may hold a thousand sub-units: the page lists them a page at a time, the tree's
# in-place expansion its first ones with a link to the rest.
CHILDREN_PER_PAGE = 50


@login_required
def my_profile(request):
    cadre = selectors.own_cadre(request.user)
    return render(
        request,
        "cadres/my_profile.html",
        {"cadre": cadre, "positions": selectors.positions_of(cadre) if cadre else [],
         "notice_form": NoticeEmailForm(initial={"notice_email": request.user.notice_email})},
    )


@login_required
def cadre_detail(request, cadre_id: int):
    cadre = selectors.get_cadre_for_user(request.user, cadre_id)
    access_record_request(request, AccessKind.PROFILE, [cadre], tenant_id=cadre.tenant_id, obj=cadre)
    return render(
        request,
        "cadres/cadre_detail.html",
        {
            "cadre": cadre,
            "positions": selectors.positions_of(cadre),
            "can_invite": selectors.can_invite(request.user, cadre),
            "managed": selectors.manages_cadre(request.user, cadre),
        },
    )


@login_required
def unit_list(request):
    roots = list(selectors.managed_roots(request.user))
    if not roots:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "cadres/unit_list.html",
        {
            "roots": roots,
            "query": query,
            "results": selectors.search_units(request.user, query).select_related("tenant") if query else None,
        },
    )


@login_required
def unit_detail(request, tenant_slug: str, code: str):
    """Members see their own unit; managers also see its sub-units and cadres."""
    unit = selectors.get_unit_for_user(request.user, tenant_slug, code)
    managed = selectors.manages_unit(request.user, unit)
    parent = Unit.objects.get_parent(unit) if unit.depth > 1 else None
    children = Paginator(selectors.children_with_counts(unit), CHILDREN_PER_PAGE).get_page(
        request.GET.get("page")) if managed else None
    return render(
        request,
        "cadres/unit_detail.html",
        {
            "unit": unit,
            "tenant_slug": tenant_slug,
            "managed": managed,
            "ancestors": selectors.visible_ancestors(request.user, unit),
            "children": children.object_list if children else [],
            "page": children,
            "cadre_count": selectors.cadres_in_subtree(unit).count() if managed else None,
            # Moving, merging, splitting and archiving are decided from above the unit.
            "reorganisable": parent is not None and selectors.manages_unit(request.user, parent),
            "history": selectors.unit_history(unit) if managed else [],
        },
    )


@login_required
def unit_children(request, tenant_slug: str, code: str):
    """The htmx fragment that expands a unit in place in the tree."""
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    children = selectors.children_with_counts(unit)
    return render(
        request,
        "cadres/_unit_children.html",
        {"children": children[:CHILDREN_PER_PAGE], "more": max(0, len(children) - CHILDREN_PER_PAGE), "unit": unit,
         "tenant_slug": tenant_slug},
    )


@login_required
def unit_cadres(request, tenant_slug: str, code: str):
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.cadres_in_subtree(unit, query), CADRES_PER_PAGE).get_page(request.GET.get("page"))
    positions = selectors.active_positions_in_subtree(unit, page.object_list)
    access_record_request(request, AccessKind.LIST, page.object_list, tenant_id=unit.tenant_id, obj=unit)
    rows = [(cadre, positions.get(cadre.pk, [])) for cadre in page.object_list]
    return render(
        request,
        "cadres/unit_cadres.html",
        {
            "unit": unit,
            "tenant_slug": tenant_slug,
            "ancestors": [*selectors.visible_ancestors(request.user, unit), unit],
            "query": query,
            "page": page,
            "rows": rows,
        },
    )



@login_required
def unit_suggest(request):
    """The htmx fragment of a list's unit filter: the units within reach matching what is typed."""
    query = request.GET.get("unit_q", "").strip()[:100]
    return render(request, "cadres/_unit_suggestions.html", {"matches": unit_suggestions(request.user, query),
                                                               "query": query})
