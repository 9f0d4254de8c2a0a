"""What the reports pages share: which cycle a page shows."""

from django.contrib import messages
from django.utils.translation import gettext as _

from cadres.models import Unit
from evaluations.models import Cycle, CycleStatus
from evaluations.selectors import cycles_visible_to


def pick_cycle(request, unit: Unit, *, strict: bool = False) -> tuple[Cycle | None, list[Cycle]]:
    """The cycle named by `cycle=<year>` (GET, or POST for an action), else the newest open
    one, else the newest; with every cycle of the unit's province for a switcher. An
    unknown year says so; a page shows the default instead, an action (`strict`) gets None
    and writes nothing."""
    cycles = list(cycles_visible_to(request.user).filter(tenant_id=unit.tenant_id).order_by("-year"))
    wanted = (request.POST if request.method == "POST" else request.GET).get("cycle", "").strip()
    if wanted:
        found = next((cycle for cycle in cycles if str(cycle.year) == wanted), None)
        if found is not None:
            return found, cycles
        messages.error(request, _("There is no evaluation cycle “%(year)s”.") % {"year": wanted[:10]})
        if strict:
            return None, cycles
    default = next((cycle for cycle in cycles if cycle.status == CycleStatus.OPEN), cycles[0] if cycles else None)
    return default, cycles
