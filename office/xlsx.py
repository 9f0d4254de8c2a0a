"""Writing .xlsx sheets, for the import templates and exports and the report summaries.

Text that a spreadsheet would read as a formula (=, +, -, @, tab, CR) is written as a plain
string cell with Excel's quote prefix, so it shows as typed and stays text when edited.
django-import-export 4.4.3's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
"=" (changing the value, "=1+1" → "1+1") and leaves "+", "-" and "@" alone, so we do not
rely on it here.
"""

import datetime
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(sheet, value, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
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
