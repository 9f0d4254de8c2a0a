"""A cadre's applicable programme changing mid-cycle: their unit publishes its own programme
(which then stands for the one above it, `selectors.programmes_for_cadre`), or a programme
is withdrawn. A draft registration under a programme that no longer applies is closed,
with the reason on its timeline; the cadre is told on their pages
(`selectors.programme_changes_for`) and by a notice (in the app and by email, the
registration kind's notice for the close), and may carry their commitments over for the
criteria the programme now applying inherits (`carried_commitments`, used by
`registration_start`).

`programme_change_apply` is the one place the change is detected: models_registry sends
`programme_changed` after publishing or archiving, `evaluations.receivers` calls it.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cadres.models import Position
from cadres.transitions import Outcome, User, act
from evaluations.kinds import REGISTRATION
from evaluations.models import Commitment, Cycle, CycleStatus, FormAction, Registration, RegistrationState
from evaluations.selectors import programmes_for_cadre
from models_registry.models import Criterion, Programme


def _reason(draft: Registration, programme: Programme, now_applying: list[Programme]) -> str:
    """Why the draft was closed, in the language of the forms (stored on its timeline)."""
    with translation.override(settings.LANGUAGE_CODE):
        if programme in now_applying:
            return _("%(unit)s published its own programme “%(new)s”, which now applies to you instead of "
                     "“%(old)s”. Register under it; your commitments for the criteria it inherits can be carried "
                     "over.") % {"unit": programme.owner_unit.name, "new": programme.name, "old": draft.programme.name}
        return _("The programme “%(old)s” no longer applies to you.") % {"old": draft.programme.name}


@transaction.atomic
def programme_change_apply(*, programme: Programme, acting_user: User) -> list[Registration]:
    """After `programme` was published or archived: close each draft registration of an
    open cycle, by a cadre under the programme's owner unit, whose programme no longer
    applies to them. Returns the closed registrations."""
    cycles = Cycle.objects.filter(tenant_id=programme.tenant_id, status=CycleStatus.OPEN,
                                  year__gte=programme.start_year, year__lte=programme.end_year)
    cadres_below = Position.objects.filter(unit__tenant_id=programme.tenant_id,
                                           unit__path__startswith=programme.owner_unit.path).values("cadre_id")
    drafts = (Registration.objects.filter(cycle__in=cycles, state=RegistrationState.DRAFT, cadre_id__in=cadres_below)
              .select_related("cadre", "cycle", "programme", "unit"))
    applying: dict[tuple[int, int], list[Programme]] = {}
    closed = []
    for draft in drafts:
        key = (draft.cadre_id, draft.cycle_id)
        if key not in applying:
            applying[key] = programmes_for_cadre(draft.cadre, draft.cycle)
        if draft.programme.series in {applies.series for applies in applying[key]}:
            continue
        reason = _reason(draft, programme, applying[key])
        done = act(REGISTRATION.flow, draft, FormAction.CLOSE, acting_user=acting_user,
                   expected_version=draft.lock_version, change=_closing(reason, programme))
        REGISTRATION.notify(done, FormAction.CLOSE, acting_user)
        closed.append(done)
    return closed


def _closing(reason: str, programme: Programme) -> Callable[[Registration], Outcome]:
    """The close's record: the reason on the timeline and in the audit row."""
    return lambda locked: Outcome(data={"reason": reason, "programme": programme.pk}, event={"comment": reason})


def _lineage(criterion: Criterion) -> set[int]:
    """The criterion and those it was copied from, up the inheritance."""
    seen: set[int] = set()
    current: Criterion | None = criterion
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        current = current.inherited_from
    return seen


def carried_commitments(closed: Registration, commitments: list[Commitment]) -> list[Commitment]:
    """Fill the new registration's `commitments` from the closed draft where their criteria
    share an inheritance line (one copied from the other, at any depth): the cadre's words,
    their measures, and their target when it still meets the new minimum. Returns those
    filled (not saved)."""
    old = [(commitment, _lineage(commitment.criterion)) for commitment in
           closed.commitments.select_related("criterion__inherited_from__inherited_from")]
    filled = []
    for commitment in commitments:
        lineage = _lineage(commitment.criterion)
        match = next((before for before, line in old
                      if before.criterion_id in lineage or commitment.criterion_id in line), None)
        if match is None or not (match.text or match.measures):
            continue
        commitment.text, commitment.measures = match.text, match.measures
        if match.target is not None and (commitment.minimum is None or match.target >= commitment.minimum):
            commitment.target = match.target
        filled.append(commitment)
    return filled
