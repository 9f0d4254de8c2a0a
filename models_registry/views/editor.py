"""The draft editor: one page, and small forms that each post one change.

With htmx a form swaps only its fragment (the fields card, the groups section, one group,
one criterion). Every form carries the programme's `lock_version`; the service refuses a
stale one (another tab saved first) and nothing is written. On success the response also
carries the new lock_version out of band for every form of the page (see
`_fragment_response`), so the tab's other forms stay current. Without JS the same forms
post normally and redirect back to the editor, with the outcome as a message.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from cadres.selectors import units_managed_by
from models_registry import services
from models_registry.forms import (
    AudienceForm,
    CriterionForm,
    GroupForm,
    IndicatorForm,
    MoveForm,
    ParticipantForm,
    ProgrammeFieldsForm,
    add_service_errors,
)
from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    CriterionKind,
    IndicatorKind,
    ProgrammeIndicator,
    ProgrammeParticipant,
    ProgrammeSubject,
)
from models_registry.selectors import get_editable_programme_for_user, programme_groups, programme_participants

# Error codes after which the page must be reloaded before anything else can be saved.
RELOAD_CODES = {"stale", "not_draft"}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _editor_url(programme, anchor: str = "") -> str:
    return reverse("programme_edit", args=[programme.pk]) + (f"#{anchor}" if anchor else "")


def _codes(error: ValidationError) -> set[str]:
    errors = error.error_list if not hasattr(error, "error_dict") else [e for v in error.error_dict.values() for e in v]
    return {e.code for e in errors}


# --- Forms and fragments ----------------------------------------------------------------------


def fields_form(programme, data=None) -> ProgrammeFieldsForm:
    initial = {"name": programme.name, "start_year": programme.start_year, "end_year": programme.end_year,
               "description": programme.description, "sectors": programme.sectors,
               "pilot_quota": programme.pilot_quota or ""}
    return ProgrammeFieldsForm(data, initial=initial, subject=programme.subject, auto_id="prog-%s")


def group_form(group=None, data=None) -> GroupForm:
    if group is None:
        return GroupForm(data, auto_id="newgroup-%s")
    return GroupForm(data, initial={"title": group.title}, auto_id=f"group{group.pk}-%s")


def new_criterion_form(group, data=None) -> CriterionForm:
    return CriterionForm(data, initial={"kind": CriterionKind.QUALITATIVE}, auto_id=f"newcrit{group.pk}-%s")


def criterion_form(criterion, data=None) -> CriterionForm:
    if data is not None:
        return CriterionForm(data, auto_id=f"crit{criterion.pk}-%s")
    return CriterionForm.for_criterion(criterion, auto_id=f"crit{criterion.pk}-%s")


def audience_form(programme, criterion, data=None) -> AudienceForm:
    return AudienceForm(data, criterion=criterion, subject=programme.subject, auto_id=f"aud{criterion.pk}-%s")


def _criterion_forms(programme, criterion, edit=None, audience=None) -> None:
    criterion.edit_form = edit or criterion_form(criterion)
    criterion.audience_form = audience or audience_form(programme, criterion)


def _group_context(programme, group, forms_by_key=None, open_criterion=None) -> dict:
    """A group with its forms; `forms_by_key` replaces some with bound ones that failed. A
    criterion's own forms are in the page only when they failed or it is `open_criterion`;
    the others are fetched when their <details> opens (`programme_criterion_form`)."""
    forms_by_key = forms_by_key or {}
    group.title_form = forms_by_key.get(("group", group.pk)) or group_form(group)
    group.new_criterion_form = forms_by_key.get(("new_criterion", group.pk)) or new_criterion_form(group)
    for criterion in group.criteria.all():
        edit, audience = forms_by_key.get(("criterion", criterion.pk)), forms_by_key.get(("audience", criterion.pk))
        criterion.opened = criterion.pk == open_criterion
        criterion.forms_open = bool(edit or audience or criterion.opened)
        if criterion.forms_open:
            _criterion_forms(programme, criterion, edit, audience)
    return group


def editor_context(programme, lock, forms_by_key=None, open_criterion=None) -> dict:
    forms_by_key = forms_by_key or {}
    groups = programme_groups(programme)
    for index, group in enumerate(groups):
        _group_context(programme, group, forms_by_key, open_criterion)
        group.is_first, group.is_last = index == 0, index == len(groups) - 1
    context = {
        "programme": programme,
        "lock": lock,
        "groups": groups,
        "fields_form": forms_by_key.get("fields") or fields_form(programme),
        "new_group_form": forms_by_key.get("new_group") or group_form(),
    }
    context.update(_indicators_context(programme, forms_by_key.get("indicator")))
    if programme.subject == ProgrammeSubject.UNITS:
        context.update(
            participants=programme_participants(programme),
            participant_form=forms_by_key.get("participant") or ParticipantForm(auto_id="participant-%s"),
        )
    return context


def _indicators_context(programme, bound=None) -> dict:
    """Each indicator with its form (the one that failed, bound, in its place), and the form
    adding a target for a figure the programme has none for."""
    indicators = list(programme.indicators.all())
    failed_kind = bound.data.get("kind") if bound is not None else None
    for indicator in indicators:
        indicator.form = bound if failed_kind == indicator.kind else IndicatorForm(
            initial={"kind": indicator.kind, "target_percent": indicator.target_percent, "text": indicator.text},
            auto_id=f"indicator-{indicator.pk}-%s")
    taken = {indicator.kind for indicator in indicators}
    new = bound if bound is not None and failed_kind not in taken else IndicatorForm(auto_id="indicator-new-%s")
    new.fields["kind"].choices = [(value, label) for value, label in IndicatorKind.choices if value not in taken]
    return {"indicators": indicators, "new_indicator_form": new if new.fields["kind"].choices else None}


def _fragment_response(request, template: str, context: dict, *, success: bool) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    if success:
        html += render_to_string("models_registry/editor/_lock_oob.html", context, request=request)
    return HttpResponse(html)


def _find(items, pk):
    return next((item for item in items if item.pk == pk), None)


def _render_fragment(request, programme, lock, kind: str, obj_pk, forms_by_key, errors, stale, success):
    """Re-render one fragment of the editor from the database, with failed forms bound."""
    context = editor_context(programme, lock, forms_by_key)
    context.update(errors=errors, stale=stale)
    if kind == "fields":
        template = "models_registry/editor/_fields.html"
    elif kind == "groups":
        template = "models_registry/editor/_groups.html"
    elif kind == "participants":
        template = "models_registry/editor/_participants.html"
    elif kind == "indicators":
        template = "models_registry/editor/_indicators.html"
    elif kind == "group":
        group = _find(context["groups"], obj_pk)
        if group is None:  # deleted meanwhile
            return _fragment_response(request, "models_registry/editor/_gone.html", context, success=success)
        context.update(group=group)
        template = "models_registry/editor/_group.html"
    else:
        criterion = _find([c for g in context["groups"] for c in g.criteria.all()], obj_pk)
        if criterion is None:
            return _fragment_response(request, "models_registry/editor/_gone.html", context, success=success)
        context.update(criterion=criterion)
        template = "models_registry/editor/_criterion.html"
    return _fragment_response(request, template, context, success=success)


def _editable(request, pk):
    return get_editable_programme_for_user(request.user, pk)


def _moved(ids: list[int], pk: int, direction: str) -> list[int]:
    """`ids` with `pk` one step up or down; unchanged at either end."""
    index = ids.index(pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


# --- The kinds of edit ---------------------------------------------------------------------
# Each finds what it edits among the programme's own rows (404 otherwise), parses the POST
# with its form and calls its service with `expected_version` and `acting_user`.


def _the_programme(programme, _object_id):
    return programme


def _group_of(programme, group_id) -> CriteriaGroup:
    group = CriteriaGroup.objects.filter(programme=programme, pk=group_id).first()
    if group is None:
        raise Http404
    group.programme = programme
    return group


def _criterion_of(programme, criterion_id) -> Criterion:
    criterion = Criterion.objects.filter(group__programme=programme, pk=criterion_id).select_related("group").first()
    if criterion is None:
        raise Http404
    criterion.group.programme = programme
    return criterion


def _audience_of(programme, audience_id) -> AudienceTarget:
    row = AudienceTarget.objects.filter(criterion__group__programme=programme, pk=audience_id).select_related(
        "criterion__group").first()
    if row is None:
        raise Http404
    row.criterion.group.programme = programme
    return row


def _participant_of(programme, unit_id) -> ProgrammeParticipant:
    participant = ProgrammeParticipant.objects.filter(programme=programme, unit_id=unit_id).select_related("unit").first()
    if participant is None:
        raise Http404
    return participant


def _indicator_of(programme, indicator_id) -> ProgrammeIndicator:
    indicator = ProgrammeIndicator.objects.filter(programme=programme, pk=indicator_id).first()
    if indicator is None:
        raise Http404
    return indicator


def _bare(request, _programme, _target):
    """A button that posts only the lock_version."""
    return forms.Form(request.POST)


def _participant_form(request, programme, _target):
    units = units_managed_by(request.user).filter(tenant_id=programme.tenant_id, archived_at__isnull=True)
    return ParticipantForm(request.POST, units=units, auto_id="participant-%s")


def _update_programme(programme, _target, form, **common):
    services.programme_update(programme=programme, parent=programme.parent, **common, **form.service_kwargs())


def _create_group(programme, _target, form, **common):
    services.group_create(programme=programme, title=form.cleaned_data["title"], **common)


def _update_group(_programme, group, form, **common):
    services.group_update(group=group, title=form.cleaned_data["title"], **common)


def _delete_group(_programme, group, _form, **common):
    services.group_delete(group=group, **common)


def _move_group(programme, group, form, **common):
    ids = list(CriteriaGroup.objects.filter(programme=programme).values_list("pk", flat=True))
    services.groups_reorder(programme=programme, group_ids=_moved(ids, group.pk, form.cleaned_data["direction"]),
                            **common)


def _create_criterion(_programme, group, form, **common):
    services.criterion_create(group=group, **common, **form.service_kwargs())


def _update_criterion(_programme, criterion, form, **common):
    services.criterion_update(criterion=criterion, **common, **form.service_kwargs())


def _delete_criterion(_programme, criterion, _form, **common):
    services.criterion_delete(criterion=criterion, **common)


def _move_criterion(_programme, criterion, form, **common):
    ids = list(Criterion.objects.filter(group=criterion.group).values_list("pk", flat=True))
    services.criteria_reorder(group=criterion.group, **common,
                              criterion_ids=_moved(ids, criterion.pk, form.cleaned_data["direction"]))


def _set_audience(_programme, criterion, form, **common):
    services.audience_target_set(criterion=criterion, **common, **form.service_kwargs())


def _delete_audience(_programme, row, _form, **common):
    services.audience_target_delete(audience_target=row, **common)


def _add_participant(programme, _target, form, **common):
    services.participant_add(programme=programme, unit=form.cleaned_data["code"], **common)


def _remove_participant(programme, participant, _form, **common):
    services.participant_remove(programme=programme, unit=participant.unit, **common)


def _set_indicator(programme, _target, form, **common):
    services.indicator_set(programme=programme, **common, **form.service_kwargs())


def _delete_indicator(_programme, indicator, _form, **common):
    services.indicator_delete(indicator=indicator, **common)


def _place(kind: str, target) -> tuple[int | None, str]:
    """The pk of the `kind` fragment holding `target` (a group, a criterion, or a row
    under one) and the editor's anchor for it."""
    if kind == "group":
        pk = target.pk if isinstance(target, CriteriaGroup) else target.group_id
        return pk, f"group-{pk}"
    if kind == "criterion":
        pk = target.pk if isinstance(target, Criterion) else target.criterion_id
        return pk, f"criterion-{pk}"
    return None, "programme-fields" if kind == "fields" else kind


