"""The mapping file of a scripted split (`manage.py unit_split --plan FILE.xlsx`).

Two sheets: "Đơn vị mới" lists the new units (Mã đơn vị, Tên đơn vị, and optionally Cấp and
Khối: empty keeps the split unit's), and "Phân chia" says where each sub-unit and cadre of
the split unit goes (Mã: a sub-unit's code, or a cadre's email or phone; Chuyển vào: the
code of one of the new units). The service checks that everything is placed."""

import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cadres.imports import values
from cadres.imports.values import LEVELS, SECTORS, CellError
from cadres.models import Position, Unit
from cadres.services.reorganise import NewUnit
from cadres.text import canonical_phone, fold

UNITS_SHEET, PLACES_SHEET = "Đơn vị mới", "Phân chia"
UNIT_COLUMNS = {"code": "Mã đơn vị", "name": "Tên đơn vị", "level": "Cấp", "sector": "Khối"}
PLACE_COLUMNS = {"who": "Mã", "to": "Chuyển vào"}


@dataclass
class SplitPlan:
    parts: list[NewUnit] = field(default_factory=list)
    children: dict[str, str] = field(default_factory=dict)
    cadres: dict[int, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _rows(book: Any, title: str, columns: dict[str, str], plan: SplitPlan) -> list[tuple[int, dict[str, Any]]]:
    if title not in book.sheetnames:
        plan.problems.append(_("The file has no sheet “%(sheet)s”.") % {"sheet": title})
        return []
    lines = book[title].iter_rows(values_only=True)
    header = [fold(str(cell or "")) for cell in next(lines, [])]
    keys = {index: key for key, name in columns.items() for index, cell in enumerate(header) if cell == fold(name)}
    for key in ("code", "name", "who", "to"):
        if key in columns and key not in keys.values():
            plan.problems.append(_("Sheet “%(sheet)s” has no column “%(column)s”.")
                                 % {"sheet": title, "column": columns[key]})
            return []
    return [(number, {key: line[index] for index, key in keys.items() if index < len(line)})
            for number, line in enumerate(lines, start=2) if any(cell not in (None, "") for cell in line)]


def _fail(plan: SplitPlan, sheet: str, number: int, message: str) -> None:
    plan.problems.append(_("Sheet “%(sheet)s”, row %(row)s: %(message)s")
                         % {"sheet": sheet, "row": number, "message": message})


def read_split_plan(data: bytes, unit: Unit) -> SplitPlan:
    """The plan for splitting `unit`; `problems` says, row by row, what cannot be read."""
    import openpyxl

    plan = SplitPlan()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file; all mean the same here.
        plan.problems.append(_("The file is damaged or is not an Excel (.xlsx) file."))
        return plan
    for number, row in _rows(book, UNITS_SHEET, UNIT_COLUMNS, plan):
        try:
            plan.parts.append(NewUnit(
                code=values.code(row.get("code")), name=values.text(row.get("name"), 200),
                level=LEVELS.parse(row["level"]) if not values.is_blank(row.get("level")) else "",
                sector=SECTORS.parse(row["sector"]) if not values.is_blank(row.get("sector")) else None))
        except CellError as error:
            _fail(plan, UNITS_SHEET, number, error.message)
    children = {fold(code): code for code in Unit.objects.get_children(unit).values_list("code", flat=True)}
    people: dict[str, int] = {}
    for cadre_id, email, phone in Position.objects.held().filter(unit=unit).values_list(
            "cadre_id", "cadre__email", "cadre__phone"):
        people.update({fold(key): cadre_id for key in (email, phone) if key})
    for number, row in _rows(book, PLACES_SHEET, PLACE_COLUMNS, plan):
        written, to = str(row.get("who") or "").strip(), str(row.get("to") or "").strip()
        # A phone is stored in E.164, however the file writes it.
        who, person = fold(written), fold(canonical_phone(written))
        if who in children:
            plan.children[children[who]] = to
        elif person in people:
            plan.cadres[people[person]] = to
        else:
            _fail(plan, PLACES_SHEET, number, _("“%(who)s” is neither a sub-unit code of %(unit)s nor the email or "
                                                "phone of one of its cadres.") % {"who": row.get("who"), "unit": unit.name})
    book.close()
    return plan
