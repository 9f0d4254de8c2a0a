"""The state machine of both forms, declared on the transition engine (`cadres.transitions`):
per action, the states it starts from and leads to, and who may take it (`rules`). The
services that take the actions are in `workflow`; pages ask `can_act` before offering them.
Each form kind names its flow (`kinds`).

Registration (a1 ĐKCT01)::

    draft ──submit──▶ submitted ──approve──▶ approved ──amend──▶ new revision (draft) …
                      │    ▲                      approving the amendment supersedes it;
                      │    │                      no amending once the yearly rating is final
                return│    │submit (resubmit)
                      ▼    │
                     returned

    draft ──close──▶ closed ──reopen──▶ draft: its programme no longer applies to the cadre
    (their unit published its own mid-cycle: `services.programme_changes`), and again.

Self-assessment (a2 KĐCT01)::

    draft ──submit──▶ submitted ──propose (reviewer)──▶ proposed ──finalise (BTV)──▶ finalised
                      │    ▲
                return│    │submit (resubmit)
                      ▼    │
                     returned

A unit's forms (`models.unit_forms`) follow the same two flows, acted on by the unit's Bí
thư (for its BCH) and decided by the parent's Ban Thường vụ, which rates the
self-assessment at once (no proposal step: the reviewer and the BTV are the same people)::

    draft ──submit──▶ submitted ──approve / finalise (parent BTV)──▶ approved / finalised
                      return ▼ ▲ submit

    draft / submitted / returned ──withdraw──▶ closed: the unit was merged, split or
    archived mid-cycle (`reorganised`).

"edit" is the cadre changing a draft field (autosave): it has per-field versions, so it is
checked (`cadres.transitions.check`) but never taken as a transition. Every action needs
the cycle open.
"""

from collections.abc import Mapping
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

from cadres.actors import Actor, account_of
from cadres.transitions import Flow, Move, Refusal, Step, allowed_if
from evaluations.checks import check_cycle_open
from evaluations.models import (
    AssessmentPeriod,
    AssessmentState,
    FormAction,
    FormEvent,
    Registration,
    RegistrationState,
    SelfAssessment,
    UnitAssessmentState,
    UnitRegistration,
    UnitSelfAssessment,
)
from evaluations.models.forms import FormCore
from evaluations.rules import acts_for_unit, can_finalise, can_review, can_review_unit_form, is_owner

R, A, UA = RegistrationState, AssessmentState, UnitAssessmentState
F = TypeVar("F", bound=FormCore)
EDIT = "edit"
SUPERSEDED = "superseded"

_owner_edits = allowed_if(is_owner, _("Only the cadre who owns this form can change it."))
_owner_submits = allowed_if(is_owner, _("Only the cadre who owns this form can submit it."))
_reviewer_returns = allowed_if(can_review, _("Only the reviewer of this form can return it."))
_CANNOT_CHANGE = _("This form is “%(state)s” and can no longer be changed.")


def _cycle_open(user: Actor, form: FormCore) -> None:
    check_cycle_open(form.cycle)


def _not_rated(user: Actor, form: Registration) -> None:
    """The final yearly rating was decided on this registration chain's commitments: an
    amendment may no longer change them."""
    rated = SelfAssessment.objects.filter(
        registration__cycle_id=form.cycle_id, registration__cadre_id=form.cadre_id,
        registration__programme_id=form.programme_id, period=AssessmentPeriod.YEAR, state=A.FINALISED)
    if rated.exists():
        raise Refusal(_("The yearly self-assessment of this registration has its final rating: the registration "
                        "can no longer be amended."), "state")


def _form_event(move: Move[F]) -> None:
    form = move.obj
    FormEvent.objects.create(tenant_id=form.tenant_id, form=form, actor=account_of(move.actor), action=move.action,
                             from_state=move.source, to_state=move.target, is_late=form.is_late, **move.outcome.event)


def _form_flow(name: str, steps: Mapping[str, Step[F]], related: tuple[str, ...] = ("cycle", "unit", "cadre")) -> Flow[F]:
    return Flow(
        name=name, steps=steps, checks=(_cycle_open,), related=related, record_event=_form_event,
        stale=_("Someone acted on this form after you opened it; it is now “%(state)s”. Reload the page: "
                "nothing was changed."),
        wrong_state=_("This form is “%(state)s”: that step is not possible from there. Reload the page."),
    )


