"""Invitations, join codes and join requests. Views parse input and call a service;
each first fetches its object through a selector (404 for missing and not-yours alike)."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scope

from cadres import privacy, selectors
from cadres.forms.accounts import JoinCodeForm, JoinForm
from cadres.models import AccessKind, JoinRequestStatus
from cadres.services import accounts as services
from cadres.services.access_log import access_record_rows
from cadres.services.consent import consent_give

JOIN_SESSION_KEY = "join_code"


# Oldest first, a page at a time: a unit's code shared at a meeting can bring hundreds.
JOIN_REQUESTS_PER_PAGE = 25

def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field when it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _message_errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def join(request):
    """Step 1: the person types the code their unit gave them."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST":
        # Counted before the lookup, wrong or right: codes must not be guessable by trying.
        if not ratelimit.consume(request, action="join_code"):
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            return render(request, "cadres/accounts/join.html", {"form": form}, status=429)
        if form.is_valid():
            unit = selectors.unit_by_join_code(form.cleaned_data["code"])
            if unit is not None:
                request.session[JOIN_SESSION_KEY] = unit.join_code
                return redirect("join_register")
            form.add_error("code", _("This join code is not valid. Check it with your unit's secretary."))
    return render(request, "cadres/accounts/join.html", {"form": form})


def join_register(request):
    """Step 2: the person's details; the account can log in at once, with no position
    until the unit's Bí thư confirms."""
    unit = selectors.unit_by_join_code(request.session.get(JOIN_SESSION_KEY, ""))
    if unit is None:
        return redirect("join")
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # An anonymous request has an empty scope; the code chose this unit's tenant.
            with scope(tenant=[unit.tenant_id]):
                join_request = services.join_request_create(
                    unit=unit, role=data["role"], password=data["password1"], **form.profile()
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            del request.session[JOIN_SESSION_KEY]
            account = join_request.cadre.user
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            with scope(tenant=[unit.tenant_id]):
                consent_give(user=account, acting_user=account)
            request.session[privacy.SESSION_KEY] = privacy.VERSION
            messages.success(
                request, _("Your registration was sent to %(unit)s. Its secretary will confirm it.") % {"unit": unit}
            )
            return redirect("home")
    return render(request, "cadres/accounts/join_register.html", {"form": form, "unit": unit})


@login_required
def join_request_list(request):
    if not selectors.access_for(request.user).is_reviewer:
        raise Http404
    pending = selectors.join_requests_for(request.user).filter(status=JoinRequestStatus.PENDING).order_by("created_at", "id")
    page = Paginator(pending, JOIN_REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    access_record_rows(request, AccessKind.LIST, page.object_list)
    return render(request, "cadres/accounts/join_requests.html", {"join_requests": page.object_list, "page": page})


@login_required
@require_POST
def join_request_decide(request, request_id: int, approve: bool):
    join_request = selectors.get_pending_join_request_for_user(request.user, request_id)
    decide = services.join_request_approve if approve else services.join_request_reject
    try:
        decide(join_request=join_request, acting_user=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        text = _("%(name)s now holds the position.") if approve else _("The request of %(name)s was rejected.")
        messages.success(request, text % {"name": join_request.cadre.full_name})
    return redirect("join_request_list")


@login_required
def unit_join_code(request, tenant_slug: str, code: str):
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    if request.method == "POST":
        services.unit_join_code_regenerate(unit=unit, acting_user=request.user)
        messages.success(request, _("A new join code was made; the old one no longer works."))
        return redirect("unit_join_code", tenant_slug=tenant_slug, code=code)
    join_url = request.build_absolute_uri(reverse("join"))
    return render(request, "cadres/accounts/unit_join_code.html", {"unit": unit, "join_url": join_url})


@login_required
def unit_invite(request, tenant_slug: str, code: str):
    """"Mời tất cả": invite every cadre of the subtree who has an email and no password."""
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    if request.method == "POST":
        count = services.cadre_invite_all(unit=unit, acting_user=request.user)
        messages.success(request, _("%(count)d invitations were sent.") % {"count": count})
        return redirect("unit_invite", tenant_slug=tenant_slug, code=code)
    cadres = selectors.invitable_cadres(unit)
    return render(request, "cadres/accounts/unit_invite.html", {"unit": unit, "cadres": cadres[:200], "count": cadres.count()})


@login_required
@require_POST
def cadre_invite(request, cadre_id: int):
    cadre = selectors.get_managed_cadre_for_user(request.user, cadre_id)
    try:
        services.cadre_invite(cadre=cadre, acting_user=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": cadre.user.email})
    return redirect("cadre_detail", cadre_id=cadre.pk)
