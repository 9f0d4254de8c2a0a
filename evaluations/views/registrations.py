"""a1 ĐKCT01 pages: the cadre's programmes, starting and filling a registration (autosaved
one field at a time), submitting and amending it; the review queue and the review page
(approve, or return with a comment per criterion). Each view first fetches its object
through a selector: missing and out of reach are a 404 alike. Transitions are services."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import AccessKind
from cadres.selectors import access_for, own_cadre
from cadres.services.access_log import access_record_request, access_record_rows
from cadres.transitions import can_act
from evaluations import workflow
from evaluations.flows import EDIT, REGISTRATION_FLOW
from evaluations.forms.drafts import RegistrationDraftForm
from evaluations.forms.registrations import ReviewFilterForm
from evaluations.models import Cycle, FormAction, Registration, RegistrationState
from evaluations.selectors import (
    amendment_diff,
    can_review,
    form_timeline,
    get_registration_for_user,
    is_owner,
    open_cycle,
    programme_changes_for,
    programmes_for_cadre,
    resubmission_diff,
    return_comments_for,
    review_queue as queue_of,
)
from evaluations.services import registrations as services
from evaluations.views.drafts import owned_draft
from models_registry.models import CriterionKind
from models_registry.templatetags.programmes import target_text

QUEUE_PER_PAGE = 30


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- The cadre's own pages --------------------------------------------------------------


@login_required
def registration_list(request):
    """Programmes the cadre registers under in the open cycle, with their current form."""
    cadre = own_cadre(request.user)
    cycle = open_cycle(cadre.tenant_id) if cadre else None
    rows, history = [], []
    if cadre is not None:
        forms = Registration.objects.filter(cadre=cadre).select_related("programme", "cycle").order_by(
            "-cycle__year", "programme__name", "-revision")
        current = {}
        for form in forms:
            if cycle and form.cycle_id == cycle.pk and form.state not in (RegistrationState.SUPERSEDED,
                                                                          RegistrationState.CLOSED):
                current.setdefault(form.programme.series, form)
            history.append(form)
    changes = programme_changes_for(cadre) if cadre else []
    if cadre is not None and cycle is not None:
        # Registering under a programme that replaced a closed draft carries that draft over.
        carried = {change.programme.pk: change.closed.pk for change in changes}
        rows = [(programme, current.get(programme.series), carried.get(programme.pk))
                for programme in programmes_for_cadre(cadre, cycle)]
    return render(request, "evaluations/registrations/list.html", {
        "cadre": cadre, "cycle": cycle, "rows": rows, "history": history, "programme_changes": changes,
        "reviews": bool(access_for(request.user).reviewed_unit_ids or access_for(request.user).is_manager),
    })


@login_required
@require_POST
def registration_start(request, programme_id: int):
    cadre = own_cadre(request.user)
    cycle = open_cycle(cadre.tenant_id) if cadre else None
    programme = next((p for p in programmes_for_cadre(cadre, cycle) if p.pk == programme_id), None) if cycle \
        else None
    if programme is None:
        raise Http404
    try:
        registration = services.registration_start(cycle=cycle, programme=programme, cadre=cadre,
                                                   acting_user=request.user,
                                                   carry_over=request.POST.get("carry_over") or None)
    except ValidationError as error:
        messages.error(request, _message(error))
        return redirect("registration_list")
    return redirect("registration_edit", pk=registration.pk)


@dataclass
class CommitmentRow:
    commitment: object
    criterion: object
    minimum_text: str
    fields: list  # its autosaved fields
    comment: str = ""


def _rows(draft: RegistrationDraftForm) -> list[CommitmentRow]:
    comments = return_comments_for(draft.draft)
    by_criterion = comments.by_criterion if comments else {}
    rows = []
    for commitment in draft.commitments:
        criterion = commitment.criterion
        minimum = target_text(criterion, commitment.minimum) if criterion.kind == CriterionKind.QUANTITATIVE else ""
        rows.append(CommitmentRow(commitment, criterion, minimum or target_text(criterion),
                                  [draft[key] for key in draft.shown_keys(commitment)],
                                  by_criterion.get(criterion.pk, "")))
    return rows


def _edit_page(request, registration, *, posted=None, errors=None, status=200):
    """The form's fields; `posted` values (a refused submission) win over stored ones so
    nothing typed is lost."""
    draft = RegistrationDraftForm(registration, posted, errors)
    return render(request, "evaluations/registrations/edit.html", {
        "form": registration, "rows": _rows(draft), "initiative": draft["planned_initiative"],
        "comments": return_comments_for(registration), "summary": draft.error_summary(),
    }, status=status)


def _own_form(request, pk) -> Registration:
    return owned_draft("registration", request, pk)


@login_required
def registration_edit(request, pk: int):
    registration = _own_form(request, pk)
    if not can_act(REGISTRATION_FLOW, registration, EDIT, request.user):
        return redirect("registration_detail", pk=registration.pk)
    return _edit_page(request, registration)


def _save_posted(request, registration: Registration) -> tuple[dict, dict]:
    """Save the fields a submission carries that differ from what is stored (autosave may
    not have fired before the tap); returns the posted values and the fields refused."""
    posted, errors = {}, {}
    for key, field in RegistrationDraftForm(registration).fields.items():
        if key not in request.POST:
            continue
        posted[key] = request.POST[key]
        if posted[key].strip() == field.initial.strip():
            continue
        try:
            result = services.registration_autosave(
                registration=registration, field=key, value=posted[key],
                expected_version=request.POST.get(f"v:{key}"), acting_user=request.user)
        except ValidationError as error:
            errors[key] = " ".join(error.messages)
        else:
            if not result.saved:
                errors[key] = result.message
                posted.pop(key)
    return posted, errors


@login_required
@require_POST
def registration_submit(request, pk: int):
    registration = _own_form(request, pk)
    if not can_act(REGISTRATION_FLOW, registration, EDIT, request.user):
        messages.error(request, _("This form is “%(state)s” and can no longer be changed.")
                       % {"state": registration.get_state_display()})
        return redirect("registration_detail", pk=registration.pk)
    posted, errors = _save_posted(request, registration)
    if not errors:
        try:
            workflow.registration_submit(registration=registration, acting_user=request.user,
                                         expected_version=request.POST.get("version"))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, _message(error))
                return redirect("registration_detail", pk=registration.pk)
            errors = {key: " ".join(texts) for key, texts in error.message_dict.items()}
        else:
            messages.success(request, _("Your registration was submitted to your reviewer."))
            return redirect("registration_detail", pk=registration.pk)
    registration.refresh_from_db()
    return _edit_page(request, registration, posted=posted, errors=errors, status=400)


@login_required
@require_POST
def registration_amend(request, pk: int):
    registration = _own_form(request, pk)
    try:
        amendment = workflow.registration_amend(registration=registration, acting_user=request.user,
                                                expected_version=request.POST.get("version"))
    except ValidationError as error:
        messages.error(request, _message(error))
        return redirect("registration_detail", pk=registration.pk)
    messages.success(request, _("An amendment is open: change what you need, then submit it for review again."))
    return redirect("registration_edit", pk=amendment.pk)


# --- Reading and reviewing --------------------------------------------------------------


def _detail_page(request, registration, *, typed=None, error="", unsent=0, status=200):
    reviewer = can_review(request.user, registration)
    draft = RegistrationDraftForm(registration)
    rows, typed = _rows(draft), typed or {}
    for row in rows:
        row.typed = typed.get(str(row.criterion.pk), "")
    amendment = Registration.objects.filter(previous=registration).first()
    owner = is_owner(request.user, registration)
    return render(request, "evaluations/registrations/detail.html", {
        "form": registration, "rows": rows, "initiative": draft["planned_initiative"],
        "owner": owner, "reviewer": reviewer,
        "can_act": can_act(REGISTRATION_FLOW, registration, FormAction.APPROVE, request.user),
        "editable": can_act(REGISTRATION_FLOW, registration, EDIT, request.user),
        "comments": return_comments_for(registration),
        "diff": resubmission_diff(registration) if reviewer or owner else [],
        "amendment_diff": amendment_diff(registration) if reviewer or owner else None,
        "can_amend": can_act(REGISTRATION_FLOW, registration, FormAction.AMEND, request.user),
        "timeline": form_timeline(registration).select_related("actor__cadre"), "amendment": amendment,
        "general_typed": typed.get("", ""), "error": error, "unsent": unsent,
    }, status=status)


@login_required
def registration_detail(request, pk: int):
    """The form read-only, its timeline; for the reviewer the diff since the return and
    the approve / return actions."""
    registration = get_registration_for_user(request.user, pk)
    access_record_request(request, AccessKind.FORM, [registration.cadre_id], tenant_id=registration.tenant_id,
                          obj=registration)
    return _detail_page(request, registration)


def _reviewable(request, pk: int):
    """A form this user reviews; for anyone else the action does not exist (404), as for
    the self-assessment's review actions."""
    registration = get_registration_for_user(request.user, pk)
    if not can_review(request.user, registration):
        raise Http404
    return registration


