"""Accounts: invitations to set a password, join codes and join requests.

Invitation links are allauth's password-reset links. Their token hashes the account's
password hash and last login (Django's PasswordResetTokenGenerator), so one link works
until the password is set and then dies, expires after PASSWORD_RESET_TIMEOUT, and the
page behind it (rate limit, password rules, Vietnamese templates) is the reset page we
already have. A signed token of our own would need its own "used" bookkeeping.
"""

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cadres.actors import SYSTEM, account_of
from cadres.models import Cadre, JoinRequest, JoinRequestStatus, NoticeKind, PositionRole, Unit, User, new_join_code
from cadres.selectors import invitable_cadres, join_requests_for, manages_cadre, nearest_deciders
from cadres.services.audit import audit_record
from cadres.services.notices import notify
from cadres.services.people import cadre_create, place
from cadres.services.units import require_manager
from cadres.transitions import User as Actor, require

INVITATION_TEMPLATE = "cadres/accounts/email/invitation"


def _send_invitation(cadre: Cadre, user: User, acting_user: Actor) -> None:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    adapter = get_adapter()
    adapter.send_mail(
        INVITATION_TEMPLATE,
        user.email,
        {
            "cadre": cadre,
            "inviter": acting_user,
            "invitation_url": adapter.get_reset_password_from_key_url(key),
            "privacy_url": settings.SITE_URL.rstrip("/") + reverse("privacy_notice"),
        },
    )


@transaction.atomic
def cadre_invite(*, cadre: Cadre, acting_user: Actor) -> None:
    """Email the cadre a one-time link to set their password (sent after commit)."""
    require(acting_user, lambda user: manages_cadre(user, cadre),
            _("Only the managers of %(name)s's units can invite them.") % {"name": cadre.full_name})
    _invite(cadre, acting_user)


def _invite(cadre: Cadre, acting_user: Actor) -> None:
    user = cadre.user
    if user is None or not user.email:
        raise ValidationError(_("%(name)s has no email address to invite.") % {"name": cadre.full_name})
    if user.has_usable_password():
        raise ValidationError(
            _("%(name)s already has a password; they can use “Forgot password?”.") % {"name": cadre.full_name}
        )
    _send_invitation(cadre, user, acting_user)
    audit_record(actor=acting_user, action="cadre.invite", obj=cadre, data={"email": user.email})


def invitation_mail_record(*, cadre_id: int, sent: bool) -> None:
    """What became of an invitation's email (the mail task, once it is sent or given up):
    the cadre's trail reads queued (`cadre.invite`), then sent or failed."""
    cadre = Cadre.objects.get(pk=cadre_id)
    if sent:
        audit_record(actor=None, action="cadre.invite_sent", obj=cadre, data={"email": cadre.email})
    else:
        audit_record(actor=None, action="cadre.invite_failed", obj=cadre, data={"email": cadre.email})


@transaction.atomic
def cadre_invite_all(*, unit: Unit, acting_user: Actor) -> int:
    """Invite every cadre of the unit's subtree who has an email and no password yet."""
    require_manager(acting_user, unit)
    count = 0
    for cadre in invitable_cadres(unit):
        _invite(cadre, acting_user)
        count += 1
    audit_record(actor=acting_user, action="unit.invite_all", obj=unit, data={"invited": count})
    return count


@transaction.atomic
def unit_join_code_regenerate(*, unit: Unit, acting_user: Actor) -> Unit:
    """A new join code; the old one stops working at once."""
    require_manager(acting_user, unit)
    while True:
        code = new_join_code()
        if not Unit.objects.with_scopes_disabled().filter(join_code=code).exists():
            break
    unit.join_code = code
    unit.save(update_fields=["join_code", "updated_at"])
    # Codes are secrets: the audit row records that it changed, not to what.
    audit_record(actor=acting_user, action="unit.join_code_regenerate", obj=unit)
    return unit


@transaction.atomic
def join_request_create(*, unit: Unit, role: str, password: str, **profile: Any) -> JoinRequest:
    """A person who entered the unit's join code: an account that can log in, a cadre
    profile without position, and a pending request for the unit's Bí thư to decide."""
    try:
        # The join code is the person's authority (checked by the page that took it).
        cadre = cadre_create(tenant=unit.tenant, acting_user=SYSTEM, **profile)
    except IntegrityError as exc:  # two registrations racing for the same email or phone
        raise ValidationError(_("This email or phone number is already registered.")) from exc
    user = cadre.user
    assert user is not None, "a join request gives an email or phone, so the cadre has an account"
    user.set_password(password)
    user.save(update_fields=["password"])
    join_request = JoinRequest.objects.create(tenant=unit.tenant, unit=unit, cadre=cadre, role=role)
    audit_record(actor=user, action="join_request.create", obj=join_request, data={"unit": unit.code, "role": role})
    # The unit's Bí thư, or whoever else confirms the unit's join requests (the join requests page's rule).
    deciders = nearest_deciders(unit, lambda someone: join_requests_for(someone).filter(
        pk=join_request.pk, status=JoinRequestStatus.PENDING).exists(), exclude=user)
    with translation.override(settings.LANGUAGE_CODE):
        notify(recipients=deciders, tenant_id=unit.tenant_id, kind=NoticeKind.JOIN_REQUEST,
               subject=_("%(name)s asks to join %(unit)s") % {"name": cadre.full_name, "unit": unit.name},
               body=_("Role: %(role)s. Confirm or reject the request.") % {"role": PositionRole(role).label},
               link=join_request.get_absolute_url(), actor=user)
    return join_request


def _lock_pending(join_request: JoinRequest, acting_user: Actor) -> JoinRequest:
    """The request, held, if it awaits this actor's decision (the join requests page's rule)."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    require(acting_user, lambda user: join_requests_for(user).filter(pk=join_request.pk).exists(),
            _("Only the unit's Bí thư or managers can decide who joins it."))
    if join_request.status != JoinRequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return join_request


def _decide(join_request: JoinRequest, status: str, acting_user: Actor) -> JoinRequest:
    join_request.status = status
    join_request.decided_by = account_of(acting_user)
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=acting_user, action=f"join_request.{status}", obj=join_request,
                 data={"unit": join_request.unit.code, "cadre": join_request.cadre_id})
    return join_request


@transaction.atomic
def join_request_approve(*, join_request: JoinRequest, acting_user: Actor) -> JoinRequest:
    join_request = _lock_pending(join_request, acting_user)
    place(cadre=join_request.cadre, unit=join_request.unit, role=join_request.role, start_date=timezone.localdate(),
          end_date=None, acting_user=acting_user)
    return _decide(join_request, JoinRequestStatus.APPROVED, acting_user)


@transaction.atomic
def join_request_reject(*, join_request: JoinRequest, acting_user: Actor) -> JoinRequest:
    """The account stays (it holds no position, so it reaches nothing but its own profile)."""
    join_request = _lock_pending(join_request, acting_user)
    return _decide(join_request, JoinRequestStatus.REJECTED, acting_user)