REGISTRATION_FLOW: Flow[Registration] = _form_flow("registration", {
    EDIT: Step({R.DRAFT: R.DRAFT, R.RETURNED: R.RETURNED}, checks=(_owner_edits,), wrong_state=_CANNOT_CHANGE),
    FormAction.SUBMIT: Step({R.DRAFT: R.SUBMITTED, R.RETURNED: R.SUBMITTED}, checks=(_owner_submits,),
                            recorded_as={R.RETURNED: FormAction.RESUBMIT}),
    FormAction.RETURN: Step({R.SUBMITTED: R.RETURNED}, checks=(_reviewer_returns,)),
    FormAction.APPROVE: Step({R.SUBMITTED: R.APPROVED}, checks=(
        allowed_if(can_review, _("Only the reviewer of this form can approve it.")),)),
    # The approved revision stays as it is; the amendment records its own creation.
    FormAction.AMEND: Step({R.APPROVED: R.APPROVED}, checks=(
        allowed_if(is_owner, _("Only the cadre who owns this form can amend it.")), _not_rated), has_event=False),
    # Taken by approving the amendment (`workflow.registration_approve`), never from a page.
    SUPERSEDED: Step({R.APPROVED: R.SUPERSEDED}, has_event=False),
    # Taken when the programme stops applying (`services.programme_changes`), never from a page.
    FormAction.CLOSE: Step({R.DRAFT: R.CLOSED}),
    # Starting a registration under a programme that applies again picks its closed draft up.
    FormAction.REOPEN: Step({R.CLOSED: R.DRAFT}, checks=(_owner_edits,)),
})

ASSESSMENT_FLOW: Flow[SelfAssessment] = _form_flow("selfassessment", {
    EDIT: Step({A.DRAFT: A.DRAFT, A.RETURNED: A.RETURNED}, checks=(_owner_edits,), wrong_state=_CANNOT_CHANGE),
    FormAction.SUBMIT: Step({A.DRAFT: A.SUBMITTED, A.RETURNED: A.SUBMITTED}, checks=(_owner_submits,),
                            recorded_as={A.RETURNED: FormAction.RESUBMIT}),
    FormAction.RETURN: Step({A.SUBMITTED: A.RETURNED}, checks=(_reviewer_returns,)),
    FormAction.PROPOSE: Step({A.SUBMITTED: A.PROPOSED}, checks=(
        allowed_if(can_review, _("Only the reviewer of this form can propose a rating.")),)),
    FormAction.FINALISE: Step({A.PROPOSED: A.FINALISED}, checks=(
        allowed_if(can_finalise, _("Only the unit's Standing Committee can decide the final rating.")),)),
})


_unit_edits = allowed_if(acts_for_unit, _("Only the unit's secretary can change its form."))
_unit_submits = allowed_if(acts_for_unit, _("Only the unit's secretary can submit its form."))
_parent_returns = allowed_if(can_review_unit_form, _("Only the parent unit's Standing Committee can return this form."))
_UNIT_RELATED = ("cycle", "unit")

UNIT_REGISTRATION_FLOW: Flow[UnitRegistration] = _form_flow("unit_registration", {
    EDIT: Step({R.DRAFT: R.DRAFT, R.RETURNED: R.RETURNED}, checks=(_unit_edits,), wrong_state=_CANNOT_CHANGE,
               has_event=False),
    FormAction.SUBMIT: Step({R.DRAFT: R.SUBMITTED, R.RETURNED: R.SUBMITTED}, checks=(_unit_submits,),
                            recorded_as={R.RETURNED: FormAction.RESUBMIT}),
    FormAction.RETURN: Step({R.SUBMITTED: R.RETURNED}, checks=(_parent_returns,)),
    FormAction.APPROVE: Step({R.SUBMITTED: R.APPROVED}, checks=(
        allowed_if(can_review_unit_form, _("Only the parent unit's Standing Committee can approve this form.")),)),
    # Taken by a reorganisation archiving the unit (`reorganised`), which checked who acts; never from a page.
    FormAction.WITHDRAW: Step({R.DRAFT: R.CLOSED, R.SUBMITTED: R.CLOSED, R.RETURNED: R.CLOSED}),
}, related=_UNIT_RELATED)

UNIT_ASSESSMENT_FLOW: Flow[UnitSelfAssessment] = _form_flow("unit_selfassessment", {
    EDIT: Step({A.DRAFT: A.DRAFT, A.RETURNED: A.RETURNED}, checks=(_unit_edits,), wrong_state=_CANNOT_CHANGE,
               has_event=False),
    FormAction.SUBMIT: Step({A.DRAFT: A.SUBMITTED, A.RETURNED: A.SUBMITTED}, checks=(_unit_submits,),
                            recorded_as={A.RETURNED: FormAction.RESUBMIT}),
    FormAction.RETURN: Step({A.SUBMITTED: A.RETURNED}, checks=(_parent_returns,)),
    FormAction.FINALISE: Step({A.SUBMITTED: A.FINALISED}, checks=(
        allowed_if(can_review_unit_form, _("Only the parent unit's Standing Committee can rate this form.")),)),
    FormAction.WITHDRAW: Step({UA.DRAFT: UA.CLOSED, UA.SUBMITTED: UA.CLOSED, UA.RETURNED: UA.CLOSED}),
}, related=_UNIT_RELATED)
