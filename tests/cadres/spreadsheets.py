"""Spreadsheets built in memory for the import tests."""

import io

import openpyxl

from cadres.imports.people import COLUMNS as CADRE_COLUMNS
from cadres.imports.units import COLUMNS as UNIT_COLUMNS

UNIT_HEADER = [c.header for c in UNIT_COLUMNS]
CADRE_HEADER = [c.header for c in CADRE_COLUMNS]


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def units_file(*rows) -> bytes:
    return xlsx([UNIT_HEADER, *rows])


def cadres_file(*rows) -> bytes:
    return xlsx([CADRE_HEADER, *rows])


def cadre_row(name="Nguyễn Thị Thu Hà", birth="17/05/1998", gender="Nữ", phone="0912345678",
              email="thuha@example.vn", unit="G1", role="Bí thư", full_time="x", civil="", start="",
              ethnicity="", job_title="", party="", end=""):
    """A row in CADRE_HEADER's order."""
    cells = {"full_name": name, "birth_date": birth, "gender": gender, "ethnicity": ethnicity, "phone": phone,
             "email": email, "job_title": job_title, "is_party_member": party, "is_full_time": full_time,
             "is_civil_servant": civil, "unit": unit, "role": role, "start_date": start, "end_date": end}
    return [cells[column.key] for column in CADRE_COLUMNS]


def without(header: str, rows: list[list]) -> list[list]:
    """The same sheet (header first) with one column left out."""
    index = rows[0].index(header)
    return [row[:index] + row[index + 1:] for row in rows]


def read_xlsx(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].values)
