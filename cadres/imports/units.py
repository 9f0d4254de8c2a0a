"""Import of units into one managed subtree.

Planning reads the whole file against the subtree in a few queries and predicts what the
services would refuse (scope, unknown or cyclic parents, levels), so a dry run needs no
writes. Applying runs parents before children and writes only through unit_create and
unit_update, so every change is audited.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy

from cadres.imports import values
from cadres.imports.report import Column, ImportReport, RowResult, RowStatus
from cadres.imports.rows import Progress, batched, fail_from, no_progress, read_row
from cadres.imports.values import LEVELS, SECTORS
from cadres.models import Unit, UnitLevel
from cadres.selectors import subtree
from cadres.services.units import unit_create, unit_update
from cadres.transitions import User as Actor

COLUMNS = [
    Column("code", "Mã đơn vị", True, gettext_lazy("Short code, unique in the province: letters, digits, “.”, “-”, “_”."),
           "CD-AP1"),
    Column("name", "Tên đơn vị", True, gettext_lazy("Full name of the unit."), "Chi đoàn Ấp 1"),
    Column("level", "Cấp", True, gettext_lazy("Tỉnh đoàn, Huyện đoàn, Đoàn cơ sở, Liên chi đoàn or Chi đoàn."),
           "Chi đoàn"),
    Column("sector", "Khối", False, gettext_lazy(
        "Địa bàn dân cư, CCVC, Trường học, Doanh nghiệp or Lực lượng vũ trang; empty keeps the current one."),
        "Địa bàn dân cư"),
    Column("parent", "Mã đơn vị cấp trên", False, gettext_lazy(
        "Code of the parent unit: one of your units or another row of this file; "
        "required for a new unit, empty keeps the current parent."), "DCS-MHD"),
]
GUIDE_NOTES = [
    gettext_lazy("A file from “Export current data” imports back as it is: only what you change in it is saved."),
]
BY_KEY = {column.key: column for column in COLUMNS}
READERS = {
    "code": values.code,
    "name": lambda raw: values.text(raw, 200),
    "level": LEVELS.parse,
    "sector": SECTORS.parse,
    "parent": values.code,
}


@dataclass
class UnitRow:
    result: RowResult
    code: str | None
    name: str | None
    level: str | None
    sector: str | None
    parent: str | None
    existing: dict | None = None
    depth: int = 0


class UnitPlan:
    def __init__(self, root: Unit, sheet_rows: list[tuple[int, dict]]):
        self.root = root
        self.rows: list[UnitRow] = []
        for number, cells in sheet_rows:
            result = RowResult(number)
            row = UnitRow(result, **read_row(result, cells, COLUMNS, READERS))
            result.label = " – ".join(part for part in (row.code, row.name) if part)
            self.rows.append(row)
        fields = ("id", "code", "name", "level", "sector", "path", "archived_at")
        self.known = {u["code"]: u for u in subtree(root, include_archived=True).values(*fields)}
        self.by_path = {u["path"]: u for u in self.known.values()}
        self.in_file: dict[str, UnitRow] = {}
        root_parent = Unit.objects.get_parent(root) if root.depth > 1 else None
        self.root_parent = (root_parent.code, root_parent.level) if root_parent else (None, None)
        self._check_codes()
        self._check_cycles()
        self._check_levels()
        self._describe_changes()

    def _outside(self, codes: set[str]) -> set[str]:
        """Codes used in this tenant by units outside the subtree."""
        found = set()
        for batch in batched(codes - self.known.keys()):
            found |= set(Unit.objects.filter(tenant_id=self.root.tenant_id, code__in=batch)
                         .values_list("code", flat=True))
        return found

    def _check_codes(self) -> None:
        for row in self.rows:
            if row.code is None:
                continue
            if row.code in self.in_file:
                row.result.fail(BY_KEY["code"], _("Code %(code)s already appears in row %(row)s.")
                                % {"code": row.code, "row": self.in_file[row.code].result.number})
            else:
                self.in_file[row.code] = row
        outside = self._outside({r.code for r in self.rows if r.code} | {r.parent for r in self.rows if r.parent})
        for row in self.in_file.values():
            row.existing = self.known.get(row.code)
            if row.existing and row.existing["archived_at"]:
                row.result.fail(BY_KEY["code"], _("Unit %(code)s is archived.") % {"code": row.code})
            elif row.code in outside:
                row.result.fail(BY_KEY["code"], _("Code %(code)s belongs to a unit outside the units you manage.")
                                % {"code": row.code})
            self._check_parent(row, outside)

    def _check_parent(self, row: UnitRow, outside: set[str]) -> None:
        column, parent = BY_KEY["parent"], row.parent
        if row.code == self.root.code:
            if parent and parent != self.root_parent[0]:
                row.result.fail(column, _("The unit you import into cannot be moved."))
            row.parent = None
        elif parent is None:
            if row.existing is None:
                row.result.fail(column, _("A new unit needs the code of its parent unit."))
        elif parent == row.code:
            row.result.fail(column, _("A unit cannot be its own parent."))
        elif parent in self.in_file:
            pass
        elif parent in self.known:
            if self.known[parent]["archived_at"]:
                row.result.fail(column, _("Parent unit %(code)s is archived.") % {"code": parent})
        elif parent in outside:
            row.result.fail(column, _("Parent unit %(code)s is outside the units you manage.") % {"code": parent})
        else:
            row.result.fail(column, _("Unknown parent unit %(code)s: it is neither in this file nor among your units.")
                            % {"code": parent})

    def _current_parent(self, code: str) -> str | None:
        if code == self.root.code or code not in self.known:
            return None
        return self.by_path[self.known[code]["path"][: -Unit.steplen]]["code"]

    def final_parent(self, code: str) -> str | None:
        row = self.in_file.get(code)
        return row.parent if row is not None and row.parent else self._current_parent(code)

    def _final_level(self, code: str) -> str | None:
        row = self.in_file.get(code)
        if row is not None and row.level:
            return row.level
        if code == self.root_parent[0]:
            return self.root_parent[1]
        return self.known[code]["level"] if code in self.known else None

    def _check_cycles(self) -> None:
        for code, row in self.in_file.items():
            chain, current = [code], code
            while (current := self.final_parent(current)) is not None:
                if current == code:
                    row.result.fail(BY_KEY["parent"], _("Parent units form a cycle: %(chain)s.")
                                    % {"chain": " → ".join([*chain, code])})
                    break
                if current in chain:
                    break  # a cycle higher up, reported on its own rows
                chain.append(current)
            row.depth = len(chain)

    def _check_levels(self) -> None:
        def sits_below(level: str, parent_level: str | None) -> bool:
            return parent_level is None or UnitLevel.rank(level) > UnitLevel.rank(parent_level)

        for code, row in self.in_file.items():
            if not row.result.ok:
                continue  # a bad code or parent makes the level question moot
            parent = self.final_parent(code) or (self.root_parent[0] if code == self.root.code else None)
            if row.level and parent and not sits_below(row.level, self._final_level(parent)):
                row.result.fail(BY_KEY["level"], _("A %(level)s cannot sit under a %(parent)s (%(code)s).") % {
                    "level": LEVELS.label(row.level), "parent": LEVELS.label(self._final_level(parent)),
                    "code": parent})
        for code, unit in self.known.items():
            parent = self._current_parent(code)
            if code in self.in_file or unit["archived_at"] or parent not in self.in_file:
                continue
            if not sits_below(unit["level"], self._final_level(parent)):
                self.in_file[parent].result.fail(
                    BY_KEY["level"], _("Sub-unit %(code)s would no longer sit under a higher level.") % {"code": code})

    def _describe_changes(self) -> None:
        for row in self.rows:
            if not row.result.ok:
                continue
            if row.existing is None:
                row.result.status = RowStatus.NEW
                continue
            old = row.existing
            pairs = [("name", old["name"], row.name), ("level", LEVELS.label(old["level"]), LEVELS.label(row.level))]
            if row.sector is not None:
                pairs.append(("sector", SECTORS.label(old["sector"]), SECTORS.label(row.sector)))
            if row.parent is not None:
                pairs.append(("parent", self._current_parent(row.code), row.parent))
            row.result.changes = [f"{BY_KEY[key].header}: {before or '—'} → {after}"
                                  for key, before, after in pairs if before != after]
            row.result.status = RowStatus.CHANGED if row.result.changes else RowStatus.UNCHANGED

    def apply(self, acting_user: Actor, progress: Progress = no_progress) -> None:
        """Write the planned changes, parents first. Call inside a transaction."""
        todo = sorted((r for r in self.rows if r.result.status in (RowStatus.NEW, RowStatus.CHANGED)),
                      key=lambda r: r.depth)
        for done, row in enumerate(todo, start=1):
            try:
                self._apply_row(row, acting_user)
            except ValidationError as exc:
                fail_from(row.result, exc, BY_KEY)
            progress(done, len(todo))

    def _fresh(self, code: str) -> Unit:
        # Moves rewrite paths below the moved unit; re-read so each service sees the current tree.
        return Unit.objects.get(tenant_id=self.root.tenant_id, code=code)

    def _apply_row(self, row: UnitRow, acting_user) -> None:
        if row.existing is None:
            unit_create(parent=self._fresh(row.parent), code=row.code, name=row.name, level=row.level,
                        sector=row.sector or "", acting_user=acting_user)
            return
        unit = self._fresh(row.code)
        moved = row.parent is not None and row.parent != self._current_parent(row.code)
        unit_update(unit=unit, name=row.name, level=row.level,
                    sector=row.sector if row.sector is not None else unit.sector,
                    parent=self._fresh(row.parent) if moved else None, acting_user=acting_user)


def plan_units(root: Unit, sheet_rows: list[tuple[int, dict]], report: ImportReport) -> UnitPlan:
    plan = UnitPlan(root, sheet_rows)
    report.rows = [row.result for row in plan.rows]
    return plan


def export_rows(root: Unit) -> list[list]:
    """The subtree's units, parents before children, in the import's columns."""
    units = list(subtree(root).order_by("path").values_list("code", "name", "level", "sector", "path"))
    code_at = {path: code for code, _n, _l, _s, path in units}
    return [[code, name, LEVELS.label(level), SECTORS.label(sector), code_at.get(path[: -Unit.steplen], "")]
            for code, name, level, sector, path in units]
