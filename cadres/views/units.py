"""Managers' unit pages: create a sub-unit, edit, move, merge, split, archive.

Every reorganisation is shown first as a preview (the service run and rolled back), then
confirmed with the same form and the versions of the units the page showed, so a change
someone else made in between is refused with "reload". The figures of the open cycle
follow through the audit rows (`reports.signals`); closed cycles keep their snapshots.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cadres import selectors
from cadres.forms.units import (
    ReorganiseForm,
    UnitArchiveForm,
    UnitCreateForm,
    UnitEditForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitSplitForm,
    versions_of,
)
from cadres.models import Unit
from cadres.services import reorganise
from cadres.services.units import unit_create, unit_update

MAX_PARTS = 8


def _page_units(unit: Unit) -> list[Unit]:
    """The units whose versions a page carries: the unit, its parent, siblings and children."""
    parent = Unit.objects.get_parent(unit)
    around = list(Unit.objects.get_children(parent)) if parent else []
    return [unit, *([parent] if parent else []), *around, *Unit.objects.get_children(unit)]


def _render(request, unit: Unit, template: str, form: ReorganiseForm, **context: Any) -> HttpResponse:
    return render(request, template, {"unit": unit, "tenant_slug": unit.tenant.slug, "form": form,
                                      "ancestors": [*selectors.visible_ancestors(request.user, unit), unit],
                                      **context})


def _reorganise(request, unit: Unit, template: str, form: ReorganiseForm,
                run: Callable[[bool], tuple[reorganise.Outcome, Unit]], **context: Any) -> HttpResponse:
    """GET: the form. POST: the preview, or with `confirm` the change, then the unit it led to."""
    if request.method == "GET":
        form.initial["versions"] = versions_of(_page_units(unit))
        return _render(request, unit, template, form, **context)
    if not form.is_valid():
        return _render(request, unit, template, form, **context)
    confirm = "confirm" in request.POST
    try:
        outcome, landing = run(not confirm)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _render(request, unit, template, form, stale=getattr(refusal, "code", "") == "stale", **context)
    if not confirm:
        return _render(request, unit, template, form, preview=outcome, **context)
    for line in outcome.lines:
        messages.success(request, line)
    return redirect("unit_detail", landing.tenant.slug, landing.code)


def _parent(unit: Unit) -> Unit | None:
    return Unit.objects.get_parent(unit)


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request, tenant_slug: str, code: str):
    parent = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    form = UnitCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_create(parent=parent, code=data["code"].strip(), name=data["name"].strip(),
                               level=data["level"], sector=data["sector"], acting_user=request.user)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Unit %(name)s was created.") % {"name": unit.name})
            return redirect("unit_detail", tenant_slug, unit.code)
    return _render(request, parent, "cadres/units/new.html", form)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, tenant_slug: str, code: str):
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    form = UnitEditForm(request.POST or None, unit=unit, parent=_parent(unit),
                        initial={"name": unit.name, "level": unit.level, "sector": unit.sector,
                                 "versions": versions_of([unit])})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit_update(unit=unit, name=data["name"].strip(), level=data["level"], sector=data["sector"],
                        acting_user=request.user, expected_version=data["versions"].get(unit.pk))
        except ValidationError as refusal:
            form.add_error(None, refusal)
            return _render(request, unit, "cadres/units/edit.html", form,
                           stale=getattr(refusal, "code", "") == "stale")
        messages.success(request, _("The unit was saved."))
        return redirect("unit_detail", tenant_slug, unit.code)
    return _render(request, unit, "cadres/units/edit.html", form)


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, tenant_slug: str, code: str):
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    form = UnitMoveForm(request.POST or None, candidates=selectors.move_targets(request.user, unit))

    def run(dry_run: bool) -> tuple[reorganise.Outcome, Unit]:
        return reorganise.unit_move(unit=unit, parent=form.cleaned_data["parent"], acting_user=request.user,
                                    expected=form.cleaned_data["versions"], dry_run=dry_run), unit

    return _reorganise(request, unit, "cadres/units/move.html", form, run, heading=_("Move the unit"))


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge(request, tenant_slug: str, code: str):
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    form = UnitMergeForm(request.POST or None, candidates=selectors.merge_candidates(request.user, unit))

    def run(dry_run: bool) -> tuple[reorganise.Outcome, Unit]:
        others = list(form.cleaned_data["others"])
        new = form.new_unit()
        sources = [unit, *others] if new else others
        outcome = reorganise.unit_merge(sources=sources, new=new, into=None if new else unit,
                                        acting_user=request.user, expected=form.cleaned_data["versions"],
                                        dry_run=dry_run)
        landing = unit if new is None else Unit.objects.filter(tenant_id=unit.tenant_id, code=new.code).first()
        return outcome, landing or unit

    return _reorganise(request, unit, "cadres/units/merge.html", form, run, heading=_("Merge units"))


@login_required
@require_http_methods(["GET", "POST"])
def unit_split(request, tenant_slug: str, code: str):
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    try:
        parts = min(max(int(request.POST.get("parts") or request.GET.get("parts") or 2), 2), MAX_PARTS)
    except ValueError:
        parts = 2
    children = list(Unit.objects.get_children(unit).filter(archived_at__isnull=True).order_by("path"))
    form = UnitSplitForm(request.POST or None, parts=parts, children=children,
                         cadres=selectors.cadres_held_in(unit))

    def run(dry_run: bool) -> tuple[reorganise.Outcome, Unit]:
        outcome = reorganise.unit_split(unit=unit, **form.plan(), acting_user=request.user,
                                        expected=form.cleaned_data["versions"], dry_run=dry_run)
        return outcome, _parent(unit) or unit

    return _reorganise(request, unit, "cadres/units/split.html", form, run, parts=parts,
                       more=min(parts + 1, MAX_PARTS), heading=_("Split the unit"))


@login_required
@require_http_methods(["GET", "POST"])
def unit_archive(request, tenant_slug: str, code: str):
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    form = UnitArchiveForm(request.POST or None, candidates=selectors.transfer_targets(request.user, unit))

    def run(dry_run: bool) -> tuple[reorganise.Outcome, Unit]:
        outcome = reorganise.unit_archive(unit=unit, transfer_to=form.cleaned_data["transfer_to"],
                                          acting_user=request.user, expected=form.cleaned_data["versions"],
                                          dry_run=dry_run)
        return outcome, _parent(unit) or unit

    return _reorganise(request, unit, "cadres/units/archive.html", form, run, heading=_("Archive the unit"))
