"""Actions on cadres, their accounts and positions."""

import datetime
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.maintenance import insert_many
from cadres.models import AuditEvent, Cadre, Position, Tenant, Unit, User
from cadres.selectors import can_edit_cadre, manages_in_tenant
from cadres.services.audit import audit_event, audit_record, audit_record_many
from cadres.services.units import require_manager
from cadres.text import INVALID_PHONE, display_phone, normalize_phone
from cadres.transitions import User as Actor, require

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "full_name", "birth_date", "gender", "phone", "email", "ethnicity",
    "job_title", "is_full_time", "is_civil_servant", "is_party_member",
)


def _login_taken(key: str, value: str) -> ValidationError:
    if key == "email":
        return ValidationError({"email": _("Email %(email)s belongs to another account.") % {"email": value}})
    return ValidationError({"phone": _("Phone %(phone)s belongs to another account.") % {"phone": display_phone(value)}})


def _check_login_free(*, email: str, phone: str, user: User | None = None) -> None:
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    # Emails are stored lower-case, so an exact match can use the unique index.
    if email and others.filter(email=email).exists():
        raise _login_taken("email", email)
    if phone and others.filter(phone=phone).exists():
        raise _login_taken("phone", phone)


def _phone(value: str | None) -> str:
    """The E.164 form ("+84912345678") of a number written any way; no number is ""."""
    try:
        return normalize_phone(value) if value else ""
    except ValueError:
        raise ValidationError({"phone": INVALID_PHONE}) from None


def _new_cadre(tenant: Tenant, full_name: str, profile: dict[str, Any]) -> tuple[User | None, Cadre]:
    """The unsaved account and cadre `cadre_create` saves and `cadres_create_bulk` inserts:
    the email lower-case, and an account only for a cadre with an email or a phone, with no
    usable password until they accept an invitation."""
    email = (profile.get("email") or "").strip().lower()
    phone = _phone(profile.get("phone"))
    profile = {**profile, "email": email, "phone": phone}
    user = None
    if email or phone:
        # What set_password(None) stores (an unusable password, random per account), without
        # its 40 calls to secrets.choice: 2 s for an import of 50,000.
        user = User(email=email or None, phone=phone or None, full_name=full_name, is_staff=False,
                    is_superuser=False, password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30))
    cadre = Cadre(tenant=tenant, user=user, full_name=full_name, **profile)
    cadre.derive()
    return user, cadre


def _cadre_created(cadre: Cadre, acting_user: Actor) -> AuditEvent:
    return audit_event(actor=acting_user, action="cadre.create", obj=cadre, data={"full_name": cadre.full_name})


@transaction.atomic
def cadre_create(*, tenant: Tenant, full_name: str, acting_user: Actor, **profile: Any) -> Cadre:
    """A cadre with a login account (no usable password until they accept an invitation)."""
    require(acting_user, lambda user: manages_in_tenant(user, tenant.pk),
            _("Only the managers of a unit of the province can add its cadres."))
    user, cadre = _new_cadre(tenant, full_name, profile)
    _check_login_free(email=cadre.email, phone=cadre.phone)
    if user is not None:
        user.save()
    cadre.save()
    _cadre_created(cadre, acting_user).save()
    return cadre


class BatchRefused(Exception):
    """The database refused a bulk write that the checks before it let through (an address
    taken by another account meanwhile): `errors` says why, by the item's index (None when
    no item can be named). Nothing of the batch was written."""

    def __init__(self, errors: dict[int | None, ValidationError]):
        super().__init__(errors)
        self.errors = errors


def cadres_create_bulk(*, tenant: Tenant, profiles: list[dict[str, Any]], acting_user: Actor) -> list[Cadre]:
    """`cadre_create` for many cadres at once (an import): their accounts, cadres and audit
    rows in a few statements. The caller has checked that the emails and phones are free
    (`CadrePlan`, in the same transaction); one taken meanwhile raises BatchRefused."""
    require(acting_user, lambda user: manages_in_tenant(user, tenant.pk),
            _("Only the managers of a unit of the province can add its cadres."))
    built = [_new_cadre(tenant, profile["full_name"], {k: v for k, v in profile.items() if k != "full_name"})
             for profile in profiles]
    users = [user for user, _cadre in built if user is not None]
    cadres = [cadre for _user, cadre in built]
    try:
        # One savepoint for the batch, so that a refusal can still be explained row by row.
        with transaction.atomic():
            insert_many(users)
            insert_many(cadres)  # each takes its account's new id
            audit_record_many([_cadre_created(cadre, acting_user) for cadre in cadres])
    except IntegrityError as exc:
        raise BatchRefused(_logins_taken(cadres) or {None: _refused(exc)}) from exc
    return cadres


def _refused(exc: IntegrityError) -> ValidationError:
    logger.warning("bulk insert refused: %s", exc)
    return ValidationError(_("The database refused the rows from here on (another change conflicted with them); "
                             "nothing was written. Upload the file again."))


def _logins_taken(cadres: list[Cadre]) -> dict[int | None, ValidationError]:
    errors: dict[int | None, ValidationError] = {}
    for key in ("email", "phone"):
        wanted = [getattr(cadre, key) for cadre in cadres if getattr(cadre, key)]
        taken: set[str] = set()
        for start in range(0, len(wanted), 900):
            taken |= set(User.objects.filter(**{f"{key}__in": wanted[start:start + 900]}).values_list(key, flat=True))
        for index, cadre in enumerate(cadres):
            if index not in errors and getattr(cadre, key) in taken:
                errors[index] = _login_taken(key, getattr(cadre, key))
    return errors


