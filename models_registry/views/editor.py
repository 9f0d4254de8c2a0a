"""The draft editor: one page, and small forms that each post one change.

With htmx a form swaps only its fragment (the fields card, the groups section, one group,
one criterion). Every form carries the programme's `lock_version`; the service refuses a
stale one (another tab saved first) and nothing is written. On success the response also
carries the new lock_version out of band for every form of the page (see
`_fragment_response`), so the tab's other forms stay current. Without JS the same forms
post normally and redirect back to the editor, with the outcome as a message.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import units_managed_by
from models_registry import services
from models_registry.forms import (
    AudienceForm,
    CriterionForm,
    GroupForm,
    ParticipantForm,
    ProgrammeFieldsForm,
    add_service_errors,
)
from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    CriterionKind,
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
    return AudienceForm(data, subject=programme.subject, quantitative=criterion.kind == CriterionKind.QUANTITATIVE,
                        auto_id=f"aud{criterion.pk}-%s")


def _group_context(programme, group, forms_by_key=None) -> dict:
    """A group with its forms; `forms_by_key` replaces some with bound ones that failed."""
    forms_by_key = forms_by_key or {}
    group.title_form = forms_by_key.get(("group", group.pk)) or group_form(group)
    group.new_criterion_form = forms_by_key.get(("new_criterion", group.pk)) or new_criterion_form(group)
    for criterion in group.criteria.all():
        criterion.edit_form = forms_by_key.get(("criterion", criterion.pk)) or criterion_form(criterion)
        criterion.audience_form = (forms_by_key.get(("audience", criterion.pk))
                                   or audience_form(programme, criterion))
    return group


def editor_context(programme, lock, forms_by_key=None) -> dict:
    forms_by_key = forms_by_key or {}
    groups = programme_groups(programme)
    for index, group in enumerate(groups):
        _group_context(programme, group, forms_by_key)
        group.is_first, group.is_last = index == 0, index == len(groups) - 1
    context = {
        "programme": programme,
        "lock": lock,
        "groups": groups,
        "fields_form": forms_by_key.get("fields") or fields_form(programme),
        "new_group_form": forms_by_key.get("new_group") or group_form(),
    }
    if programme.subject == ProgrammeSubject.UNITS:
        context.update(
            participants=programme_participants(programme),
            participant_form=forms_by_key.get("participant") or ParticipantForm(auto_id="participant-%s"),
        )
    return context


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


def _handle(request, programme, *, form, run, fragment: tuple[str, int | None], anchor: str, success_message: str,
            form_key=None):
    """Validate `form`, call the service through `run(form)`, answer htmx with the fragment
    or a plain POST with a redirect back to the editor. Nothing is written on a refusal."""
    submitted_lock = request.POST.get("lock_version", "")
    stale = False
    if form.is_valid():
        try:
            run(form)
        except ValidationError as error:
            add_service_errors(form, error)
            stale = bool(_codes(error) & RELOAD_CODES)
        else:
            programme.refresh_from_db(fields=["lock_version", "status"])
            if _is_htmx(request):
                return _render_fragment(request, programme, programme.lock_version, *fragment, {}, [], False, True)
            messages.success(request, success_message)
            return redirect(_editor_url(programme, anchor))
    if _is_htmx(request):
        # A form with fields shows its own errors; a bare button's errors go above the fragment.
        bound = {form_key: form} if form_key else {}
        return _render_fragment(request, programme, submitted_lock, *fragment, bound,
                                [] if form_key else form.non_field_errors(), stale, False)
    errors = [message for field_errors in form.errors.values() for message in field_errors]
    messages.error(request, " ".join(errors))
    return redirect(_editor_url(programme, anchor))


def _editable(request, pk):
    return get_editable_programme_for_user(request.user, pk)


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


def _moved(ids: list[int], pk: int, direction: str) -> list[int]:
    """`ids` with `pk` one step up or down; unchanged at either end or for a bad direction."""
    index = ids.index(pk)
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else index
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


# --- Views --------------------------------------------------------------------------------


@login_required
def programme_edit(request, pk: int):
    programme = _editable(request, pk)
    if not programme.is_draft:
        messages.error(request, _("This programme is no longer a draft and cannot be changed. Start a new version "
                                  "to change it."))
        return redirect("programme_detail", pk=programme.pk)
    return render(request, "models_registry/editor/edit.html",
                  editor_context(programme, programme.lock_version))


@login_required
@require_POST
def programme_update(request, pk: int):
    programme = _editable(request, pk)

    def run(form):
        services.programme_update(programme=programme, expected_version=request.POST.get("lock_version"),
                                  parent=programme.parent, acting_user=request.user, **form.service_kwargs())

    return _handle(request, programme, form=fields_form(programme, request.POST), run=run, fragment=("fields", None),
                   form_key="fields", anchor="programme-fields", success_message=_("Programme saved."))


@login_required
@require_POST
def group_create(request, pk: int):
    programme = _editable(request, pk)

    def run(form):
        services.group_create(programme=programme, expected_version=request.POST.get("lock_version"),
                              title=form.cleaned_data["title"], acting_user=request.user)

    return _handle(request, programme, form=group_form(data=request.POST), run=run, fragment=("groups", None),
                   form_key="new_group", anchor="groups", success_message=_("Group added."))


@login_required
@require_POST
def group_update(request, pk: int, group_id: int):
    programme = _editable(request, pk)
    group = _group_of(programme, group_id)

    def run(form):
        services.group_update(group=group, expected_version=request.POST.get("lock_version"),
                              title=form.cleaned_data["title"], acting_user=request.user)

    return _handle(request, programme, form=group_form(group, request.POST), run=run, fragment=("group", group.pk),
                   form_key=("group", group.pk), anchor=f"group-{group.pk}", success_message=_("Group saved."))


@login_required
@require_POST
def group_delete(request, pk: int, group_id: int):
    programme = _editable(request, pk)
    group = _group_of(programme, group_id)

    def run(_form):
        services.group_delete(group=group, expected_version=request.POST.get("lock_version"),
                              acting_user=request.user)

    return _handle(request, programme, form=forms.Form(request.POST), run=run, fragment=("groups", None),
                   anchor="groups", success_message=_("Group deleted."))


@login_required
@require_POST
def group_move(request, pk: int, group_id: int):
    programme = _editable(request, pk)
    group = _group_of(programme, group_id)

    def run(_form):
        ids = list(CriteriaGroup.objects.filter(programme=programme).values_list("pk", flat=True))
        services.groups_reorder(programme=programme, expected_version=request.POST.get("lock_version"),
                                group_ids=_moved(ids, group.pk, request.POST.get("direction")),
                                acting_user=request.user)

    return _handle(request, programme, form=forms.Form(request.POST), run=run, fragment=("groups", None),
                   anchor=f"group-{group.pk}", success_message=_("Order saved."))


@login_required
@require_POST
def criterion_create(request, pk: int, group_id: int):
    programme = _editable(request, pk)
    group = _group_of(programme, group_id)

    def run(form):
        services.criterion_create(group=group, expected_version=request.POST.get("lock_version"),
                                  acting_user=request.user, **form.service_kwargs())

    return _handle(request, programme, form=new_criterion_form(group, request.POST), run=run,
                   fragment=("group", group.pk), form_key=("new_criterion", group.pk), anchor=f"group-{group.pk}",
                   success_message=_("Criterion added."))


@login_required
@require_POST
def criterion_update(request, pk: int, criterion_id: int):
    programme = _editable(request, pk)
    criterion = _criterion_of(programme, criterion_id)

    def run(form):
        services.criterion_update(criterion=criterion, expected_version=request.POST.get("lock_version"),
                                  acting_user=request.user, **form.service_kwargs())

    return _handle(request, programme, form=criterion_form(criterion, request.POST), run=run,
                   fragment=("criterion", criterion.pk), form_key=("criterion", criterion.pk),
                   anchor=f"criterion-{criterion.pk}", success_message=_("Criterion saved."))


@login_required
@require_POST
def criterion_delete(request, pk: int, criterion_id: int):
    programme = _editable(request, pk)
    criterion = _criterion_of(programme, criterion_id)

    def run(_form):
        services.criterion_delete(criterion=criterion, expected_version=request.POST.get("lock_version"),
                                  acting_user=request.user)

    return _handle(request, programme, form=forms.Form(request.POST), run=run, fragment=("group", criterion.group_id),
                   anchor=f"group-{criterion.group_id}",
                   success_message=_("Criterion deleted."))


@login_required
@require_POST
def criterion_move(request, pk: int, criterion_id: int):
    programme = _editable(request, pk)
    criterion = _criterion_of(programme, criterion_id)

    def run(_form):
        ids = list(Criterion.objects.filter(group=criterion.group).values_list("pk", flat=True))
        services.criteria_reorder(group=criterion.group, expected_version=request.POST.get("lock_version"),
                                  criterion_ids=_moved(ids, criterion.pk, request.POST.get("direction")),
                                  acting_user=request.user)

    return _handle(request, programme, form=forms.Form(request.POST), run=run, fragment=("group", criterion.group_id),
                   anchor=f"criterion-{criterion.pk}",
                   success_message=_("Order saved."))


@login_required
@require_POST
def audience_set(request, pk: int, criterion_id: int):
    programme = _editable(request, pk)
    criterion = _criterion_of(programme, criterion_id)

    def run(form):
        services.audience_target_set(criterion=criterion, expected_version=request.POST.get("lock_version"),
                                     acting_user=request.user, **form.service_kwargs())

    return _handle(request, programme, form=audience_form(programme, criterion, request.POST), run=run,
                   fragment=("criterion", criterion.pk), form_key=("audience", criterion.pk),
                   anchor=f"criterion-{criterion.pk}", success_message=_("Audience target saved."))


@login_required
@require_POST
def audience_delete(request, pk: int, audience_id: int):
    programme = _editable(request, pk)
    row = AudienceTarget.objects.filter(criterion__group__programme=programme, pk=audience_id).select_related(
        "criterion__group").first()
    if row is None:
        raise Http404
    row.criterion.group.programme = programme

    def run(_form):
        services.audience_target_delete(audience_target=row, expected_version=request.POST.get("lock_version"),
                                        acting_user=request.user)

    return _handle(request, programme, form=forms.Form(request.POST), run=run, fragment=("criterion", row.criterion_id),
                   anchor=f"criterion-{row.criterion_id}",
                   success_message=_("Audience target removed."))


@login_required
@require_POST
def participant_add(request, pk: int):
    programme = _editable(request, pk)

    def run(form):
        # Only units the user manages, under the owner: a tampered code finds nothing.
        unit = units_managed_by(request.user).filter(
            tenant_id=programme.tenant_id, code=form.cleaned_data["code"].strip(), archived_at__isnull=True
        ).first()
        if unit is None:
            raise ValidationError({"code": _("None of your units has this code.")})
        services.participant_add(programme=programme, expected_version=request.POST.get("lock_version"),
                                 unit=unit, acting_user=request.user)

    return _handle(request, programme, form=ParticipantForm(request.POST, auto_id="participant-%s"), run=run,
                   fragment=("participants", None), form_key="participant", anchor="participants",
                   success_message=_("Unit added."))


@login_required
@require_POST
def participant_remove(request, pk: int, unit_id: int):
    programme = _editable(request, pk)
    participant = ProgrammeParticipant.objects.filter(programme=programme, unit_id=unit_id).select_related("unit").first()
    if participant is None:
        raise Http404

    def run(_form):
        services.participant_remove(programme=programme, expected_version=request.POST.get("lock_version"),
                                    unit=participant.unit, acting_user=request.user)

    return _handle(request, programme, form=forms.Form(request.POST), run=run, fragment=("participants", None),
                   anchor="participants", success_message=_("Unit removed."))
