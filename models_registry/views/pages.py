"""Programme pages other than the editor: the list, creating a draft, the read-only page,
the audience preview, publishing with the similarity check, new versions, archiving, and
the provincial coverage table and the province's settings. Each view first fetches through a selector (404 alike)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import PositionRole, UnitLevel
from cadres.selectors import access_for, managed_roots, own_cadre, tenants_visible_to, units_managed_by
from cadres.transitions import can_act
from models_registry import services
from models_registry.forms import (
    AudiencePreviewForm,
    ProgrammeCreateForm,
    ProgrammeFilterForm,
    RegistrySettingsForm,
    add_service_errors,
)
from models_registry.models import ProgrammeStatus, ProgrammeSubject
from models_registry.selectors import (
    Audience,
    audience_for,
    can_edit_programme,
    criteria_for_audience,
    get_editable_programme_for_user,
    get_programme_for_user,
    open_draft_of,
    pilot_progress,
    programme_coverage,
    programme_groups,
    programme_versions,
    programmes_visible_to,
)
from models_registry.similarity import RELATIONS, check_similarity

PROGRAMMES_PER_PAGE = 30
# Units listed per level on the coverage page; the counts always cover every unit.
COVERAGE_ROWS_SHOWN = 200
# The owner-unit choice stops this many levels below the top managed unit, so a province's
# staff choose among province, huyện and xã rather than every chi đoàn.
OWNER_DEPTH_BELOW = 2


def _this_year() -> int:
    return timezone.localdate().year


def _with_children(user, programmes) -> list:
    """Each programme with `visible_children` (programmes inheriting from it the user sees)
    and `parent_visible`: two queries for the whole page."""
    visible = programmes_visible_to(user)
    ids = [programme.pk for programme in programmes]
    children: dict[int, list] = {}
    for child in visible.filter(parent__in=ids).order_by("owner_unit__path", "name"):
        children.setdefault(child.parent_id, []).append(child)
    parents = set(visible.filter(pk__in=[p.parent_id for p in programmes if p.parent_id]).values_list("pk", flat=True))
    for programme in programmes:
        programme.visible_children = children.get(programme.pk, [])
        programme.parent_visible = programme.parent_id in parents
    return programmes


@login_required
def programme_list(request):
    programmes = programmes_visible_to(request.user).order_by("-start_year", "owner_unit__path", "name", "version")
    filters = ProgrammeFilterForm(request.GET or None)
    if filters.is_valid():
        year, status = filters.cleaned_data["year"], filters.cleaned_data["status"]
        if year:
            programmes = programmes.filter(start_year__lte=year, end_year__gte=year)
        if status:
            programmes = programmes.filter(status=status)
    page = Paginator(programmes, PROGRAMMES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "models_registry/programme_list.html", {
        "page": page,
        "programmes": _with_children(request.user, list(page.object_list)),
        "filters": filters,
        "can_create": access_for(request.user).is_manager,
        "is_provincial": bool(access_for(request.user).provincial_tenant_ids),
    })


def _owner_choices(user):
    roots = list(managed_roots(user))
    if not roots:
        raise Http404
    deepest = min(root.depth for root in roots) + OWNER_DEPTH_BELOW
    return units_managed_by(user).filter(archived_at__isnull=True, depth__lte=deepest).order_by("path")


@login_required
def programme_create(request):
    owner_units = _owner_choices(request.user)
    parents = programmes_visible_to(request.user).filter(status=ProgrammeStatus.PUBLISHED).order_by(
        "owner_unit__path", "name")
    initial = {"start_year": _this_year(), "parent": request.GET.get("parent") or None}
    form = ProgrammeCreateForm(request.POST or None, initial=initial, owner_units=owner_units, parents=parents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                owner_unit=data["owner_unit"], subject=data["subject"], parent=data["parent"],
                acting_user=request.user, **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft created. Add your own groups and criteria, then publish it."))
            return redirect("programme_edit", pk=programme.pk)
    return render(request, "models_registry/programme_create.html", {"form": form})


@login_required
def programme_detail(request, pk: int):
    """Everyone in scope reads it: a cadre sees what applies to them; managers see it all."""
    programme = get_programme_for_user(request.user, pk)
    can_edit = can_edit_programme(request.user, programme)
    cadre = own_cadre(request.user)
    audience = applicable = None
    if cadre is not None and programme.subject == ProgrammeSubject.CADRES:
        audience = audience_for(programme, cadre)
        applicable = criteria_for_audience(programme, audience) if audience else []
    show_all = can_edit or programme.subject == ProgrammeSubject.UNITS
    visible = programmes_visible_to(request.user)
    return render(request, "models_registry/programme_detail.html", {
        "programme": programme,
        "can_edit": can_edit,
        "cadre": cadre,
        "audience": audience,
        "audience_role": PositionRole(audience.role).label if audience else "",
        "applicable": applicable,
        "groups": programme_groups(programme) if show_all else None,
        "pilot_rows": pilot_progress(programme) if programme.subject == ProgrammeSubject.UNITS else None,
        "children": visible.filter(parent=programme).order_by("owner_unit__path", "name"),
        "parent_visible": programme.parent_id and visible.filter(pk=programme.parent_id).exists(),
        "versions": visible.filter(pk__in=programme_versions(programme).values("pk")).order_by("version"),
        "open_draft": open_draft_of(programme) if can_edit and not programme.is_draft else None,
        "report": programme.similarity_report or None,
        "relation_label": RELATIONS.get((programme.similarity_report.get("closest") or {}).get("relation"),
                                        lambda: "")(),
    })


@login_required
def programme_preview(request, pk: int):
    """"As a cadre of role X at level Y" (or, for a unit programme, a unit of level Y) sees it."""
    programme = get_programme_for_user(request.user, pk)
    form = AudiencePreviewForm(request.GET or None, subject=programme.subject)
    applicable = None
    if form.is_valid():
        data = form.cleaned_data
        audience = Audience(unit_level=data["unit_level"], role=data.get("role", ""),
                            full_time=data["full_time"] == "yes" if "full_time" in data else None,
                            civil_servant=data["civil_servant"] == "yes" if "civil_servant" in data else None)
        applicable = criteria_for_audience(programme, audience)
    return render(request, "models_registry/programme_preview.html", {
        "programme": programme, "form": form, "applicable": applicable,
        "can_edit": can_edit_programme(request.user, programme),
    })


def _similarity_context(programme) -> dict:
    result = check_similarity(programme)
    closest = result.closest
    return {"result": result, "closest": closest,
            "relation_label": RELATIONS[closest.relation]() if closest else "",
            "has_criteria": any(group.criteria.all() for group in programme_groups(programme))}


@login_required
def programme_publish(request, pk: int):
    """GET: the "không rập khuôn" check as it stands; POST: publish (refused when blocked)."""
    programme = get_editable_programme_for_user(request.user, pk)
    if not can_act(services.PROGRAMME_FLOW, programme, "publish", request.user):
        messages.error(request, _("Only a draft can be published."))
        return redirect("programme_detail", pk=programme.pk)
    error = None
    if request.method == "POST":
        try:
            result = services.programme_publish(programme=programme, acting_user=request.user,
                                                expected_version=request.POST.get("lock_version"))
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
            programme.refresh_from_db()
        else:
            messages.success(request, _("The programme is published."))
            if result.is_similar:
                messages.warning(request, result.message())
            return redirect("programme_detail", pk=programme.pk)
    return render(request, "models_registry/programme_publish.html",
                  {"programme": programme, "error": error, **_similarity_context(programme)})


def _lifecycle(request, pk: int, action, success: str):
    """Run `action(programme)`, which returns where to go next; a refusal returns to the programme."""
    programme = get_editable_programme_for_user(request.user, pk)
    try:
        target = action(programme)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programme_detail", pk=programme.pk)
    messages.success(request, success)
    return redirect(target)


@login_required
@require_POST
def programme_new_version(request, pk: int):
    def start(programme):
        draft = services.programme_new_version(programme=programme, acting_user=request.user)
        return reverse("programme_edit", args=[draft.pk])

    return _lifecycle(request, pk, start, _("A new draft version was started from the published one."))


@login_required
@require_POST
def programme_archive(request, pk: int):
    def archive(programme):
        services.programme_archive(programme=programme, acting_user=request.user)
        return reverse("programme_detail", args=[programme.pk])

    return _lifecycle(request, pk, archive, _("The programme is archived; it stays readable."))


@login_required
@require_POST
def programme_delete(request, pk: int):
    def delete(programme):
        services.programme_delete_draft(programme=programme, acting_user=request.user,
                                        expected_version=request.POST.get("lock_version"))
        return reverse("programme_list")

    return _lifecycle(request, pk, delete, _("The draft was deleted."))


@login_required
def programme_coverage_table(request):
    """Which units have a published programme of their own this year (chỉ tiêu 1), per
    unit level, for each subtree the user manages."""
    roots = list(managed_roots(request.user))
    if not roots:
        raise Http404
    filters = ProgrammeFilterForm(request.GET if "year" in request.GET else {"year": _this_year()})
    year = (filters.cleaned_data.get("year") if filters.is_valid() else None) or _this_year()
    tables = []
    for root in roots:
        coverage = programme_coverage(root.tenant, year, root=root)
        levels = []
        for level in sorted({row.unit.level for row in coverage.rows}, key=UnitLevel.rank):
            rows = [row for row in coverage.rows if row.unit.level == level]
            covered = sum(row.covered for row in rows)
            levels.append({"label": UnitLevel(level).label, "total": len(rows), "covered": covered,
                           "percent": round(100 * covered / len(rows), 1), "rows": rows[:COVERAGE_ROWS_SHOWN],
                           "hidden": max(0, len(rows) - COVERAGE_ROWS_SHOWN)})
        tables.append({"root": root, "coverage": coverage, "levels": levels})
    return render(request, "models_registry/coverage.html", {"tables": tables, "year": year, "filters": filters})


@login_required
def registry_settings(request):
    """Provincial staff set how strictly "không rập khuôn" is enforced in their province."""
    tenant = tenants_visible_to(request.user).filter(pk__in=access_for(request.user).provincial_tenant_ids).first()
    if tenant is None:
        raise Http404
    current = services.registry_settings_for(tenant)
    initial = {"similarity_threshold": current.similarity_threshold, "block_similar": current.block_similar}
    form = RegistrySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.registry_settings_update(tenant=tenant, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("programme_settings")
    return render(request, "models_registry/settings.html", {"form": form, "tenant": tenant})
