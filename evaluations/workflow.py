"""The transitions of both forms, one service each, taken through the transition engine
(`cadres.transitions.act`) on the flows declared in `evaluations.flows`: inside one
transaction the form row is locked; who acts, the open cycle, the page's
`expected_version` and the state are checked; the change is applied, `lock_version`
bumped and a FormEvent (who, when, from, to, comment, changed fields, snapshot) plus an
audit row recorded. Two reviewers acting at once: the second waits for the first's lock,
then finds the version moved and is refused. What each transition adds (the deadline, the
content checks, the rating cap, the notices) is here.

Refusals are `cadres.transitions.Refusal`s with a Vietnamese message and a code (see `checks`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Unit, User
from cadres.services.audit import audit_record
from cadres.transitions import Outcome, Refusal, act
from evaluations.checks import check_deadline
from evaluations.flows import SUPERSEDED
from evaluations.kinds import REGISTRATION, kind_of
from evaluations.models import (
    AssessmentState,
    CapMode,
    Commitment,
    EvaluationSettings,
    FormAction,
    FormEvent,
    Rating,
    Registration,
    RegistrationState,
    SelfAssessment,
    UnitRegistration,
    UnitSelfAssessment,
)
from evaluations.selectors import excellent_share, ratings_to_finalise
from evaluations.services.assessments import refresh_computed, self_assessment_errors, self_assessments_follow
from evaluations.services.ratings import MeetingDetails, rating_meeting_for
from evaluations.services.registrations import fill_header, registration_errors
from evaluations.snapshots import Snapshot

R, A = RegistrationState, AssessmentState
Form = Registration | SelfAssessment | UnitRegistration | UnitSelfAssessment
F = TypeVar("F", Registration, SelfAssessment, UnitRegistration, UnitSelfAssessment)


def noted(*, comment: str = "", fields: Iterable[str] = (), snapshot: Snapshot | None = None, changed: Iterable[str] = (),
           criterion_comments: dict[str, str] | None = None) -> Outcome:
    """A form transition's outcome: its event row and audit row carry the comment and the changes."""
    changed = list(changed)
    return Outcome(fields=fields, data={"comment": comment, "changed": changed},
                   event={"comment": comment, "criterion_comments": criterion_comments or {}, "snapshot": snapshot,
                          "changed_fields": changed})


def last_return(form: Form) -> FormEvent | None:
    return form.events.filter(action=FormAction.RETURN).order_by("-created_at", "-id").first()


def take(form: F, action: str, *, acting_user: User, expected_version: object,
          change: Callable[[F], Outcome | None] | None = None) -> F:
    """Take `action` on the form through its kind's flow; the kind's notice for it, if any,
    goes out once the transaction commits."""
    kind = kind_of(form)
    done = act(kind.flow, form, action, acting_user=acting_user, expected_version=expected_version, change=change)
    kind.notify(done, action, acting_user)
    return done


def _late(deadline_kind: str | None) -> Callable[[Registration | SelfAssessment], bool] | None:
    """A cadre's form held to its kind's deadline: refused past it without an extension, else late or not."""
    if not deadline_kind:
        return None
    return lambda locked: check_deadline(cycle=locked.cycle, unit=locked.unit, cadre_id=locked.cadre_id,
                                         kind=deadline_kind, today=timezone.localdate())


def submit_form(form: F, *, acting_user: User, expected_version: object, check_content: Callable[[F], tuple[str, ...]],
                late: Callable[[F], bool] | None = None) -> None:
    """draft/returned → submitted, any kind: the content checked, its snapshot kept, a
    resubmission's changes against the last return listed."""
    kind = kind_of(form)

    def change(locked: F) -> Outcome:
        # Only the first submission is held to the deadline: fixing a returned form is not late.
        if late is not None and locked.state in (R.DRAFT, A.DRAFT):
            locked.is_late = late(locked)
        content_fields: tuple[str, ...] = check_content(locked)
        snapshot = kind.snapshot(locked)
        resubmit = locked.state in (R.RETURNED, A.RETURNED)
        returned = last_return(locked) if resubmit else None
        changed = [field.key for field in kind.diff(returned.snapshot if returned else None, snapshot)]
        locked.submitted_at = timezone.now()
        return noted(fields=["submitted_at", "is_late", *content_fields], snapshot=snapshot,
                      changed=changed if resubmit else ())

    take(form, FormAction.SUBMIT, acting_user=acting_user, expected_version=expected_version, change=change)


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors, code="invalid")


