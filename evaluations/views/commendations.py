"""A unit's commendations page (seed 004): its BTV sees the candidates of the open cycle,
proposes, and decides each proposal with the decision's number and date. Anyone who does not
manage the unit gets a 404; the services check again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import AccessKind
from cadres.selectors import cadres_visible_to, get_managed_unit_for_user, units_managed_by
from cadres.services.access_log import access_record_request
from evaluations.forms.commendations import CommendationDecideForm, CommendationDeclineForm, CommendationProposeForm
from evaluations.models import Commendation, CommendationState, Cycle, CycleStatus
from evaluations.selectors import commendation_candidates
from evaluations.services.commendations import commendation_decide, commendation_decline, commendation_propose


def _open_cycle(unit) -> Cycle | None:
    return Cycle.objects.filter(tenant_id=unit.tenant_id, status=CycleStatus.OPEN).order_by("-year").first()


def _back(unit):
    return redirect("commendations_unit", unit.tenant.slug, unit.code)


@login_required
def commendations_unit(request, tenant_slug: str, code: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    cycle = _open_cycle(unit)
    given = list(Commendation.objects.filter(cycle=cycle, unit=unit).select_related("cadre", "honoured_unit")
                 .order_by("state", "id") if cycle else [])
    candidates = commendation_candidates(cycle, unit) if cycle else []
    access_record_request(request, AccessKind.LIST, [*(c.cadre for c in candidates if c.cadre),
                                                     *(c.cadre_id for c in given if c.cadre_id)],
                          tenant_id=unit.tenant_id, obj=unit)
    return render(request, "evaluations/commendations/unit.html", {
        "unit": unit, "cycle": cycle, "candidates": candidates,
        "proposed": [item for item in given if item.state == CommendationState.PROPOSED],
        "decided": [item for item in given if item.state == CommendationState.DECIDED],
    })


@login_required
@require_POST
def commendation_propose_view(request, tenant_slug: str, code: str):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    cycle = _open_cycle(unit)
    form = CommendationProposeForm(request.POST)
    if cycle is None or not form.is_valid():
        messages.error(request, _("Choose who to propose and the ground."))
        return _back(unit)
    kind, pk = form.cleaned_data["subject"].split(":")
    cadre = honoured = None
    if kind == "cadre":
        cadre = cadres_visible_to(request.user).filter(pk=pk).first()
    else:
        honoured = units_managed_by(request.user).filter(pk=pk).first()
    if cadre is None and honoured is None:
        raise Http404
    try:
        commendation_propose(cycle=cycle, unit=unit, ground=form.cleaned_data["ground"], cadre=cadre,
                             honoured_unit=honoured, grounds=form.cleaned_data["grounds"], acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Proposed for commendation."))
    return _back(unit)


def _decidable(request, tenant_slug: str, code: str, pk: int) -> Commendation:
    """A commendation the unit gives, of a unit the user manages; else 404."""
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    commendation = Commendation.objects.filter(pk=pk, unit=unit).select_related("unit__tenant", "cycle").first()
    if commendation is None:
        raise Http404
    return commendation


@login_required
@require_POST
def commendation_decide_view(request, tenant_slug: str, code: str, pk: int):
    commendation = _decidable(request, tenant_slug, code, pk)
    form = CommendationDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(commendation.unit)
    try:
        commendation_decide(commendation=commendation, decision_number=form.cleaned_data["decision_number"],
                            decision_date=form.cleaned_data["decision_date"],
                            expected_version=form.cleaned_data["version"], acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Commendation decided."))
    return _back(commendation.unit)


@login_required
@require_POST
def commendation_decline_view(request, tenant_slug: str, code: str, pk: int):
    commendation = _decidable(request, tenant_slug, code, pk)
    form = CommendationDeclineForm(request.POST)
    if form.is_valid():
        try:
            commendation_decline(commendation=commendation, comment=form.cleaned_data["comment"],
                                 expected_version=form.cleaned_data["version"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Not commended."))
    return _back(commendation.unit)
