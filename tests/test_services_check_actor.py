"""Every service checks who acts, inside the service: called directly (as a command, a task
or the API would) by someone out of scope, it refuses and writes nothing; called by someone
in scope, it acts. The services are found by introspection: a public function of a
services module that takes `acting_user` and has no case here fails
`test_every_service_has_a_case`.
"""

import datetime
import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.core.context import request_context
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.test import RequestFactory
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from api.services import api_client_create
from cadres.actors import SYSTEM
from cadres.models import Breach, DataRequest, DataRequestKind, GrantRole, JoinRequest, Position, PositionRole, UnitLevel
from cadres.services.people import NewPosition
from cadres.services.reorganise import NewUnit
from evaluations.models import (
    CapMode,
    Club,
    ClubMember,
    Commendation,
    CommendationGround,
    CycleStatus,
    DeadlineKind,
    FeedbackSource,
)
from evaluations.services.activities import activity_log, initiative_log
from evaluations.services.assessments import evidence_add, self_assessment_start
from evaluations.services.registrations import registration_start
from models_registry.models import CriteriaGroup, IndicatorKind, ProgrammeIndicator, ProgrammeSubject
from reports.services.unit_reports import unit_report_get_or_create, unit_report_submit, unit_report_update
from tests.cadres.factories import CadreFactory, GrantFactory, UnitFactory, UserFactory, province_pair
from tests.cadres.spreadsheets import units_file
from tests.evaluations.factories import (
    RESPONSIBILITY,
    YEAR,
    CycleFactory,
    approved_registration,
    unit_form,
    unit_programme,
    world as evaluation_world,
)
from tests.models_registry.factories import HUYEN_GROUPS, ProgrammeFactory

pytestmark = pytest.mark.django_db

SERVICE_PACKAGES = ["cadres.services", "models_registry.services", "evaluations.services", "reports.services",
                    "api.services"]


def services() -> dict[str, Callable[..., Any]]:
    """Every public function of the services modules that takes `acting_user`, by name."""
    modules = []
    for name in SERVICE_PACKAGES:
        package = importlib.import_module(name)
        modules.append(package)
        if hasattr(package, "__path__"):
            modules += [importlib.import_module(f"{name}.{info.name}") for info in pkgutil.iter_modules(package.__path__)]
    found = {}
    for module in modules:
        for name, function in vars(module).items():
            if (inspect.isfunction(function) and not name.startswith("_") and function.__module__ == module.__name__
                    and "acting_user" in inspect.signature(function).parameters):
                found[f"{module.__name__}.{name}"] = function
    return found


# Building blocks a service calls inside its own transaction, after its own check; never
# called from a view, a command or a task. Each names the services that check for it.
CALLED_INSIDE = {
    "cadres.services.units.history_record": "unit_create, unit_update and the reorganisations",
    "cadres.services.units.relocate": "unit_update, unit_move, unit_merge, unit_split",
    "cadres.services.people.place": "position_create, join_request_approve",
    "evaluations.services.drafts.lock_editable_form": "the autosaves (the form flow's edit checks)",
    "evaluations.services.drafts.autosave": "registration_autosave, self_assessment_autosave",
    "evaluations.services.assessments.self_assessments_follow": "registration approval (the flow's reviewer check)",
    "evaluations.services.ratings.rating_meeting_for": "finalising a rating (the flow's BTV check)",
    "reports.services.snapshots.snapshot_take": "cycle_close, cycle_reopen (provincial staff only)",
    "evaluations.services.programme_changes.programme_change_apply": "programme_publish, programme_archive",
}

@dataclass
class Case:
    """How to call one service: its arguments in the world, who may, who may not."""

    kwargs: Callable[[dict[str, Any]], dict[str, Any]]
    allowed: str = "manager"
    refused: tuple[str, ...] = ("sibling", "foreign", "member")


def call(service: Callable[..., Any], **kwargs: Any) -> Any:
    # An invitation's link is built from the request allauth sees (the site's address).
    with request_context(RequestFactory().get("/")):
        return service(**kwargs)


