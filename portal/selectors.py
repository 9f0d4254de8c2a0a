"""The inbox ("Việc cần làm / Cần duyệt"): everything that awaits the user's decision, across
the apps, decided here once for the inbox page, its count on the home page and in the menu.

Each kind of item is the rows its own app's rules give the user (`evaluations.rules`,
`cadres.selectors.join_requests_for`, `reports.selectors.reports_awaiting_decision`), in
the one state where the user's action is possible: the same checks the services run, so
an item listed here is one the person can act on. The kinds are read as one SQL UNION,
oldest first, so a page costs the same few queries whatever the number of items: the
count, the page's (kind, id, since) rows, then one query per kind on the page.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, overload

from django.core.cache import cache
from django.db.models import CharField, Count, DateTimeField, Exists, F, Max, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadres.models import AnyUser, AuditEvent, DataRequest, DataRequestKind, JoinRequest, JoinRequestStatus, Unit
from cadres.selectors import Access, access_for, data_requests_awaiting, join_requests_for
from evaluations.kinds import YEARLY_SELF_ASSESSMENT, kind_of
from evaluations.models import (
    AssessmentState,
    CycleStatus,
    Initiative,
    InitiativeState,
    Registration,
    RegistrationState,
    SelfAssessment,
    UnitRegistration,
    UnitSelfAssessment,
)
from evaluations.rules import btv_q, reviewer_q, unit_form_q
from reports.models import UnitReport
from reports.selectors import reports_awaiting_decision


@dataclass(frozen=True)
class InboxKind:
    key: str
    label: Any  # a lazy translation
    model: type[Model]
    # The rows of this kind awaiting the user, in the state where they act.
    awaiting: Callable[[AnyUser], QuerySet[Any]]
    since: str  # the field saying since when it waits
    related: tuple[str, ...]  # what an item's line and link read
    link: Callable[[Any], str]
    # Whether the user's access can reach any row of this kind: a kind that cannot is not
    # built, planned or counted (most of a cold menu count is Django building the querysets).
    applies: Callable[[Access], bool] = lambda access: True


def _open_forms(model: type[Model]) -> QuerySet[Any]:
    # Every form action needs the cycle open (`evaluations.flows`).
    return model._default_manager.filter(cycle__status=CycleStatus.OPEN)


def _registrations(user: AnyUser, *, amendments: bool) -> QuerySet[Registration]:
    return _open_forms(Registration).filter(reviewer_q(user), state=RegistrationState.SUBMITTED,
                                            previous__isnull=not amendments)


def _to_propose(user: AnyUser) -> QuerySet[SelfAssessment]:
    return _open_forms(SelfAssessment).filter(reviewer_q(user), state=AssessmentState.SUBMITTED)


def _to_finalise(user: AnyUser) -> QuerySet[SelfAssessment]:
    return _open_forms(SelfAssessment).filter(btv_q(user), state=AssessmentState.PROPOSED)


def _unit_forms(model: type[UnitRegistration] | type[UnitSelfAssessment]) -> Callable[[AnyUser], QuerySet[Any]]:
    """A unit's submitted form, for its parent's Ban Thường vụ to approve or rate."""
    return lambda user: _open_forms(model).filter(unit_form_q(user), state=RegistrationState.SUBMITTED)


def _initiatives_to_recognise(user: AnyUser) -> QuerySet[SelfAssessment]:
    """Yearly self-assessments (open cycles) of cadres with a sáng kiến of that year awaiting
    recognition, that this user reviews or rates: the page where they recognise it. Waiting
    since the oldest such sáng kiến was logged."""
    pending = Initiative.objects.filter(cadre_id=OuterRef("cadre_id"), state=InitiativeState.PENDING,
                                        date__year=OuterRef("cycle__year"))
    return (YEARLY_SELF_ASSESSMENT.forms().filter(reviewer_q(user) | btv_q(user), cycle__status=CycleStatus.OPEN)
            .filter(Exists(pending))
            .annotate(initiative_since=Subquery(pending.order_by("created_at").values("created_at")[:1])))


def _initiative_link(form: SelfAssessment) -> str:
    return f"{kind_of(form).link(form)}#initiatives"


def _unit_reports(user: AnyUser) -> QuerySet[UnitReport]:
    # The flow lets another manager of the higher unit decide on a report one submitted.
    return reports_awaiting_decision(user).filter(cycle__status=CycleStatus.OPEN).exclude(
        submitted_by_id=getattr(user, "pk", None))


def _join_requests(user: AnyUser) -> QuerySet[JoinRequest]:
    return join_requests_for(user).filter(status=JoinRequestStatus.PENDING)


def _form_link(form: Any) -> str:
    return kind_of(form).link(form)


def _report_link(report: UnitReport) -> str:
    return report.get_absolute_url()


def _join_link(join_request: JoinRequest) -> str:
    return join_request.get_absolute_url()


def _data_requests(kind: str) -> Callable[[AnyUser], QuerySet[DataRequest]]:
    return lambda user: data_requests_awaiting(user).filter(kind=kind)


def _data_request_link(data_request: DataRequest) -> str:
    return data_request.get_absolute_url()


FORM_RELATED = ("cadre", "unit", "cycle")


# Whom a kind can concern (`InboxKind.applies`).
def _manages(access: Access) -> bool:
    return access.is_manager


def _manages_below(access: Access) -> bool:
    return access.manages_below


def _provincial_staff(access: Access) -> bool:
    return bool(access.provincial_tenant_ids)


KINDS: tuple[InboxKind, ...] = (
    InboxKind("registration", _("Registration to review"), Registration,
              lambda user: _registrations(user, amendments=False), "submitted_at", FORM_RELATED, _form_link),
    InboxKind("amendment", _("Amendment to review"), Registration,
              lambda user: _registrations(user, amendments=True), "submitted_at", FORM_RELATED, _form_link),
    InboxKind("self_assessment", _("Self-assessment: propose a rating"), SelfAssessment, _to_propose,
              "submitted_at", FORM_RELATED, _form_link),
    # A proposal has no time of its own: the form's last change is the proposal.
    InboxKind("rating", _("Rating to finalise"), SelfAssessment, _to_finalise, "updated_at", FORM_RELATED,
              _form_link, applies=_manages),
    InboxKind("initiative", _("Initiative to recognise"), SelfAssessment, _initiatives_to_recognise,
              "initiative_since", FORM_RELATED, _initiative_link),
    InboxKind("unit_registration", _("Unit registration to approve"), UnitRegistration,
              _unit_forms(UnitRegistration), "submitted_at", ("unit", "cycle"), _form_link, applies=_manages_below),
    InboxKind("unit_assessment", _("Unit self-assessment to rate"), UnitSelfAssessment,
              _unit_forms(UnitSelfAssessment), "submitted_at", ("unit", "cycle"), _form_link, applies=_manages_below),
    InboxKind("unit_report", _("Unit report to accept"), UnitReport, _unit_reports, "submitted_at",
              ("unit__tenant", "cycle"), _report_link, applies=_manages_below),
    InboxKind("join_request", _("Join request to confirm"), JoinRequest, _join_requests, "created_at",
              ("cadre", "unit"), _join_link),
    # Requests about one's data (Law 91/2025/QH15): a correction for the unit's managers, an erasure for the province.
    InboxKind("data_correction", _("Data correction to answer"), DataRequest,
              _data_requests(DataRequestKind.CORRECTION), "created_at", ("cadre", "unit"), _data_request_link,
              applies=_manages),
    InboxKind("data_erasure", _("Data erasure to decide"), DataRequest,
              _data_requests(DataRequestKind.ERASURE), "created_at", ("cadre", "unit"), _data_request_link,
              applies=_provincial_staff),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class InboxItem:
    kind: InboxKind
    obj: Any  # the form, report or join request
    since: datetime.datetime

    @property
    def url(self) -> str:
        return self.kind.link(self.obj)

    @property
    def title(self) -> str:
        """Who or what: the cadre, or the unit whose report it is."""
        cadre = getattr(self.obj, "cadre", None)
        return str(cadre.full_name if cadre is not None else self.obj.unit.name)

    @property
    def unit(self) -> Unit:
        unit: Unit = self.obj.unit
        return unit


ItemRows = QuerySet[Any, tuple[str, int, datetime.datetime]]


class Inbox(Sequence[InboxItem]):
    """The user's awaiting items, optionally of one kind or within one unit's subtree: a
    sequence of `InboxItem`, oldest first, read a slice at a time (a `Paginator`'s page)."""

    def __init__(self, user: AnyUser, *, kind: str = "", unit: Unit | None = None) -> None:
        access = access_for(user)
        self._user, self._unit, self._tenant_ids = user, unit, access.tenant_ids
        # Only managers and Bí thư have anything to decide: nobody else pays for a query.
        kinds = [KIND_BY_KEY[kind]] if kind in KIND_BY_KEY else list(KINDS)
        self.kinds = [item_kind for item_kind in kinds if item_kind.applies(access)] if access.is_reviewer else []

    def _part(self, item_kind: InboxKind) -> ItemRows:
        rows = item_kind.awaiting(self._user).filter(tenant_id__in=self._tenant_ids)
        if self._unit is not None:
            rows = rows.filter(unit__tenant_id=self._unit.tenant_id, unit__path__startswith=self._unit.path)
        item_rows: ItemRows = rows.order_by().annotate(
            item_kind=Value(item_kind.key, output_field=CharField()), item_id=F("pk"),
            # A submitted form always has its submission time; created_at is only a floor.
            item_since=Coalesce(F(item_kind.since), F("created_at"), output_field=DateTimeField()),
        ).values_list("item_kind", "item_id", "item_since")
        return item_rows

    @cached_property
    def _rows(self) -> ItemRows | None:
        return self._union(self.kinds)

    def _union(self, kinds: list[InboxKind]) -> ItemRows | None:
        parts = [self._part(item_kind) for item_kind in kinds]
        return parts[0].union(*parts[1:], all=True) if parts else None

    def __len__(self) -> int:
        return self._rows.count() if self._rows is not None else 0

    def count_up_to(self, limit: int) -> int:
        """How many items, counting no further than `limit` (unordered, so the database stops
        at the limit-th row). The first kind is counted alone and the rest only if it falls
        short: a province's or a huyện's registrations fill the cap, and building and planning
        the UNION of every kind cost more than reading it (provincial staff, 100,000 cadres:
        150 → 40 ms)."""
        first = self._union(self.kinds[:1])
        count = first[:limit].count() if first is not None else 0
        rest = self._union(self.kinds[1:]) if count < limit else None
        return count + (rest[:limit - count].count() if rest is not None else 0)

    @overload
    def __getitem__(self, index: int) -> InboxItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[InboxItem]: ...

    def __getitem__(self, index: int | slice) -> InboxItem | list[InboxItem]:
        if isinstance(index, int):
            return self[index:index + 1][0]
        if self._rows is None:
            return []
        return list(_hydrated(list(self._rows.order_by("item_since", "item_kind", "item_id")[index])))


def _hydrated(rows: list[tuple[str, int, datetime.datetime]]) -> Iterable[InboxItem]:
    """The page's items with their objects: one query per kind on the page."""
    wanted: dict[str, list[int]] = {}
    for key, pk, _since in rows:
        wanted.setdefault(key, []).append(pk)
    found: dict[tuple[str, int], Model] = {}
    for key, pks in wanted.items():
        kind = KIND_BY_KEY[key]
        queryset = kind.model._default_manager.filter(pk__in=pks).select_related(*kind.related)
        found.update({(key, obj.pk): obj for obj in queryset})
    for key, pk, since in rows:
        obj = found.get((key, pk))
        if obj is not None:  # acted on between the two reads
            yield InboxItem(KIND_BY_KEY[key], obj, since)


@dataclass(frozen=True)
class RatingBatch:
    """A unit whose proposed yearly ratings await the user: the batch page decides them at once."""

    unit: Unit
    count: int

    @property
    def url(self) -> str:
        return reverse("ratings_finalise_batch", args=[self.unit.tenant.slug, self.unit.code])


def rating_batches(user: AnyUser) -> list[RatingBatch]:
    """One line per unit with yearly ratings to finalise (the inbox's links to the batch page)."""
    counts = dict(YEARLY_SELF_ASSESSMENT.forms().filter(
        pk__in=_to_finalise(user).filter(tenant_id__in=access_for(user).tenant_ids).values("pk"))
        .order_by().values_list("unit_id").annotate(n=Count("id")))
    units = Unit.objects.filter(pk__in=counts).select_related("tenant").order_by("path")
    return [RatingBatch(unit, counts[unit.pk]) for unit in units]


# The menu's count ("Cần duyệt 3") is read on every page a reviewer or manager opens. It
# counts up to 99 and then says "99+": a province's every waiting form counted exactly cost
# provincial staff 310 ms a page at 100,000 cadres. It is kept until anything is decided or
# changed anywhere (a new audit row: every state-changing service writes one; the newest
# row's id is one read of the primary key's index), and for ten minutes at most, for what
# changes with the date alone (a Bí thư's term ending).
INBOX_COUNT_CAP = 99
INBOX_COUNT_SECONDS = 600


def _inbox_count_key(user: AnyUser) -> str:
    # Across tenants (only a number for the key): the primary key's index answers it at once,
    # where a tenant's own newest row may need all its rows read.
    newest = AuditEvent.objects.with_scopes_disabled().aggregate(newest=Max("id"))["newest"] or 0
    return f"inbox-count:{user.pk}:{newest}"


def inbox_count(user: AnyUser) -> int:
    """How many items await the user (the home page's and the menu's "N việc chờ duyệt"), up to
    `INBOX_COUNT_CAP + 1`: more than the cap."""
    key = _inbox_count_key(user)
    count: int | None = cache.get(key)
    if count is None:
        count = Inbox(user).count_up_to(INBOX_COUNT_CAP + 1)
        cache.set(key, count, INBOX_COUNT_SECONDS)
    return count


@dataclass(frozen=True)
class MenuCount:
    """The count as the menu and the home page say it: "99+" past the cap."""

    n: int

    def __bool__(self) -> bool:
        return self.n > 0

    @property
    def more(self) -> bool:
        return self.n > INBOX_COUNT_CAP

    @property
    def cap(self) -> int:
        return INBOX_COUNT_CAP

    def __str__(self) -> str:
        return f"{INBOX_COUNT_CAP}+" if self.more else str(self.n)


def remember_inbox_count(user: AnyUser, count: int) -> None:
    """The inbox page counted everything anyway: the menu shows the same number."""
    cache.set(_inbox_count_key(user), min(count, INBOX_COUNT_CAP + 1), INBOX_COUNT_SECONDS)
