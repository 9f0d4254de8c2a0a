"""Spreadsheet import and export of units and cadres for one managed subtree.

An import is all or nothing: the file is planned row by row, and only when no row has a
problem are the changes written, through the unit and people services, in one transaction
that is rolled back if any of them still refuses.
"""

from dataclasses import dataclass
from typing import Callable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cadres.imports import people, units
from cadres.imports.reader import UnreadableFile, read_sheet
from cadres.imports.report import Column, ImportReport, Problem
from cadres.imports.workbook import build_workbook
from cadres.models import Unit
from cadres.services.audit import audit_record


@dataclass(frozen=True)
class Kind:
    columns: list[Column]
    plan: Callable
    export_rows: Callable
    title: str
    file_stem: str


KINDS = {
    "units": Kind(units.COLUMNS, units.plan_units, units.export_rows, _("Units"), "don-vi"),
    "cadres": Kind(people.COLUMNS, people.plan_cadres, people.export_rows, _("Cadres"), "can-bo"),
}


class _RollBack(Exception):
    """Raised inside the import's transaction to undo every row once one has failed."""


def import_file(*, kind: str, root: Unit, data: bytes, dry_run: bool, acting_user=None,
                filename: str = "") -> ImportReport:
    """Check (dry run) or apply a file to `root`'s subtree; the report says what each row does."""
    spec = KINDS[kind]
    report = ImportReport(kind)
    try:
        sheet = read_sheet(data, spec.columns, filename)
    except UnreadableFile as exc:
        report.file_problems.append(Problem(None, "", exc.message))
        return report
    report.file_problems.extend(sheet.problems)
    if report.file_problems:
        # With the columns wrong, every row would repeat the same complaint.
        return report
    if dry_run:
        spec.plan(root, sheet.rows, report)
        return report
    try:
        # Planned again inside the transaction, so the checks see what is being written over.
        with transaction.atomic():
            plan = spec.plan(root, sheet.rows, report)
            if not report.has_errors:
                plan.apply(acting_user)
            if report.has_errors:
                raise _RollBack
            audit_record(actor=acting_user, action=f"import.{kind}", obj=root,
                         data={**report.counts, "file": filename})
            report.applied = True
    except _RollBack:
        pass
    return report


def export_file(*, kind: str, root: Unit) -> bytes:
    spec = KINDS[kind]
    return build_workbook(spec.columns, spec.export_rows(root))


def template_file(*, kind: str) -> bytes:
    return build_workbook(KINDS[kind].columns, [], with_guide=True)