def _clean_comments(form: Form, comments: dict[str, str] | None) -> dict[str, str]:
    """Comments keyed by criterion id, each a criterion of this form; a foreign or made-up
    id refuses the whole return (nothing is written)."""
    own = {str(pk) for pk in form_criteria_ids(form)}
    cleaned = {}
    for key, text in (comments or {}).items():
        key, text = str(key).strip(), (text or "").strip()
        if not text:  # an empty comment box
            continue
        if key not in own:
            raise Refusal(_("A comment refers to a criterion that is not on this form; reload the page."),
                          "invalid")
        if len(text) > 2000:
            raise Refusal(_("At most %(n)d characters.") % {"n": 2000}, "invalid")
        cleaned[key] = text
    return cleaned


def form_criteria_ids(form: Form) -> list[int]:
    return list(kind_of(form).commitments(form).values_list("criterion_id", flat=True))


def return_form(form: F, *, comments: dict[str, str] | None, general_comment: str, acting_user: User,
            expected_version: object) -> None:
    def change(locked: F) -> Outcome:
        cleaned = _clean_comments(locked, comments)
        comment = (general_comment or "").strip()
        if not cleaned and not comment:
            raise Refusal(_("Say what needs to change: comment on at least one criterion or on the whole form."),
                          "invalid")
        return noted(comment=comment, criterion_comments=cleaned, snapshot=kind_of(locked).snapshot(locked))

    take(form, FormAction.RETURN, acting_user=acting_user, expected_version=expected_version, change=change)


# --- Registration -----------------------------------------------------------------------


def _check_registration(form: Registration) -> tuple[str, ...]:
    """Capture the identity header, then refuse an incomplete form; returns the fields set."""
    fill_header(form)
    raise_errors(registration_errors(form))
    return ("unit", "role", "full_name", "birth_date", "union_position", "job_title", "unit_name")


@transaction.atomic
def registration_submit(*, registration: Registration, acting_user: User, expected_version: object) -> Registration:
    """draft/returned → submitted by the cadre; the identity header is captured now. A first
    submission after the deadline needs an extension and is then marked late."""
    deadline = REGISTRATION.deadline if registration.revision == 1 else None
    submit_form(registration, acting_user=acting_user, expected_version=expected_version, late=_late(deadline),
                check_content=_check_registration)
    return registration


@transaction.atomic
def registration_return(*, registration: Registration, comments: dict[str, str], general_comment: str = "",
                        acting_user: User, expected_version: object) -> Registration:
    """submitted → returned by the reviewer, with a comment per criterion id that needs work."""
    return_form(registration, comments=comments, general_comment=general_comment, acting_user=acting_user,
                expected_version=expected_version)
    return registration


@transaction.atomic
def registration_approve(*, registration: Registration, acting_user: User, expected_version: object,
                         comment: str = "") -> Registration:
    """submitted → approved by the reviewer; the form is locked. Approving an amendment
    supersedes the revision it amends and moves that revision's self-assessments onto it."""
    def change(locked: Registration) -> Outcome:
        locked.approved_at, locked.approved_by = timezone.now(), acting_user
        return noted(comment=(comment or "").strip(), fields=["approved_at", "approved_by"])

    form = take(registration, FormAction.APPROVE, acting_user=acting_user, expected_version=expected_version,
                 change=change)
    if form.previous_id:
        previous = Registration.objects.get(pk=form.previous_id)
        take(previous, SUPERSEDED, acting_user=acting_user, expected_version=previous.lock_version,
              change=lambda locked: Outcome(data={"by": form.pk}))
        self_assessments_follow(previous=previous, amendment=form, acting_user=acting_user)
    return form


