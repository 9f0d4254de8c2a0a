"""Shared by the import tests: spreadsheets built in memory and a small two-tenant tree.
(No tests here; the name keeps it among the import tests' files.)"""

import io

import openpyxl
import pytest

from cadres.imports.people import COLUMNS as CADRE_COLUMNS
from cadres.imports.units import COLUMNS as UNIT_COLUMNS
from tests.cadres.factories import GrantFactory, UnitFactory, province_pair

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
              email="thuha@example.vn", unit="G1", role="Bí thư", full_time="x", civil=""):
    return [name, birth, gender, phone, email, unit, role, full_time, civil]


def read_xlsx(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].values)


@pytest.fixture
def tree(settings, tmp_path):
    """Tenant A: root → D1 (→ G1 → B1) and D2 (→ G2); tenant B with its own D1 and G9.
    `manager` manages D1 only."""
    settings.MEDIA_ROOT = tmp_path
    tree = province_pair()
    tree["g9"] = UnitFactory(parent=tree["foreign"], code="G9", name="Đoàn xã tỉnh B")
    tree["manager"] = GrantFactory(unit=tree["d1"]).user
    return tree