@transaction.atomic
def cadre_update(*, cadre: Cadre, acting_user: Actor, **profile: Any) -> Cadre:
    """Change profile fields; the account's email, phone and name follow the profile."""
    require(acting_user, lambda user: can_edit_cadre(user, cadre), _("You do not manage this cadre."))
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {sorted(unknown)}")
    if "email" in profile:
        profile["email"] = (profile["email"] or "").strip().lower()
    if "phone" in profile:
        profile["phone"] = _phone(profile["phone"])
    changes = {}
    for key, value in profile.items():
        old = getattr(cadre, key)
        if old != value:
            changes[key] = [str(old), str(value)]
            setattr(cadre, key, value)
    if not changes:
        return cadre
    if cadre.user is not None:
        _check_login_free(email=cadre.email, phone=cadre.phone, user=cadre.user)
        cadre.user.email = cadre.email or None
        cadre.user.phone = cadre.phone or None
        cadre.user.full_name = cadre.full_name
        cadre.user.save(update_fields=["email", "phone", "full_name"])
    cadre.save()
    audit_record(actor=acting_user, action="cadre.update", obj=cadre, data=changes)
    return cadre


def check_position_dates(start_date: datetime.date, end_date: datetime.date | None) -> None:
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("A position cannot end before it starts (%(start)s).")
                               % {"start": start_date.strftime("%d/%m/%Y")}})


@transaction.atomic
def position_create(
    *, cadre: Cadre, unit: Unit, role: str, start_date: datetime.date | None = None,
    end_date: datetime.date | None = None, acting_user: Actor
) -> Position:
    """The cadre's (unit, role) position from `start_date` (default today), until `end_date` if
    given; the one they already hold or have been appointed to, if any, is returned unchanged."""
    require_manager(acting_user, unit)
    return place(cadre=cadre, unit=unit, role=role, start_date=start_date, end_date=end_date, acting_user=acting_user)


def place(*, cadre: Cadre, unit: Unit, role: str, start_date: datetime.date | None, end_date: datetime.date | None,
          acting_user: Actor) -> Position:
    """`position_create` once the caller's own rule let the actor act (a Bí thư confirming
    who joins their chi đoàn, `join_request_approve`); call it inside a transaction."""
    existing = Position.objects.held().filter(cadre=cadre, unit=unit, role=role).order_by("start_date", "pk").first()
    if existing is not None:
        return existing
    position = _new_position(cadre, unit, role, start_date, end_date)
    position.save(force_insert=True)
    _position_created(position, acting_user).save()
    return position


def _new_position(cadre: Cadre, unit: Unit, role: str, start_date: datetime.date | None,
                  end_date: datetime.date | None) -> Position:
    """The unsaved position `place` saves and `positions_create_bulk` inserts (from today
    when no start is given)."""
    if unit.tenant_id != cadre.tenant_id:
        raise ValidationError({"unit": _("The unit belongs to another province.")})
    start_date = start_date or timezone.localdate()
    check_position_dates(start_date, end_date)
    return Position(tenant_id=cadre.tenant_id, cadre=cadre, unit=unit, role=role, start_date=start_date,
                    end_date=end_date)


def _position_created(position: Position, acting_user: Actor) -> AuditEvent:
    data = {"cadre": position.cadre_id, "unit": position.unit.code, "role": position.role,
            "start_date": position.start_date.isoformat()}
    if position.end_date is not None:
        data["end_date"] = position.end_date.isoformat()
    return audit_event(actor=acting_user, action="position.create", obj=position, data=data)


@dataclass(frozen=True)
class NewPosition:
    cadre: Cadre
    unit: Unit
    role: str
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


def positions_create_bulk(*, root: Unit, positions: list[NewPosition], acting_user: Actor) -> list[Position]:
    """`position_create` for many positions in `root`'s subtree at once (an import), with
    their audit rows. Unlike `place` it does not look for a position already held: the
    caller has (`CadrePlan`, in the same transaction). A bad item raises BatchRefused."""
    require_manager(acting_user, root)
    built: list[Position] = []
    errors: dict[int | None, ValidationError] = {}
    for index, item in enumerate(positions):
        if not (item.unit.tenant_id == root.tenant_id and item.unit.path.startswith(root.path)):
            errors[index] = ValidationError({"unit": _("You do not manage %(unit)s.") % {"unit": item.unit.name}})
            continue
        try:
            built.append(_new_position(item.cadre, item.unit, item.role, item.start_date, item.end_date))
        except ValidationError as exc:
            errors[index] = exc
    if errors:
        raise BatchRefused(errors)
    try:
        with transaction.atomic():
            insert_many(built)
            audit_record_many([_position_created(position, acting_user) for position in built])
    except IntegrityError as exc:
        raise BatchRefused({None: _refused(exc)}) from exc
    return built


@transaction.atomic
def position_end(*, position: Position, end_date: datetime.date, acting_user: Actor) -> Position:
    require_manager(acting_user, position.unit)
    position.end_date = end_date
    position.full_clean()
    position.save(update_fields=["end_date", "updated_at"])
    audit_record(actor=acting_user, action="position.end", obj=position, data={"end_date": end_date.isoformat()})
    return position
