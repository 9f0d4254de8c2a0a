"""Keep the figures fresh without the apps below knowing about reports.

Whatever changes what a cadre counts for — a transition (its `FormEvent`) of a form whose
kind counts in the figures, a position started or ended, a cadre archived or marked CCVC,
a sáng kiến logged — marks the cadre; when the transaction commits, the marked cadres of
each open cycle are re-rolled in one task (`rollup_cadres`: their paths only). A unit form's
transition recounts the unit programmes' figures above its unit (`rollup_unit_forms`). A
change to the tree (a unit added, changed, moved or archived) asks for one full run of the
tenant's open cycles instead. Many changes
in one transaction (an import) are gathered into one task, not one per row.

Closing a cycle freezes its figures in the closing transaction; opening or reopening one
computes it in full.
"""

from dataclasses import dataclass, field

from django.db import transaction

from cadres.selectors import in_subtrees
from evaluations.kinds import kind_of
from evaluations.models import Cycle, CycleStatus, FormEvent
from reports.models import UnitReport
from reports.services.snapshots import snapshot_take
from reports.tasks import enqueue_rollup_cadres, enqueue_rollup_cycle, enqueue_rollup_unit_forms


@dataclass
class _Pending:
    """The cadres (per tenant and cycle; cycle None: every open one) and the tenants to
    re-roll when the current transaction commits."""

    cadres: dict[tuple[int, int | None], set[int]] = field(default_factory=dict)
    # The subject units of unit forms that changed, per tenant and cycle.
    unit_forms: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    full: set[int] = field(default_factory=set)
    flushed: bool = False

    def flush(self) -> None:
        self.flushed = True

        tenants = self.full | {tenant_id for tenant_id, _cycle in (*self.cadres, *self.unit_forms)}
        open_cycles = {cycle.pk: cycle for cycle in Cycle.objects.with_scopes_disabled().filter(
            tenant_id__in=tenants, status=CycleStatus.OPEN)}
        for cycle in open_cycles.values():
            if cycle.tenant_id in self.full:
                enqueue_rollup_cycle(cycle)
                continue
            ids = self.cadres.get((cycle.tenant_id, None), set()) | self.cadres.get((cycle.tenant_id, cycle.pk), set())
            if ids:
                enqueue_rollup_cadres(cycle, ids)
            if units := self.unit_forms.get((cycle.tenant_id, cycle.pk)):
                enqueue_rollup_unit_forms(cycle, units)


def _gather(update) -> None:
    """Apply `update` to this transaction's pending re-rolls, registered once per
    transaction (a rolled-back transaction drops its callback and what it had gathered)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: the change is committed already
        pending = _Pending()
        update(pending)
        pending.flush()
        return
    pending = getattr(connection, "_figures_pending", None)
    if pending is None or pending.flushed or not any(
            callback == pending.flush for _sids, callback, _robust in connection.run_on_commit):
        pending = connection._figures_pending = _Pending()
        transaction.on_commit(pending.flush)
    update(pending)


def _mark(tenant_id: int, cadre_id: int, cycle_id: int | None = None) -> None:
    _gather(lambda pending: pending.cadres.setdefault((tenant_id, cycle_id), set()).add(cadre_id))


def _mark_tree(tenant_id: int) -> None:
    _gather(lambda pending: pending.full.add(tenant_id))


def form_event_saved(sender, instance: FormEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    form = instance.form  # the form it was created with: no query
    kind = kind_of(form)
    if kind.for_units:  # a unit form counts in the unit programmes' figures of the units above it
        _gather(lambda pending: pending.unit_forms.setdefault((form.tenant_id, form.cycle_id), set()).add(form.unit_id))
    elif kind.in_figures:
        _mark(form.tenant_id, form.cadre_id, form.cycle_id)


def cadre_changed(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """A position, a sáng kiến (sender has `cadre_id`) or the cadre itself."""
    if raw or (created and sender.__name__ == "Cadre"):  # a new cadre has no position yet
        return
    _mark(instance.tenant_id, getattr(instance, "cadre_id", None) or instance.pk)


TREE_ACTIONS = ("unit.create", "unit.update", "unit.move", "unit.merge", "unit.split", "unit.archive")


def unit_changed(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """The tree changed: every unit service writes its audit row (archiving and moving
    update rows in bulk, so the audit row is where all of them can be heard)."""
    if created and not raw and instance.action in TREE_ACTIONS and instance.tenant_id:
        _mark_tree(instance.tenant_id)


def cycle_closing(sender, cycle: Cycle, acting_user, **kwargs) -> None:
    snapshot_take(cycle=cycle, acting_user=acting_user, reopen_reason=cycle.reopen_reason)


def cycle_opened(sender, cycle: Cycle, **kwargs) -> None:
    """A new or reopened cycle is computed in full once, so that every later change costs
    only its path."""
    enqueue_rollup_cycle(cycle)


def unit_impact(sender, units, **kwargs) -> dict[str, int]:
    """Unit reports of the units of a reorganisation (`cadres.signals`)."""
    return {"reports": UnitReport.objects.filter(in_subtrees(units, "unit__")).count()}
