"""Where every page, PDF and spreadsheet of a cycle reads its figures: the stored live rows
while the cycle is open, the snapshot taken when it was closed once it is (the latest
version, or an earlier one asked for). Nothing here computes figures: `reports.rollup`
does, in the background. A closed cycle's tree is the tree as it stood then: a unit moved,
renamed or archived since is shown where and as it was.

Callers check access first (a unit reached through `cadres.selectors`)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from cadres.models import Unit, UnitLevel
from cadres.text import text_sort_key
from evaluations.meetings import club_figures, meeting_targets_of
from evaluations.models import Cycle
from reports.models import CadreFigures, FigureColumns, FiguresSnapshot, SnapshotCadre, SnapshotUnit, UnitFigures
from reports.rollup import FIGURE_COLUMNS, subtree_targets


def rate_text(rate: float | None) -> str:
    """A percentage as Vietnamese print it: "100%", "2,3%" (decimal comma); "–" for none."""
    return "–" if rate is None else f"{rate:g}".replace(".", ",") + "%"


@dataclass
class Node:
    """A unit as a page of the cycle shows it: the unit today (for links), its name, code,
    level and place as they stood (today's while the cycle is open) and its figures."""

    unit: Unit
    name: str
    code: str
    level: str
    path: str
    depth: int
    figures: FigureColumns | None
    # Attainment of each quantitative target over the subtree, read with the live rows (a
    # snapshot keeps it in its rows' extra).
    targets: dict | None = None

    @classmethod
    def live(cls, unit: Unit, figures: FigureColumns | None) -> "Node":
        """A unit as it stands today."""
        return cls(unit, unit.name, unit.code, unit.level, unit.path, unit.depth, figures)


def snapshots_of(cycle: Cycle) -> list[FiguresSnapshot]:
    """Every version of the cycle's frozen figures, newest first."""
    return list(FiguresSnapshot.objects.filter(cycle=cycle).order_by("-version"))


class CycleFigures:
    """The figures of one cycle as a page reads them."""

    def __init__(self, cycle: Cycle, version: int | str | None = None):
        self.cycle = cycle
        self.versions = [] if cycle.is_open else snapshots_of(cycle)
        wanted = next((s for s in self.versions if str(s.version) == str(version)), None) if version else None
        self.snapshot: FiguresSnapshot | None = wanted or (self.versions[0] if self.versions else None)

    @property
    def is_frozen(self) -> bool:
        return not self.cycle.is_open

    @property
    def previous(self) -> FiguresSnapshot | None:
        """The version before the one shown, to compare with."""
        if self.snapshot is None:
            return None
        return next((s for s in self.versions if s.version == self.snapshot.version - 1), None)

    # --- One unit and its sub-units --------------------------------------------------------

    def node(self, unit: Unit) -> Node | None:
        """The unit as the cycle shows it; None when it did not exist then."""
        if not self.is_frozen:
            return Node.live(unit, UnitFigures.objects.filter(cycle=self.cycle, unit=unit).first())
        frozen = self._frozen_row(unit)
        return self._from_frozen(frozen, unit) if frozen else None

    def children(self, unit: Unit) -> list[Node]:
        """The direct sub-units, in Vietnamese order of their names."""
        if not self.is_frozen:
            units = list(Unit.objects.get_children(unit).filter(archived_at__isnull=True).select_related("tenant"))
            figures = {f.unit_id: f for f in UnitFigures.objects.filter(cycle=self.cycle, unit__in=units)}
            nodes = [Node.live(u, figures.get(u.pk)) for u in units]
        else:
            nodes = [self._from_frozen(row, row.unit) for row in self._frozen_rows().filter(parent_unit=unit)
                     .select_related("unit__tenant")]
        return sorted(nodes, key=lambda node: text_sort_key(node.name))

    def parents_among(self, nodes: list[Node]) -> set[str]:
        """The paths of those nodes that have sub-units themselves."""
        if not nodes:
            return set()
        depth = nodes[0].depth
        if not self.is_frozen:
            rows = Unit.objects.filter(tenant_id=self.cycle.tenant_id, depth=depth + 1, archived_at__isnull=True,
                                       path__startswith=nodes[0].path[:-Unit.steplen])
        else:
            rows = self._frozen_rows().filter(depth=depth + 1, path__startswith=nodes[0].path[:-Unit.steplen])
        return {path[:-Unit.steplen] for path in rows.values_list("path", flat=True)}

    def subtree(self, unit: Unit, deepest: str = UnitLevel.GRASSROOTS) -> list[Node]:
        """The unit and every unit below it down to the `deepest` level, in tree order."""
        levels = [level for level in UnitLevel.values if UnitLevel.rank(level) <= UnitLevel.rank(deepest)]
        if not self.is_frozen:
            units = Unit.objects.filter(tenant_id=unit.tenant_id, path__startswith=unit.path, archived_at__isnull=True,
                                        level__in=levels).order_by("path")
            figures = {f.unit_id: f for f in UnitFigures.objects.filter(
                cycle=self.cycle, unit__path__startswith=unit.path, unit__tenant_id=unit.tenant_id,
                unit__level__in=levels)}
            return [Node.live(u, figures.get(u.pk)) for u in units]
        top = self._frozen_row(unit)
        if top is None:
            return []
        rows = self._frozen_rows().filter(path__startswith=top.path, level__in=levels).select_related("unit")
        return [self._from_frozen(row, row.unit) for row in rows.order_by("path")]

    def with_targets(self, nodes: list[Node]) -> list[Node]:
        """The nodes with their subtree's target attainment (one query for all; a snapshot's
        rows carry it already). Only where it is shown: it reads every unit below."""
        if not self.is_frozen:
            targets = subtree_targets(self.cycle, [node.path for node in nodes])
            for node in nodes:
                node.targets = targets.get(node.path, {})
        return nodes

    def meetings(self, unit: Unit) -> tuple[list[dict], list[dict]]:
        """The unit's meeting targets and its subtree's clubs (`meeting_entries`,
        `club_entries`), as the cycle reads them: frozen at closing once it is closed."""
        if not self.is_frozen:
            return meeting_entries(self.cycle, [unit])[unit.pk], club_entries(self.cycle, unit)
        row = self._frozen_row(unit)
        if row is None:
            return [], []
        if "meeting_targets" not in row.extra:  # frozen before meetings were: read as they are
            return meeting_entries(self.cycle, [unit])[unit.pk], club_entries(self.cycle, unit)
        clubs = self._frozen_rows().filter(path__startswith=row.path, extra__has_key="clubs").order_by("path")
        return row.extra["meeting_targets"], [club for held in clubs for club in held.extra["clubs"]]

    # --- Cadres ----------------------------------------------------------------------------

    def unregistered_cadre_ids(self, unit: Unit) -> QuerySet:
        """Ids of the cadres counted in the unit's subtree without a registration submitted."""
        if not self.is_frozen:
            return CadreFigures.objects.filter(cycle=self.cycle, path__startswith=unit.path,
                                               unit__isnull=False, registered=0).values("cadre_id")
        top = self._frozen_row(unit)
        if top is None:
            return SnapshotCadre.objects.none().values("cadre_id")
        return SnapshotCadre.objects.filter(snapshot=self.snapshot, path__startswith=top.path,
                                            registered=0).values("cadre_id")

    # --- Frozen rows -----------------------------------------------------------------------

    def _frozen_rows(self) -> QuerySet[SnapshotUnit]:
        if self.snapshot is None:
            return SnapshotUnit.objects.none()
        return SnapshotUnit.objects.filter(snapshot=self.snapshot)

    def _frozen_row(self, unit: Unit) -> SnapshotUnit | None:
        return self._frozen_rows().filter(unit=unit).first()

    @staticmethod
    def _from_frozen(row: SnapshotUnit, unit: Unit) -> Node:
        return Node(unit, row.name, row.code, row.level, row.path, row.depth, row)

    def node_in(self, snapshot: FiguresSnapshot, unit: Unit) -> Node | None:
        """The unit in another version of the cycle's snapshot (to compare with)."""
        row = SnapshotUnit.objects.filter(snapshot=snapshot, unit=unit).first()
        return self._from_frozen(row, unit) if row else None


def meeting_entries(cycle: Cycle, units: list[Unit], today=None) -> dict[int, list[dict]]:
    """Per unit (by id), each meeting target of its unit programmes ("2 giao", "1 liên kết")
    over its subtree, as JSON: what the reports print and a snapshot keeps."""
    return {pk: [{"title": target.criterion.title, "units": target.units, "meeting_it": target.meeting_it,
                  "meetings": target.meetings} for target in targets]
            for pk, targets in meeting_targets_of(cycle, units, today).items()}


def club_entries(cycle: Cycle, unit: Unit) -> list[dict]:
    """The clubs of the unit's subtree (a CLB Bí thư Chi đoàn) and their year, as JSON."""
    return [{"unit_id": club.club.unit_id, "name": club.club.name, "unit": club.club.unit.name,
             "members": club.members, "meetings": club.meetings, "attended": club.attended, "seats": club.seats}
            for club in club_figures(cycle, unit)]


def figures_entry(node: Node) -> dict:
    """A unit's figures as JSON (what a submitted report keeps, what documents print)."""
    figures = node.figures
    values = {name: getattr(figures, name) for name in FIGURE_COLUMNS} if figures else {}
    entry = {"code": node.code, "name": node.name, "level": node.level, **values, **(figures.extra if figures else {})}
    if node.targets is not None:
        entry["targets"] = node.targets
    return entry


def report_figures(source: CycleFigures, unit: Unit) -> dict:
    """The unit's figures and each direct sub-unit's (JSON-ready), as the cycle reads them."""
    node = source.node(unit)
    children = sorted(source.children(unit), key=lambda n: n.path)
    source.with_targets([node, *children] if node else children)
    computed = getattr(node.figures, "computed_at", None) if node else None
    when = computed or (source.snapshot.created_at if source.snapshot else timezone.now())
    return {"computed_at": when.isoformat(),
            "unit": figures_entry(node) if node else {"code": unit.code, "name": unit.name, "level": unit.level},
            "children": [figures_entry(child) for child in children]}