def _refused(request, registration, error: ValidationError, typed=None):
    """A refused review action: the page again with the message, what was typed kept."""
    code = getattr(error, "code", "")
    status = 409 if code in ("stale", "state", "closed") else 403 if code == "forbidden" else 400
    registration.refresh_from_db()
    return _detail_page(request, registration, typed=typed, error=_message(error), status=status)


def _typed_comments(request) -> dict[str, str]:
    """The review boxes with text, by criterion id; the service refuses an id not on the form."""
    return {key.removeprefix("comment."): value for key, value in request.POST.items()
            if key.startswith("comment.") and value.strip()}


@login_required
@require_POST
def registration_approve(request, pk: int):
    """Approve; the general comment goes with the approval. Criterion comments typed for a
    return are not sent by approving: the page comes back with them and says so, until the
    reviewer returns the form or approves again without them ("drop_comments")."""
    registration = _reviewable(request, pk)
    comments = _typed_comments(request)
    general = request.POST.get("general_comment", request.POST.get("comment", ""))[:2000]
    if comments and not request.POST.get("drop_comments"):
        return _detail_page(request, registration, typed={**comments, "": general}, unsent=len(comments), status=400)
    try:
        workflow.registration_approve(registration=registration, acting_user=request.user,
                                      expected_version=request.POST.get("version"), comment=general)
    except ValidationError as error:
        return _refused(request, registration, error)
    messages.success(request, _("Registration of %(name)s approved.") % {"name": registration.cadre.full_name})
    return redirect(_next_in_queue(request, registration))


