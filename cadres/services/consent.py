"""Consent to the privacy notice: given (at joining, at first login, for each new version) and
withdrawn. Withdrawing explains and does what follows: the province keeps the official records
on its own lawful basis (Decree 356/2025/NĐ-CP: the duties of the Đoàn), and the optional
fields given only by consent (dân tộc) are cleared."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import privacy
from cadres.models import Cadre, Consent, User
from cadres.services.audit import audit_record
from cadres.transitions import require

# Profile fields held only with consent, cleared when it is withdrawn.
OPTIONAL_FIELDS = ("ethnicity",)


def _themselves(user: User) -> str:
    return _("Only the person themselves can give or withdraw their consent.")


@transaction.atomic
def consent_give(*, user: User, acting_user: User) -> Consent:
    """The person accepts the current version of the notice."""
    require(acting_user, lambda actor: actor.pk == user.pk, _themselves(user))
    consent, created = Consent.objects.get_or_create(user=user, version=privacy.VERSION)
    if not created and consent.withdrawn_at is not None:
        consent.withdrawn_at, consent.given_at = None, timezone.now()
        consent.save(update_fields=["withdrawn_at", "given_at"])
    audit_record(actor=acting_user, action="consent.give", obj=consent,
                 tenant=getattr(Cadre.objects.with_scopes_disabled().filter(user=user).first(), "tenant", None),
                 data={"version": privacy.VERSION})
    return consent


@transaction.atomic
def consent_withdraw(*, user: User, acting_user: User) -> Consent | None:
    """The person withdraws: their consents end and the optional fields are cleared."""
    require(acting_user, lambda actor: actor.pk == user.pk, _themselves(user))
    Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    cadre = Cadre.objects.with_scopes_disabled().filter(user=user).first()
    if cadre is not None:
        for field in OPTIONAL_FIELDS:
            setattr(cadre, field, "")
        cadre.save()
    audit_record(actor=acting_user, action="consent.withdraw", obj=cadre or user,
                 tenant=cadre.tenant if cadre else None, data={"cleared": list(OPTIONAL_FIELDS)})
    return Consent.objects.filter(user=user).first()
