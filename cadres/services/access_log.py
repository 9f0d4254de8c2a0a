"""The access log: who read which cadres' personal data (Law 91/2025/QH15, art. on the data
subject's right to know). Views call `access_record` after their scoped fetch, with everyone
the page, PDF, export or API response names: one record and one bulk insert of its subjects,
whatever the number of people, so a list page of 50 costs two statements.

Reading is not a decision, so there is no `acting_user` check here: the view's selector has
already said the viewer may read; this only records that they did.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from cadres.maintenance import insert_many
from cadres.models import AccessKind, AccessRecord, AccessSubject, Cadre, Grant, GrantRole, Position, User

# Order in which a viewer's roles describe them best.
_ROLE_ORDER = [GrantRole.PROVINCIAL_STAFF, "secretary", "deputy_secretary", GrantRole.UNIT_MANAGER,
               "standing_member", GrantRole.REVIEWER, "executive_member", "full_time_staff"]


# Subjects written with one INSERT up to this many (a list page), with COPY beyond (an export).
COPY_ABOVE = 1000


def viewer_role(user: User) -> tuple[str, str]:
    """(role, unit name) that best says in which capacity the user reads: their highest
    grant or active position, nearest the root. Computed once per request."""
    cached: tuple[str, str] | None = getattr(user, "_viewer_role", None)
    if cached is not None:
        return cached
    held = [(role, unit.depth, unit.name) for role, unit in
            ((p.role, p.unit) for p in Position.objects.with_scopes_disabled().active()
             .filter(cadre__user=user, unit__archived_at__isnull=True).select_related("unit"))]
    held += [(g.role, g.unit.depth, g.unit.name) for g in
             Grant.objects.with_scopes_disabled().filter(user=user).select_related("unit")]
    held.sort(key=lambda row: (_ROLE_ORDER.index(row[0]) if row[0] in _ROLE_ORDER else 99, row[1]))
    found = (held[0][0], held[0][2]) if held else ("", "")
    setattr(user, "_viewer_role", found)
    return found


def access_record(
    *, viewer: User | None, kind: AccessKind, cadres: Iterable[Cadre | int], tenant_id: int,
    obj: models.Model | None = None, path: str = "", viewer_label: str = "",
) -> AccessRecord | None:
    """Record that `viewer` (or, with no account, the API client `viewer_label`) read these
    cadres. A person reading only their own data is not recorded; nor is a page naming nobody."""
    own = getattr(getattr(viewer, "_access", None), "cadre_id", None)
    if viewer is not None and own is None:
        own = Cadre.objects.with_scopes_disabled().filter(user=viewer).values_list("pk", flat=True).first()
    ids = sorted({c if isinstance(c, int) else c.pk for c in cadres} - {own})
    if not ids:
        return None
    role, unit = viewer_role(viewer) if viewer is not None else ("", "")
    with transaction.atomic():
        record = AccessRecord.objects.with_scopes_disabled().create(
            tenant_id=tenant_id, viewer=viewer, viewer_label=(viewer_label or str(viewer or ""))[:200],
            viewer_role=role, viewer_unit=unit[:200], kind=kind,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "", path=path[:300], subject_count=len(ids),
        )
        subjects = [AccessSubject(record=record, cadre_id=pk) for pk in ids]
        if len(subjects) > COPY_ABOVE:  # an export of a whole province: COPY on PostgreSQL
            insert_many(subjects)
        else:  # a page: one INSERT
            AccessSubject.objects.bulk_create(subjects)
    return record


def access_record_request(
    request: HttpRequest, kind: AccessKind, cadres: Iterable[Cadre | int], *, tenant_id: int,
    obj: models.Model | None = None,
) -> AccessRecord | None:
    """`access_record` for a page or a download: the logged-in viewer and the path they opened."""
    user = request.user if isinstance(request.user, User) else None
    return access_record(viewer=user, kind=kind, cadres=cadres, tenant_id=tenant_id, obj=obj,
                         path=request.get_full_path())


def access_record_rows(
    request: HttpRequest, kind: AccessKind, rows: Iterable[Any], *, obj: models.Model | None = None,
) -> None:
    """A page listing rows about people (cadres, forms, requests, audit rows): one record per
    tenant its rows belong to (a single one, but for a person with roles in two provinces),
    naming each row's cadre; rows about no cadre (a unit's report) name nobody."""
    by_tenant: dict[int, set[int]] = {}
    for row in rows:
        cadre_id = row.pk if isinstance(row, Cadre) else getattr(row, "cadre_id", None)
        if cadre_id is not None and row.tenant_id is not None:
            by_tenant.setdefault(row.tenant_id, set()).add(cadre_id)
    for tenant_id, cadre_ids in sorted(by_tenant.items()):
        access_record_request(request, kind, cadre_ids, tenant_id=tenant_id, obj=obj)


def access_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete records older than the retention (`ACCESS_LOG_RETENTION_MONTHS`); run by beat.
    Their subjects go with them (cascade). Returns how many records went."""
    now = now or timezone.now()
    months = settings.ACCESS_LOG_RETENTION_MONTHS
    year, month = divmod(now.month - 1 - months, 12)
    cutoff = now.replace(year=now.year + year, month=month + 1, day=min(now.day, 28))
    old = AccessRecord.objects.with_scopes_disabled().filter(created_at__lt=cutoff)
    AccessSubject.objects.filter(record__in=old).delete()
    count, _ = old.delete()
    return count
