"""Personal data pages (Law 91/2025/QH15): who read my file, a unit's access log."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from cadres import selectors

RECORDS_PER_PAGE = 50


@login_required
def my_access_log(request):
    """"Ai đã xem hồ sơ của tôi": every read of the cadre's data by someone else."""
    cadre = selectors.own_cadre(request.user)
    if cadre is None:
        raise Http404
    page = Paginator(selectors.access_records_about(cadre), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cadres/privacy/my_access_log.html", {"cadre": cadre, "page": page})


@login_required
def unit_access_log(request, tenant_slug: str, code: str):
    """Reads of the data of the subtree's cadres, for its managers (the root's: the tenant's)."""
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    page = Paginator(selectors.unit_access_records(unit), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cadres/privacy/unit_access_log.html", {
        "unit": unit, "tenant_slug": tenant_slug, "page": page,
        "ancestors": [*selectors.visible_ancestors(request.user, unit), unit],
    })
