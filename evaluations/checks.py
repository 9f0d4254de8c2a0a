"""Checks shared by the workflow and the services. Every refusal is a
`cadres.transitions.Refusal` (a ValidationError) with a Vietnamese message and a `code` a
view may branch on:

- "forbidden": the acting user may not do this to this form;
- "closed": the cycle is closed (read-only);
- "deadline": past the deadline without an extension;
- "state": the form is not in a state this action starts from (e.g. draft → approved);
- "stale": someone acted on the form since the page was loaded;
- "invalid": the content is incomplete or wrong (a dict keyed by field).
"""

import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext as _, gettext_lazy

from cadres.models import Unit
from cadres.transitions import Refusal
from evaluations.models import Cycle, CycleDeadline, CycleStatus, DeadlineExtension

CLOSED_FOR_FORMS = gettext_lazy("The %(year)d evaluation cycle is closed: its forms can no longer be changed.")


def check_cycle_open(cycle: Cycle, message: str | Promise = CLOSED_FOR_FORMS) -> None:
    """`message` has %(year)d."""
    # Read the status from the database: a page loaded before the cycle closed must not write.
    if not Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.OPEN).exists():
        raise Refusal(str(message) % {"year": cycle.year}, "closed")


def check_same_tenant(*objects) -> None:
    if len({obj.tenant_id for obj in objects}) > 1:
        raise Refusal(_("This belongs to another province."), "forbidden")


def effective_deadline(cycle: Cycle, unit: Unit, kind: str) -> datetime.date:
    """The nearest unit up the tree (the unit itself first) that set this deadline wins,
    else the cycle's date."""
    ancestors = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    nearest = (
        CycleDeadline.objects.filter(cycle=cycle, kind=kind, unit__path__in=ancestors)
        .order_by("-unit__depth").values_list("date", flat=True).first()
    )
    return nearest or cycle.date_for(kind)


def extension_until(cycle: Cycle, cadre_id: int, kind: str) -> datetime.date | None:
    return DeadlineExtension.objects.filter(cycle=cycle, cadre_id=cadre_id, kind=kind).values_list(
        "until", flat=True).first()


def check_deadline(*, cycle: Cycle, unit: Unit, cadre_id: int, kind: str, today: datetime.date) -> bool:
    """Refuse after the deadline unless the cadre has an extension still running; returns
    whether the submission is late."""
    deadline = effective_deadline(cycle, unit, kind)
    if today <= deadline:
        return False
    until = extension_until(cycle, cadre_id, kind)
    if until is not None and today <= until:
        return True
    raise Refusal(_("The deadline was %(date)s. Ask your unit for an extension to submit after it.")
                  % {"date": deadline.strftime("%d/%m/%Y")}, "deadline")
