"""Scoped reads. Every question "what may this user reach?" is answered here, once.

Access comes from two sources (domain §3): active positions (Bí thư, Phó Bí thư and
UV BTV manage their unit's subtree; every position lets its holder see that unit) and
explicit grants (unit manager and provincial staff manage a subtree; a reviewer sees
one unit's cadres). Nothing else — not is_superuser, not a link — gives access.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.http import Http404
from django_scopes import scopes_disabled

from cadres.actors import System
from cadres.models import (
    AccessRecord,
    AccessSubject,
    AnyUser,
    AuditEvent,
    Breach,
    Cadre,
    DataRequest,
    DataRequestKind,
    DataRequestStatus,
    Grant,
    GrantRole,
    ImportJob,
    JoinRequest,
    JoinRequestStatus,
    Notice,
    Position,
    PositionRole,
    Tenant,
    Unit,
    UnitChange,
    UnitLevel,
    User,
)
from cadres.text import fold, normalize_phone, text_sort_key

MANAGING_GRANTS = [GrantRole.UNIT_MANAGER, GrantRole.PROVINCIAL_STAFF]


@dataclass(frozen=True)
class Access:
    """What one user reaches; computed once per request."""

    tenant_ids: frozenset[int] = frozenset()
    managed_paths: tuple[str, ...] = ()
    reviewed_unit_ids: frozenset[int] = frozenset()
    member_unit_ids: frozenset[int] = frozenset()
    provincial_tenant_ids: frozenset[int] = frozenset()
    cadre_id: int | None = None
    # A managed unit has units below it (or is a tenant's root): only then can anything of a
    # sub-unit (its report, its own forms) await this user.
    manages_below: bool = False

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_paths)

    @property
    def is_reviewer(self) -> bool:
        """Managers and Bí thư review forms and confirm who joins their units."""
        return self.is_manager or bool(self.reviewed_unit_ids)

    def manages_path(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.managed_paths)


class SubtreeReader(AnonymousUser):
    """A program reading one unit's subtree (an API client, `api.models.ApiClient`): it reaches
    what a manager of that unit reads through these selectors, and nothing else. It is no
    person: no account, no cadre, no forms or notices of its own, and every service refuses it
    (`cadres.transitions.require` lets only an account or the system act)."""

    def __init__(self, *, tenant_id: int, root_path: str) -> None:
        self.access = Access(tenant_ids=frozenset({tenant_id}), managed_paths=(root_path,))

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return f"subtree {self.access.managed_paths[0]}"


def _outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop paths nested under another one: fewer OR clauses, same rows."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return tuple(sorted(kept))


def access_for(user: AnyUser | System | None) -> Access:
    """What the user may reach; nothing for a visitor, or for the system (which reads
    nothing through the selectors; services let it act, `cadres.actors`)."""
    if isinstance(user, SubtreeReader):
        return user.access
    if user is None or isinstance(user, System) or not user.is_authenticated or not user.is_active:
        return Access()
    cached: Access | None = getattr(user, "_access", None)
    if cached is not None:
        return cached
    # Runs before the request's tenant scope exists; every row is filtered by this user.
    with scopes_disabled():
        cadre = Cadre.objects.filter(user=user, archived_at__isnull=True).only("id", "tenant_id").first()
        positions = list(
            Position.objects.active()
            .filter(cadre__user=user, cadre__archived_at__isnull=True, unit__archived_at__isnull=True)
            .values_list("role", "unit_id", "unit__path", "tenant_id", "unit__numchild")
        )
        grants = list(
            Grant.objects.filter(user=user, unit__archived_at__isnull=True).values_list(
                "role", "unit_id", "unit__path", "tenant_id", "unit__numchild"
            )
        )
    managing = [(path, children) for role, _u, path, _t, children in positions if role in PositionRole.leadership()]
    managing += [(path, children) for role, _u, path, _t, children in grants if role in MANAGING_GRANTS]
    reviewed = {unit for role, unit, *_rest in positions if role == PositionRole.SECRETARY}
    reviewed |= {unit for role, unit, *_rest in grants if role == GrantRole.REVIEWER}
    access = Access(
        tenant_ids=frozenset({t for _r, _u, _p, t, _c in positions + grants} | ({cadre.tenant_id} if cadre else set())),
        managed_paths=_outermost({path for path, _children in managing}),
        reviewed_unit_ids=frozenset(reviewed),
        member_unit_ids=frozenset(unit for _r, unit, *_rest in positions),
        provincial_tenant_ids=frozenset(t for role, _u, _p, t, _c in grants if role == GrantRole.PROVINCIAL_STAFF),
        cadre_id=cadre.id if cadre else None,
        manages_below=any(children or len(path) == Unit.steplen for path, children in managing),
    )
    setattr(user, "_access", access)  # kept on the user object for the rest of the request
    return access


def _paths_q(paths: Collection[str], prefix: str = "") -> Q:
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths))


def in_subtrees(units: Collection[Unit], prefix: str = "") -> Q:
    """Q matching every unit in these units' subtrees (of their tenant), for a relation reached via `prefix`."""
    if not units:
        return Q(pk__in=[])
    return reduce(or_, (unit.subtree_filter(prefix) & Q(**{f"{prefix}tenant_id": unit.tenant_id}) for unit in units))


