"""The breach register (Decree 356/2025/NĐ-CP): provincial staff record an incident and what
was done, and when the authority was notified; each change audited."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cadres.models import Breach, Tenant, User
from cadres.selectors import is_provincial_staff
from cadres.services.audit import audit_record
from cadres.transitions import Refusal, require

FIELDS = ("title", "description", "data_categories", "occurred_at", "detected_at", "people_affected", "measures",
          "notified_at")


def _check(values: dict[str, Any]) -> None:
    if not values.get("title") or values.get("detected_at") is None:
        raise Refusal(_("Say what happened and when it was detected."), "required")
    occurred, detected, notified = values.get("occurred_at"), values["detected_at"], values.get("notified_at")
    if occurred is not None and occurred > detected:
        raise Refusal(_("A breach cannot be detected before it occurred."), "invalid")
    if notified is not None and notified < detected:
        raise Refusal(_("The authority cannot be notified before the breach was detected."), "invalid")


@transaction.atomic
def breach_record(*, tenant: Tenant, acting_user: User, **values: Any) -> Breach:
    require(acting_user, lambda user: is_provincial_staff(user, tenant.pk),
            _("Only the province's staff can record a data breach."))
    values = {key: values.get(key) for key in FIELDS if key in values}
    _check(values)
    breach = Breach.objects.create(tenant=tenant, recorded_by=acting_user, **values)
    audit_record(actor=acting_user, action="breach.record", obj=breach, tenant=tenant,
                 data={"people_affected": breach.people_affected})
    return breach


@transaction.atomic
def breach_update(*, breach: Breach, acting_user: User, **values: Any) -> Breach:
    require(acting_user, lambda user: breach.tenant_id is not None and is_provincial_staff(user, breach.tenant_id),
            _("Only the province's staff can record a data breach."))
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    changed = {key: values[key] for key in FIELDS if key in values}
    _check({**{key: getattr(breach, key) for key in FIELDS}, **changed})
    for key, value in changed.items():
        setattr(breach, key, value)
    breach.save()
    audit_record(actor=acting_user, action="breach.update", obj=breach, tenant=breach.tenant,
                 data={"fields": sorted(changed)})
    return breach