@pytest.fixture
def world():
    with scopes_disabled():
        tree = province_pair()
        d1, b1 = tree["d1"], tree["b1"]
        spare = UnitFactory(parent=d1, code="G9", name="Đoàn xã Dự Phòng", level=UnitLevel.GRASSROOTS)
        member = CadreFactory(unit=b1, role=PositionRole.EXECUTIVE_MEMBER)
        member.user.set_unusable_password()  # invitable
        member.user.save()
        newcomer = CadreFactory(unit=b1, role=None)
        people = {
            "manager": CadreFactory(unit=d1, role=PositionRole.SECRETARY).user,
            "sibling": CadreFactory(unit=tree["d2"], role=PositionRole.SECRETARY).user,
            "foreign": GrantFactory(unit=tree["other"], role=GrantRole.PROVINCIAL_STAFF).user,
            "member": member.user,
            "provincial": GrantFactory(unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF).user,
            "admin": UserFactory(is_staff=True, is_superuser=True),
        }
        draft = ProgrammeFactory(owner_unit=d1, groups=HUYEN_GROUPS)
        published = ProgrammeFactory(owner_unit=d1, groups=HUYEN_GROUPS, publish=True)
        for_units = ProgrammeFactory(owner_unit=d1, subject=ProgrammeSubject.UNITS, groups=HUYEN_GROUPS[:1])
        group = CriteriaGroup.objects.filter(programme=draft).order_by("position").first()
        criterion = group.criteria.order_by("position").first()
        audience = criterion.audience_targets.first()
        if audience is None:
            from models_registry.services import audience_target_set
            audience = audience_target_set(criterion=criterion, expected_version=draft.lock_version,
                                           unit_level="district", applies=False, acting_user=SYSTEM)
            draft.refresh_from_db()
        join_request = JoinRequest.objects.create(tenant=d1.tenant, unit=b1, cadre=newcomer,
                                                  role=PositionRole.EXECUTIVE_MEMBER)
        api_client, _token = api_client_create(unit=tree["g1"], name="Hệ thống tỉnh", scopes=["units:read"],
                                               expires_at=None, acting_user=SYSTEM)
    return {**tree, "spare": spare, "member_cadre": member, "people": people, "draft": draft, "published": published,
            "for_units": for_units, "group": group, "criterion": criterion, "audience": audience,
            "join_request": join_request, "api_client": api_client}


def _v(w: dict[str, Any], key: str = "draft") -> int:
    w[key].refresh_from_db()
    return w[key].lock_version


def _indicator(w: dict[str, Any]) -> ProgrammeIndicator:
    return ProgrammeIndicator.objects.get_or_create(
        programme=w["draft"], kind=IndicatorKind.UNITS_WITH_PROGRAMME,
        defaults={"tenant_id": w["draft"].tenant_id, "target_percent": 100, "text": "100% các cấp bộ Đoàn"})[0]


def _data_request(w: dict[str, Any], kind: str) -> DataRequest:
    cadre = w["member_cadre"]
    return DataRequest.objects.create(tenant=cadre.tenant, cadre=cadre, unit=w["b1"], kind=kind, body="Yêu cầu")


def _criterion(**extra: Any) -> dict[str, Any]:
    return dict(title="Lắng nghe đoàn viên mỗi tuần", kind="qualitative", **extra)


