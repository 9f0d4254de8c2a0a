"""Writing .xlsx sheets, for the import templates and exports and the report summaries.

Text that a spreadsheet would read as a formula (=, +, -, @, tab, CR) is written as a plain
string cell with Excel's quote prefix, so it shows as typed and stays text when edited.
django-import-export 4.4.3's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
"=" (changing the value, "=1+1" → "1+1") and leaves "+", "-" and "@" alone, so we do not
rely on it here.

Figures are numbers, never text such as "402/402" or "100%", so a sheet can sum them: a
count is an int, a rate a `Percent` (a fraction of 1) shown with a % number format.
"""

import datetime
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PERCENT_FORMAT = "0.0%"


class Percent(float):
    """A rate as a fraction of 1 (0.998), written as a number cell shown as "99.8%"."""


def _cell(sheet, value, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, Percent):
        cell.value = float(value)
        cell.number_format = PERCENT_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_sheet(book: Workbook, title: str, header: list[str], rows: Iterable[list], widths: list[int]):
    """A sheet with a bold, frozen header row; `widths` in characters, column A first."""
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