def _no_open_amendment(locked: Registration) -> None:
    if Registration.objects.filter(previous=locked).exists():
        raise Refusal(_("An amendment of this registration is already open."), "state")


@transaction.atomic
def registration_amend(*, registration: Registration, acting_user: User, expected_version: object) -> Registration:
    """Open an amendment of an approved registration: a new draft revision with the same
    content, linked to it. The approved revision stays valid until the amendment is approved."""
    form = take(registration, FormAction.AMEND, acting_user=acting_user, expected_version=expected_version,
                 change=_no_open_amendment)
    fields = ("tenant_id", "cycle_id", "cadre_id", "programme_id", "unit_id", "role", "full_name", "birth_date",
              "union_position", "job_title", "unit_name", "planned_initiative", "is_late")
    amendment = Registration.objects.create(revision=form.revision + 1, previous=form,
                                            **{name: getattr(form, name) for name in fields})
    Commitment.objects.bulk_create(
        Commitment(tenant_id=c.tenant_id, registration=amendment, criterion_id=c.criterion_id, position=c.position,
                   text=c.text, minimum=c.minimum, target=c.target, measures=c.measures)
        for c in form.commitments.all()
    )
    FormEvent.objects.create(tenant_id=amendment.tenant_id, form=amendment, actor=acting_user,
                             action=FormAction.AMEND, from_state=R.APPROVED, to_state=R.DRAFT,
                             comment=_("Amends revision %(n)d.") % {"n": form.revision})
    audit_record(actor=acting_user, action="registration.amend", obj=amendment, data={"previous": form.pk})
    return amendment


# --- Self-assessment --------------------------------------------------------------------


def _check_assessment(form: SelfAssessment) -> tuple[str, ...]:
    refresh_computed(form)
    raise_errors(self_assessment_errors(form))
    return ()


@transaction.atomic
def self_assessment_submit(*, self_assessment: SelfAssessment, acting_user: User,
                           expected_version: object) -> SelfAssessment:
    """draft/returned → submitted by the cadre; the yearly one is held to the deadline."""
    submit_form(self_assessment, acting_user=acting_user, expected_version=expected_version,
                late=_late(kind_of(self_assessment).deadline), check_content=_check_assessment)
    return self_assessment


@transaction.atomic
def self_assessment_return(*, self_assessment: SelfAssessment, comments: dict[str, str], general_comment: str = "",
                           acting_user: User, expected_version: object) -> SelfAssessment:
    """submitted → returned by the reviewer, with a comment per criterion id."""
    return_form(self_assessment, comments=comments, general_comment=general_comment, acting_user=acting_user,
            expected_version=expected_version)
    return self_assessment


def clean_rating(rating: str) -> str:
    if rating not in Rating.values:
        raise Refusal(_("Choose one of the four ratings."), "invalid")
    return rating


@transaction.atomic
def self_assessment_propose(*, self_assessment: SelfAssessment, rating: str, comment: str = "", acting_user: User,
                            expected_version: object) -> SelfAssessment:
    """submitted → proposed: the reviewer comments and proposes a rating."""
    def change(locked: SelfAssessment) -> Outcome:
        locked.proposed_rating, locked.reviewer_comment = clean_rating(rating), (comment or "").strip()
        locked.proposed_by = acting_user
        return noted(comment=locked.reviewer_comment, fields=["proposed_rating", "reviewer_comment", "proposed_by"])

    return take(self_assessment, FormAction.PROPOSE, acting_user=acting_user, expected_version=expected_version,
                 change=change)


def excellent_share_check(form: SelfAssessment, rating: str) -> str | None:
    """The warning when finalising `rating` would put the unit's share of "xuất sắc" over
    the tenant's cap (None when within it or the cap is off; `selectors.excellent_share`)."""
    if rating != Rating.EXCELLENT or not kind_of(form).is_yearly:
        return None
    share = excellent_share(form.cycle, form.unit, excluding=form.pk)
    if not share.over_cap(1):
        return None
    return _("%(n)d of %(total)d cadres of %(unit)s would be rated “Excellently completed duties”, above the "
             "cap of %(cap)d%%.") % {"n": share.excellent + 1, "total": share.assessed, "unit": form.unit.name,
                                     "cap": share.cap_percent}


