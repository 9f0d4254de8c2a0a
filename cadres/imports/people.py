"""Import of cadres and their positions into one managed subtree.

A row is one position. A cadre is recognised by email or phone within the tenant, and rows
that share an email or a phone under the same name are one cadre holding several positions,
so the export (one row per position) imports back unchanged. Planning looks up units,
cadres, accounts and positions for the whole file in batched queries; applying inserts new
cadres and positions in batches (cadres_create_bulk / positions_create_bulk, which build
and audit them as cadre_create / position_create do) and writes a changed profile or end
date through cadre_update / position_end, so each change is audited.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cadres.imports import values
from cadres.imports.report import Column, ImportReport, RowResult, RowStatus
from cadres.imports.rows import Progress, batched, fail_from, no_progress, read_row
from cadres.imports.values import GENDERS, ROLES
from cadres.models import Cadre, Position, Unit
from cadres.selectors import subtree
from cadres.services.people import (
    BatchRefused,
    NewPosition,
    cadre_update,
    cadres_create_bulk,
    check_position_dates,
    position_end,
    positions_create_bulk,
)
from cadres.text import display_phone
from cadres.transitions import User as Actor

COLUMNS = [
    Column("full_name", "Họ và tên", True, gettext_lazy("Family, middle and given name."), "Nguyễn Thị Thu Hà"),
    Column("birth_date", "Ngày sinh", False, gettext_lazy("dd/mm/yyyy, or an Excel date."), "17/05/1998"),
    Column("gender", "Giới tính", False, gettext_lazy("Nam, Nữ or Khác."), "Nữ"),
    Column("ethnicity", "Dân tộc", False, gettext_lazy("For example Kinh, Khmer, Hoa, Chăm."), "Kinh"),
    Column("phone", "Số điện thoại", False, gettext_lazy(
        "A Vietnamese mobile or landline, written any way (0912 345 678, +84 912345678, 0296 3852 123); a "
        "phone or an email is required, and identifies a cadre already known."),
        "0912345678"),
    Column("email", "Email", False, gettext_lazy("Becomes the cadre's login."), "thuha@example.vn"),
    Column("job_title", "Chức vụ chuyên môn", False, gettext_lazy(
        "The cadre's post at work or school, for example Giáo viên, Chuyên viên."), "Giáo viên"),
    Column("is_party_member", "Đảng viên", False, gettext_lazy("“x” or “có” for yes; empty or “không” for no."), ""),
    Column("is_full_time", "Chuyên trách", False, gettext_lazy("“x” or “có” for yes; empty or “không” for no."), ""),
    Column("is_civil_servant", "CCVC", False, gettext_lazy("“x” or “có” for yes; empty or “không” for no."), "x"),
    Column("unit", "Mã đơn vị", True, gettext_lazy("Code of the unit where the cadre holds the position."), "CD-AP1"),
    Column("role", "Chức vụ", True, gettext_lazy("Bí thư, Phó Bí thư, UV BTV, UV BCH or Chuyên trách."), "Bí thư"),
    Column("start_date", "Ngày bắt đầu", False, gettext_lazy(
        "dd/mm/yyyy, or an Excel date: when the cadre took the position; empty means the day of the import. "
        "A position the cadre already holds keeps its date."), "01/10/2022"),
    Column("end_date", "Ngày kết thúc", False, gettext_lazy(
        "dd/mm/yyyy, or an Excel date: the last day in the position; empty leaves the position open, "
        "or as it is for a position the cadre already holds."), ""),
]
GUIDE_NOTES = [
    gettext_lazy("Each row is one position. A cadre with several positions takes one row for each, with the same "
                 "name and the same email or phone; on their other rows the other cells may be left empty, and a "
                 "cell filled on several rows must say the same on each."),
    gettext_lazy("A file from “Export current data” imports back as it is: only what you change in it is saved. "
                 "For a cadre with several rows, change each of their rows. Empty cells keep what is saved, "
                 "except the yes/no columns, where empty means no; a column left out of the file keeps every value."),
]
BY_KEY = {column.key: column for column in COLUMNS}
READERS = {
    "full_name": lambda raw: values.text(raw, 120),
    "birth_date": values.date,
    "gender": GENDERS.parse,
    "phone": values.phone,
    "email": values.email,
    "unit": values.code,
    "role": ROLES.parse,
    "ethnicity": lambda raw: values.text(raw, 50),
    "job_title": lambda raw: values.text(raw, 200),
    "is_party_member": values.boolean,
    "is_full_time": values.boolean,
    "is_civil_servant": values.boolean,
    "start_date": values.start_date,
    "end_date": values.end_date,
}
POSITION_FIELDS = ("unit", "role", "start_date", "end_date")
PROFILE_FIELDS = [column.key for column in COLUMNS if column.key not in POSITION_FIELDS]
# Blank cells keep what a known cadre has, except yes/no cells, where blank means "no".
YES_NO = ("is_party_member", "is_full_time", "is_civil_servant")


@dataclass
class HeldPosition:
    """The position of the cadre a row names, as it is saved."""

    pk: int
    start_date: datetime.date
    end_date: datetime.date | None


@dataclass
class CadreRow:
    result: RowResult
    data: dict[str, Any]
    given: set[str]  # the columns the file has: a column left out keeps every value
    # Once the rows are grouped, the cadre's first row in the file, which carries the profile.
    lead: "CadreRow | None" = None
    unit: Unit | None = None
    cadre: Cadre | None = None
    profile: dict[str, Any] | None = None
    position: HeldPosition | None = None
    needs_position: bool = False
    ends: datetime.date | None = None  # a new end date for `position`

    @property
    def first(self) -> "CadreRow":
        # While grouping, `lead` may point at a row that has since joined an earlier group.
        row = self
        while row.lead is not None and row.lead is not row:
            row = row.lead
        return row


def _display(value, key: str = "") -> str:
    if key == "gender":
        value = GENDERS.label(value)
    if key == "phone":
        value = display_phone(value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class CadrePlan:
    def __init__(self, root: Unit, sheet_rows: list[tuple[int, dict]]):
        self.root = root
        self.rows: list[CadreRow] = []
        for number, cells in sheet_rows:
            result = RowResult(number)
            data = read_row(result, cells, COLUMNS, READERS)
            result.label = " – ".join(str(part) for part in (data["full_name"], data["unit"]) if part)
            if not (data["phone"] or data["email"]) and not any(
                    p.column in (BY_KEY["phone"].header, BY_KEY["email"].header) for p in result.problems):
                result.fail(BY_KEY["phone"], _("Give a phone number or an email."))
            self.rows.append(CadreRow(result, data, set(cells)))
        self._group_rows()
        self._merge_profiles()
        self._find_units()
        self._find_cadres()
        self._describe_changes()

    def _group_rows(self) -> None:
        """Rows sharing an email or a phone under the same name are one cadre; under another
        name, the repeated email or phone is an error."""
        first: dict[tuple[str, str], CadreRow] = {}
        for row in self.rows:
            row.lead = row
            for key in ("email", "phone"):
                value = row.data[key]
                if not value:
                    continue
                earlier = first.setdefault((key, value), row)
                if earlier is row:
                    continue
                if earlier.data["full_name"] != row.data["full_name"]:
                    row.result.fail(BY_KEY[key], _("%(value)s already appears in row %(row)s.")
                                    % {"value": _display(value, key), "row": earlier.result.number})
                    continue
                # Join the two groups under the earlier first row.
                mine, theirs = row.first, earlier.first
                if mine is not theirs:
                    later, sooner = sorted((mine, theirs), key=lambda r: r.result.number, reverse=True)
                    later.lead = sooner
        for row in self.rows:
            row.lead = row.first

    def _merge_profiles(self) -> None:
        """A cadre's rows give one profile: a cell left empty takes what another of their rows
        says, two different values are an error, and a position may appear only once."""
        groups: dict[int, list[CadreRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.first.result.number].append(row)
        for rows in groups.values():
            if len(rows) == 1:
                continue
            merged: dict[str, tuple[Any, int]] = {}
            positions: dict[tuple[str, str], int] = {}
            for row in rows:
                for key in PROFILE_FIELDS:
                    value = row.data[key]
                    if value is None:
                        continue
                    known, number = merged.setdefault(key, (value, row.result.number))
                    if known != value:
                        row.result.fail(BY_KEY[key], _("Row %(row)s gives “%(value)s” for the same cadre: write the "
                                                       "same on each of their rows, or leave the cell empty.")
                                        % {"row": number, "value": _display(known, key)})
                position = (row.data["unit"], row.data["role"])
                if None not in position:
                    number = positions.setdefault(position, row.result.number)
                    if number != row.result.number:
                        row.result.fail(BY_KEY["role"], _("This position already appears in row %(row)s.")
                                        % {"row": number})
            given = set().union(*(row.given for row in rows))
            for row in rows:
                row.data.update({key: merged[key][0] if key in merged else None for key in PROFILE_FIELDS})
                row.given = given

    def _find_units(self) -> None:
        codes = {row.data["unit"] for row in self.rows if row.data["unit"]}
        units = {}
        for batch in batched(codes):
            units.update({u.code: u for u in subtree(self.root).filter(code__in=batch)})
        outside = set()
        for batch in batched(codes - units.keys()):
            outside |= set(Unit.objects.filter(tenant_id=self.root.tenant_id, code__in=batch)
                           .values_list("code", flat=True))
        for row in self.rows:
            code = row.data["unit"]
            row.unit = units.get(code)
            if code and row.unit is None:
                message = (_("Unit %(code)s is outside the units you manage or archived.") if code in outside
                           else _("Unknown unit %(code)s.")) % {"code": code}
                row.result.fail(BY_KEY["unit"], message)

    def _find_cadres(self) -> None:
        emails = {row.data["email"] for row in self.rows if row.data["email"]}
        phones = {row.data["phone"] for row in self.rows if row.data["phone"]}
        by_email, by_phone, cadres = {}, {}, {}
        tenant_cadres = Cadre.objects.filter(tenant_id=self.root.tenant_id).annotate(key_email=Lower("email"))
        accounts = {}
        # Accounts store emails lower-case (User.save), so exact matches use the unique indexes.
        users = get_user_model().objects.annotate(key_email=F("email"), key_phone=F("phone"))
        for key, wanted, found in (("email", emails, by_email), ("phone", phones, by_phone)):
            lookup = f"key_{key}__in" if key == "email" else "phone__in"
            for batch in batched(wanted):
                for cadre in tenant_cadres.filter(**{lookup: batch}):
                    found[getattr(cadre, key).lower()] = cadre
                    cadres[cadre.pk] = cadre
                # As the services' own check (`_check_login_free`) compares them.
                accounts.update({(key, value): pk for pk, value in
                                 users.filter(**{f"key_{key}__in": batch}).values_list("pk", f"key_{key}")})
        # Positions the matched cadres hold (or are appointed to): which, and whether any lies in this subtree;
        # and those that have ended, so a row that ends a position finds it again in the next import.
        today = timezone.localdate()
        held: dict[tuple[int, int, str], HeldPosition] = {}
        ended: dict[tuple[int, int, str, datetime.date], HeldPosition] = {}
        inside, anywhere = set(), set()
        for batch in batched(cadres):
            for pk, cadre_id, unit_id, role, start, end, path in (
                    Position.objects.filter(cadre_id__in=batch).order_by("start_date", "pk").values_list(
                        "pk", "cadre_id", "unit_id", "role", "start_date", "end_date", "unit__path")):
                if end is not None and end < today:
                    ended.setdefault((cadre_id, unit_id, role, end), HeldPosition(pk, start, end))
                    continue
                # The earliest, as position_create finds it.
                held.setdefault((cadre_id, unit_id, role), HeldPosition(pk, start, end))
                anywhere.add(cadre_id)
                if path.startswith(self.root.path):
                    inside.add(cadre_id)
        for row in self.rows:
            email, phone = row.data["email"], row.data["phone"]
            first, second = by_email.get(email), by_phone.get(phone)
            if first and second and first.pk != second.pk:
                row.result.fail(BY_KEY["phone"], _("The email and the phone belong to two different cadres."))
                continue
            row.cadre = first or second
            if row.cadre is not None:
                if row.cadre.archived_at is not None:
                    row.result.fail("", _("This cadre is archived."))
                elif row.cadre.pk in anywhere and row.cadre.pk not in inside:
                    row.result.fail("", _("This cadre belongs to a unit outside the units you manage."))
            own_user = row.cadre.user_id if row.cadre else None
            for key, value in (("email", email), ("phone", phone)):
                owner = accounts.get((key, value))
                if value and owner is not None and owner != own_user:
                    message = (_("Email %(email)s belongs to another account.") % {"email": value} if key == "email"
                               else _("Phone %(phone)s belongs to another account.") % {"phone": value})
                    row.result.fail(BY_KEY[key], message)
            if row.cadre is not None and row.unit is not None:
                key = (row.cadre.pk, row.unit.pk, row.data["role"])
                end = row.data["end_date"]
                row.position = held.get(key) or (ended.get((*key, end)) if end else None)

    def _profile(self, row: CadreRow) -> dict[str, Any]:
        return {key: bool(value) if key in YES_NO else value for key, value in row.data.items()
                if key in PROFILE_FIELDS and key in row.given and (value is not None or key in YES_NO)}

    def _check_end(self, row: CadreRow, start: datetime.date) -> bool:
        try:
            check_position_dates(start, row.data["end_date"])
        except ValidationError as exc:
            fail_from(row.result, exc, BY_KEY)
        return row.result.ok

    def _describe_changes(self) -> None:
        today = timezone.localdate()
        for row in self.rows:
            if not row.result.ok:
                continue
            lead, end = row.first, row.data["end_date"]
            if row.cadre is None:
                # A new cadre: their first row creates them, and each of their rows is a new position.
                if self._check_end(row, row.data["start_date"] or today):
                    row.profile = self._profile(row) if row is lead else {}
                    row.needs_position = True
                    row.result.status = RowStatus.NEW
                continue
            profile = self._profile(row) if row is lead else {}
            row.profile = {key: value for key, value in profile.items() if getattr(row.cadre, key) != value}
            row.result.changes = [
                f"{BY_KEY[key].header}: {_display(getattr(row.cadre, key), key)} → {_display(value, key)}"
                for key, value in row.profile.items()]
            if row.position is None:
                start = row.data["start_date"] or today
                if not self._check_end(row, start):
                    continue
                row.needs_position = True
                row.result.changes.append(_("New position: %(role)s at %(unit)s from %(date)s")
                                          % {"role": ROLES.label(row.data["role"]), "unit": row.unit.code,
                                             "date": _display(start)})
            elif end is not None and end != row.position.end_date:
                if not self._check_end(row, row.position.start_date):
                    continue
                row.ends = end
                row.result.changes.append(f"{BY_KEY['end_date'].header}: {_display(row.position.end_date)} → "
                                          f"{_display(end)}")
            row.result.status = RowStatus.CHANGED if row.result.changes else RowStatus.UNCHANGED

    def apply(self, acting_user: Actor, progress: Progress = no_progress) -> None:
        """Write the planned changes. Call inside a transaction: a batch the database refuses
        marks its rows failed and stops, and the caller rolls everything back.

        New cadres and new positions (all of a fresh province's file) are inserted in batches
        of IMPORT_WRITE_BATCH; a changed profile or end date goes through its service."""
        todo = [row for row in self.rows if row.result.status in (RowStatus.NEW, RowStatus.CHANGED)]
        new = [row for row in todo if row.first is row and row.cadre is None]
        changed = [row for row in todo if row.cadre is not None and (row.profile or row.ends is not None)]
        placed = [row for row in todo if row.needs_position]
        total, done = len(new) + len(changed) + len(placed), 0

        def step(rows: list[CadreRow], write) -> bool:
            nonlocal done
            size = settings.IMPORT_WRITE_BATCH
            for start in range(0, len(rows), size):
                batch = rows[start:start + size]
                try:
                    write(batch)
                except BatchRefused as exc:
                    for index, error in exc.errors.items():
                        row = batch[index] if index is not None else batch[0]
                        fail_from(row.result, error, BY_KEY)
                    return False
                done += len(batch)
                progress(done, total)
            return True

        def create_cadres(batch: list[CadreRow]) -> None:
            created = cadres_create_bulk(tenant=self.root.tenant, profiles=[row.profile or {} for row in batch],
                                         acting_user=acting_user)
            for row, cadre in zip(batch, created, strict=True):
                row.cadre = cadre

        def update_one(batch: list[CadreRow]) -> None:
            for row in batch:
                try:
                    if row.profile:
                        cadre_update(cadre=row.cadre, acting_user=acting_user, **row.profile)
                    if row.ends is not None and row.position is not None:
                        position_end(position=Position.objects.get(pk=row.position.pk), end_date=row.ends,
                                     acting_user=acting_user)
                except ValidationError as exc:
                    raise BatchRefused({batch.index(row): exc}) from exc

        def create_positions(batch: list[CadreRow]) -> None:
            # No date: the day the import is written, which positions_create_bulk defaults to.
            positions_create_bulk(root=self.root, acting_user=acting_user, positions=[
                NewPosition(row.first.cadre, row.unit, row.data["role"], row.data["start_date"],
                            row.data["end_date"]) for row in batch])

        if step(new, create_cadres) and step(changed, update_one):
            step(placed, create_positions)


def plan_cadres(root: Unit, sheet_rows: list[tuple[int, dict]], report: ImportReport) -> CadrePlan:
    plan = CadrePlan(root, sheet_rows)
    report.rows = [row.result for row in plan.rows]
    return plan


def export_rows(root: Unit) -> list[list[Any]]:
    """One row per position held (or appointed to) in the subtree, in the import's columns, with
    the cadre's whole profile on each and the position's dates, so importing the file again
    changes nothing."""
    positions = (Position.objects.held()
                 .filter(unit__tenant_id=root.tenant_id, unit__path__startswith=root.path,
                         unit__archived_at__isnull=True, cadre__archived_at__isnull=True)
                 .select_related("cadre", "unit").order_by("unit__path", "cadre__sort_key", "cadre_id", "start_date"))

    def cell(position: Position, key: str) -> Any:
        cadre = position.cadre
        if key == "gender":
            return GENDERS.label(cadre.gender)
        if key in YES_NO:
            return "x" if getattr(cadre, key) else ""
        if key == "unit":
            return position.unit.code
        if key == "role":
            return ROLES.label(position.role)
        if key == "phone":
            return display_phone(cadre.phone)
        return getattr(position, key) if key in POSITION_FIELDS else getattr(cadre, key)

    return [[cell(position, column.key) for column in COLUMNS] for position in positions]
