"""Pages that gather several apps: the home page and the managers' hub."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cadres import selectors
from evaluations.views.assessments import home_next_steps
from models_registry.selectors import programmes_applying_to


@login_required
def home(request):
    cadre = selectors.own_cadre(request.user)
    return render(
        request,
        "portal/home.html",
        {
            "cadre": cadre,
            "my_positions": selectors.active_positions_of(cadre) if cadre else [],
            "managed_roots": selectors.managed_roots(request.user),
            "my_programmes": programmes_applying_to(request.user, cadre, timezone.localdate().year) if cadre else [],
            "next_steps": home_next_steps(cadre) if cadre else [],
        },
    )


@login_required
def manage(request):
    """The managers' hub: every management page in one place, so the menu stays short."""
    access = selectors.access_for(request.user)
    if not access.is_manager:
        raise Http404
    return render(request, "portal/manage.html", {"is_provincial": bool(access.provincial_tenant_ids)})