CASES: dict[str, Case] = {
    # --- api: clients ---
    "api.services.api_client_create": Case(lambda w: dict(unit=w["d1"], name="Phần mềm Trung ương",
                                                          scopes=["units:read", "cadres:read"], expires_at=None)),
    "api.services.api_client_rotate": Case(lambda w: dict(client=w["api_client"])),
    "api.services.api_client_revoke": Case(lambda w: dict(client=w["api_client"])),
    # --- cadres: accounts ---
    "cadres.services.accounts.cadre_invite": Case(lambda w: dict(cadre=w["member_cadre"])),
    "cadres.services.accounts.cadre_invite_all": Case(lambda w: dict(unit=w["d1"])),
    "cadres.services.accounts.unit_join_code_regenerate": Case(lambda w: dict(unit=w["d1"])),
    "cadres.services.accounts.join_request_approve": Case(lambda w: dict(join_request=w["join_request"])),
    "cadres.services.accounts.join_request_reject": Case(lambda w: dict(join_request=w["join_request"])),
    # --- cadres: imports, people, units ---
    "cadres.services.imports.import_file": Case(lambda w: dict(
        kind="units", root=w["d1"], dry_run=False,
        data=units_file(["G7", "Đoàn xã Tấn Mỹ", "Đoàn cơ sở", "Địa bàn dân cư", "D1"]))),
    # Any manager in the province may add a cadre (they then place them in their units).
    "cadres.services.people.cadre_create": Case(lambda w: dict(tenant=w["root"].tenant, full_name="Lê Văn Mới"),
                                                refused=("foreign", "member")),
    "cadres.services.people.cadres_create_bulk": Case(lambda w: dict(
        tenant=w["root"].tenant, profiles=[{"full_name": "Lê Văn Mới", "email": "moi@example.vn"}]),
        refused=("foreign", "member")),
    "cadres.services.people.positions_create_bulk": Case(lambda w: dict(
        root=w["d1"], positions=[NewPosition(w["member_cadre"], w["g1"], PositionRole.DEPUTY_SECRETARY)])),
    "cadres.services.people.cadre_update": Case(lambda w: dict(cadre=w["member_cadre"], job_title="Giáo viên")),
    "cadres.services.people.position_create": Case(lambda w: dict(cadre=w["member_cadre"], unit=w["g1"],
                                                                  role=PositionRole.DEPUTY_SECRETARY)),
    "cadres.services.people.position_end": Case(lambda w: dict(
        position=Position.objects.get(cadre=w["member_cadre"]), end_date=timezone.localdate())),
    "cadres.services.units.tenant_create": Case(lambda w: dict(name="Tỉnh Đoàn C", slug="c", root_code="C"),
                                                allowed="admin", refused=("manager", "provincial", "foreign")),
    "cadres.services.units.unit_create": Case(lambda w: dict(parent=w["d1"], code="G8", name="Đoàn xã Mới",
                                                             level=UnitLevel.GRASSROOTS)),
    "cadres.services.units.unit_update": Case(lambda w: dict(unit=w["g1"], name="Đoàn xã Mỹ Hội", level=w["g1"].level)),
    "cadres.services.reorganise.unit_move": Case(lambda w: dict(unit=w["b1"], parent=w["spare"])),
    "cadres.services.reorganise.unit_merge": Case(lambda w: dict(sources=[w["spare"]], into=w["g1"])),
    "cadres.services.reorganise.unit_split": Case(lambda w: dict(
        unit=w["spare"], parts=[NewUnit("G9A", "Đoàn xã Dự Phòng A"), NewUnit("G9B", "Đoàn xã Dự Phòng B")],
        children={}, cadres={})),
    "cadres.services.reorganise.unit_archive": Case(lambda w: dict(unit=w["spare"])),
    # --- personal data ---
    "cadres.services.erasure.cadre_deidentify": Case(lambda w: dict(cadre=w["member_cadre"], reason="Theo yêu cầu"),
                                                     allowed="provincial", refused=("manager", "foreign", "member")),
    "cadres.services.breaches.breach_record": Case(lambda w: dict(
        tenant=w["root"].tenant, title="Lộ tệp", detected_at=timezone.now(), people_affected=2),
        allowed="provincial", refused=("manager", "foreign", "member")),
    "cadres.services.breaches.breach_update": Case(lambda w: dict(
        breach=Breach.objects.create(tenant=w["root"].tenant, title="Lộ tệp", detected_at=timezone.now()),
        measures="Thu hồi tệp"), allowed="provincial", refused=("manager", "foreign", "member")),
    "cadres.services.consent.consent_give": Case(lambda w: dict(user=w["people"]["member"]), allowed="member",
                                                 refused=("manager", "sibling", "foreign")),
    "cadres.services.consent.consent_withdraw": Case(lambda w: dict(user=w["people"]["member"]), allowed="member",
                                                     refused=("manager", "sibling", "foreign")),
    "cadres.services.data_requests.data_request_create": Case(lambda w: dict(
        cadre=w["member_cadre"], kind=DataRequestKind.CORRECTION, body="Sửa ngày sinh"),
        allowed="member", refused=("manager", "sibling", "foreign")),
    "cadres.services.data_requests.data_request_answer": Case(lambda w: dict(
        request=_data_request(w, DataRequestKind.CORRECTION), answer="Đã sửa.")),
    "cadres.services.data_requests.data_request_decide": Case(lambda w: dict(
        request=_data_request(w, DataRequestKind.ERASURE), approve=False, reason="Còn phục vụ kỳ đánh giá."),
        allowed="provincial", refused=("manager", "foreign", "member")),
    # --- programmes ---
    "models_registry.services.programme_create": Case(lambda w: dict(owner_unit=w["d1"], name="Mô hình mới",
                                                                     start_year=2026)),
    "models_registry.services.programme_update": Case(lambda w: dict(
        programme=w["draft"], expected_version=_v(w), name="Tên mới", start_year=2026, end_year=2026)),
    "models_registry.services.group_create": Case(lambda w: dict(programme=w["draft"], expected_version=_v(w),
                                                                 title="Nhóm mới")),
    "models_registry.services.group_update": Case(lambda w: dict(group=w["group"], expected_version=_v(w),
                                                                 title="Nhóm đổi tên")),
    "models_registry.services.group_delete": Case(lambda w: dict(group=w["group"], expected_version=_v(w))),
    "models_registry.services.groups_reorder": Case(lambda w: dict(
        programme=w["draft"], expected_version=_v(w),
        group_ids=list(reversed(CriteriaGroup.objects.filter(programme=w["draft"]).order_by("position")
                                .values_list("pk", flat=True))))),
    "models_registry.services.criterion_create": Case(lambda w: dict(group=w["group"], expected_version=_v(w),
                                                                     **_criterion())),
    "models_registry.services.criterion_update": Case(lambda w: dict(criterion=w["criterion"],
                                                                     expected_version=_v(w), **_criterion())),
    "models_registry.services.criterion_delete": Case(lambda w: dict(criterion=w["criterion"],
                                                                     expected_version=_v(w))),
    "models_registry.services.criteria_reorder": Case(lambda w: dict(
        group=w["group"], expected_version=_v(w),
        criterion_ids=list(reversed(w["group"].criteria.order_by("position").values_list("pk", flat=True))))),
    "models_registry.services.audience_target_set": Case(lambda w: dict(
        criterion=w["criterion"], expected_version=_v(w), unit_level="grassroots", applies=False)),
    "models_registry.services.audience_target_delete": Case(lambda w: dict(audience_target=w["audience"],
                                                                           expected_version=_v(w))),
    "models_registry.services.participant_add": Case(lambda w: dict(programme=w["for_units"],
                                                                    expected_version=_v(w, "for_units"), unit=w["g1"])),
    "models_registry.services.participant_remove": Case(lambda w: dict(
        programme=w["for_units"], expected_version=_v(w, "for_units"), unit=w["g1"])),
    "models_registry.services.indicator_set": Case(lambda w: dict(
        programme=w["draft"], expected_version=_v(w), kind="registered_and_self_assessed", target_percent=100,
        text="100% cán bộ Đoàn có bản đăng ký")),
    "models_registry.services.indicator_delete": Case(lambda w: dict(indicator=_indicator(w), expected_version=_v(w))),
    "models_registry.services.programme_publish": Case(lambda w: dict(programme=w["draft"], expected_version=_v(w),
                                                                      enforce_similarity=False)),
    "models_registry.services.programme_archive": Case(lambda w: dict(programme=w["published"])),
    "models_registry.services.programme_new_version": Case(lambda w: dict(programme=w["published"])),
    "models_registry.services.programme_delete_draft": Case(lambda w: dict(programme=w["draft"],
                                                                           expected_version=_v(w))),
    "models_registry.services.registry_settings_update": Case(
        lambda w: dict(tenant=w["root"].tenant, similarity_threshold="0.80", block_similar=True),
        allowed="provincial", refused=("manager", "foreign", "member")),
}


