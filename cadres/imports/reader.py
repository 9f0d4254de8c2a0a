"""Turn an uploaded .xlsx (or .csv) into numbered rows keyed by column, refusing what
is not safe or not readable before anything else runs."""

import csv
import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from cadres.imports.report import Column, Problem
from cadres.text import fold

# A password-protected .xlsx is an encrypted OLE compound file, as is an old .xls.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_COLUMNS = 40
# A zip may inflate a lot; a real province sheet stays far below this ratio.
MAX_INFLATION = 20
DATA_SHEET_TITLE = "Dữ liệu"


class UnreadableFile(Exception):
    @property
    def message(self) -> str:
        return self.args[0]


@dataclass
class Sheet:
    rows: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _xlsx_rows(data: bytes):
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_INFLATION * settings.IMPORT_MAX_UPLOAD_BYTES:
            raise UnreadableFile(_("The file unpacks to too much data; split it into smaller files."))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds of errors for a damaged file; all mean the same here.
        raise UnreadableFile(_("The file is damaged or is not an Excel (.xlsx) file.")) from None
    try:
        # The template's guide sheet may be the active one when saved; data is on "Dữ liệu" or the first.
        sheet = book[DATA_SHEET_TITLE] if DATA_SHEET_TITLE in book.sheetnames else book.worksheets[0]
        # The size the sheet declares, refused before a row is read (rows are counted again as read).
        declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
        if declared - 1 > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows()
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield list(values)
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(_("The file is damaged or is not an Excel (.xlsx) file.")) from None
    finally:
        book.close()


def _csv_rows(data: bytes):
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file is damaged or is not an Excel (.xlsx) file.")) from None
    first_line = content.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        for values in csv.reader(io.StringIO(content), delimiter=delimiter):
            yield values[:MAX_COLUMNS]
    except csv.Error:  # a NUL byte, a field over the reader's limit, a quote never closed
        raise UnreadableFile(_("The file is not a readable CSV file: a cell is too long or a quote is not "
                               "closed. Save it again from Excel as .xlsx.")) from None


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(_("The file has more than %(n)s rows (blank rows count too); delete the blank rows "
                            "at the end or split it into smaller files.") % {"n": settings.IMPORT_MAX_ROWS})


def _map_header(header: list, columns: list[Column], sheet: Sheet) -> dict[int, str]:
    by_name = {fold(column.header): column for column in columns}
    positions: dict[int, str] = {}
    for index, raw in enumerate(header):
        name = " ".join(str(raw).split()) if raw is not None else ""
        if not name:
            continue
        column = by_name.get(fold(name.rstrip("*").strip()))
        if column is None:
            sheet.problems.append(Problem(1, name, _("Unknown column; the template lists the columns to use.")))
        elif column.key in positions.values():
            sheet.problems.append(Problem(1, name, _("This column appears twice.")))
        else:
            positions[index] = column.key
    for column in columns:
        if column.required and column.key not in positions.values():
            sheet.problems.append(Problem(1, column.header, _("This column is missing.")))
    return positions


def read_sheet(data: bytes, columns: list[Column], filename: str = "", seconds: float | None = None,
               progress: Callable[[int, int], None] | None = None) -> Sheet:
    """Rows numbered as the spreadsheet numbers them (the header is row 1); blank rows skipped.

    A file named *.csv is read as CSV; anything else must be a real .xlsx. With `seconds`,
    reading gives up after that long (a preview inside a web request). `progress` is told
    (rows read, 0) every thousand rows (a preview job's bar).
    """
    if not data:
        raise UnreadableFile(_("The file is empty."))
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise UnreadableFile(_("The file is larger than %(size)s MB.") % {"size": round(limit / 1024 / 1024, 1)})
    if data.startswith(OLE_SIGNATURE):
        raise UnreadableFile(_("The file is password-protected or in the old .xls format: "
                               "remove the password and save it as .xlsx."))
    if filename.lower().endswith(".csv"):
        lines = _csv_rows(data)
    elif data.startswith(ZIP_SIGNATURE):
        lines = _xlsx_rows(data)
    else:
        raise UnreadableFile(_("The file is damaged or is not an Excel (.xlsx) file."))
    sheet = Sheet()
    header = next(lines, None)
    if header is None or all(value is None or not str(value).strip() for value in header):
        raise UnreadableFile(_("The file is empty: the first row must hold the column names."))
    positions = _map_header(header, columns, sheet)
    max_rows = settings.IMPORT_MAX_ROWS
    give_up_at = time.monotonic() + seconds if seconds is not None else None
    for number, values in enumerate(lines, start=2):
        if number - 1 > max_rows:
            raise _too_many_rows()
        if number % 1000 == 0:
            if give_up_at is not None and time.monotonic() > give_up_at:
                raise UnreadableFile(_("The file takes too long to read; split it into smaller files."))
            if progress is not None:
                progress(number - 1, 0)
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        sheet.rows.append((number, {key: values[i] for i, key in positions.items() if i < len(values)}))
    if not sheet.rows and not sheet.problems:
        raise UnreadableFile(_("The file has no data rows under the column names."))
    return sheet
