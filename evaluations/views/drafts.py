"""What both draft forms (registration, self-assessment) share on the cadre's side: the
owner's access to their draft and the autosave endpoint htmx posts one field to."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from evaluations.forms.drafts import dom_id, shown
from evaluations.rules import is_owner
from evaluations.selectors import get_registration_for_user, get_self_assessment_for_user
from evaluations.services.assessments import self_assessment_autosave
from evaluations.services.registrations import registration_autosave


@dataclass(frozen=True)
class DraftKind:
    get: Callable  # (user, pk) -> the form; 404 when missing or out of reach
    autosave: Callable  # (form, **field_and_version) -> AutosaveResult


DRAFTS = {
    "registration": DraftKind(get_registration_for_user,
                              lambda form, **kwargs: registration_autosave(registration=form, **kwargs)),
    "self_assessment": DraftKind(get_self_assessment_for_user,
                                 lambda form, **kwargs: self_assessment_autosave(self_assessment=form, **kwargs)),
}


def owned_draft(kind: str, request, pk: int):
    """The user's own form; someone else's (even one they review) is a 404 here."""
    form = DRAFTS[kind].get(request.user, pk)
    if not is_owner(request.user, form):
        raise Http404
    return form


@login_required
@require_POST
def draft_autosave(request, pk: int, kind: str):
    """One field, sent by htmx as the cadre types: answers with its save state (saved,
    stale with the stored value, or refused with the reason)."""
    form = owned_draft(kind, request, pk)
    key = request.POST.get("field", "")[:100]
    context = {"key": key, "dom_id": dom_id(key), "version": form.field_versions.get(key, 0)}
    try:
        result = DRAFTS[kind].autosave(form, field=key, value=request.POST.get(key, ""),
                                       expected_version=request.POST.get(f"v:{key}"), acting_user=request.user)
    except ValidationError as error:
        context.update(state="error", message=" ".join(error.messages))
    else:
        context.update(state="saved" if result.saved else "stale", version=result.version,
                       value=shown(result.value), message=result.message)
    return render(request, "evaluations/_save_state.html", context)
