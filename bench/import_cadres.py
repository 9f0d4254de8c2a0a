"""Time `import_cadres` end to end: 5,000 cadres across ~50 units of a fresh tenant.

    .venv/bin/python bench/import_cadres.py [--rows 5000] [--units 50] [--json]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python bench/import_cadres.py

Runs against the database DATABASE_URL names (migrate it first); each run adds a new tenant.
Times the dry run, the import, and the same file again (all unchanged); with --json, prints
one JSON object of those seconds and the process's peak RSS (row P4 of `make bench`).
"""

import argparse
import io
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from cadres.actors import SYSTEM  # noqa: E402
from cadres.imports.people import COLUMNS  # noqa: E402
from cadres.models import AuditEvent, Cadre, Position, Tenant, UnitLevel, User  # noqa: E402
from cadres.services.units import tenant_create, unit_create  # noqa: E402

ROLES = ["Bí thư", "Phó Bí thư", "UV BTV", "UV BCH", "UV BCH", "UV BCH", "Chuyên trách"]


def fresh_run() -> int:
    """A run number whose phones (03<2 digits of the run><row>) and slug no earlier run used."""
    run = int(time.time() * 10) % 100_000_000
    while (User.objects.filter(phone__startswith=f"03{run % 100:02d}").exists()
           or Tenant.objects.filter(slug=f"bench-{run}").exists()):
        run += 1
    return run


def build_tenant(run: int, unit_count: int) -> tuple[str, list[str]]:
    slug = f"bench-{run}"
    with scopes_disabled():
        tenant = tenant_create(name=f"Tỉnh Đoàn Đo Tốc Độ {run}", slug=slug, root_code=f"B{run}", acting_user=SYSTEM)
        district = unit_create(parent=tenant.root_unit, code=f"B{run}-H", name="Huyện Đoàn Đo", level=UnitLevel.DISTRICT,
                               acting_user=SYSTEM)
        codes = []
        for n in range(unit_count - 2):
            code = f"B{run}-X{n:03d}"
            unit_create(parent=district, code=code, name=f"Đoàn xã Đo {n}", level=UnitLevel.GRASSROOTS, acting_user=SYSTEM)
            codes.append(code)
    return slug, codes


def build_file(run: int, rows: int, unit_codes: list[str]) -> bytes:
    """The file a province sends, saved as Excel saves a workbook: shared strings and the
    sheet's size declared (openpyxl's write-only mode writes neither, and a sheet without a
    declared size is read twice by openpyxl). Built in a child process, so that the peak RSS
    measured here is the import's."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(_build_file, (run, rows, unit_codes))


def _build_file(run: int, rows: int, unit_codes: list[str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    sheet.append([column.header for column in COLUMNS])
    for i in range(rows):
        cells = {
            "full_name": f"Nguyễn Văn Đo {i}", "birth_date": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1985 + i % 20}",
            "gender": "Nam" if i % 2 else "Nữ", "phone": f"03{run % 100:02d}{i:06d}",
            "email": f"bench{run}-{i}@example.vn", "unit": unit_codes[i % len(unit_codes)],
            "role": ROLES[i % len(ROLES)], "is_party_member": "x" if i % 7 == 6 else "",
            "is_civil_servant": "x" if i % 3 == 0 else "",
        }
        sheet.append([cells.get(column.key, "") for column in COLUMNS])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def timed(label: str, rows: int, *args, quiet: bool = False) -> float:
    out = io.StringIO()
    start = time.perf_counter()
    call_command(*args, stdout=out, stderr=out)
    seconds = time.perf_counter() - start
    if not quiet:
        print(f"{label:8} {seconds:7.2f} s  {rows / seconds:8.0f} rows/s   {out.getvalue().strip().splitlines()[0]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print one JSON object, not a line per step")
    parser.add_argument("--no-again", action="store_true", help="skip the second, unchanged import")
    options = parser.parse_args()
    run = fresh_run()
    slug, codes = build_tenant(run, options.units)
    data = build_file(run, options.rows, codes)
    quiet = options.json
    if not quiet:
        print(f"{connection.vendor}: {options.rows} cadres, {options.units} units, {len(data) / 1024:.0f} KiB xlsx")
    outcome: dict[str, float] = {"rows": options.rows}
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        command = ("import_cadres", handle.name, "--tenant", slug)
        outcome["dry_run"] = timed("dry run", options.rows, *command, "--dry-run", quiet=quiet)
        outcome["import"] = timed("import", options.rows, *command, quiet=quiet)
        if not options.no_again:
            outcome["again"] = timed("again", options.rows, *command, quiet=quiet)
    with scopes_disabled():
        assert Cadre.objects.filter(tenant__slug=slug).count() == options.rows
        assert Position.objects.filter(tenant__slug=slug).count() == options.rows
        assert AuditEvent.objects.filter(tenant__slug=slug, action="cadre.create").count() == options.rows
    outcome["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if quiet:
        print(json.dumps(outcome))


if __name__ == "__main__":
    main()
