"""What the reports pages share: which cycle a page shows, and from which figures."""

from django.contrib import messages
from django.utils.translation import gettext as _

from cadres.models import Unit
from evaluations.models import Cycle, CycleStatus
from evaluations.selectors import cycles_visible_to
from reports.documents import figure_changes
from reports.figures import CycleFigures, figures_entry


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


def pick_figures(request, cycle: Cycle, unit: Unit) -> tuple[CycleFigures, dict]:
    """The cycle's figures as the page shows them (a closed cycle: the snapshot version
    named by `version=`, else the latest) and what the page says about them: which version,
    and for the unit what changed from the version before."""
    source = CycleFigures(cycle, version=request.GET.get("version", "").strip()[:5] or None)
    context = {"source": source, "snapshot": source.snapshot, "versions": source.versions}
    previous = source.previous
    if source.snapshot is not None and previous is not None:
        now, before = source.node(unit), source.node_in(previous, unit)
        context["previous"] = previous
        context["changes"] = figure_changes(figures_entry(before) if before else {}, figures_entry(now) if now else {})
    return source, context

