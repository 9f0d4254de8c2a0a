"""Writing the rolled-up figures, and queueing recomputations.

Rows of one run are replaced in one transaction that first locks the cycle row (FOR NO
KEY UPDATE: forms can still be inserted meanwhile), so two runs never interleave and a
worker killed mid-run leaves the previous rows whole; the next run writes the same
figures an uninterrupted one would have. A re-run or a retried task writes identical
figures (only `computed_at` moves).
"""

import logging

from django.db import transaction
from django.utils import timezone

from cadres.models import Unit
from evaluations.models import Cycle
from reports.models import UnitFigures
from reports.rollup import ancestor_paths, compute_figures, home_unit_id, reference_date

logger = logging.getLogger(__name__)


def _lock_cycle(cycle: Cycle) -> None:
    Cycle.objects.select_for_update(no_key=True).filter(pk=cycle.pk).first()


def _write(cycle: Cycle, figures, *, replace_all: bool) -> int:
    now = timezone.now()
    rows = [UnitFigures(tenant_id=cycle.tenant_id, cycle=cycle, unit_id=f.unit_id, extra=f.extra,
                        computed_at=now, **f.values) for f in figures]
    stale = UnitFigures.objects.filter(cycle=cycle)
    if not replace_all:
        stale = stale.filter(unit_id__in=[f.unit_id for f in figures])
    stale.delete()
    UnitFigures.objects.bulk_create(rows)
    return len(rows)


def rollup_cycle(*, cycle: Cycle) -> int:
    """Recompute every unit's figures of the cycle; returns the number of rows written."""
    with transaction.atomic():
        _lock_cycle(cycle)
        return _write(cycle, compute_figures(cycle), replace_all=True)


def rollup_units(*, cycle: Cycle, unit_ids) -> int:
    """Recompute only the given units and their ancestors."""
    paths = Unit.objects.filter(tenant_id=cycle.tenant_id, pk__in=list(unit_ids)).values_list("path", flat=True)
    targets = {prefix for path in paths for prefix in ancestor_paths(path)}
    with transaction.atomic():
        _lock_cycle(cycle)
        return _write(cycle, compute_figures(cycle, target_paths=sorted(targets)), replace_all=False)


def rollup_enqueue_for_unit(unit: Unit, cycle: Cycle, cadre_id: int | None = None) -> None:
    """After the current transaction commits, recompute `unit`, its ancestors and (for a
    cadre's form) the cadre's home unit's line. A broker that does not answer is logged,
    never raised: the nightly full run repairs what was missed."""
    unit_ids = {unit.pk}
    if cadre_id is not None:
        home = home_unit_id(cadre_id, reference_date(cycle))
        if home is not None:
            unit_ids.add(home)
    tenant_id, cycle_id = cycle.tenant_id, cycle.pk

    def enqueue():
        from reports.tasks import rollup_units as task

        try:
            task.apply_async(args=[tenant_id, cycle_id, sorted(unit_ids)], retry=False)
        except Exception:  # broker down (or, eagerly, the rollup failed): the nightly run repairs it
            logger.exception("could not queue a rollup of units %s in cycle %s", sorted(unit_ids), cycle_id)

    transaction.on_commit(enqueue)