def state() -> dict[str, Any]:
    """Every row count of the apps, and the latest change of each model that records one."""
    seen: dict[str, Any] = {}
    with scopes_disabled():
        for model in apps.get_models():
            if model._meta.app_label not in {"cadres", "models_registry", "evaluations", "reports", "api"}:
                continue
            manager = model._base_manager
            seen[model._meta.label] = manager.count()
            names = {f.name for f in model._meta.concrete_fields}
            for column in ("updated_at", "lock_version"):
                if column in names:
                    seen[f"{model._meta.label}.{column}"] = manager.aggregate(top=Max(column))["top"]
            if model._meta.label == "cadres.Unit":
                seen["cadres.Unit.codes"] = sorted(manager.values_list("join_code", "name", "path"))
            if model._meta.label == "cadres.Position":
                seen["cadres.Position.ends"] = sorted(map(str, manager.values_list("pk", "end_date")))
    return seen


def test_every_service_has_a_case():
    found = set(services())
    cases = set(ALL_CASES)
    missing = found - cases - set(CALLED_INSIDE)
    assert not missing, f"Services without a who-acts case: {sorted(missing)}"
    assert not cases - found, "cases for services that no longer exist"


def _refused(world, case, service, name):
    for persona in case.refused:
        kwargs = case.kwargs(world)
        before = state()
        with pytest.raises(ValidationError) as refusal:
            call(service, acting_user=world["people"][persona], **kwargs)
        assert state() == before, f"{persona}: {name} wrote something"
        assert refusal.value.code == "forbidden", f"{persona}: {name} refused for {refusal.value}"


