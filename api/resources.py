"""The read resources of /api/v1/. Each view parses its filters, asks `api.selectors`, and
serialises; the scope it needs is `required_scope`."""

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import selectors
from api.base import ApiViewSet, Filters, SinceField
from api.models import ApiScope
from api.pagination import TreeCursor
from api.serializers import (
    CadreSerializer,
    CycleSerializer,
    ProgrammeSerializer,
    RegistrationSerializer,
    SelfAssessmentSerializer,
    UnitDetailSerializer,
    UnitSerializer,
)
from cadres.models import Cadre
from evaluations.models import AssessmentState, RegistrationState
from models_registry.models import ProgrammeStatus
from reports.figures import CycleFigures
from reports.rollup import FIGURE_COLUMNS
from reports.selectors import completeness

CODE = r"[^/]+"


class UnitFilters(Filters):
    unit = serializers.RegexField(r"^[^\x00-\x1f]{1,40}$", required=False,
                                  help_text="A unit's code: only that unit's subtree (404 outside the client's).")


class ListRetrieve(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    pass


@extend_schema_view(list=extend_schema(parameters=[UnitFilters]), retrieve=extend_schema())
class UnitViewSet(ListRetrieve):
    """The unit tree of the client's subtree: code, level, khối (sector), parent, and on one unit
    its history (created, renamed, moved, merged, split, archived)."""

    required_scope = ApiScope.UNITS_READ
    filters_class = UnitFilters
    lookup_field = "code"
    lookup_value_regex = CODE
    serializer_class = UnitSerializer
    pagination_class = TreeCursor

    def get_queryset(self) -> Any:
        if self.action == "retrieve":
            return selectors.units_for(self.reader)
        filters = self.filters()
        within = selectors.reach_unit(self.reader, filters["unit"]).path if "unit" in filters else None
        return selectors.units_for(self.reader, within=within, since=filters.get("updated_since"))

    def get_object(self) -> Any:
        return selectors.get_unit_for_reader(self.reader, self.kwargs["code"])

    def get_serializer_class(self) -> Any:
        return UnitDetailSerializer if self.action == "retrieve" else UnitSerializer



class DepartedFilters(Filters):
    updated_since = SinceField(help_text="Those who left at or after this instant (ISO 8601).")


class DepartedSerializer(serializers.ModelSerializer[Cadre]):
    class Meta:
        model = Cadre
        fields = ["id"]


@extend_schema_view(list=extend_schema(parameters=[UnitFilters]), retrieve=extend_schema())
class CadreViewSet(ListRetrieve):
    """Cadres holding a position in the client's subtree (the pages' `cadres_visible_to`), with
    their positions there. `updated_since` counts a changed position as a changed cadre."""

    required_scope = ApiScope.CADRES_READ
    serializer_class = CadreSerializer
    cadre_field = "id"
    paged_actions = ("list", "departed")

    def get_queryset(self) -> Any:
        if self.action == "retrieve":
            return selectors.cadres_for(self.reader)
        filters = self.filters()
        if self.action == "departed":
            return selectors.departed_for(self.reader, since=filters["updated_since"])
        within = selectors.reach_unit(self.reader, filters["unit"]) if "unit" in filters else None
        return selectors.cadres_for(self.reader, within=within, since=filters.get("updated_since"))

    def get_serializer_class(self) -> Any:
        return DepartedSerializer if self.action == "departed" else CadreSerializer

    @property
    def filters_class(self) -> Any:  # type: ignore[override]
        return DepartedFilters if self.action == "departed" else UnitFilters

    @extend_schema(parameters=[DepartedFilters], responses=DepartedSerializer(many=True), description=(
        "Tombstones for an incremental sync: the ids of cadres who held a position in the client's "
        "subtree and hold none there now because, at or after `updated_since`, that position ended, "
        "their unit moved out of the subtree, or they were archived. Drop them; the cadre list no "
        "longer returns them (one who comes back is listed again, as changed)."))
    @action(detail=False, url_path="departed")
    def departed(self, request: Request) -> Response:
        return self.list(request)

    def get_object(self) -> Any:
        return selectors.get_cadre_for_reader(self.reader, int(self.kwargs["pk"]))

    lookup_value_regex = r"[0-9]{1,12}"


class ProgrammeFilters(UnitFilters):
    state = serializers.ChoiceField(choices=ProgrammeStatus.choices, required=False)


@extend_schema_view(list=extend_schema(parameters=[ProgrammeFilters]), retrieve=extend_schema())
class ProgrammeViewSet(ListRetrieve):
    """Programmes ("mô hình") the client's unit may read, with their criteria and audience targets."""

    required_scope = ApiScope.FORMS_READ
    filters_class = ProgrammeFilters
    serializer_class = ProgrammeSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self) -> Any:
        programmes = selectors.programmes_for(self.reader)
        if self.action == "retrieve":
            return programmes
        filters = self.filters()
        if "unit" in filters:
            programmes = programmes.filter(owner_unit=selectors.reach_unit(self.reader, filters["unit"]))
        if "state" in filters:
            programmes = programmes.filter(status=filters["state"])
        return self.since(programmes, filters)


