"""Creating, rotating and revoking API clients: by those who manage the client's unit
(provincial staff for the whole province, a unit's managers for their subtree), or the system
(`manage.py api_client_create`). Each writes its audit row in the same transaction; the token
is returned once and never stored."""

import datetime
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiClient, ApiScope, new_token
from cadres.actors import Actor, account_of
from cadres.models import Unit
from cadres.selectors import manages_unit
from cadres.services.audit import audit_record
from cadres.transitions import Refusal, require


def _require_manager(actor: Actor, unit: Unit) -> None:
    require(actor, lambda user: manages_unit(user, unit), _("You do not manage %(unit)s.") % {"unit": unit.name})


def _clean_scopes(scopes: Collection[str]) -> list[str]:
    unknown = set(scopes) - set(ApiScope.values)
    if unknown or not scopes:
        raise Refusal(_("Choose at least one of the scopes: %(scopes)s.") % {"scopes": ", ".join(ApiScope.values)},
                      "invalid")
    return [scope for scope in ApiScope.values if scope in scopes]


@transaction.atomic
def api_client_create(*, unit: Unit, name: str, scopes: Collection[str], expires_at: datetime.datetime | None,
                      acting_user: Actor) -> tuple[ApiClient, str]:
    """A client for `unit`'s subtree; returns it and its token (shown once)."""
    _require_manager(acting_user, unit)
    if unit.is_archived:
        raise Refusal(_("%(unit)s is archived.") % {"unit": unit.name}, "invalid")
    if expires_at is not None and expires_at <= timezone.now():
        raise Refusal(_("The expiry must be in the future."), "invalid")
    token, prefix, hashed = new_token()
    client = ApiClient.objects.create(
        tenant_id=unit.tenant_id, unit=unit, name=name.strip() or unit.name, scopes=_clean_scopes(scopes),
        token_prefix=prefix, token_hash=hashed, created_by=account_of(acting_user), expires_at=expires_at,
    )
    audit_record(actor=acting_user, action="api_client.create", obj=client, unit=unit,
                 data={"name": client.name, "scopes": client.scopes,
                       "expires_at": expires_at.isoformat() if expires_at else None})
    return client, token


def _lock(client: ApiClient, acting_user: Actor) -> ApiClient:
    _require_manager(acting_user, client.unit)
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is not None:
        raise Refusal(_("This client was revoked."), "state")
    return locked


@transaction.atomic
def api_client_rotate(*, client: ApiClient, acting_user: Actor) -> tuple[ApiClient, str]:
    """A new token for the client; the old one stops working at once."""
    locked = _lock(client, acting_user)
    token, locked.token_prefix, locked.token_hash = new_token()
    locked.rotated_at = timezone.now()
    locked.save(update_fields=["token_prefix", "token_hash", "rotated_at"])
    # Tokens are secrets: the row says it changed, not to what.
    audit_record(actor=acting_user, action="api_client.rotate", obj=locked, unit=locked.unit)
    return locked, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, acting_user: Actor) -> ApiClient:
    """The client stops working for good; its log and audit rows stay."""
    locked = _lock(client, acting_user)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(actor=acting_user, action="api_client.revoke", obj=locked, unit=locked.unit)
    return locked
