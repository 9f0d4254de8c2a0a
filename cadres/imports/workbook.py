"""Writing .xlsx files: the blank templates and the exports.

Text that a spreadsheet would read as a formula (=, +, -, @, tab, CR) is written as a plain
string cell with Excel's quote prefix, so it shows as typed and stays text when edited.
django-import-export 4.4.3's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
"=" (changing the value, "=1+1" → "1+1") and leaves "+", "-" and "@" alone, so we do not
rely on it here.
"""

import datetime
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cadres.imports.reader import DATA_SHEET_TITLE
from cadres.imports.report import Column

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
GUIDE_SHEET_TITLE = "Hướng dẫn"


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
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def build_workbook(columns: list[Column], rows: Iterable[list], with_guide: bool = False) -> bytes:
    """A data sheet with the columns' headers and `rows`; optionally a guide sheet after it."""
    book = Workbook(write_only=True)
    widths = [max(14, len(column.header) + 4) for column in columns]
    write_sheet(book, DATA_SHEET_TITLE, [column.header for column in columns], rows, widths)
    if with_guide:
        guide_rows = [
            [column.header, _("yes") if column.required else _("no"), str(column.note), column.example]
            for column in columns
        ]
        write_sheet(book, GUIDE_SHEET_TITLE, [_("Column"), _("Required"), _("How to fill in"), _("Example")],
               [*guide_rows, [], [_("Write one row per line on the “%(sheet)s” sheet, under the column names; "
                                    "keep the first row as it is.") % {"sheet": DATA_SHEET_TITLE}]],
               [22, 10, 70, 22])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
