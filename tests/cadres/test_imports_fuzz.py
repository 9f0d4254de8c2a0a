"""Hostile and damaged spreadsheets, generated: whatever the bytes, an import answers with a
report (never an exception, so never a 500) and writes nothing unless the whole file is good."""

import io
import random
import re
import zipfile

import pytest
from django.db import transaction

from cadres.actors import SYSTEM
from cadres.models import Unit
from cadres.services.imports import import_file
from tests.cadres.spreadsheets import units_file

pytestmark = pytest.mark.django_db

CASES = 240
HEADER = "Mã đơn vị;Tên đơn vị;Cấp;Khối;Mã đơn vị cấp trên\n"


def good_xlsx() -> bytes:
    return units_file(*[[f"F{n}", f"Đoàn xã {n}", "Đoàn cơ sở", "", "D1"] for n in range(8)])


def good_csv() -> str:
    return HEADER + "".join(f"F{n};Đoàn xã {n};Đoàn cơ sở;;D1\n" for n in range(8))


def rewrite_member(data: bytes, name: str, change) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == name else content)
    return out.getvalue()


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        mutable[rng.randrange(len(mutable))] = rng.randrange(256)
    return bytes(mutable)


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' +
          b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(8)) +
          b"]><worksheet>&i;</worksheet>")


def sheet_mutations(rng: random.Random):
    """Changes to the sheet's XML: sizes it declares, rows it numbers, cells it types."""
    return [
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:ZZ%d"' % rng.randint(2, 10**7), xml),
        lambda xml: re.sub(rb'<row r="\d+"', b'<row r="%d"' % rng.randint(1, 2**31), xml, count=rng.randint(1, 5)),
        lambda xml: xml.replace(b't="inlineStr"', b't="s"').replace(b't="n"', b't="e"'),
        lambda xml: xml.replace(b"</sheetData>", b""),
        lambda xml: xml[: rng.randrange(len(xml))],
        lambda xml: xml.replace(b"<c ", b'<c r="XFD1048576" ', rng.randint(1, 3)),
        lambda xml: xml.replace(b"<v>", b"<v>\x00\x1b&#0;", 2),
        lambda xml: LAUGHS,
        lambda xml: xml.replace(b"</row>", b"</row>" + b'<row r="9"><c r="A9" t="inlineStr"><is><t>' + b"x" * 40_000
                                + b"</t></is></c></row>", 1),
    ]


def csv_mutation(rng: random.Random) -> bytes:
    text = good_csv()
    choice = rng.randrange(7)
    if choice == 0:
        text = text.replace(";", '"', rng.randint(1, 6))
    elif choice == 1:
        text = text.replace("Đoàn xã", "x" * rng.choice([10, 140_000]), 1)
    elif choice == 2:
        text = text + ";" * rng.randint(1, 500) + "\n"
    elif choice == 3:
        text = text.replace("\n", "\r", rng.randint(1, 4))
    elif choice == 4:
        text = text[: rng.randrange(len(text))]
    elif choice == 5:
        return flip_bytes(rng, text.encode())
    else:
        text = "\ufeff" * rng.randint(1, 3) + text.replace(";", rng.choice([",", "\t", "|"]))
    return text.encode()


def generated_files(seed: int = 20261201):
    rng = random.Random(seed)
    xlsx = good_xlsx()
    for case in range(CASES):
        shape = case % 4
        if shape == 0:
            yield "xlsx", "don-vi.xlsx", flip_bytes(rng, xlsx)
        elif shape == 1:
            yield "xlsx", "don-vi.xlsx", xlsx[: rng.randrange(4, len(xlsx))]
        elif shape == 2:
            change = rng.choice(sheet_mutations(rng))
            yield "xlsx", "don-vi.xlsx", rewrite_member(xlsx, "xl/worksheets/sheet1.xml", change)
        else:
            yield "csv", "don-vi.csv", csv_mutation(rng)


def test_generated_hostile_files_get_a_report_and_change_nothing(tree):
    units_before = set(Unit.objects.values_list("pk", "name", "path"))
    seen = 0
    for number, (_kind, filename, data) in enumerate(generated_files()):
        dry_run = number % 3 != 0  # a third of them for real: all or nothing
        with transaction.atomic():
            report = import_file(kind="units", root=tree["d1"], data=data, dry_run=dry_run, filename=filename, acting_user=SYSTEM)
            seen += 1
            if report.applied:
                # A mutation that left a good file is imported whole; undone for the next case.
                transaction.set_rollback(True)
                continue
            assert report.problems or dry_run, filename
            assert set(Unit.objects.values_list("pk", "name", "path")) == units_before
    assert seen >= 200
