"""Pages that gather several apps: the home page, the inbox and the managers' hub."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import selectors
from evaluations.views.assessments import home_next_steps
from models_registry.selectors import programmes_applying_to
from portal.forms import InboxFilterForm
from portal.selectors import Inbox

INBOX_PER_PAGE = 30


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
def inbox(request):
    """Everything awaiting the user's decision, oldest first, each linking to where they act."""
    if not selectors.access_for(request.user).is_reviewer:
        raise Http404
    filters = InboxFilterForm(request.GET or None, units=selectors.units_to_filter_by(request.user))
    if filters.is_bound and not filters.is_valid():
        messages.warning(request, _("A filter that is not offered here was ignored."))
    kind, unit = filters.chosen()
    page = Paginator(Inbox(request.user, kind=kind, unit=unit), INBOX_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"page": page, "filters": filters})


@login_required
def manage(request):
    """The managers' hub: every management page in one place, so the menu stays short."""
    access = selectors.access_for(request.user)
    if not access.is_manager:
        raise Http404
    return render(request, "portal/manage.html", {"is_provincial": bool(access.provincial_tenant_ids)})
