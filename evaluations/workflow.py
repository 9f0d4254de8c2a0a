"""The state machine of both forms, in one place. Every transition is one function that,
inside one transaction, locks the form row, checks (a) who acts (`rules`), (b) that the
cycle is open and, for a first submission, the deadline, (c) that the page's
`expected_version` is current and the form is in a state the action starts from; then
changes the state, bumps `lock_version` and records a FormEvent (who, when, from, to,
comment, changed fields, snapshot) plus an audit row. Two reviewers acting at once: the
second waits for the first's lock, then finds the version moved and is refused.

Registration (a1 ĐKCT01)::

    draft ──submit──▶ submitted ──approve──▶ approved ──amend──▶ new revision (draft) …
                      │    ▲                      approving the amendment supersedes it
                return│    │submit (resubmit)
                      ▼    │
                     returned

Self-assessment (a2 KĐCT01)::

    draft ──submit──▶ submitted ──propose (reviewer)──▶ proposed ──finalise (BTV)──▶ finalised
                      │    ▲
                return│    │submit (resubmit)
                      ▼    │
                     returned

Refusals are ValidationErrors with a Vietnamese message and a code (see `checks`).
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.services.audit import audit_record
from evaluations import notifications
from evaluations.checks import check_cycle_open, check_deadline, refuse
from evaluations.models import (
    AssessmentPeriod,
    AssessmentState,
    CapMode,
    Commitment,
    DeadlineKind,
    EvaluationSettings,
    FormAction,
    FormEvent,
    Rating,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from evaluations.rules import can_finalise, can_review, is_owner
from evaluations.services.assessments import refresh_computed, self_assessment_errors
from evaluations.services.drafts import parse_int
from evaluations.services.registrations import fill_header, registration_errors
from evaluations.snapshots import diff_snapshots, snapshot_of

R, A = RegistrationState, AssessmentState

# action: (states it starts from, state it leads to)
REGISTRATION_FLOW = {
    FormAction.SUBMIT: ({R.DRAFT, R.RETURNED}, R.SUBMITTED),
    FormAction.RETURN: ({R.SUBMITTED}, R.RETURNED),
    FormAction.APPROVE: ({R.SUBMITTED}, R.APPROVED),
    FormAction.AMEND: ({R.APPROVED}, R.APPROVED),
}
ASSESSMENT_FLOW = {
    FormAction.SUBMIT: ({A.DRAFT, A.RETURNED}, A.SUBMITTED),
    FormAction.RETURN: ({A.SUBMITTED}, A.RETURNED),
    FormAction.PROPOSE: ({A.SUBMITTED}, A.PROPOSED),
    FormAction.FINALISE: ({A.PROPOSED}, A.FINALISED),
}


def _flow(form) -> dict:
    return REGISTRATION_FLOW if isinstance(form, Registration) else ASSESSMENT_FLOW


def _lock(form: models.Model) -> models.Model:
    return (type(form).objects.select_for_update(of=("self",)).select_related("cycle", "unit", "cadre")
            .get(pk=form.pk))


def _sync(caller: models.Model, locked: models.Model) -> models.Model:
    """Bring the caller's instance up to date with the row the transition wrote."""
    for field in locked._meta.concrete_fields:
        setattr(caller, field.attname, getattr(locked, field.attname))
    return caller


def _check_turn(form, action: str, expected_version) -> str:
    """The version, then the state; returns the state the action leads to."""
    sources, target = _flow(form)[action]
    if parse_int(expected_version) != form.lock_version:
        raise refuse(_("Someone acted on this form after you opened it; it is now “%(state)s”. Reload the page: "
                       "nothing was changed.") % {"state": form.get_state_display()}, "stale")
    if form.state not in sources:
        raise refuse(_("This form is “%(state)s”: that step is not possible from there. Reload the page.")
                     % {"state": form.get_state_display()}, "state")
    return target


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise refuse(message, "forbidden")