def _acts(world, case, service, name):
    kwargs = case.kwargs(world)
    before = state()
    call(service, acting_user=world["people"][case.allowed], **kwargs)
    assert state() != before, f"{case.allowed}: {name} changed nothing"


# --- The services where a person signs: forms, cycles, activities, unit reports ---------


def _png(name: str = "anh.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _written_report(cycle, unit, user):
    report = unit_report_get_or_create(cycle=cycle, unit=unit, acting_user=user)
    return unit_report_update(report=report, acting_user=user, expected_version=report.lock_version,
                              achievements="Tổ chức đủ sinh hoạt chi đoàn", limitations="Còn chậm",
                              proposals="Tập huấn")


@pytest.fixture
def forms():
    w = evaluation_world()
    member = w.member.user
    registration = approved_registration(w)
    form = self_assessment_start(registration=registration, acting_user=member)
    initiative = initiative_log(cadre=w.member, title="Sổ tay chi đoàn", date=timezone.localdate(), acting_user=member)
    activity = activity_log(cadre=w.member, kind="volunteer_hours", date=timezone.localdate(), hours="2",
                            photo=_png(), acting_user=member)
    evidence = evidence_add(self_assessment=form, criterion_id=w.criteria[RESPONSIBILITY].pk, upload=_png(),
                            acting_user=member)
    closed = CycleFactory(tenant=w.root.tenant, year=YEAR - 1, status=CycleStatus.CLOSED)
    report = _written_report(w.cycle, w.g1, w.g1_secretary.user)
    submitted = _written_report(w.cycle, w.b1, w.secretary.user)
    submitted = unit_report_submit(report=submitted, acting_user=w.secretary.user,
                                   expected_version=submitted.lock_version, confirm_low_rates=True)
    people = {"member": member, "reviewer": w.secretary.user, "deputy": w.deputy.user, "sibling": w.sibling.user,
              "foreign": w.foreign_cadre.user, "provincial": w.provincial, "g1": w.g1_secretary.user}
    club = Club.objects.create(tenant=w.root.tenant, unit=w.g1, name="CLB Bí thư Chi đoàn")
    old_club = Club.objects.create(tenant=w.root.tenant, unit=w.g1, name="CLB Bí thư Chi đoàn khóa trước")
    membership = ClubMember.objects.create(tenant=w.root.tenant, club=old_club, cadre=w.secretary,
                                           joined_on=_today(-30))
    proposal = Commendation.objects.create(tenant=w.root.tenant, cycle=w.cycle, unit=w.g1, cadre=w.member,
                                           ground=CommendationGround.RATING)
    return {"w": w, "people": people, "club": club, "membership": membership, "proposal": proposal,
            "registration": registration, "form": form, "initiative": initiative,
            "activity": activity, "evidence": evidence, "closed": closed, "report": report, "submitted": submitted,
            "deputy_registration": approved_registration(w, cadre=w.deputy),
            "draft": registration_start(cycle=w.cycle, programme=w.programme, cadre=w.secretary,
                                        acting_user=w.secretary.user)}


OWNER = dict(allowed="member", refused=("reviewer", "sibling", "foreign"))
PROVINCIAL = dict(allowed="provincial", refused=("g1", "reviewer", "foreign"))
G1 = dict(allowed="g1", refused=("member", "sibling", "foreign"))
DECIDERS = dict(allowed="g1", refused=("reviewer", "sibling", "foreign"))


def _today(days: int = 0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _version(f, key):
    f[key].refresh_from_db()
    return f[key].lock_version


UNIT_OWNER = dict(allowed="reviewer", refused=("member", "g1", "sibling", "foreign"))
UNIT_DECIDERS = dict(allowed="g1", refused=("reviewer", "member", "sibling", "foreign"))


def _unit(f, stage: str):
    """B1's form under a unit programme at `stage` (`unit_form`), built once per test."""
    key = f"unit_{stage}"
    if key not in f:
        f[key] = unit_form(f["w"], stage)
    return f[key]


def _unit_entries(form) -> dict:
    return {c.criterion_id: {"text": "Có cán bộ", "measures": "Họp BCH"} for c in form.commitments.all()}


FORM_CASES: dict[str, Case] = {
    # A unit's forms (seed 003): its Bí thư acts for it, the parent's BTV decides.
    "evaluations.services.unit_forms.unit_registration_start": Case(lambda f: dict(
        cycle=f["w"].cycle, programme=f.setdefault("unit_programme", unit_programme(f["w"].root)) if "unit_programme"
        not in f else f["unit_programme"], unit=f["w"].b1),
        **UNIT_OWNER),
    "evaluations.services.unit_forms.unit_registration_save": Case(lambda f: dict(
        registration=_unit(f, "draft"), entries=_unit_entries(_unit(f, "draft")),
        expected_version=_version(f, "unit_draft")), **UNIT_OWNER),
    "evaluations.services.unit_forms.unit_registration_submit": Case(lambda f: dict(
        registration=_unit(f, "filled"), expected_version=_version(f, "unit_filled")), **UNIT_OWNER),
    "evaluations.services.unit_forms.unit_registration_return": Case(lambda f: dict(
        registration=_unit(f, "submitted"), comments={}, general_comment="Ghi rõ biện pháp",
        expected_version=_version(f, "unit_submitted")), **UNIT_DECIDERS),
    "evaluations.services.unit_forms.unit_registration_approve": Case(lambda f: dict(
        registration=_unit(f, "submitted"), expected_version=_version(f, "unit_submitted")), **UNIT_DECIDERS),
    "evaluations.services.unit_forms.unit_assessment_start": Case(lambda f: dict(
        registration=_unit(f, "approved")), **UNIT_OWNER),
    "evaluations.services.unit_forms.unit_assessment_save": Case(lambda f: dict(
        assessment=_unit(f, "assessment"), entries={}, texts={"strengths": "Đoàn kết"},
        expected_version=_version(f, "unit_assessment")), **UNIT_OWNER),
    "evaluations.services.unit_forms.unit_assessment_submit": Case(lambda f: dict(
        assessment=_unit(f, "assessment_filled"), expected_version=_version(f, "unit_assessment_filled")), **UNIT_OWNER),
    "evaluations.services.unit_forms.unit_assessment_return": Case(lambda f: dict(
        assessment=_unit(f, "assessment_submitted"), comments={}, general_comment="Bổ sung",
        expected_version=_version(f, "unit_assessment_submitted")), **UNIT_DECIDERS),
    "evaluations.services.unit_forms.unit_assessment_rate": Case(lambda f: dict(
        assessment=_unit(f, "assessment_submitted"), rating="good",
        expected_version=_version(f, "unit_assessment_submitted")), **UNIT_DECIDERS),
    # The meetings and clubs of a unit (seed 003): its managers record them.
    "evaluations.services.meetings.unit_meeting_record": Case(lambda f: dict(
        unit=f["w"].g1, cycle=f["w"].cycle, purpose="briefing", held_on=_today(), attendees=[f["w"].secretary]), **G1),
    "evaluations.services.meetings.club_create": Case(lambda f: dict(unit=f["w"].g1, name="CLB Bí thư mới"), **G1),
    "evaluations.services.meetings.club_member_add": Case(lambda f: dict(club=f["club"], cadre=f["w"].secretary),
                                                          **G1),
    "evaluations.services.meetings.club_member_leave": Case(lambda f: dict(member=f["membership"]), **G1),
    # Commendations (seed 004): the unit's BTV proposes and decides.
    "evaluations.services.commendations.commendation_propose": Case(lambda f: dict(
        cycle=f["w"].cycle, unit=f["w"].g1, ground="other", cadre=f["w"].deputy), **G1),
    "evaluations.services.commendations.commendation_decide": Case(lambda f: dict(
        commendation=f["proposal"], decision_number="15-QĐ/ĐTN", decision_date=_today(),
        expected_version=_version(f, "proposal")), **G1),
    "evaluations.services.commendations.commendation_decline": Case(lambda f: dict(
        commendation=f["proposal"], comment="Chưa đủ thành tích", expected_version=_version(f, "proposal")), **G1),
    "evaluations.services.activities.activity_log": Case(lambda f: dict(
        cadre=f["w"].member, kind="branch_meeting", date=_today()), **OWNER),
    "evaluations.services.activities.activity_delete": Case(lambda f: dict(activity=f["activity"]), **OWNER),
    "evaluations.services.activities.initiative_log": Case(lambda f: dict(
        cadre=f["w"].member, title="Câu lạc bộ đọc sách", date=_today()), **OWNER),
    "evaluations.services.activities.initiative_delete": Case(lambda f: dict(initiative=f["initiative"]), **OWNER),
    # The cadre's reviewer (or their unit's BTV) decides on a sáng kiến; never the cadre.
    "evaluations.services.initiatives.initiative_recognise": Case(lambda f: dict(
        initiative=f["initiative"], recognised_by="Huyện Đoàn Một", decision_number="12-QĐ/HĐT", decision_date=_today(),
        expected_version=_version(f, "initiative")), allowed="reviewer", refused=("member", "sibling", "foreign")),
    "evaluations.services.initiatives.initiative_refuse": Case(lambda f: dict(
        initiative=f["initiative"], comment="Chưa có quyết định công nhận", expected_version=_version(f, "initiative")),
        allowed="reviewer", refused=("member", "sibling", "foreign")),
    "evaluations.services.assessments.self_assessment_start": Case(
        lambda f: dict(registration=f["deputy_registration"]), allowed="deputy", refused=("member", "sibling", "foreign")),
    "evaluations.services.assessments.self_assessment_autosave": Case(lambda f: dict(
        self_assessment=f["form"], field="strengths", value="Nhiệt tình",
        expected_version=f["form"].field_versions.get("strengths", 0)), **OWNER),
    "evaluations.services.assessments.evidence_add": Case(lambda f: dict(
        self_assessment=f["form"], criterion_id=f["w"].criteria[RESPONSIBILITY].pk, upload=_png()), **OWNER),
    "evaluations.services.assessments.evidence_pick": Case(lambda f: dict(
        self_assessment=f["form"], criterion_id=f["w"].criteria[RESPONSIBILITY].pk,
        source=f"activity:{f['activity'].pk}"), **OWNER),
    "evaluations.services.assessments.evidence_remove": Case(lambda f: dict(evidence=f["evidence"]), **OWNER),
    "evaluations.services.cycles.cycle_open": Case(lambda f: dict(tenant=f["w"].root.tenant, year=YEAR + 1),
                                                   **PROVINCIAL),
    "evaluations.services.cycles.cycle_reopen": Case(lambda f: dict(cycle=f["closed"], reason="Bổ sung số liệu"),
                                                     **PROVINCIAL),
    "evaluations.services.cycles.cycle_update_dates": Case(lambda f: dict(
        cycle=f["w"].cycle, registration_closes=datetime.date(YEAR, 12, 28), self_assessment_due=datetime.date(YEAR, 12, 29),
        review_due=datetime.date(YEAR, 12, 30), unit_report_due=datetime.date(YEAR, 12, 31)), **PROVINCIAL),
    "evaluations.services.cycles.cycle_close": Case(lambda f: dict(cycle=f["w"].cycle), **PROVINCIAL),
    "evaluations.services.cycles.cycle_deadline_set": Case(lambda f: dict(
        cycle=f["w"].cycle, unit=f["w"].g1, kind=DeadlineKind.REGISTRATION, date=_today(10)), **G1),
    "evaluations.services.cycles.deadline_extension_grant": Case(lambda f: dict(
        cycle=f["w"].cycle, cadre=f["w"].member, kind=DeadlineKind.REGISTRATION, until=_today(40)),
        allowed="reviewer", refused=("sibling", "foreign", "member")),
    "evaluations.services.cycles.evaluation_settings_update": Case(lambda f: dict(
        tenant=f["w"].root.tenant, excellent_cap_percent=30, excellent_cap_mode=CapMode.WARN), **PROVINCIAL),
    "evaluations.services.feedback.feedback_request_create": Case(lambda f: dict(
        cycle=f["w"].cycle, cadre=f["w"].member, source=FeedbackSource.MEMBER, build_link=lambda token: f"/f/{token}"),
        allowed="reviewer", refused=("member", "sibling", "foreign")),
    "evaluations.services.registrations.registration_start": Case(lambda f: dict(
        cycle=f["w"].cycle, programme=f["w"].programme, cadre=f["w"].g1_secretary), **G1),
    "evaluations.services.registrations.registration_autosave": Case(lambda f: dict(
        registration=f["draft"], field=f"commitment.{f['w'].criteria[RESPONSIBILITY].pk}.text", value="Tôi cam kết",
        expected_version=0),
        allowed="reviewer", refused=("member", "sibling", "foreign")),
    "reports.services.reminders.registration_nudge": Case(lambda f: dict(cycle=f["w"].cycle, unit=f["w"].g1), **G1),
    "reports.services.unit_reports.unit_report_get_or_create": Case(lambda f: dict(
        cycle=f["w"].cycle, unit=f["w"].d1), allowed="provincial", refused=("g1", "sibling", "foreign")),
    "reports.services.unit_reports.unit_report_update": Case(lambda f: dict(
        report=f["report"], expected_version=_version(f, "report"), achievements="Đủ sinh hoạt, có sáng kiến"),
        **G1),
    "reports.services.unit_reports.unit_report_submit": Case(lambda f: dict(
        report=f["report"], expected_version=_version(f, "report"), confirm_low_rates=True), **G1),
    "reports.services.unit_reports.unit_report_accept": Case(lambda f: dict(
        report=f["submitted"], expected_version=_version(f, "submitted")), **DECIDERS),
    "reports.services.unit_reports.unit_report_return": Case(lambda f: dict(
        report=f["submitted"], expected_version=_version(f, "submitted"), comment="Bổ sung số liệu"), **DECIDERS),
}


# Each case with the world it is called in.
ALL_CASES = {**{name: ("world", case) for name, case in CASES.items()},
             **{name: ("forms", case) for name, case in FORM_CASES.items()}}


@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_out_of_scope_is_refused_with_nothing_written(request, name):
    fixture, case = ALL_CASES[name]
    _refused(request.getfixturevalue(fixture), case, services()[name], name)


@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_in_scope_acts(request, name):
    fixture, case = ALL_CASES[name]
    _acts(request.getfixturevalue(fixture), case, services()[name], name)


def test_none_is_not_an_actor(world):
    """No default: a caller that says nobody is refused, not treated as the system."""
    from cadres.services.units import unit_create
    before = state()
    with pytest.raises(ValidationError):
        unit_create(parent=world["d1"], code="G8", name="Đoàn xã Mới", level=UnitLevel.GRASSROOTS, acting_user=None)
    with pytest.raises(TypeError):
        unit_create(parent=world["d1"], code="G8", name="Đoàn xã Mới", level=UnitLevel.GRASSROOTS)
    assert state() == before


def test_the_system_acts_and_its_audit_row_has_no_actor(world):
    from cadres.models import AuditEvent
    from cadres.services.units import unit_create
    unit = unit_create(parent=world["d1"], code="G8", name="Đoàn xã Mới", level=UnitLevel.GRASSROOTS,
                       acting_user=SYSTEM, date=datetime.date(2026, 1, 5))
    row = AuditEvent.objects.get(action="unit.create", object_id=str(unit.pk))
    assert row.actor is None