def tenants_visible_to(user: AnyUser) -> QuerySet[Tenant]:
    return Tenant.objects.filter(pk__in=access_for(user).tenant_ids)


def units_managed_by(user: AnyUser) -> QuerySet[Unit]:
    """Units in the subtrees this user manages (Ban Thường vụ, office staff, provincial staff)."""
    return Unit.objects.filter(_paths_q(access_for(user).managed_paths))


def units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    """Managed subtrees, plus the units where the user holds a position or reviews."""
    access = access_for(user)
    own = access.member_unit_ids | access.reviewed_unit_ids
    return Unit.objects.filter(_paths_q(access.managed_paths) | Q(pk__in=own))


def units_to_filter_by(user: AnyUser, query: str = "") -> QuerySet[Unit]:
    """The units a list's "unit" filter may pick: where a Bí thư serves; for a manager, any
    unit of their subtrees. With a query, those whose code or name contains every word of it,
    diacritics ignored (the filter suggests them as one types)."""
    units = units_visible_to(user).filter(archived_at__isnull=True)
    for word in fold(query).split():
        units = units.filter(search_text__contains=word)
    return units.order_by("path")


def cadres_visible_to(user: AnyUser) -> QuerySet[Cadre]:
    """Cadres holding an active position in a managed subtree or a reviewed unit; and oneself."""
    access = access_for(user)
    in_scope = Position.objects.active().filter(
        _paths_q(access.managed_paths, "unit__") | Q(unit_id__in=access.reviewed_unit_ids)
    )
    return Cadre.objects.filter(
        Q(pk__in=in_scope.values("cadre_id")) | Q(pk=access.cadre_id or 0), archived_at__isnull=True
    )


def get_unit_for_user(user: AnyUser, tenant_slug: str, code: str) -> Unit:
    """The unit, or 404 when it is missing, archived or outside the user's reach alike."""
    unit = units_visible_to(user).filter(tenant__slug=tenant_slug, code=code, archived_at__isnull=True).first()
    if unit is None:
        raise Http404
    return unit


def get_managed_unit_for_user(user: AnyUser, tenant_slug: str, code: str, include_archived: bool = False) -> Unit:
    """A unit the user manages, or 404; archived ones only when asked (a merged or split
    unit's past years stay readable on the dashboard)."""
    units = units_managed_by(user).filter(tenant__slug=tenant_slug, code=code)
    unit = (units if include_archived else units.filter(archived_at__isnull=True)).first()
    if unit is None:
        raise Http404
    return unit


def get_cadre_for_user(user: AnyUser, cadre_id: int) -> Cadre:
    cadre = cadres_visible_to(user).filter(pk=cadre_id).first()
    if cadre is None:
        raise Http404
    return cadre


def subtree(unit: Unit, include_archived: bool = False) -> QuerySet[Unit]:
    units = Unit.objects.filter(tenant_id=unit.tenant_id, path__startswith=unit.path)
    return units if include_archived else units.filter(archived_at__isnull=True)


def cadre_search_q(query: str, prefix: str = "") -> Q:
    """A search box over cadres (`prefix` reaches them through a relation, "cadre__"): a phone
    number however it is written (0912 345 678, +84912345678, 84 912.345.678) finds that
    number; anything else, every word in the name, phone or email, diacritics ignored."""
    try:
        return Q(**{f"{prefix}phone": normalize_phone(query)})
    except ValueError:
        pass
    q = Q()
    for word in fold(query).split():
        q &= Q(**{f"{prefix}search_text__contains": word})
    return q