def _record(form, *, action: str, target: str, acting_user, comment: str = "", criterion_comments=None,
            snapshot=None, changed_fields=(), extra_fields=()) -> FormEvent:
    """Move the form to `target` and record the event, in the caller's transaction."""
    from_state = form.state
    form.state, form.lock_version = target, form.lock_version + 1
    form.save(update_fields=["state", "lock_version", "updated_at", *extra_fields])
    link = {"registration": form} if isinstance(form, Registration) else {"self_assessment": form}
    event = FormEvent.objects.create(
        tenant_id=form.tenant_id, actor=acting_user, action=action, from_state=from_state, to_state=target,
        comment=comment, criterion_comments=criterion_comments or {}, snapshot=snapshot,
        changed_fields=list(changed_fields), is_late=form.is_late, **link,
    )
    audit_record(actor=acting_user, action=f"{form._meta.model_name}.{action}", obj=form,
                 data={"from": from_state, "to": target, "comment": comment, "changed": list(changed_fields)})
    return event


def last_return(form) -> FormEvent | None:
    return form.events.filter(action=FormAction.RETURN).order_by("-created_at", "-id").first()


def _submit(form, *, acting_user, expected_version, deadline_kind: str | None, check_content) -> models.Model:
    _require(is_owner(acting_user, form), _("Only the cadre who owns this form can submit it."))
    check_cycle_open(form.cycle)
    target = _check_turn(form, FormAction.SUBMIT, expected_version)
    # Only the first submission is held to the deadline: fixing a returned form is not late.
    if deadline_kind and form.state in (R.DRAFT, A.DRAFT):
        form.is_late = check_deadline(cycle=form.cycle, unit=form.unit, cadre_id=form.cadre_id,
                                      kind=deadline_kind, today=timezone.localdate())
    content_fields = check_content(form)
    snapshot = snapshot_of(form)
    resubmit = form.state in (R.RETURNED, A.RETURNED)
    returned = last_return(form) if resubmit else None
    changed = [change.key for change in diff_snapshots(returned.snapshot if returned else None, snapshot)]
    form.submitted_at = timezone.now()
    _record(form, action=FormAction.RESUBMIT if resubmit else FormAction.SUBMIT, target=target,
            acting_user=acting_user, snapshot=snapshot, changed_fields=changed if resubmit else (),
            extra_fields=["submitted_at", "is_late", *content_fields])
    return form


def _raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors, code="invalid")


def _clean_comments(form, comments) -> dict[str, str]:
    """Comments keyed by criterion id, each a criterion of this form; a foreign or made-up
    id refuses the whole return (nothing is written)."""
    own = {str(pk) for pk in form_criteria_ids(form)}
    cleaned = {}
    for key, text in (comments or {}).items():
        key, text = str(key).strip(), (text or "").strip()
        if not text:  # an empty comment box
            continue
        if key not in own:
            raise refuse(_("A comment refers to a criterion that is not on this form; reload the page."),
                         "invalid")
        if len(text) > 2000:
            raise refuse(_("At most %(n)d characters.") % {"n": 2000}, "invalid")
        cleaned[key] = text
    return cleaned


def form_criteria_ids(form) -> list[int]:
    registration = form if isinstance(form, Registration) else form.registration
    return list(Commitment.objects.filter(registration=registration).values_list("criterion_id", flat=True))


def _return(form, *, comments, general_comment: str, acting_user, expected_version) -> models.Model:
    _require(can_review(acting_user, form), _("Only the reviewer of this form can return it."))
    check_cycle_open(form.cycle)
    target = _check_turn(form, FormAction.RETURN, expected_version)
    cleaned = _clean_comments(form, comments)
    general_comment = (general_comment or "").strip()
    if not cleaned and not general_comment:
        raise refuse(_("Say what needs to change: comment on at least one criterion or on the whole form."),
                     "invalid")
    _record(form, action=FormAction.RETURN, target=target, acting_user=acting_user, comment=general_comment,
            criterion_comments=cleaned, snapshot=snapshot_of(form))
    notifications.form_returned(form)
    return form


# --- Registration -----------------------------------------------------------------------


def _check_registration(form: Registration) -> tuple[str, ...]:
    """Capture the identity header, then refuse an incomplete form; returns the fields set."""
    fill_header(form)
    _raise_errors(registration_errors(form))
    return ("unit", "role", "full_name", "birth_date", "union_position", "job_title", "unit_name")