@transaction.atomic
def self_assessment_finalise(*, self_assessment: SelfAssessment, rating: str, comment: str = "", acting_user: User,
                             expected_version: object, confirm_over_cap: bool = False,
                             meeting: MeetingDetails | None = None) -> SelfAssessment:
    """proposed → finalised: the BTV collective decides the final rating, in the meeting
    `meeting` describes (yearly forms; recorded once per meeting, see `services.ratings`).
    Over the tenant's "xuất sắc" cap: refused in block mode; in warn mode refused (code
    "cap_warning") until the BTV confirms with `confirm_over_cap=True`."""
    def change(locked: SelfAssessment) -> Outcome:
        checked = clean_rating(rating)
        warning = excellent_share_check(locked, checked)
        if warning:
            mode = EvaluationSettings.objects.get(tenant_id=locked.tenant_id).excellent_cap_mode
            if mode == CapMode.BLOCK:
                raise Refusal(warning, "cap_blocked")
            if not confirm_over_cap:
                raise Refusal(warning, "cap_warning")
        locked.final_rating, locked.collective_comment = checked, (comment or "").strip()
        locked.finalised_by, locked.finalised_at = acting_user, timezone.now()
        fields = ["final_rating", "collective_comment", "finalised_by", "finalised_at"]
        if kind_of(locked).is_yearly:
            locked.rating_meeting = rating_meeting_for(form=locked, details=meeting, acting_user=acting_user)
            fields.append("rating_meeting")
        recorded = noted(comment=locked.collective_comment, fields=fields)
        return Outcome(fields=recorded.fields, event=recorded.event,
                       data={**recorded.data, "meeting": locked.rating_meeting_id} if locked.rating_meeting_id
                       else recorded.data)

    return take(self_assessment, FormAction.FINALISE, acting_user=acting_user, expected_version=expected_version,
                 change=change)


@dataclass(frozen=True)
class Decision:
    """One form's line on the batch page: the rating the collective gave, as the page sent it."""

    form_id: object
    expected_version: object
    rating: str
    comment: str = ""


@transaction.atomic
def self_assessments_finalise_batch(*, unit: Unit, decisions: Iterable[Decision], meeting: MeetingDetails | None,
                                    acting_user: User, confirm_over_cap: bool = False) -> list[SelfAssessment]:
    """The collective's decision on several of a unit's proposed yearly ratings at once,
    after its meeting: each form finalised through the same transition as one at a time
    (its version, its checks, the cap counted as the ratings before it are written, its
    event and audit rows), all in one transaction. A form that is not one of the unit's
    proposed ratings this user decides, or any refusal, writes nothing; the refusal names
    the cadre."""
    decisions = list(decisions)
    if not decisions:
        raise Refusal(_("Choose a rating for at least one cadre."), "invalid")
    awaiting = {str(form.pk): form for form in ratings_to_finalise(acting_user, unit)}
    forms = [awaiting.get(str(decision.form_id)) for decision in decisions]
    if None in forms or len({form.pk for form in forms if form}) != len(forms):
        raise Refusal(_("A form on the page is not one of this unit's ratings awaiting your decision; reload the "
                        "page: nothing was recorded."), "invalid")
    done = []
    for form, decision in zip(forms, decisions, strict=True):
        assert form is not None
        try:
            done.append(self_assessment_finalise(
                self_assessment=form, rating=decision.rating, comment=decision.comment, acting_user=acting_user,
                expected_version=decision.expected_version, confirm_over_cap=confirm_over_cap, meeting=meeting))
        except Refusal as refusal:
            raise Refusal(_("%(name)s: %(reason)s Nothing was recorded.") % {
                "name": form.cadre.full_name, "reason": " ".join(refusal.messages)}, refusal.code or "invalid") from refusal
    return done