def cadres_in_subtree(unit: Unit, search: str = "") -> QuerySet[Cadre]:
    """Cadres with an active position in the unit's subtree, sorted by tên (domain §9)."""
    positions = Position.objects.active().filter(unit__path__startswith=unit.path, unit__tenant_id=unit.tenant_id)
    cadres = Cadre.objects.filter(pk__in=positions.values("cadre_id"), archived_at__isnull=True)
    return cadres.filter(cadre_search_q(search)).order_by("sort_key", "id")


def children_with_counts(unit: Unit) -> list[Unit]:
    """Direct sub-units, each with `unit_count` (sub-units below it) and `cadre_count`
    (distinct cadres in its subtree): three queries whatever the number of children."""
    children = sorted(
        Unit.objects.get_children(unit).filter(archived_at__isnull=True), key=lambda child: text_sort_key(child.name)
    )
    child_len = len(unit.path) + Unit.steplen
    descendants = (
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth + 1, archived_at__isnull=True)
        .annotate(branch=Substr("path", 1, child_len))
        .order_by()
        .values("branch")
        .annotate(n=Count("id"))
    )
    cadres = (
        Position.objects.active()
        .filter(unit__path__startswith=unit.path, unit__depth__gt=unit.depth, unit__archived_at__isnull=True)
        .annotate(branch=Substr("unit__path", 1, child_len))
        .order_by()
        .values("branch")
        .annotate(n=Count("cadre_id", distinct=True))
    )
    unit_counts = {row["branch"]: row["n"] for row in descendants}
    cadre_counts = {row["branch"]: row["n"] for row in cadres}
    for child in children:
        # Counts for the tree page, set on these instances only.
        child.unit_count = unit_counts.get(child.path, 0)  # type: ignore[attr-defined]
        child.cadre_count = cadre_counts.get(child.path, 0)  # type: ignore[attr-defined]
    return children


def search_units(user: AnyUser, query: str, limit: int = 50) -> QuerySet[Unit]:
    """Managed units whose code or name contains every word of the query, diacritics ignored."""
    units = units_managed_by(user).filter(archived_at__isnull=True)
    for word in fold(query).split():
        units = units.filter(search_text__contains=word)
    return units.order_by("path")[:limit]


def positions_of(cadre: Cadre) -> QuerySet[Position]:
    return Position.objects.filter(cadre=cadre).select_related("unit").order_by("end_date", "unit__path")


# --- Pages: home, profile, tree browser -------------------------------------------------


def own_cadre(user: AnyUser) -> Cadre | None:
    """The logged-in user's own cadre profile, if their account has one."""
    cadre_id = access_for(user).cadre_id
    return Cadre.objects.filter(pk=cadre_id).first() if cadre_id else None


def managed_roots(user: AnyUser) -> QuerySet[Unit]:
    """The tops of the subtrees this user manages, where the tree browser starts."""
    return (
        Unit.objects.filter(path__in=access_for(user).managed_paths, archived_at__isnull=True)
        .select_related("tenant")
        .order_by("path")
    )


def manages_unit(user: AnyUser, unit: Unit) -> bool:
    return access_for(user).manages_path(unit.path)


def is_provincial_staff(user: AnyUser, tenant_id: int) -> bool:
    """Provincial staff (BTC-KT) of the tenant: cycles, settings, the province's figures."""
    return tenant_id in access_for(user).provincial_tenant_ids


def active_positions_of(cadre: Cadre) -> QuerySet[Position]:
    """Positions held today in units that still exist: "my units"."""
    return (
        Position.objects.active()
        .filter(cadre=cadre, unit__archived_at__isnull=True)
        .select_related("unit__tenant")
        .order_by("unit__path", "role")
    )


def visible_ancestors(user: AnyUser, unit: Unit) -> QuerySet[Unit]:
    """The unit's ancestors this user may open, top first: a breadcrumb that leaks nothing."""
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return units_visible_to(user).filter(path__in=paths, archived_at__isnull=True).order_by("path")


