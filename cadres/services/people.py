"""Actions on cadres, their accounts and positions."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, Position, Tenant, Unit, User
from cadres.selectors import can_edit_cadre, manages_in_tenant
from cadres.services.audit import audit_record
from cadres.services.units import require_manager
from cadres.text import INVALID_PHONE, display_phone, normalize_phone
from cadres.transitions import User as Actor, require

PROFILE_FIELDS = (
    "full_name", "birth_date", "gender", "phone", "email", "ethnicity",
    "job_title", "is_full_time", "is_civil_servant", "is_party_member",
)


def _check_login_free(*, email: str, phone: str, user: User | None = None) -> None:
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    # Emails are stored lower-case, so an exact match can use the unique index.
    if email and others.filter(email=email).exists():
        raise ValidationError({"email": _("Email %(email)s belongs to another account.") % {"email": email}})
    if phone and others.filter(phone=phone).exists():
        raise ValidationError({"phone": _("Phone %(phone)s belongs to another account.")
                               % {"phone": display_phone(phone)}})


def _phone(value: str | None) -> str:
    """The E.164 form ("+84912345678") of a number written any way; no number is ""."""
    try:
        return normalize_phone(value) if value else ""
    except ValueError:
        raise ValidationError({"phone": INVALID_PHONE}) from None


@transaction.atomic
def cadre_create(*, tenant: Tenant, full_name: str, acting_user: Actor, **profile: Any) -> Cadre:
    """A cadre with a login account (no usable password until they accept an invitation)."""
    require(acting_user, lambda user: manages_in_tenant(user, tenant.pk),
            _("Only the managers of a unit of the province can add its cadres."))
    email = (profile.get("email") or "").strip().lower()
    phone = _phone(profile.get("phone"))
    profile.update(email=email, phone=phone)
    _check_login_free(email=email, phone=phone)
    user = None
    if email or phone:
        # No password yet: create_user(password=None) stores an unusable one until the invitation.
        user = User.objects.create_user(email=email or None, phone=phone or None, full_name=full_name)
    cadre = Cadre.objects.create(tenant=tenant, user=user, full_name=full_name, **profile)
    audit_record(actor=acting_user, action="cadre.create", obj=cadre, data={"full_name": cadre.full_name})
    return cadre


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
    if unit.tenant_id != cadre.tenant_id:
        raise ValidationError({"unit": _("The unit belongs to another province.")})
    existing = Position.objects.held().filter(cadre=cadre, unit=unit, role=role).order_by("start_date", "pk").first()
    if existing is not None:
        return existing
    start_date = start_date or timezone.localdate()
    check_position_dates(start_date, end_date)
    position = Position.objects.create(tenant_id=cadre.tenant_id, cadre=cadre, unit=unit, role=role,
                                       start_date=start_date, end_date=end_date)
    data = {"cadre": cadre.pk, "unit": unit.code, "role": role, "start_date": start_date.isoformat()}
    if end_date is not None:
        data["end_date"] = end_date.isoformat()
    audit_record(actor=acting_user, action="position.create", obj=position, data=data)
    return position


@transaction.atomic
def position_end(*, position: Position, end_date: datetime.date, acting_user: Actor) -> Position:
    require_manager(acting_user, position.unit)
    position.end_date = end_date
    position.full_clean()
    position.save(update_fields=["end_date"])
    audit_record(actor=acting_user, action="position.end", obj=position, data={"end_date": end_date.isoformat()})
    return position