@login_required
@require_POST
def registration_return(request, pk: int):
    registration = _reviewable(request, pk)
    comments = _typed_comments(request)
    general = request.POST.get("general_comment", "")
    try:
        workflow.registration_return(registration=registration, comments=comments, general_comment=general,
                                     acting_user=request.user, expected_version=request.POST.get("version"))
    except ValidationError as error:
        return _refused(request, registration, error, typed={**comments, "": general})
    messages.success(request, _("Registration of %(name)s returned with your comments.")
                     % {"name": registration.cadre.full_name})
    return redirect(_next_in_queue(request, registration))


def _next_in_queue(request, registration) -> str:
    """After acting, straight to the next form waiting in the queue (or the queue itself)."""
    waiting = queue_of(request.user, cycle=registration.cycle).items.exclude(pk=registration.pk)
    following = waiting.order_by("-submitted_at", "-id").first()
    if following is not None:
        return reverse("registration_detail", args=[following.pk])
    return reverse("review_queue")


@login_required
def review_queue(request):
    """Forms the user reviews: counts per state, filters, newest submission first."""
    access = access_for(request.user)
    if not (access.reviewed_unit_ids or access.is_manager):
        raise Http404
    cycles = list(Cycle.objects.filter(tenant_id__in=access.tenant_ids).order_by("-year"))
    filters = ReviewFilterForm(request.GET or None, user=request.user, cycles=cycles)
    data = filters.cleaned_data if filters.is_valid() else {}
    cycle = next((c for c in cycles if str(c.pk) == data.get("cycle")), None) or (cycles[0] if cycles else None)
    queue = queue_of(request.user, state=data.get("state", ""), cycle=cycle, unit=filters.chosen_unit,
                     search=data.get("q", ""))
    page = Paginator(queue.items.order_by("-submitted_at", "-id"), QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    states = [(value, label, queue.counts.get(value, 0)) for value, label in RegistrationState.choices
              if value in queue.counts]
    access_record_rows(request, AccessKind.LIST, page.object_list)
    return render(request, "evaluations/registrations/queue.html", {
        "page": page, "filters": filters, "queue": queue, "states": states, "cycle": cycle,
    })