class FormFilters(UnitFilters):
    cycle = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="The cycle's year.")
    cadre = serializers.IntegerField(required=False, min_value=1, max_value=10**12)


class RegistrationFilters(FormFilters):
    state = serializers.ChoiceField(choices=RegistrationState.choices, required=False)


class SelfAssessmentFilters(FormFilters):
    state = serializers.ChoiceField(choices=AssessmentState.choices, required=False)


class _FormViewSet(ListRetrieve):
    required_scope = ApiScope.FORMS_READ
    cadre_field = "cadre"
    lookup_value_regex = r"[0-9]{1,12}"

    def forms(self) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        forms = self.forms()
        if self.action == "retrieve":
            return forms
        filters = self.filters()
        if "unit" in filters:
            unit = selectors.reach_unit(self.reader, filters["unit"])
            forms = forms.filter(unit__path__startswith=unit.path, unit__tenant_id=unit.tenant_id)
        for name, lookup in (("cycle", "cycle__year"), ("state", "state"), ("cadre", "cadre_id")):
            if name in filters:
                forms = forms.filter(**{lookup: filters[name]})
        return self.since(forms, filters)


@extend_schema_view(list=extend_schema(parameters=[RegistrationFilters]), retrieve=extend_schema())
class RegistrationViewSet(_FormViewSet):
    """ĐKCT01 registrations: state, commitments, timeline."""

    filters_class = RegistrationFilters
    serializer_class = RegistrationSerializer

    def forms(self) -> Any:
        return selectors.registrations_for(self.reader)


@extend_schema_view(list=extend_schema(parameters=[SelfAssessmentFilters]), retrieve=extend_schema())
class SelfAssessmentViewSet(_FormViewSet):
    """KĐCT01 self-assessments: state, results, ratings, timeline. The anonymous feedback is
    never shown."""

    filters_class = SelfAssessmentFilters
    serializer_class = SelfAssessmentSerializer

    def forms(self) -> Any:
        return selectors.self_assessments_for(self.reader)


_FIGURES = inline_serializer("Figures", {name: serializers.IntegerField() for name in FIGURE_COLUMNS})
_ROW = inline_serializer("UnitFiguresRow", {
    "unit": serializers.CharField(help_text="The unit's code."),
    "name": serializers.CharField(help_text="Its name as the cycle shows it (as it stood, for a closed cycle)."),
    "figures": _FIGURES,
    "report_state": serializers.CharField(allow_blank=True, help_text="The unit report's state; empty: none."),
    "report_status": serializers.CharField(help_text="not_started, overdue, submitted, late, accepted or returned."),
    "report_due": serializers.DateField(allow_null=True),
    "report_submitted_at": serializers.DateTimeField(allow_null=True),
})
_CYCLE_FIGURES = inline_serializer("CycleFigures", {
    "cycle": serializers.IntegerField(), "status": serializers.CharField(),
    "frozen": serializers.BooleanField(help_text="True for a closed cycle: the figures are its snapshot."),
    "snapshot_version": serializers.IntegerField(allow_null=True),
    "unit": _ROW, "children": _ROW.__class__(many=True),
})


class CycleViewSet(mixins.ListModelMixin, ApiViewSet):
    """The tenant's yearly cycles; per unit of the client's subtree, the cycle's figures (the
    frozen snapshot once it is closed, with its version) and the report status of the unit
    and each of its sub-units."""

    required_scope = ApiScope.FIGURES_READ
    serializer_class = CycleSerializer
    pagination_class = None
    filters_class = Filters

    def get_queryset(self) -> Any:
        return self.since(selectors.cycles_for(self.reader), self.filters()).order_by("-year")

    def get_serializer_class(self) -> Any:
        return CycleSerializer

    @extend_schema(responses=CycleSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=_CYCLE_FIGURES, parameters=[
        OpenApiParameter("year", int, OpenApiParameter.PATH), OpenApiParameter("code", str, OpenApiParameter.PATH)])
    def figures(self, request: Request, year: str, code: str) -> Response:
        if not (year.isdigit() and len(year) <= 4):
            raise Http404
        cycle = selectors.get_cycle_for_reader(self.reader, int(year))
        unit = selectors.reach_unit(self.reader, code)
        source = CycleFigures(cycle)
        rows = completeness(unit, cycle, timezone.localdate(), source=source)

        def row(r: Any) -> dict[str, Any]:
            return {"unit": r.unit.code, "name": r.name,
                    "figures": {name: getattr(r.figures, name, 0) if r.figures else 0 for name in FIGURE_COLUMNS},
                    "report_state": r.report.state if r.report else "", "report_status": r.report_status,
                    "report_due": r.report_due, "report_submitted_at": r.report.submitted_at if r.report else None}

        return Response({"cycle": cycle.year, "status": cycle.status, "frozen": source.is_frozen,
                         "snapshot_version": source.snapshot.version if source.snapshot else None,
                         "unit": row(rows[0]), "children": [row(r) for r in rows[1:]]})
