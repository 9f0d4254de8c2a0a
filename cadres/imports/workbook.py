"""The .xlsx files of an import: the blank templates (with a guide sheet) and the exports,
written through `office.xlsx`, so a value that looks like a formula stays text."""

import io
from collections.abc import Iterable, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cadres.imports.reader import DATA_SHEET_TITLE
from cadres.imports.report import Column
from office.xlsx import write_sheet

GUIDE_SHEET_TITLE = "Hướng dẫn"


def build_workbook(columns: list[Column], rows: Iterable[list], guide_notes: Sequence[str | Promise] | None = None) -> bytes:
    """A data sheet with the columns' headers and `rows`; with `guide_notes`, a guide sheet after
    it that explains each column, then the notes."""
    book = Workbook(write_only=True)
    widths = [max(14, len(column.header) + 4) for column in columns]
    write_sheet(book, DATA_SHEET_TITLE, [column.header for column in columns], rows, widths)
    if guide_notes is not None:
        guide_rows = [
            [column.header, _("yes") if column.required else _("no"), str(column.note), column.example]
            for column in columns
        ]
        write_sheet(book, GUIDE_SHEET_TITLE, [_("Column"), _("Required"), _("How to fill in"), _("Example")],
               [*guide_rows, [], [_("Write one row per line on the “%(sheet)s” sheet, under the column names; "
                                    "keep the first row as it is.") % {"sheet": DATA_SHEET_TITLE}],
                *[[str(note)] for note in guide_notes]],
               [22, 10, 70, 22])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