@dataclass(frozen=True)
class Edit:
    """One kind of edit of a draft: what it changes, the form that parses the POST, the
    service that writes it, what it re-renders."""

    find: Callable  # (programme, object id from the URL) -> what is edited
    form: Callable  # (request, programme, target) -> the bound form
    run: Callable  # (programme, target, form, expected_version=, acting_user=) -> None
    fragment: str  # fields | groups | group | criterion | participants: re-rendered for htmx
    message: str | Promise
    form_key: str = ""  # a form with fields, shown bound on a refusal (keyed by the fragment's pk if any)
    anchor: str = ""  # where a plain POST lands back on the editor, when not on the fragment

    def places(self, target) -> tuple[tuple[str, int | None], str, object]:
        pk, anchor = _place(self.fragment, target)
        key = (self.form_key, pk) if self.form_key and pk is not None else self.form_key or None
        return (self.fragment, pk), _place(self.anchor, target)[1] if self.anchor else anchor, key


EDITS = {
    "programme_update": Edit(_the_programme, lambda request, programme, _t: fields_form(programme, request.POST),
                             _update_programme, "fields", gettext_lazy("Programme saved."), form_key="fields"),
    "group_create": Edit(_the_programme, lambda request, _p, _t: group_form(data=request.POST), _create_group,
                         "groups", gettext_lazy("Group added."), form_key="new_group"),
    "group_update": Edit(_group_of, lambda request, _p, group: group_form(group, request.POST), _update_group,
                         "group", gettext_lazy("Group saved."), form_key="group"),
    "group_delete": Edit(_group_of, _bare, _delete_group, "groups", gettext_lazy("Group deleted.")),
    "group_move": Edit(_group_of, lambda request, _p, _t: MoveForm(request.POST), _move_group, "groups",
                       gettext_lazy("Order saved."), anchor="group"),
    "criterion_create": Edit(_group_of, lambda request, _p, group: new_criterion_form(group, request.POST),
                             _create_criterion, "group", gettext_lazy("Criterion added."), form_key="new_criterion"),
    "criterion_update": Edit(_criterion_of, lambda request, _p, criterion: criterion_form(criterion, request.POST),
                             _update_criterion, "criterion", gettext_lazy("Criterion saved."), form_key="criterion"),
    "criterion_delete": Edit(_criterion_of, _bare, _delete_criterion, "group", gettext_lazy("Criterion deleted.")),
    "criterion_move": Edit(_criterion_of, lambda request, _p, _t: MoveForm(request.POST), _move_criterion, "group",
                           gettext_lazy("Order saved."), anchor="criterion"),
    "audience_set": Edit(_criterion_of,
                         lambda request, programme, criterion: audience_form(programme, criterion, request.POST),
                         _set_audience, "criterion", gettext_lazy("Audience target saved."), form_key="audience"),
    "audience_delete": Edit(_audience_of, _bare, _delete_audience, "criterion",
                            gettext_lazy("Audience target removed.")),
    "participant_add": Edit(_the_programme, _participant_form, _add_participant, "participants",
                            gettext_lazy("Unit added."), form_key="participant"),
    "participant_remove": Edit(_participant_of, _bare, _remove_participant, "participants",
                               gettext_lazy("Unit removed.")),
    "indicator_set": Edit(_the_programme, lambda request, _p, _t: IndicatorForm(request.POST), _set_indicator,
                          "indicators", gettext_lazy("Target saved."), form_key="indicator"),
    "indicator_delete": Edit(_indicator_of, _bare, _delete_indicator, "indicators", gettext_lazy("Target removed.")),
}


