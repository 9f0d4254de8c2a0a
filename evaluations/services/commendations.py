"""Commendations (seed 004: "kịp thời tuyên dương, khen thưởng định kỳ và đột xuất đối với cán
bộ Đoàn đạt thành tích xuất sắc"): a unit's BTV (its managers, `cadres.selectors.manages_unit`)
proposes cadres and units of its subtree for a cycle — `selectors.commendation_candidates` lists those
rated "Hoàn thành xuất sắc nhiệm vụ" and the sub-units that attained every meeting target of
their unit programmes — then decides each, with the decision's number and date, or not.

    proposed ──decide──▶ decided
        └────decline──▶ declined   (a declined subject may be proposed again)

A closed cycle is read-only like its forms.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cadres.models import Cadre, Unit, User
from cadres.selectors import manages_unit
from cadres.services.audit import audit_record
from cadres.transitions import Flow, Outcome, Refusal, Step, act, allowed_if, require
from evaluations.checks import check_cycle_open
from evaluations.models import (
    Commendation,
    CommendationGround,
    CommendationState,
    Cycle,
)

S = CommendationState
_MANAGERS_ONLY = gettext_lazy("Only the Standing Committee of the unit proposes and decides its commendations.")
CLOSED = gettext_lazy("The %(year)d evaluation cycle is closed: its commendations are final.")


def _open(user: object, commendation: Commendation) -> None:
    check_cycle_open(commendation.cycle, CLOSED)


def _decides(user: object, commendation: Commendation) -> bool:
    # A person signs a commendation's decision: the system never does.
    return isinstance(user, User) and manages_unit(user, commendation.unit)


COMMENDATION_FLOW: Flow[Commendation] = Flow(
    name="commendation",
    steps={
        "decide": Step({S.PROPOSED: S.DECIDED}),
        "decline": Step({S.PROPOSED: S.DECLINED}),
    },
    checks=(allowed_if(_decides, _MANAGERS_ONLY), _open),
    stale=gettext_lazy("Someone decided on this commendation after you opened the page; it is now “%(state)s”. "
                       "Reload the page: nothing was changed."),
    wrong_state=gettext_lazy("This commendation is “%(state)s”: there is nothing to decide."),
    related=("cycle", "unit"),
)


@transaction.atomic
def commendation_propose(*, cycle: Cycle, unit: Unit, ground: str, acting_user: User, cadre: Cadre | None = None,
                         honoured_unit: Unit | None = None, grounds: str = "") -> Commendation:
    """Propose a cadre or a unit of the unit's subtree for the cycle."""
    require(acting_user, lambda user: manages_unit(user, unit), _MANAGERS_ONLY)
    check_cycle_open(cycle, CLOSED)
    if ground not in CommendationGround.values:
        raise Refusal(_("Choose the ground of the commendation."), "invalid")
    if (cadre is None) == (honoured_unit is None):
        raise Refusal(_("Propose one cadre or one unit."), "invalid")
    if honoured_unit is not None and (honoured_unit.tenant_id != unit.tenant_id
                                      or not honoured_unit.path.startswith(unit.path)):
        raise Refusal(_("Only units of %(unit)s can be proposed by it.") % {"unit": unit.name}, "invalid")
    if cadre is not None and not cadre.positions.filter(unit__tenant_id=unit.tenant_id,
                                                        unit__path__startswith=unit.path).exists():
        raise Refusal(_("Only cadres of %(unit)s can be proposed by it.") % {"unit": unit.name}, "invalid")
    if cycle.tenant_id != unit.tenant_id:
        raise Refusal(_("This cycle is another province's."), "invalid")
    if Commendation.objects.filter(cycle=cycle, unit=unit, cadre=cadre, honoured_unit=honoured_unit).exclude(
            state=S.DECLINED).exists():
        raise Refusal(_("Already proposed for this cycle."), "duplicate")
    text = " ".join((grounds or "").split())
    if len(text) > 1000:
        raise Refusal(_("Write at most %(n)d characters.") % {"n": 1000}, "invalid")
    commendation = Commendation.objects.create(
        tenant_id=unit.tenant_id, cycle=cycle, unit=unit, cadre=cadre, honoured_unit=honoured_unit, ground=ground,
        grounds=text, proposed_by=acting_user)
    audit_record(actor=acting_user, action="commendation.propose", obj=commendation, unit=unit, cadre=cadre,
                 data={"ground": ground, "unit": honoured_unit.pk if honoured_unit else None})
    return commendation


@transaction.atomic
def commendation_decide(*, commendation: Commendation, decision_number: str, decision_date: datetime.date | None,
                        expected_version: object, acting_user: User) -> Commendation:
    """proposed → decided, with the decision's number and date."""
    def change(locked: Commendation) -> Outcome:
        number = " ".join((decision_number or "").split())
        errors = {}
        if not number or len(number) > 100:
            errors["decision_number"] = [_("Enter the number of the decision (at most 100 characters).")]
        if not isinstance(decision_date, datetime.date):
            errors["decision_date"] = [_("Enter the date of the decision.")]
        elif decision_date > timezone.localdate():
            errors["decision_date"] = [_("The date cannot be in the future.")]
        if errors:
            raise ValidationError(errors, code="invalid")
        assert isinstance(decision_date, datetime.date)
        locked.decision_number, locked.decision_date = number, decision_date
        locked.decided_by, locked.decided_at = acting_user, timezone.now()
        return Outcome(fields=["decision_number", "decision_date", "decided_by", "decided_at"],
                       data={"decision_number": number, "decision_date": decision_date.isoformat()})

    return act(COMMENDATION_FLOW, commendation, "decide", acting_user=acting_user,
               expected_version=expected_version, change=change)


@transaction.atomic
def commendation_decline(*, commendation: Commendation, comment: str, expected_version: object,
                         acting_user: User) -> Commendation:
    """proposed → declined, with why."""
    def change(locked: Commendation) -> Outcome:
        text = " ".join((comment or "").split())[:1000]
        locked.decision_comment = text
        locked.decided_by, locked.decided_at = acting_user, timezone.now()
        return Outcome(fields=["decision_comment", "decided_by", "decided_at"], data={"comment": text})

    return act(COMMENDATION_FLOW, commendation, "decline", acting_user=acting_user,
               expected_version=expected_version, change=change)
