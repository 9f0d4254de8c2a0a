"""Import of cadres and their positions into one managed subtree.

A cadre is recognised by email or phone within the tenant. Planning looks up units, cadres,
accounts and positions for the whole file in batched queries; applying writes through
cadre_create / cadre_update / position_create, so each change is audited.
"""

from dataclasses import dataclass

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
from cadres.models import Cadre, Position, Unit, User
from cadres.selectors import subtree
from cadres.services.people import cadre_create, cadre_update, position_create

COLUMNS = [
    Column("full_name", "Họ và tên", True, gettext_lazy("Family, middle and given name."), "Nguyễn Thị Thu Hà"),
    Column("birth_date", "Ngày sinh", False, gettext_lazy("dd/mm/yyyy, or an Excel date."), "17/05/1998"),
    Column("gender", "Giới tính", False, gettext_lazy("Nam, Nữ or Khác."), "Nữ"),
    Column("phone", "Số điện thoại", False, gettext_lazy(
        "0xxxxxxxxx or +84…; a phone or an email is required, and identifies a cadre already known."),
        "0912345678"),
    Column("email", "Email", False, gettext_lazy("Becomes the cadre's login."), "thuha@example.vn"),
    Column("unit", "Mã đơn vị", True, gettext_lazy("Code of the unit where the cadre holds the position."), "CD-AP1"),
    Column("role", "Chức vụ", True, gettext_lazy("Bí thư, Phó Bí thư, UV BTV, UV BCH or Chuyên trách."), "Bí thư"),
    Column("is_full_time", "Chuyên trách", False, gettext_lazy("“x” or “có” for yes; empty or “không” for no."), ""),
    Column("is_civil_servant", "CCVC", False, gettext_lazy("“x” or “có” for yes; empty or “không” for no."), "x"),
    Column("start_date", "Ngày bắt đầu", False, gettext_lazy(
        "dd/mm/yyyy, or an Excel date: when the cadre took the position; empty means the day of the import. "
        "A position the cadre already holds keeps its date."), "01/10/2022"),
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
    "is_full_time": values.boolean,
    "is_civil_servant": values.boolean,
    "start_date": values.start_date,
}
POSITION_FIELDS = ("unit", "role", "start_date")
# Blank text cells keep what a known cadre has; blank yes/no cells mean "no".
OPTIONAL_PROFILE = ("birth_date", "gender", "phone", "email")


@dataclass
class CadreRow:
    result: RowResult
    data: dict
    unit: Unit | None = None
    cadre: Cadre | None = None
    profile: dict | None = None
    needs_position: bool = False


def _display(value) -> str:
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
            self.rows.append(CadreRow(result, data))
        self._check_duplicates()
        self._find_units()
        self._find_cadres()
        self._describe_changes()

    def _check_duplicates(self) -> None:
        for key in ("email", "phone"):
            seen: dict[str, int] = {}
            for row in self.rows:
                value = row.data[key]
                if value and value in seen:
                    row.result.fail(BY_KEY[key], _("%(value)s already appears in row %(row)s.")
                                    % {"value": value, "row": seen[value]})
                elif value:
                    seen[value] = row.result.number

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
        users = get_user_model().objects.annotate(key_email=Lower("email"), key_phone=F("phone"))
        for key, wanted, found in (("email", emails, by_email), ("phone", phones, by_phone)):
            lookup = f"key_{key}__in" if key == "email" else "phone__in"
            for batch in batched(wanted):
                for cadre in tenant_cadres.filter(**{lookup: batch}):
                    found[getattr(cadre, key).lower()] = cadre
                    cadres[cadre.pk] = cadre
                # Emails compare case-insensitively, as the services' own check does.
                accounts.update({(key, value): pk for pk, value in
                                 users.filter(**{f"key_{key}__in": batch}).values_list("pk", f"key_{key}")})
        # Positions the matched cadres hold (or are appointed to): which, and whether any lies in this subtree.
        held, inside, anywhere = set(), set(), set()
        for batch in batched(cadres):
            for cadre_id, unit_id, role, path in Position.objects.held().filter(cadre_id__in=batch).values_list(
                    "cadre_id", "unit_id", "role", "unit__path"):
                held.add((cadre_id, unit_id, role))
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
                row.needs_position = (row.cadre.pk, row.unit.pk, row.data["role"]) not in held

    def _describe_changes(self) -> None:
        for row in self.rows:
            if not row.result.ok:
                continue
            profile = {key: value for key, value in row.data.items()
                       if key not in POSITION_FIELDS and not (key in OPTIONAL_PROFILE and value is None)}
            profile["is_full_time"] = bool(profile.get("is_full_time"))
            profile["is_civil_servant"] = bool(profile.get("is_civil_servant"))
            if row.cadre is None:
                row.profile = profile
                row.result.status = RowStatus.NEW
                continue
            row.profile = {key: value for key, value in profile.items() if getattr(row.cadre, key) != value}
            row.result.changes = [f"{BY_KEY[key].header}: {_display(getattr(row.cadre, key))} → {_display(value)}"
                                  for key, value in row.profile.items()]
            if row.needs_position:
                start = row.data["start_date"] or timezone.localdate()
                row.result.changes.append(_("New position: %(role)s at %(unit)s from %(date)s")
                                          % {"role": ROLES.label(row.data["role"]), "unit": row.unit.code,
                                             "date": _display(start)})
            row.result.status = RowStatus.CHANGED if row.result.changes else RowStatus.UNCHANGED

    def apply(self, acting_user: User | None, progress: Progress = no_progress) -> None:
        """Write the planned changes. Call inside a transaction."""
        todo = [row for row in self.rows if row.result.status in (RowStatus.NEW, RowStatus.CHANGED)]
        for done, row in enumerate(todo):
            progress(done, len(todo))
            try:
                if row.cadre is None:
                    row.cadre = cadre_create(tenant=self.root.tenant, acting_user=acting_user, **row.profile)
                    row.needs_position = True
                elif row.profile:
                    cadre_update(cadre=row.cadre, acting_user=acting_user, **row.profile)
                if row.needs_position:
                    # No date: the day the import is written, which position_create defaults to.
                    position_create(cadre=row.cadre, unit=row.unit, role=row.data["role"],
                                    start_date=row.data["start_date"], acting_user=acting_user)
            except ValidationError as exc:
                fail_from(row.result, exc, BY_KEY)


def plan_cadres(root: Unit, sheet_rows: list[tuple[int, dict]], report: ImportReport) -> CadrePlan:
    plan = CadrePlan(root, sheet_rows)
    report.rows = [row.result for row in plan.rows]
    return plan


def export_rows(root: Unit) -> list[list]:
    """One row per position held (or appointed to) in the subtree, in the import's columns, with
    its start date, so importing the file again gives the same positions."""
    positions = (Position.objects.held()
                 .filter(unit__tenant_id=root.tenant_id, unit__path__startswith=root.path,
                         unit__archived_at__isnull=True, cadre__archived_at__isnull=True)
                 .select_related("cadre", "unit").order_by("unit__path", "cadre__sort_key", "cadre_id"))
    return [[p.cadre.full_name, p.cadre.birth_date, GENDERS.label(p.cadre.gender), p.cadre.phone, p.cadre.email,
             p.unit.code, ROLES.label(p.role), "x" if p.cadre.is_full_time else "",
             "x" if p.cadre.is_civil_servant else "", p.start_date] for p in positions]
