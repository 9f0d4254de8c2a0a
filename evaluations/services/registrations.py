"""Registration drafts (a1 ĐKCT01): starting one, autosaving it, and what a complete one
needs. Transitions (submit, return, approve, amend) live in `evaluations.workflow`."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from cadres.services.audit import audit_record
from cadres.transitions import Refusal, act
from evaluations.checks import check_cycle_open, check_same_tenant
from evaluations.flows import REGISTRATION_FLOW
from evaluations.forms.drafts import RegistrationDraftForm, below_minimum
from evaluations.models import Commitment, Cycle, FormAction, FormEvent, Registration, RegistrationState
from evaluations.rules import is_cadre
from evaluations.services.drafts import AutosaveResult, autosave
from evaluations.services.programme_changes import carried_commitments
from models_registry.models import CriterionKind, Programme, ProgrammeStatus
from models_registry.selectors import applicable_criteria, deciding_position


def fill_header(registration: Registration) -> None:
    """Identity header and deciding position from the cadre's profile, positions as they
    stand on the cycle's reference date (domain §5)."""
    position = deciding_position(registration.programme, registration.cadre, registration.cycle.reference_date())
    if position is None:
        raise Refusal(_("You hold no position this programme covers, so you cannot register for it."), "forbidden")
    cadre = registration.cadre
    registration.unit, registration.role = position.unit, position.role
    with translation.override("vi"):
        registration.union_position = f"{position.get_role_display()} {position.unit.name}"
    registration.full_name, registration.birth_date = cadre.full_name, cadre.birth_date
    registration.job_title, registration.unit_name = cadre.job_title, position.unit.name


@transaction.atomic
def registration_start(*, cycle: Cycle, programme: Programme, cadre: Cadre, acting_user: User,
                       carry_over: int | str | None = None) -> Registration:
    """The cadre's draft for this programme and cycle, with one commitment per applicable
    criterion (quantitative targets pre-filled with the minimum). Returns the existing
    open form when there is one; a draft closed when the programme stopped applying is
    reopened. `carry_over`: the id of one of the cadre's closed drafts of the cycle whose
    commitments fill the criteria this programme inherits (`services.programme_changes`)."""
    check_same_tenant(cycle, programme, cadre)
    if not is_cadre(acting_user, cadre):
        raise Refusal(_("Only the cadre can register for themselves."), "forbidden")
    check_cycle_open(cycle)
    if programme.status != ProgrammeStatus.PUBLISHED or not programme.covers(cycle.year):
        raise Refusal(_("This programme is not published for %(year)d.") % {"year": cycle.year}, "invalid")
    closed = None
    if carry_over:
        closed = Registration.objects.filter(cycle=cycle, cadre=cadre, state=RegistrationState.CLOSED,
                                             pk=carry_over if str(carry_over).isdigit() else 0).first()
        if closed is None:
            raise Refusal(_("The registration to carry over is not one of your closed drafts of this cycle; reload "
                            "the page: nothing was written."), "invalid")
    existing = (Registration.objects.filter(cycle=cycle, cadre=cadre, programme__series=programme.series)
                .exclude(state=RegistrationState.SUPERSEDED).order_by("-revision").first())
    if existing is not None and existing.state == RegistrationState.CLOSED:
        return act(REGISTRATION_FLOW, existing, FormAction.REOPEN, acting_user=acting_user,
                   expected_version=existing.lock_version)
    if existing is not None:
        return existing
    applicable = applicable_criteria(programme, cadre, cycle.reference_date())
    if not applicable:
        raise Refusal(_("No criterion of this programme applies to you."), "invalid")
    registration = Registration(tenant_id=cycle.tenant_id, cycle=cycle, cadre=cadre, programme=programme)
    fill_header(registration)
    registration.save()
    commitments = [Commitment(tenant_id=cycle.tenant_id, registration=registration, criterion=item.criterion,
                              position=index, minimum=item.target, target=item.target)
                   for index, item in enumerate(applicable, start=1)]
    carried = carried_commitments(closed, commitments) if closed is not None else []
    Commitment.objects.bulk_create(commitments)
    FormEvent.objects.create(tenant_id=registration.tenant_id, form=registration, actor=acting_user,
                             action=FormAction.CREATE, to_state=registration.state)
    audit_record(actor=acting_user, action="registration.create", obj=registration,
                 data={"programme": programme.pk, "cycle": cycle.year})
    if closed is not None:
        audit_record(actor=acting_user, action="registration.carry_over", obj=registration,
                     data={"from": closed.pk, "criteria": [commitment.criterion_id for commitment in carried]})
    return registration


@transaction.atomic
def registration_autosave(*, registration: Registration, field: str, value: object,
                          expected_version: object, acting_user: User) -> AutosaveResult:
    """Save one draft field (module `services.drafts`): refused, with the current value,
    when another tab saved it since; a target below the minimum raises, nothing written."""
    return autosave(form=registration, field=field, value=value, expected_version=expected_version,
                    acting_user=acting_user, fields=RegistrationDraftForm)


def registration_errors(registration: Registration) -> dict[str, str]:
    """What a complete registration still lacks, keyed by field, in Vietnamese."""
    errors = {}
    for commitment in registration.commitments.select_related("criterion"):
        key, kind = f"commitment.{commitment.criterion_id}", commitment.criterion.kind
        if not commitment.text.strip():
            errors[f"{key}.text"] = _("Write your commitment for this criterion in your own words.")
        if kind == CriterionKind.QUANTITATIVE:
            if commitment.target is None:
                errors[f"{key}.target"] = _("Enter your target.")
            elif commitment.minimum is not None and commitment.target < commitment.minimum:
                errors[f"{key}.target"] = below_minimum(commitment)
        if kind in (CriterionKind.QUALITATIVE, CriterionKind.QUANTITATIVE) and not commitment.measures.strip():
            errors[f"{key}.measures"] = _("Say how you will do it (measures).")
    return errors
