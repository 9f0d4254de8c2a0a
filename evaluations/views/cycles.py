"""Cycle administration: provincial staff open the year's cycle with its dates, change the
dates and close it; a unit's managers set earlier deadlines for their subtree and grant a
cadre an extension. Each view fetches through a selector first (404 alike)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import AccessKind, Tenant
from cadres.selectors import access_for, cadres_in_subtree, get_managed_unit_for_user, managed_roots
from cadres.services.access_log import access_record_request
from evaluations.checks import effective_deadline
from evaluations.forms.registrations import (
    CycleDatesForm,
    CycleOpenForm,
    CycleReopenForm,
    ExtensionForm,
    UnitDeadlineForm,
    add_service_errors,
)
from evaluations.models import Cycle, CycleDeadline, DeadlineExtension, DeadlineKind
from evaluations.selectors import cycles_visible_to, get_cycle_for_user
from evaluations.services import cycles as services
from evaluations.services.cycles import DATE_FIELDS, default_dates

# The extension form lists the subtree's cadres; past this many, a huyện narrows by sub-unit.
EXTENSION_CHOICES = 1000


@login_required
def cycle_list(request):
    """Provincial staff: every cycle of their province and the form to open one. Unit
    managers: the cycles, each with a link to their units' deadlines."""
    access = access_for(request.user)
    if not (access.provincial_tenant_ids or access.is_manager):
        raise Http404
    cycles = list(cycles_visible_to(request.user).order_by("tenant__name", "-year"))
    provinces = Tenant.objects.filter(pk__in=access.provincial_tenant_ids).order_by("name")
    return render(request, "evaluations/cycles/list.html", {
        "cycles": cycles, "provinces": provinces, "roots": managed_roots(request.user),
        "provincial_ids": access.provincial_tenant_ids,
    })


def _next_year(tenant: Tenant) -> int:
    """This year, or the next one when this year's cycle exists already."""
    year = timezone.localdate().year
    return year + 1 if Cycle.objects.filter(tenant=tenant, year=year).exists() else year


@login_required
def cycle_open(request, tenant_slug: str):
    tenant = get_object_or_404(Tenant, slug=tenant_slug, pk__in=access_for(request.user).provincial_tenant_ids)
    year = _next_year(tenant)
    # Dates left empty take the defaults shown, moved to the year chosen.
    form = CycleOpenForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_open(tenant=tenant, year=form.cleaned_data["year"], acting_user=request.user,
                                        **form.dates())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The %(year)d cycle is open.") % {"year": cycle.year})
            return redirect("cycle_edit", pk=cycle.pk)
    return render(request, "evaluations/cycles/open.html", {"form": form, "tenant": tenant,
                                                            "defaults": default_dates(year)})


@login_required
def cycle_edit(request, pk: int):
    cycle = get_cycle_for_user(request.user, pk, provincial=True)
    initial = {key: getattr(cycle, key) for key in DATE_FIELDS}
    form = CycleDatesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update_dates(cycle=cycle, acting_user=request.user, **form.dates())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Dates saved."))
            return redirect("cycle_edit", pk=cycle.pk)
    return render(request, "evaluations/cycles/edit.html", {"cycle": cycle, "form": form,
                                                            "reopen_form": CycleReopenForm(),
                                                            "roots": managed_roots(request.user)})


@login_required
@require_POST
def cycle_close(request, pk: int):
    cycle = get_cycle_for_user(request.user, pk, provincial=True)
    try:
        services.cycle_close(cycle=cycle, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The %(year)d cycle is closed: its forms are now read-only.")
                         % {"year": cycle.year})
    return redirect("cycle_edit", pk=cycle.pk)


@login_required
@require_POST
def cycle_reopen(request, pk: int):
    cycle = get_cycle_for_user(request.user, pk, provincial=True)
    form = CycleReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("cycle_edit", pk=cycle.pk)
    try:
        services.cycle_reopen(cycle=cycle, reason=form.cleaned_data["reason"], acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The %(year)d cycle is open again.") % {"year": cycle.year})
    return redirect("cycle_edit", pk=cycle.pk)


def _unit_and_cycle(request, pk, tenant_slug, code):
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    cycle = get_cycle_for_user(request.user, pk)
    if cycle.tenant_id != unit.tenant_id:
        raise Http404
    return unit, cycle


def _unit_page(request, unit, cycle, *, deadline_form=None, extension_form=None, status=200):
    cadres = cadres_in_subtree(unit)[:EXTENSION_CHOICES]
    deadlines = [(kind, label, effective_deadline(cycle, unit, kind), cycle.date_for(kind))
                 for kind, label in DeadlineKind.choices]
    own = CycleDeadline.objects.filter(cycle=cycle, unit=unit).order_by("kind")
    extensions = list(DeadlineExtension.objects.filter(cycle=cycle, cadre__in=cadres_in_subtree(unit))
                      .select_related("cadre").order_by("-created_at"))
    # The extension form's choices name the subtree's cadres too.
    access_record_request(request, AccessKind.LIST, [*cadres.values_list("pk", flat=True),
                                                     *(extension.cadre_id for extension in extensions)],
                          tenant_id=unit.tenant_id, obj=unit)
    return render(request, "evaluations/cycles/unit.html", {
        "unit": unit, "cycle": cycle, "deadlines": deadlines, "own": own, "extensions": extensions,
        "deadline_form": deadline_form or UnitDeadlineForm(),
        "extension_form": extension_form or ExtensionForm(cadres=cadres, initial={
            "until": timezone.localdate() + datetime.timedelta(days=7)}),
    }, status=status)


@login_required
def cycle_unit(request, pk: int, tenant_slug: str, code: str):
    """A unit's deadlines in a cycle (its own, or inherited) and the extensions it granted."""
    unit, cycle = _unit_and_cycle(request, pk, tenant_slug, code)
    return _unit_page(request, unit, cycle)


@login_required
@require_POST
def cycle_deadline_set(request, pk: int, tenant_slug: str, code: str):
    unit, cycle = _unit_and_cycle(request, pk, tenant_slug, code)
    form = UnitDeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_deadline_set(cycle=cycle, unit=unit, kind=form.cleaned_data["kind"],
                                        date=form.cleaned_data["date"], acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Deadline saved for %(unit)s and its units.") % {"unit": unit.name})
            return redirect("cycle_unit", pk=cycle.pk, tenant_slug=tenant_slug, code=code)
    return _unit_page(request, unit, cycle, deadline_form=form, status=400)


@login_required
@require_POST
def deadline_extension_grant(request, pk: int, tenant_slug: str, code: str):
    unit, cycle = _unit_and_cycle(request, pk, tenant_slug, code)
    form = ExtensionForm(request.POST, cadres=cadres_in_subtree(unit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deadline_extension_grant(cycle=cycle, cadre=data["cadre"], kind=data["kind"],
                                              until=data["until"], reason=data["reason"], acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Extension granted to %(name)s.") % {"name": data["cadre"].full_name})
            return redirect("cycle_unit", pk=cycle.pk, tenant_slug=tenant_slug, code=code)
    return _unit_page(request, unit, cycle, extension_form=form, status=400)
