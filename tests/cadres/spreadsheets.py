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
              email="thuha@example.vn", unit="G1", role="Bí thư", full_time="x", civil="", start=""):
    return [name, birth, gender, phone, email, unit, role, full_time, civil, start]


def read_xlsx(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].values)