@transaction.atomic
def registration_submit(*, registration: Registration, acting_user, expected_version) -> Registration:
    """draft/returned → submitted by the cadre; the identity header is captured now. A first
    submission after the deadline needs an extension and is then marked late."""
    form = _lock(registration)
    deadline = DeadlineKind.REGISTRATION if form.revision == 1 else None
    _submit(form, acting_user=acting_user, expected_version=expected_version, deadline_kind=deadline,
            check_content=_check_registration)
    return _sync(registration, form)


@transaction.atomic
def registration_return(*, registration: Registration, comments: dict, general_comment: str = "", acting_user,
                        expected_version) -> Registration:
    """submitted → returned by the reviewer, with a comment per criterion id that needs work."""
    form = _return(_lock(registration), comments=comments, general_comment=general_comment,
                   acting_user=acting_user, expected_version=expected_version)
    return _sync(registration, form)


@transaction.atomic
def registration_approve(*, registration: Registration, acting_user, expected_version,
                         comment: str = "") -> Registration:
    """submitted → approved by the reviewer; the form is locked. Approving an amendment
    supersedes the revision it amends."""
    form = _lock(registration)
    _require(can_review(acting_user, form), _("Only the reviewer of this form can approve it."))
    check_cycle_open(form.cycle)
    target = _check_turn(form, FormAction.APPROVE, expected_version)
    form.approved_at, form.approved_by = timezone.now(), acting_user
    _record(form, action=FormAction.APPROVE, target=target, acting_user=acting_user, comment=(comment or "").strip(),
            extra_fields=["approved_at", "approved_by"])
    if form.previous_id:
        previous = _lock(form.previous)
        previous.state, previous.lock_version = R.SUPERSEDED, previous.lock_version + 1
        previous.save(update_fields=["state", "lock_version", "updated_at"])
        audit_record(actor=acting_user, action="registration.superseded", obj=previous, data={"by": form.pk})
    notifications.form_approved(form)
    return _sync(registration, form)


@transaction.atomic
def registration_amend(*, registration: Registration, acting_user, expected_version) -> Registration:
    """Open an amendment of an approved registration: a new draft revision with the same
    content, linked to it. The approved revision stays valid until the amendment is approved."""
    form = _lock(registration)
    _require(is_owner(acting_user, form), _("Only the cadre who owns this form can amend it."))
    check_cycle_open(form.cycle)
    _check_turn(form, FormAction.AMEND, expected_version)
    if Registration.objects.filter(previous=form).exists():
        raise refuse(_("An amendment of this registration is already open."), "state")
    form.lock_version += 1
    form.save(update_fields=["lock_version", "updated_at"])
    fields = ("tenant_id", "cycle_id", "cadre_id", "programme_id", "unit_id", "role", "full_name", "birth_date",
              "union_position", "job_title", "unit_name", "planned_initiative", "is_late")
    amendment = Registration.objects.create(revision=form.revision + 1, previous=form,
                                            **{name: getattr(form, name) for name in fields})
    Commitment.objects.bulk_create(
        Commitment(tenant_id=c.tenant_id, registration=amendment, criterion_id=c.criterion_id, position=c.position,
                   text=c.text, minimum=c.minimum, target=c.target, measures=c.measures)
        for c in form.commitments.all()
    )
    FormEvent.objects.create(tenant_id=amendment.tenant_id, registration=amendment, actor=acting_user,
                             action=FormAction.AMEND, from_state=R.APPROVED, to_state=R.DRAFT,
                             comment=_("Amends revision %(n)d.") % {"n": form.revision})
    audit_record(actor=acting_user, action="registration.amend", obj=amendment, data={"previous": form.pk})
    _sync(registration, form)
    return amendment


# --- Self-assessment --------------------------------------------------------------------


def _check_assessment(form: SelfAssessment) -> tuple[str, ...]:
    refresh_computed(form)
    _raise_errors(self_assessment_errors(form))
    return ()


@transaction.atomic
def self_assessment_submit(*, self_assessment: SelfAssessment, acting_user, expected_version) -> SelfAssessment:
    """draft/returned → submitted by the cadre; the yearly one is held to the deadline."""
    form = _lock(self_assessment)
    deadline = DeadlineKind.SELF_ASSESSMENT if form.period == AssessmentPeriod.YEAR else None
    _submit(form, acting_user=acting_user, expected_version=expected_version, deadline_kind=deadline,
            check_content=_check_assessment)
    return _sync(self_assessment, form)


