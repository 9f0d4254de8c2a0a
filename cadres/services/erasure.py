"""De-identification (Law 91/2025/QH15: the right to deletion): a person's name, birth date,
phone, email, dân tộc and evidence files are replaced with placeholders and their account is
deleted, while every record others depend on stays — forms others reviewed, figures,
snapshots — so no count changes and a reviewer's timeline reads "(đã ẩn danh)".

Three passes, in one transaction with the audit row:
1. the cadre, field by field, and their account deleted (the rows that named it as who
   acted keep "(đã ẩn danh)" in `actor_label`, so the timelines of forms others reviewed
   and the audit trail still say a person acted);
2. the apps above, through `cadres.signals.deidentifying` (the forms' identity copies and
   snapshots, evidence files, photos);
3. a sweep of every text and JSON column of the tenant's rows for the person's phone and
   email, and for their full name when no other cadre of the province bears it (a notice
   to a reviewer, an import's preview, the admin's log): text that only mentions a name
   shared by two people cannot say which one it means, so it is left.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Cast, Replace, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.imports.uploads import discard_upload
from cadres.models import DEIDENTIFIED, AccessRecord, AuditEvent, Cadre, ImportJob, User
from cadres.selectors import is_provincial_staff
from cadres.services.audit import audit_record
from cadres.signals import deidentifying
from cadres.text import display_phone
from cadres.transitions import Refusal, User as Actor, require

# Keys that hold a person's identity wherever a JSON document keeps a copy of a profile
# (audit payloads, form snapshots).
PERSONAL_KEYS = frozenset({"full_name", "birth_date", "phone", "email", "ethnicity"})


def scrub_json(value: Any, needles: Iterable[str] = (), keys: frozenset[str] = PERSONAL_KEYS) -> Any:
    """`value` with every string under a personal key replaced, and every needle in any string."""
    needles = [needle for needle in needles if needle]
    if isinstance(value, dict):
        return {key: (DEIDENTIFIED if key in keys and item not in (None, "") else scrub_json(item, needles, keys))
                for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_json(item, needles, keys) for item in value]
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, DEIDENTIFIED)
    return value


def _needles(cadre: Cadre) -> list[str]:
    """What identifies the person in free text: phone (every way it is written), email, and the
    full name unless another cadre of the province has the same one."""
    found: list[str] = []
    account = cadre.user
    for phone in {cadre.phone, getattr(account, "phone", None) or ""} - {""}:
        national = display_phone(phone)
        found += [phone, national, national.replace(" ", "")]
    found += [email for email in {cadre.email.lower(), (getattr(account, "email", None) or "").lower()} if email]
    names = {cadre.full_name, getattr(account, "full_name", "") or ""} - {"", DEIDENTIFIED}
    for name in names:
        namesakes = Cadre.objects.with_scopes_disabled().filter(tenant_id=cadre.tenant_id, full_name=name)
        if not namesakes.exclude(pk=cadre.pk).exists():
            found.append(name)
    # Longest first: a name is never left half-replaced by a shorter needle inside it.
    return sorted({needle for needle in found if len(needle) >= 5}, key=len, reverse=True)


def _sweep(tenant_id: int, needles: list[str]) -> int:
    """Replace the needles in every text and JSON column of the tenant's rows (and of tables
    without a tenant); the cadre and account rows are done field by field before."""
    changed = 0
    for model in apps.get_models():
        if model in (Cadre, User) or not model._meta.managed or model._meta.proxy:
            continue
        rows = model._base_manager.all()
        if any(field.name == "tenant" for field in model._meta.concrete_fields):
            rows = rows.filter(tenant_id=tenant_id)
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                changed += _sweep_json(rows, field.attname, needles)
            elif isinstance(field, models.CharField | models.TextField) and not field.choices and not field.unique:
                for needle in needles:
                    replaced: Any = Replace(F(field.attname), Value(needle), Value(DEIDENTIFIED))
                    if field.max_length:
                        replaced = Substr(replaced, 1, field.max_length)
                    changed += rows.filter(**{f"{field.attname}__contains": needle}).update(
                        **{field.attname: replaced})
    return changed


def _sweep_json(rows: models.QuerySet[Any], name: str, needles: list[str]) -> int:
    # A JSON column reads as text with non-ASCII letters escaped (SQLite) or not (PostgreSQL).
    matches = Q()
    for needle in needles:
        matches |= Q(_as_text__contains=needle) | Q(_as_text__contains=json.dumps(needle)[1:-1])
    changed = 0
    for pk, value in rows.annotate(_as_text=Cast(name, TextField())).filter(matches).values_list("pk", name):
        rows.model._base_manager.filter(pk=pk).update(**{name: scrub_json(value, needles, frozenset())})
        changed += 1
    return changed


def _delete_account(account: User) -> None:
    """The account goes, with what only it used (addresses, keys, roles, notices, consents,
    sessions, its own import jobs and their uploads); rows others read keep a placeholder
    where they named it (`actor_label`, `viewer_label`) and lose the link (SET_NULL)."""
    AuditEvent.objects.with_scopes_disabled().filter(actor=account).update(actor_label=DEIDENTIFIED)
    AccessRecord.objects.with_scopes_disabled().filter(viewer=account).update(viewer_label=DEIDENTIFIED)
    tokens = list(ImportJob.objects.with_scopes_disabled().filter(user=account).values_list("upload_token", flat=True))

    def discard_uploads() -> None:
        for token in tokens:
            discard_upload(user=account, token=token)

    transaction.on_commit(discard_uploads)
    session_key = str(account.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == session_key:
            session.delete()
    User.objects.filter(pk=account.pk).delete()


@transaction.atomic
def cadre_deidentify(*, cadre: Cadre, reason: str, acting_user: Actor) -> Cadre:
    """Replace the person's identifying data with placeholders; provincial staff (or the
    retention job, as the system). The audit row keeps the reason, never the data."""
    require(acting_user, lambda user: is_provincial_staff(user, cadre.tenant_id),
            _("Only the province's staff can de-identify a person."))
    cadre = Cadre.objects.with_scopes_disabled().select_for_update(of=("self",)).select_related("user").get(pk=cadre.pk)
    if cadre.deidentified_at is not None:
        raise Refusal(_("This person's data was already de-identified."), "already_done")
    needles = _needles(cadre)
    # The audit payloads about the cadre lose their personal keys (a profile change's before/after).
    for event in AuditEvent.objects.with_scopes_disabled().filter(cadre=cadre):
        AuditEvent.objects.with_scopes_disabled().filter(pk=event.pk).update(data=scrub_json(event.data, needles))
    deidentifying.send(sender=Cadre, cadre=cadre, placeholder=DEIDENTIFIED)
    account, cadre.user = cadre.user, None
    cadre.full_name = DEIDENTIFIED
    cadre.birth_date = None
    cadre.phone = ""
    cadre.email = ""
    cadre.ethnicity = ""
    cadre.deidentified_at = timezone.now()
    cadre.save()
    if account is not None:
        _delete_account(account)
    _sweep(cadre.tenant_id, needles)
    audit_record(actor=acting_user, action="cadre.deidentify", obj=cadre, data={"reason": reason})
    return cadre