# Names of territorial unions, whose remainder is the place a document is dated at.
_TERRITORIAL = re.compile(r"^(tỉnh|thành|huyện|quận|thị xã|thị) (đoàn)\s+", re.IGNORECASE)


def place_of(unit: Unit) -> str:
    """"Chợ Mới" for a unit under Huyện Đoàn Chợ Mới: the nearest territorial union up the
    tree (a school or agency union has no place of its own), else the province."""
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    names = Unit.objects.filter(tenant_id=unit.tenant_id, path__in=paths).order_by("-depth").values_list(
        "name", flat=True
    )
    for name in names:
        if _TERRITORIAL.match(name):
            return _TERRITORIAL.sub("", name)
    return ""


def active_positions_in_subtree(unit: Unit, cadres: Iterable[Cadre]) -> dict[int, list[Position]]:
    """Each listed cadre's active positions inside the unit's subtree, in one query."""
    positions = (
        Position.objects.active()
        .filter(cadre__in=cadres, unit__path__startswith=unit.path, unit__tenant_id=unit.tenant_id)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    by_cadre: dict[int, list[Position]] = {}
    for position in positions:
        by_cadre.setdefault(position.cadre_id, []).append(position)
    return by_cadre


# --- Reorganising units --------------------------------------------------------------------


def _managed_outside(user: AnyUser, unit: Unit) -> QuerySet[Unit]:
    return (units_managed_by(user).filter(tenant_id=unit.tenant_id, archived_at__isnull=True)
            .exclude(path__startswith=unit.path).order_by("path"))


def move_targets(user: AnyUser, unit: Unit) -> QuerySet[Unit]:
    """Where the user may move `unit`: managed units of a higher level, outside it."""
    higher = [level for level in UnitLevel.values if UnitLevel.rank(level) < UnitLevel.rank(unit.level)]
    return _managed_outside(user, unit).filter(level__in=higher)


def transfer_targets(user: AnyUser, unit: Unit) -> QuerySet[Unit]:
    """Where the cadres of an archived unit may go: any managed unit outside it."""
    return _managed_outside(user, unit)


def merge_candidates(user: AnyUser, unit: Unit) -> QuerySet[Unit]:
    """The units `unit` may be merged with from its page: its managed siblings of its level."""
    siblings = Unit.objects.filter(tenant_id=unit.tenant_id, depth=unit.depth, level=unit.level,
                                   path__startswith=unit.path[:-Unit.steplen], archived_at__isnull=True
                                   ).exclude(pk=unit.pk)
    return siblings.filter(_paths_q(access_for(user).managed_paths)).order_by("path")


def cadres_held_in(unit: Unit) -> list[Cadre]:
    """Cadres holding (or appointed to) a position in the unit itself, by tên."""
    return list(Cadre.objects.filter(pk__in=Position.objects.held().filter(unit=unit).values("cadre_id"))
                .order_by("sort_key", "id"))


def unit_history(unit: Unit) -> QuerySet[UnitChange]:
    """The unit's past names, levels, parents, merges and splits, newest first."""
    return UnitChange.objects.filter(unit=unit).select_related("actor").order_by("-date", "-id")


# --- Accounts: invitations, join codes, MFA ----------------------------------------------


def can_use_mfa(user: AnyUser) -> bool:
    """TOTP is for staff: whoever manages a subtree (Ban Thường vụ, office, provincial staff),
    and the platform's superusers, who need it to open the platform admin."""
    return user.is_superuser or access_for(user).is_manager


def _in_managed_subtrees(user: AnyUser) -> QuerySet[Position]:
    return Position.objects.active().filter(_paths_q(access_for(user).managed_paths, "unit__"))


def get_managed_cadre_for_user(user: AnyUser, cadre_id: int) -> Cadre:
    """A cadre holding an active position in a subtree the user manages, or 404."""
    cadre = (
        Cadre.objects.filter(pk=cadre_id, archived_at__isnull=True, pk__in=_in_managed_subtrees(user).values("cadre_id"))
        .select_related("user")
        .first()
    )
    if cadre is None:
        raise Http404
    return cadre


def search_managed_cadres(user: AnyUser, query: str, limit: int = 50) -> QuerySet[Cadre]:
    """Cadres of the subtrees the user manages by name, email or phone: every word of the
    query in their name or address (diacritics ignored), or the number however it is
    written (0912 345 678, +84 912345678)."""
    if not query.strip():
        return Cadre.objects.none()
    cadres = Cadre.objects.filter(archived_at__isnull=True, pk__in=_in_managed_subtrees(user).values("cadre_id"))
    return cadres.filter(cadre_search_q(query)).order_by("sort_key", "id")[:limit]


def invitable_cadres(unit: Unit) -> QuerySet[Cadre]:
    """Cadres in the unit's subtree whose account has an email but no password yet."""
    return cadres_in_subtree(unit).filter(
        user__is_active=True, user__email__isnull=False, user__password__startswith=UNUSABLE_PASSWORD_PREFIX
    ).select_related("user")


def unit_by_join_code(code: str) -> Unit | None:
    # A person entering a join code has no account yet, so no tenant scope exists; the
    # code itself (unique, rate-limited at the view) is what picks the tenant.
    with scopes_disabled():
        return Unit.objects.filter(join_code=code, archived_at__isnull=True).select_related("tenant").first()


def join_requests_for(user: AnyUser) -> QuerySet[JoinRequest]:
    """Join requests of the units this user manages or reviews (the unit's Bí thư)."""
    access = access_for(user)
    return JoinRequest.objects.filter(
        _paths_q(access.managed_paths, "unit__") | Q(unit_id__in=access.reviewed_unit_ids),
        unit__archived_at__isnull=True,
    ).select_related("unit", "cadre")


def get_pending_join_request_for_user(user: AnyUser, request_id: int) -> JoinRequest:
    join_request = join_requests_for(user).filter(pk=request_id, status=JoinRequestStatus.PENDING).first()
    if join_request is None:
        raise Http404
    return join_request


# --- Who is told: notices at a hand-off -----------------------------------------------------


def unit_managers(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """Unit → the users managing it there: its Ban Thường vụ (leadership positions held
    today by a live cadre with an account) and its manager and provincial-staff grants."""
    found: defaultdict[int, set[int]] = defaultdict(set)
    unit_ids = list(unit_ids)
    for unit_id, user_id in Position.objects.active().filter(
            unit_id__in=unit_ids, role__in=PositionRole.leadership(), cadre__user__isnull=False,
            cadre__archived_at__isnull=True).values_list("unit_id", "cadre__user_id"):
        found[unit_id].add(user_id)
    for unit_id, user_id in Grant.objects.filter(unit_id__in=unit_ids, role__in=MANAGING_GRANTS).values_list(
            "unit_id", "user_id"):
        found[unit_id].add(user_id)
    return found


def users_by_id(user_ids: Iterable[int]) -> list[User]:
    """Active accounts, in id order (a stable order for the notices written)."""
    return list(User.objects.filter(pk__in=set(user_ids), is_active=True).order_by("pk"))


def nearest_deciders(unit: Unit, may_act: Callable[[User], bool], *, exclude: User | None = None) -> list[User]:
    """Who to tell that something in `unit` awaits a decision: of the people holding a
    position or a grant in the unit, those `may_act` (the flow's own rule, e.g. `can_act`)
    lets decide; if none, the same in its parent, and so on up. The nearest level that can
    act is told, not every level above it that also could (the province's staff is not
    told of every chi đoàn's form). `exclude`: the person who acted."""
    paths = [unit.path[:end] for end in range(len(unit.path), 0, -Unit.steplen)]
    levels = dict(Unit.objects.filter(tenant_id=unit.tenant_id, path__in=paths, archived_at__isnull=True)
                  .values_list("path", "pk"))
    holders: defaultdict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in Position.objects.active().filter(
            unit_id__in=levels.values(), cadre__user__isnull=False, cadre__archived_at__isnull=True,
    ).values_list("unit_id", "cadre__user_id"):
        holders[unit_id].add(user_id)
    for unit_id, user_id in Grant.objects.filter(unit_id__in=levels.values()).values_list("unit_id", "user_id"):
        holders[unit_id].add(user_id)
    excluded = exclude.pk if exclude is not None else None
    for path in paths:
        if path not in levels:
            continue
        found = [user for user in users_by_id(holders[levels[path]] - {excluded}) if may_act(user)]
        if found:
            return found
    return []


def can_edit_cadre(user: AnyUser, cadre: Cadre) -> bool:
    """Whether the user may change the cadre's profile (the import's rule, which applies it
    set-wise to a file's rows): the cadre holds or is appointed to a position in a subtree
    the user manages, or holds none (a newcomer, someone whose positions ended) and the user
    manages part of the cadre's province."""
    if not manages_in_tenant(user, cadre.tenant_id):
        return False
    held = Position.objects.held().filter(cadre=cadre)
    return not held.exists() or held.filter(_paths_q(access_for(user).managed_paths, "unit__")).exists()


def manages_in_tenant(user: AnyUser, tenant_id: int) -> bool:
    """Whether the user manages some part of the province (who may add its cadres)."""
    return units_managed_by(user).filter(tenant_id=tenant_id).exists()


def manages_cadre(user: AnyUser, cadre: Cadre) -> bool:
    """Whether the cadre holds an active position in a subtree the user manages."""
    return _in_managed_subtrees(user).filter(cadre=cadre).exists()


def can_invite(user: AnyUser, cadre: Cadre) -> bool:
    """Whether to offer "send an invitation": a managed cadre with an email and no password yet."""
    account = cadre.user
    if account is None or not account.email or account.has_usable_password():
        return False
    return manages_cadre(user, cadre)


def get_import_job_for_user(user: User, job_id: int) -> ImportJob:
    """One's own import job, on a unit one still manages; 404 otherwise."""
    job = (
        ImportJob.objects.filter(pk=job_id, user=user, unit__in=units_managed_by(user))
        .select_related("unit__tenant")
        .first()
    )
    if job is None:
        raise Http404
    return job


# --- Audit trail ---------------------------------------------------------------------------


def unit_audit_events(unit: Unit) -> QuerySet[AuditEvent]:
    """What happened in the unit's subtree, newest first: rows in its units (archived ones
    too), and rows about a cadre alone (a profile change) while they held a position there.
    The root's trail is the whole tenant's, rows of the tenant itself (a cycle) included.
    The caller has checked that the user manages `unit` (`get_managed_unit_for_user`)."""
    events = AuditEvent.objects.filter(tenant_id=unit.tenant_id)
    if unit.depth > 1:
        day = OuterRef("day")
        held_then = Position.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            cadre_id=OuterRef("cadre_id"), unit__path__startswith=unit.path, start_date__lte=day,
        )
        events = events.annotate(day=TruncDate("created_at")).filter(
            Q(unit__path__startswith=unit.path) | Q(unit__isnull=True) & Exists(held_then))
    return _listed(events)


def cadre_audit_events(user: AnyUser, cadre: Cadre) -> QuerySet[AuditEvent]:
    """The cadre's own trail as a manager of one of their units reads it: rows about them in
    the subtrees the user manages, and those tied to no unit (their profile). The caller
    has fetched the cadre with `get_managed_cadre_for_user`."""
    managed = _paths_q(access_for(user).managed_paths, "unit__")
    return _listed(AuditEvent.objects.filter(managed | Q(unit__isnull=True), cadre=cadre, tenant_id=cadre.tenant_id))


def filter_audit_events(
    events: QuerySet[AuditEvent], *, action: str = "", since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Narrowed to one action code and to local days from `since` to `until`, both included."""
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(created_at__date__gte=since)
    if until is not None:
        events = events.filter(created_at__date__lte=until)
    return events


def _listed(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    # What a row of the page prints, fetched with it: a page is the same queries whatever its rows.
    return events.select_related("actor", "unit", "cadre").order_by("-created_at", "-id")


# --- Notices ---------------------------------------------------------------------------------


def notices_for(user: AnyUser) -> QuerySet[Notice]:
    """The user's own notices, newest first (in the tenants of the request's scope)."""
    return Notice.objects.filter(recipient_id=getattr(user, "pk", None) or 0).order_by("-created_at", "-id")


def unread_notice_count(user: AnyUser) -> int:
    """The menu's badge: one query."""
    return notices_for(user).filter(read_at__isnull=True).count()


def get_notice_for_user(user: AnyUser, notice_id: int) -> Notice:
    """One of the user's notices; another person's, or a missing one, is a 404 alike."""
    notice = notices_for(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return notice


# --- Access log (who read whose data) -----------------------------------------------------


def access_records_about(cadre: Cadre) -> QuerySet[AccessRecord]:
    """Everyone who read the cadre's data, newest first: "Ai đã xem hồ sơ của tôi"."""
    subjects = AccessSubject.objects.filter(cadre=cadre)
    return (AccessRecord.objects.filter(tenant_id=cadre.tenant_id, pk__in=subjects.values("record_id"))
            .order_by("-created_at", "-id"))


def unit_access_records(unit: Unit) -> QuerySet[AccessRecord]:
    """Reads of the data of cadres holding a position in the unit's subtree, newest first;
    the root's is the whole tenant's. The caller has checked that the user manages `unit`."""
    records = AccessRecord.objects.filter(tenant_id=unit.tenant_id)
    if unit.depth > 1:
        held = Position.objects.filter(unit__path__startswith=unit.path, unit__tenant_id=unit.tenant_id)
        subjects = AccessSubject.objects.filter(cadre_id__in=held.values("cadre_id"))
        records = records.filter(pk__in=subjects.values("record_id"))
    return records.order_by("-created_at", "-id")


def access_record_viewers(unit: Unit, records: Iterable[AccessRecord]) -> QuerySet[Cadre, int]:
    """The cadres of the unit's tenant who read, in these records: the page of an access log
    names them (their name, role and unit then)."""
    viewers = {record.viewer_id for record in records if record.viewer_id is not None}
    return Cadre.objects.filter(tenant_id=unit.tenant_id, user_id__in=viewers).values_list("pk", flat=True)


def exported_cadre_ids(unit: Unit) -> QuerySet[Position, int]:
    """The cadres the subtree's cadre export names (`cadres.imports.people.export_rows`)."""
    return Position.objects.held().filter(
        unit__tenant_id=unit.tenant_id, unit__path__startswith=unit.path, unit__archived_at__isnull=True,
        cadre__archived_at__isnull=True).values_list("cadre_id", flat=True)


# --- Requests about one's data ----------------------------------------------------------


def data_requests_awaiting(user: AnyUser) -> QuerySet[DataRequest]:
    """Pending requests the user decides: corrections in the subtrees they manage, erasures
    in the provinces whose staff they are."""
    access = access_for(user)
    return DataRequest.objects.filter(
        Q(kind=DataRequestKind.CORRECTION) & _paths_q(access.managed_paths, "unit__")
        | Q(kind=DataRequestKind.ERASURE, tenant_id__in=access.provincial_tenant_ids),
        status=DataRequestStatus.PENDING,
    )


def own_data_requests(cadre: Cadre) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(cadre=cadre).order_by("-created_at", "-id")


def get_data_request_for_user(user: AnyUser, pk: int) -> DataRequest:
    """A request the user made or decides (answered ones too); anyone else's is a 404."""
    access = access_for(user)
    decides = (Q(kind=DataRequestKind.CORRECTION) & _paths_q(access.managed_paths, "unit__")
               | Q(kind=DataRequestKind.ERASURE, tenant_id__in=access.provincial_tenant_ids))
    request = (DataRequest.objects.filter(decides | Q(cadre_id=access.cadre_id or 0), pk=pk)
               .select_related("cadre", "unit", "decided_by").first())
    if request is None:
        raise Http404
    return request


def decides_data_request(user: AnyUser, request: DataRequest) -> bool:
    access = access_for(user)
    if request.kind == DataRequestKind.ERASURE:
        return request.tenant_id in access.provincial_tenant_ids
    return access.manages_path(request.unit.path)


# --- Breach register -----------------------------------------------------------------------


def breaches_of(tenant_id: int) -> QuerySet[Breach]:
    """The province's register, newest first; the caller checked `is_provincial_staff`."""
    return Breach.objects.filter(tenant_id=tenant_id).select_related("tenant", "recorded_by")


def get_breach_for_user(user: AnyUser, pk: int) -> Breach:
    breach = Breach.objects.filter(pk=pk, tenant_id__in=access_for(user).provincial_tenant_ids).select_related(
        "tenant", "recorded_by").first()
    if breach is None:
        raise Http404
    return breach


def get_provincial_tenant_for_user(user: AnyUser, tenant_slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=tenant_slug, pk__in=access_for(user).provincial_tenant_ids).first()
    if tenant is None:
        raise Http404
    return tenant