@transaction.atomic
def self_assessment_return(*, self_assessment: SelfAssessment, comments: dict, general_comment: str = "",
                           acting_user, expected_version) -> SelfAssessment:
    """submitted → returned by the reviewer, with a comment per criterion id."""
    form = _return(_lock(self_assessment), comments=comments, general_comment=general_comment,
                   acting_user=acting_user, expected_version=expected_version)
    return _sync(self_assessment, form)


def _clean_rating(rating: str) -> str:
    if rating not in Rating.values:
        raise refuse(_("Choose one of the four ratings."), "invalid")
    return rating


@transaction.atomic
def self_assessment_propose(*, self_assessment: SelfAssessment, rating: str, comment: str = "", acting_user,
                            expected_version) -> SelfAssessment:
    """submitted → proposed: the reviewer comments and proposes a rating."""
    form = _lock(self_assessment)
    _require(can_review(acting_user, form), _("Only the reviewer of this form can propose a rating."))
    check_cycle_open(form.cycle)
    target = _check_turn(form, FormAction.PROPOSE, expected_version)
    form.proposed_rating, form.reviewer_comment = _clean_rating(rating), (comment or "").strip()
    form.proposed_by = acting_user
    _record(form, action=FormAction.PROPOSE, target=target, acting_user=acting_user, comment=form.reviewer_comment,
            extra_fields=["proposed_rating", "reviewer_comment", "proposed_by"])
    return _sync(self_assessment, form)


def excellent_share_check(form: SelfAssessment, rating: str) -> str | None:
    """The warning when finalising `rating` would put the unit's share of "xuất sắc" over
    the tenant's cap (None when within it or the cap is off). The share is counted over
    the cadres of the unit with an approved registration in the cycle."""
    settings = EvaluationSettings.objects.filter(tenant_id=form.tenant_id).first()
    if settings is None or settings.excellent_cap_mode == CapMode.OFF or rating != Rating.EXCELLENT:
        return None
    if form.period != AssessmentPeriod.YEAR:
        return None
    excellent = (SelfAssessment.objects.filter(cycle=form.cycle, unit=form.unit, period=AssessmentPeriod.YEAR,
                                               state=A.FINALISED, final_rating=Rating.EXCELLENT)
                 .exclude(pk=form.pk).values("cadre_id").distinct().count() + 1)
    assessed = max(Registration.objects.filter(cycle=form.cycle, unit=form.unit, state=R.APPROVED)
                   .values("cadre_id").distinct().count(), 1)
    if excellent * 100 <= settings.excellent_cap_percent * assessed:
        return None
    return _("%(n)d of %(total)d cadres of %(unit)s would be rated “Excellently completed duties”, above the "
             "cap of %(cap)d%%.") % {"n": excellent, "total": assessed, "unit": form.unit.name,
                                     "cap": settings.excellent_cap_percent}


@transaction.atomic
def self_assessment_finalise(*, self_assessment: SelfAssessment, rating: str, comment: str = "", acting_user,
                             expected_version, confirm_over_cap: bool = False) -> SelfAssessment:
    """proposed → finalised: the BTV collective decides the final rating. Over the tenant's
    "xuất sắc" cap: refused in block mode; in warn mode refused (code "cap_warning") until
    the BTV confirms with `confirm_over_cap=True`."""
    form = _lock(self_assessment)
    _require(can_finalise(acting_user, form), _("Only the unit's Standing Committee can decide the final rating."))
    check_cycle_open(form.cycle)
    target = _check_turn(form, FormAction.FINALISE, expected_version)
    rating = _clean_rating(rating)
    warning = excellent_share_check(form, rating)
    if warning:
        mode = EvaluationSettings.objects.get(tenant_id=form.tenant_id).excellent_cap_mode
        if mode == CapMode.BLOCK:
            raise refuse(warning, "cap_blocked")
        if not confirm_over_cap:
            raise refuse(warning, "cap_warning")
    form.final_rating, form.collective_comment = rating, (comment or "").strip()
    form.finalised_by, form.finalised_at = acting_user, timezone.now()
    _record(form, action=FormAction.FINALISE, target=target, acting_user=acting_user,
            comment=form.collective_comment,
            extra_fields=["final_rating", "collective_comment", "finalised_by", "finalised_at"])
    notifications.form_rated(form)
    return _sync(self_assessment, form)
