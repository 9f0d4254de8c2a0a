"""`manage.py generate_province` on a small province (300 cadres): a tree treebeard accepts,
positions that always start, every form state, the same rows for the same seed, refusals
that write nothing, and the reports pages answering on what it made."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from cadres.models import Cadre, Grant, GrantRole, Position, Tenant, Unit, UnitLevel, User
from cadres.text import fold, normalize_phone, person_sort_key
from evaluations.models import (
    Activity,
    AssessmentPeriod,
    AssessmentState,
    Commitment,
    CommitmentResult,
    Cycle,
    CycleStatus,
    FormAction,
    FormEvent,
    Initiative,
    Rating,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from evaluations.services.cycles import default_dates
from models_registry.models import (
    Criterion,
    CriterionKind,
    Programme,
    ProgrammeParticipant,
    ProgrammeStatus,
    ProgrammeSubject,
)
from models_registry.selectors import deciding_position
from tests.conftest import shared

pytestmark = pytest.mark.django_db
CADRES = 300
YEAR = timezone.localdate().year


def generate(slug: str, cadres: int = CADRES, seed: int = 7, *extra: str) -> tuple[Tenant, str]:
    out = StringIO()
    call_command("generate_province", "--tenant", slug, "--cadres", str(cadres), "--seed", str(seed), *extra,
                 stdout=out)
    return Tenant.objects.get(slug=slug), out.getvalue()


@pytest.fixture(scope="module")
def province_once(module_db):
    return generate("sinh-thu", CADRES, 7, "--no-rollup")


@pytest.fixture
def province(province_once, db):
    return shared(province_once)


def test_the_command_reports_progress_and_the_accounts(province):
    _tenant, output = province
    assert "đơn vị " in output and f"cán bộ {CADRES}" in output and "bản đăng ký " in output
    assert "Biểu mẫu và hoạt động:" in output and "giây" in output
    assert "tinh@sinh-thu.example.com" in output and "Tổng hợp số liệu" not in output  # --no-rollup


def test_the_tree_is_valid_for_treebeard_and_sized_like_a_province(province):
    tenant, _output = province
    root = tenant.root_unit
    assert Unit.objects.find_problems(parent=root) == ([], [], [], [], [])
    units = list(Unit.objects.filter(tenant=tenant).order_by("path"))
    levels = {level: sum(u.level == level for u in units) for level in UnitLevel.values}
    assert levels[UnitLevel.PROVINCE] == 1 and levels[UnitLevel.DISTRICT] >= 2
    assert levels[UnitLevel.GRASSROOTS] >= 3 and levels[UnitLevel.INTER_BRANCH] >= 1
    assert 40 <= levels[UnitLevel.BRANCH] <= 50 and 45 <= len(units) <= 60
    assert len({u.code for u in units}) == len(units) and len({u.join_code for u in units}) == len(units)
    children = list(Unit.objects.get_children(root))
    assert len(children) == root.numchild and any(c.level == UnitLevel.GRASSROOTS for c in children)  # xã under tỉnh
    for unit in units[1:]:
        parent = Unit.objects.get_parent(unit)
        assert unit.path.startswith(parent.path) and parent.tenant_id == tenant.pk
        assert UnitLevel.rank(unit.level) > UnitLevel.rank(parent.level)
        assert unit.search_text == fold(f"{unit.code} {unit.name}")
        unit.clean()
    names = [u.name for u in units]
    assert any(n.startswith(("Huyện Đoàn", "Thị Đoàn", "Thành Đoàn")) for n in names)
    assert any(n.startswith("Chi đoàn") for n in names) and any(n.startswith("Liên chi đoàn") for n in names)


def test_cadres_have_positions_that_all_start_and_forms_at_their_deciding_position(province):
    tenant, _output = province
    cadres = list(Cadre.objects.filter(tenant=tenant))
    assert len(cadres) == CADRES
    for cadre in cadres[:50]:
        assert cadre.sort_key == person_sort_key(cadre.full_name) and len(cadre.full_name.split()) >= 3
        assert cadre.search_text == fold(f"{cadre.full_name} {cadre.phone} 0{cadre.phone[3:]} {cadre.email}")
    # Every phone a valid Vietnamese mobile, stored in E.164 as the app stores them.
    # (normalize_phone raises for an invalid one.)
    assert [normalize_phone(cadre.phone) for cadre in cadres] == [cadre.phone for cadre in cadres]
    positions = Position.objects.filter(tenant=tenant)
    assert not positions.filter(start_date__isnull=True).exists()
    assert not positions.filter(start_date__gt=timezone.localdate()).exists()
    ended = positions.filter(end_date__isnull=False)
    assert ended.exists() and not ended.filter(end_date__lt=datetime.date(YEAR - 1, 1, 1)).exists()
    for position in ended:  # the newer position starts after the ended one
        current = positions.filter(cadre=position.cadre_id, end_date__isnull=True)
        assert current.filter(start_date__gt=position.end_date).exists()
    per_cadre = Counter(positions.filter(end_date__isnull=True).values_list("cadre_id", flat=True))
    assert sum(1 for n in per_cadre.values() if n == 2) >= CADRES * 0.05
    assert 0.03 <= Cadre.objects.filter(tenant=tenant, is_civil_servant=True).count() / CADRES <= 0.3
    assert Cadre.objects.filter(tenant=tenant, is_full_time=True).exists()
    for registration in Registration.objects.filter(tenant=tenant).select_related("programme__owner_unit", "cadre"):
        deciding = deciding_position(registration.programme, registration.cadre)
        assert (deciding.unit_id, deciding.role) == (registration.unit_id, registration.role)


def test_every_state_occurs_with_timelines_results_and_activities(province):
    tenant, _output = province
    registrations = Registration.objects.filter(tenant=tenant)
    assert set(registrations.values_list("state", flat=True)) == set(RegistrationState.values)
    assert 0.97 * CADRES <= registrations.filter(revision=1).count() < CADRES
    amendment = registrations.filter(revision=2).select_related("previous").first()
    assert amendment.state == RegistrationState.APPROVED and amendment.previous.state == RegistrationState.SUPERSEDED
    yearly = SelfAssessment.objects.filter(tenant=tenant, period=AssessmentPeriod.YEAR)
    assert set(yearly.values_list("state", flat=True)) == set(AssessmentState.values)
    assert set(yearly.filter(state=AssessmentState.FINALISED).values_list("final_rating", flat=True)) == set(
        Rating.values)
    assert 0.9 * CADRES <= yearly.count() <= CADRES
    assert not yearly.exclude(registration__state=RegistrationState.APPROVED).exists()
    assert SelfAssessment.objects.filter(tenant=tenant).exclude(period=AssessmentPeriod.YEAR).exists()
    civil = yearly.filter(cadre__is_civil_servant=True).exclude(state=AssessmentState.DRAFT)
    assert civil.exists() and not civil.filter(gains_people__isnull=True).exists()
    assert registrations.filter(is_late=True).exists() and yearly.filter(is_late=True).exists()

    events = FormEvent.objects.filter(tenant=tenant)
    # Withdrawing is a unit form's, when a reorganisation archives its unit: the province has none.
    assert set(events.values_list("action", flat=True)) == set(FormAction.values) - {FormAction.WITHDRAW}
    # Each event refers to exactly one existing form (one relation: never to two).
    assert (events.filter(registration__isnull=False).count() + events.filter(selfassessment__isnull=False).count()
            == events.count())
    assert events.filter(action=FormAction.RETURN, registration__isnull=False).exclude(criterion_comments={}).exists()
    first = registrations.filter(state=RegistrationState.APPROVED).first()
    assert list(first.events.values_list("to_state", flat=True))[-1] == RegistrationState.APPROVED

    commitments = Commitment.objects.filter(tenant=tenant)
    assert not commitments.filter(target__lt=F("minimum")).exists()
    assert commitments.values("registration").annotate(n=Count("id")).filter(n__lt=5).count() == 0
    results = CommitmentResult.objects.filter(tenant=tenant, commitment__criterion__kind=CriterionKind.QUANTITATIVE,
                                              self_assessment__period=AssessmentPeriod.YEAR)
    assert results.filter(actual_value__gte=F("commitment__target")).exists()
    assert results.filter(actual_value__lt=F("commitment__target")).exists()
    answered = CommitmentResult.objects.filter(tenant=tenant, self_assessment__submitted_at__isnull=False)
    assert set(answered.filter(commitment__criterion__kind=CriterionKind.YES_NO).values_list("outcome", flat=True)) \
        == {"met", "not_met"}
    assert set(answered.filter(commitment__criterion__kind=CriterionKind.PROHIBITION)
               .values_list("outcome", flat=True)) == {"kept", "broken"}
    assert Initiative.objects.filter(tenant=tenant, state="recognised", cadre__positions__role="secretary",
                                     cadre__positions__unit__level=UnitLevel.GRASSROOTS).exists()
    kinds = set(Activity.objects.filter(tenant=tenant).values_list("kind", flat=True))
    assert {"volunteer_hours", "volunteer_activity", "branch_meeting"} <= kinds


def test_programmes_cycle_and_accounts(province):
    tenant, _output = province
    root = tenant.root_unit
    programmes = Programme.objects.filter(tenant=tenant, status=ProgrammeStatus.PUBLISHED)
    province_programme = programmes.get(owner_unit=root, subject=ProgrammeSubject.CADRES)
    assert province_programme.covers(YEAR)
    assert programmes.filter(owner_unit__level=UnitLevel.DISTRICT, parent=province_programme).exists()
    criteria = Criterion.objects.filter(group__programme=province_programme)
    quantitative = criteria.filter(kind=CriterionKind.QUANTITATIVE)
    assert 2 <= quantitative.count() <= 3 and not quantitative.filter(target__isnull=True).exists()
    assert set(quantitative.values_list("period", flat=True)) == {"week", "month", "year"}
    assert {CriterionKind.QUALITATIVE, CriterionKind.YES_NO, CriterionKind.PROHIBITION} <= set(
        criteria.values_list("kind", flat=True))
    units_programme = programmes.get(subject=ProgrammeSubject.UNITS)
    assert units_programme.pilot_quota == 5 and ProgrammeParticipant.objects.filter(programme=units_programme).exists()

    cycle = Cycle.objects.get(tenant=tenant)
    assert cycle.year == YEAR and cycle.status == CycleStatus.OPEN
    assert {key: getattr(cycle, key) for key in default_dates(YEAR)} == default_dates(YEAR)

    users = User.objects.filter(email__endswith="@sinh-thu.example.com")
    assert users.count() == 3 and all(user.check_password("doan@2026") for user in users)
    staff = users.get(email="tinh@sinh-thu.example.com")
    assert Grant.objects.filter(user=staff, unit=root, role=GrantRole.PROVINCIAL_STAFF).exists()
    assert Cadre.objects.get(user__email="huyen@sinh-thu.example.com").positions.filter(
        role="secretary", unit__level=UnitLevel.DISTRICT).exists()
    assert Cadre.objects.get(user__email="bithu@sinh-thu.example.com").positions.filter(
        role="secretary", unit__level=UnitLevel.BRANCH).exists()
    assert Cadre.objects.filter(tenant=tenant, user__isnull=False).count() == 2


def _shape(tenant: Tenant) -> dict:
    root = tenant.root_unit
    units = Unit.objects.filter(tenant=tenant).order_by("path")
    return {
        "units": [(u.path[len(root.path):], u.depth, u.numchild, u.code.replace(root.code, ""), u.name, u.level,
                   u.sector) for u in units],
        "cadres": list(Cadre.objects.filter(tenant=tenant).order_by("pk").values_list(
            "full_name", "birth_date", "phone", "is_civil_servant", "is_full_time")),
        "positions": [(path[len(root.path):], *rest) for path, *rest in Position.objects.filter(tenant=tenant)
                      .order_by("pk").values_list("unit__path", "role", "start_date", "end_date")],
        "registrations": sorted(Registration.objects.filter(tenant=tenant).values_list("state", "revision")
                                .annotate(n=Count("id"))),
        "assessments": sorted(SelfAssessment.objects.filter(tenant=tenant).values_list("period", "state",
                                                                                       "final_rating")
                              .annotate(n=Count("id"))),
        "events": sorted(FormEvent.objects.filter(tenant=tenant).values_list("action").annotate(n=Count("id"))),
        "results": CommitmentResult.objects.filter(tenant=tenant).count(),
    }


def test_the_same_seed_gives_the_same_province_and_another_seed_another():
    first, _ = generate("sinh-a", 150, 3, "--no-rollup")
    second, _ = generate("sinh-b", 150, 3, "--no-rollup")
    other, _ = generate("sinh-c", 150, 4, "--no-rollup")
    assert _shape(first) == _shape(second)
    assert _shape(first)["cadres"] != _shape(other)["cadres"]
    codes = Unit.objects.filter(tenant__in=[first, second]).values_list("join_code", flat=True)
    assert len(set(codes)) == len(codes)  # join codes are unique across tenants


def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(province):
    tenant, _output = province
    before = (Tenant.objects.count(), Unit.objects.count(), Cadre.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="Đã có tỉnh với mã “sinh-thu”"):
        generate("sinh-thu", CADRES)
    with pytest.raises(CommandError, match="Số cán bộ phải từ 10 đến 500,000"):
        generate("sinh-moi", 9)
    with pytest.raises(CommandError, match="Số cán bộ phải từ"):
        generate("sinh-moi", 10_000_000)
    with pytest.raises(CommandError, match="không phải mã hợp lệ"):
        generate("Sinh Moi", 100)
    with pytest.raises(CommandError, match="Năm phải từ"):
        generate("sinh-moi", 100, 1, "--year", str(YEAR + 1))
    assert (Tenant.objects.count(), Unit.objects.count(), Cadre.objects.count(), User.objects.count()) == before


def test_the_smallest_province_still_has_a_bi_thu_in_every_unit():
    tenant, _ = generate("sinh-nho", 10, 1, "--no-rollup")
    assert Cadre.objects.filter(tenant=tenant).count() == 10
    assert not Unit.objects.filter(tenant=tenant).exclude(
        positions__role="secretary", positions__end_date__isnull=True).exists()
    assert Unit.objects.find_problems(parent=tenant.root_unit) == ([], [], [], [], [])


def test_the_reports_pages_answer_on_the_generated_province(client):
    tenant, output = generate("sinh-bao-cao", CADRES, 7)
    assert "Tổng hợp số liệu" in output
    client.force_login(User.objects.get(email="tinh@sinh-bao-cao.example.com"))
    response = client.get(reverse("reports_dashboard"))
    assert response.status_code == 200 and tenant.root_unit.name in response.content.decode()
    district = Unit.objects.filter(tenant=tenant, level=UnitLevel.DISTRICT).order_by("path").first()
    for name in ("reports_unit_dashboard", "reports_unregistered"):
        assert client.get(reverse(name, args=[tenant.slug, district.code])).status_code == 200
    client.force_login(User.objects.get(email="huyen@sinh-bao-cao.example.com"))
    response = client.get(reverse("reports_dashboard"))
    assert response.status_code == 200 and district.name in response.content.decode()