# --- Views --------------------------------------------------------------------------------


@login_required
def programme_edit(request, pk: int):
    programme = _editable(request, pk)
    if not programme.is_draft:
        messages.error(request, _("This programme is no longer a draft and cannot be changed. Start a new version "
                                  "to change it."))
        return redirect("programme_detail", pk=programme.pk)
    open_criterion = request.GET.get("criterion", "")
    return render(request, "models_registry/editor/edit.html",
                  editor_context(programme, programme.lock_version,
                                 open_criterion=int(open_criterion) if open_criterion.isdigit() else None))


CRITERION_FORMS = {"edit": "models_registry/editor/_criterion_edit.html",
                   "audience": "models_registry/editor/_criterion_audience.html"}


@login_required
def programme_criterion_form(request, pk: int, object_id: int):
    """One criterion's edit or audience form, fetched when its <details> opens in the editor."""
    programme = _editable(request, pk)
    template = CRITERION_FORMS.get(request.GET.get("part", "edit"))
    if template is None or not programme.is_draft:
        raise Http404
    criterion = _criterion_of(programme, object_id)
    _criterion_forms(programme, criterion)
    return render(request, template, {"programme": programme, "criterion": criterion, "lock": programme.lock_version})


@login_required
@require_POST
def programme_change(request, pk: int, edit: str, object_id: int | None = None):
    """One edit of the draft (`EDITS[edit]`): validate its form, call its service, answer htmx
    with the fragment or a plain POST with a redirect back to the editor. Nothing is
    written on a refusal."""
    kind = EDITS[edit]
    programme = _editable(request, pk)
    target = kind.find(programme, object_id)
    form = kind.form(request, programme, target)
    fragment, anchor, form_key = kind.places(target)
    submitted_lock = request.POST.get("lock_version", "")
    stale = False
    if form.is_valid():
        try:
            kind.run(programme, target, form, expected_version=submitted_lock, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            stale = bool(_codes(error) & RELOAD_CODES)
        else:
            programme.refresh_from_db(fields=["lock_version", "status"])
            if _is_htmx(request):
                return _render_fragment(request, programme, programme.lock_version, *fragment, {}, [], False, True)
            messages.success(request, str(kind.message))
            return redirect(_editor_url(programme, anchor))
    errors = [message for field_errors in form.errors.values() for message in field_errors]
    if _is_htmx(request):
        # A form with fields shows its own errors; a bare button's errors go above the fragment.
        bound = {form_key: form} if form_key else {}
        return _render_fragment(request, programme, submitted_lock, *fragment, bound,
                                [] if form_key else errors, stale, False)
    messages.error(request, " ".join(errors))
    return redirect(_editor_url(programme, anchor))
