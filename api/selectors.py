"""The API's reads, each on top of the pages' selectors given the client's `SubtreeReader`:
what a manager of the client's unit reads there, this reads here, and a foreign id is the
same 404. Only the shaping for the API (annotations, prefetches, filters) is added."""

import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone

from api.models import ApiClient
from cadres.models import Cadre, ImportJob, Position, Unit, UnitChange, UnitChangeKind
from cadres.selectors import SubtreeReader, cadres_visible_to, get_managed_unit_for_user, subtree, units_managed_by
from evaluations.models import Commitment, CommitmentResult, Cycle, FormEvent, Registration, SelfAssessment
from evaluations.selectors import cycles_visible_to, registrations_visible_to, self_assessments_visible_to
from models_registry.models import CriteriaGroup, Criterion, Programme
from models_registry.selectors import programmes_visible_to


def clients_for(unit: Unit) -> QuerySet[ApiClient]:
    """The clients of a unit's subtree, for its managers' page (the unit reached through
    `get_managed_unit_for_user` first)."""
    return (ApiClient.objects.filter(tenant_id=unit.tenant_id, unit__path__startswith=unit.path)
            .select_related("unit", "created_by").order_by("-created_at", "-id"))


def get_client_for_manager(unit: Unit, pk: int) -> ApiClient:
    client = clients_for(unit).filter(pk=pk).first()
    if client is None:
        raise Http404
    return client


def _with_parent_code(units: QuerySet[Unit]) -> QuerySet[Unit]:
    parent = Unit.objects.filter(tenant_id=OuterRef("tenant_id"),
                                 path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen))
    return units.annotate(parent_code=Subquery(parent.values("code")[:1]))


def units_for(reader: SubtreeReader, *, within: str | None = None,
              since: datetime.datetime | None = None) -> QuerySet[Unit]:
    """Units of the client's subtree (archived ones too: a sync learns of them), in tree order."""
    units = units_managed_by(reader)
    if within is not None:
        units = units.filter(path__startswith=within)
    if since is not None:
        units = units.filter(updated_at__gte=since)
    return _with_parent_code(units).select_related("tenant")


def get_unit_for_reader(reader: SubtreeReader, code: str) -> Unit:
    unit = units_for(reader).filter(code=code).prefetch_related(
        Prefetch("changes", queryset=UnitChange.objects.order_by("created_at", "id"))).first()
    if unit is None:
        raise Http404
    return unit


def reach_unit(reader: SubtreeReader, code: str) -> Unit:
    """An unarchived unit of the client's subtree by code, or 404: a filter's or a figure's unit."""
    tenant_slugs = units_managed_by(reader).filter(code=code).values_list("tenant__slug", flat=True)
    slug = next(iter(tenant_slugs), None)
    if slug is None:
        raise Http404
    return get_managed_unit_for_user(reader, slug, code)


def cadres_for(reader: SubtreeReader, *, within: Unit | None = None,
               since: datetime.datetime | None = None) -> QuerySet[Cadre]:
    """The cadres the pages show a manager of the client's unit; their positions in its subtree.
    `since` counts a cadre changed when their profile or one of those positions changed."""
    root = reader.access.managed_paths[0]
    cadres = cadres_visible_to(reader)
    if within is not None:
        cadres = cadres.filter(pk__in=Position.objects.active().filter(unit__in=subtree(within)).values("cadre_id"))
    if since is not None:
        moved = Position.objects.filter(cadre_id=OuterRef("pk"), updated_at__gte=since, unit__path__startswith=root)
        cadres = cadres.filter(Q(updated_at__gte=since) | Exists(moved))
    in_reach = Position.objects.filter(unit__path__startswith=root).select_related("unit").order_by("start_date", "id")
    return cadres.prefetch_related(Prefetch("positions", queryset=in_reach, to_attr="positions_in_reach"))


def departed_for(reader: SubtreeReader, *, since: datetime.datetime) -> QuerySet[Cadre]:
    """The cadres an incremental sync since `since` must drop (tombstones): they held a position
    in the client's subtree and hold none there now, because since then that position ended
    (its end was written, or its end date passed), their unit moved out of the subtree, or they
    were archived. Ids only: the client knew them; one who came back is a cadre again."""
    root = reader.access.managed_paths[0]
    today = timezone.localdate()
    here = Position.objects.filter(unit__path__startswith=root)
    ended = here.filter(Q(updated_at__gte=since) | Q(end_date__gte=since.date(), end_date__lt=today))
    archived = Cadre.objects.filter(archived_at__gte=since, pk__in=here.values("cadre_id"))
    # A unit moved out keeps no trace in the subtree but its history: the parent it left.
    moves = list(UnitChange.objects.filter(kind=UnitChangeKind.MOVED, created_at__gte=since)
                 .exclude(unit__path__startswith=root).values_list("unit__path", "before"))
    left_from = set(units_managed_by(reader).filter(code__in={before.get("parent") for _path, before in moves})
                    .values_list("code", flat=True))
    moved_paths = [path for path, before in moves if before.get("parent") in left_from]
    moved_out = Q()
    for path in moved_paths:
        moved_out |= Q(unit__path__startswith=path)
    held_then = (Position.objects.filter(moved_out).filter(Q(end_date__isnull=True) | Q(end_date__gte=since.date()))
                 if moved_paths else Position.objects.none())
    return (Cadre.objects.filter(Q(pk__in=ended.values("cadre_id")) | Q(pk__in=archived.values("pk"))
                                 | Q(pk__in=held_then.values("cadre_id")))
            .exclude(pk__in=cadres_visible_to(reader).values("pk")))


def get_cadre_for_reader(reader: SubtreeReader, pk: int) -> Cadre:
    cadre = cadres_for(reader).filter(pk=pk).first()
    if cadre is None:
        raise Http404
    return cadre


def programmes_for(reader: SubtreeReader) -> QuerySet[Programme]:
    criteria = Criterion.objects.prefetch_related("audience_targets").order_by("position", "id")
    groups = CriteriaGroup.objects.prefetch_related(Prefetch("criteria", queryset=criteria)).order_by("position", "id")
    return programmes_visible_to(reader).prefetch_related(Prefetch("groups", queryset=groups))


def cycles_for(reader: SubtreeReader) -> QuerySet[Cycle]:
    return cycles_visible_to(reader)


def get_cycle_for_reader(reader: SubtreeReader, year: int) -> Cycle:
    cycle = cycles_visible_to(reader).filter(year=year).first()
    if cycle is None:
        raise Http404
    return cycle


def _timeline() -> Any:
    """Built per request: a scoped queryset needs the request's tenant scope."""
    return Prefetch("events", queryset=FormEvent.objects.order_by("created_at", "id"), to_attr="api_timeline")


def registrations_for(reader: SubtreeReader) -> QuerySet[Registration]:
    return registrations_visible_to(reader).prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position", "id")), _timeline())


def self_assessments_for(reader: SubtreeReader) -> QuerySet[SelfAssessment]:
    # The results only: never the anonymous feedback (`evaluations.Feedback`).
    results = CommitmentResult.objects.order_by(F("commitment__position"), "id")
    return self_assessments_visible_to(reader).prefetch_related(
        Prefetch("results", queryset=results), _timeline())


def get_import_job_for_client(reader: SubtreeReader, client: ApiClient, pk: int) -> ImportJob:
    """A job the client queued, on a unit it still reaches; 404 otherwise (another client's
    job, even of the same unit, as one that never was)."""
    job = (ImportJob.objects.filter(pk=pk, api_client=client, unit__in=units_managed_by(reader))
           .select_related("unit").first())
    if job is None:
        raise Http404
    return job
