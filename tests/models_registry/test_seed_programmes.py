"""The five seed programmes of domain §4 load, with the seeds' real content, exactly once."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cadres.actors import SYSTEM
from cadres.models import Sector, UnitLevel
from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    CriterionKind,
    Programme,
    ProgrammeStatus,
    ProgrammeSubject,
)
from models_registry.seeding import load_seed_programmes, read_seed_programmes
from tests.cadres.factories import TenantFactory, UnitFactory

pytestmark = pytest.mark.django_db

# key → (groups, criteria) as counted in the source documents.
EXPECTED = {
    "ninh-binh-2023-can-bo-doan-trach-nhiem": (1, 5),  # nghiêm túc, trung thực, tận tâm, tích cực, học hỏi
    "an-giang-2023-3-can-5-quyet-tam": (2, 8),  # 3 cần + 5 quyết tâm
    "can-tho-2023-can-bo-doan-trach-nhiem": (5, 17),  # 3 trọng tâm, 3 trách nhiệm, 4 nên, 3 không nên, 4 chỉ tiêu
    "tay-nguyen-2022-chi-doan-3-co": (1, 3),  # có cán bộ, có sinh hoạt, có công trình phần việc
    "tay-nguyen-2022-2-giao-1-lien-ket": (2, 2),
    "binh-duong-2020-guong-mau-sang-tao": (3, 17),  # 8 nên làm, 8 không nên làm, chế độ đi cơ sở
}


def _counts(programme):
    return (CriteriaGroup.objects.filter(programme=programme).count(),
            Criterion.objects.filter(group__programme=programme).count())


def _titles(programme, group_title):
    return list(Criterion.objects.filter(group__programme=programme, group__title=group_title)
                .order_by("position").values_list("title", flat=True))


def test_every_seed_programme_loads_published_with_the_seed_counts():
    tenant = TenantFactory(slug="tinh-thu")
    loaded = {item.key: item.programme for item in load_seed_programmes(tenant, acting_user=SYSTEM)}
    assert set(loaded) == set(EXPECTED)
    for key, programme in loaded.items():
        assert _counts(programme) == EXPECTED[key], key
        assert programme.status == ProgrammeStatus.PUBLISHED
        assert programme.owner_unit == tenant.root_unit
        assert programme.similarity_report["similar"] is False, key  # no seed is a near-copy of another
    # Each was checked against the seeds loaded before it, of its unit, subject and years.
    assert [programme.similarity_report["compared"] for programme in loaded.values()] == [0, 1, 2, 0, 1, 0]


def test_the_seed_text_is_the_real_vietnamese_content():
    tenant = TenantFactory()
    loaded = {item.key: item.programme for item in load_seed_programmes(tenant, acting_user=SYSTEM)}
    ninh_binh = loaded["ninh-binh-2023-can-bo-doan-trach-nhiem"]
    assert _titles(ninh_binh, "Tiêu chí rèn luyện") == ["Nghiêm túc", "Trung thực", "Tận tâm", "Tích cực", "Học hỏi"]
    assert ninh_binh.sectors == [Sector.CIVIL_SERVICE]
    an_giang = loaded["an-giang-2023-3-can-5-quyet-tam"]
    assert _titles(an_giang, "3 cần")[2] == "Cần sáng tạo trong công việc."
    assert len(_titles(an_giang, "5 quyết tâm")) == 5
    can_tho = loaded["can-tho-2023-can-bo-doan-trach-nhiem"]
    assert (can_tho.start_year, can_tho.end_year, can_tho.period_label) == (2023, 2027, "2023–2027")
    assert _titles(can_tho, "3 nội dung rèn luyện trọng tâm") == ["Trách nhiệm", "Gương mẫu", "Trung thực"]
    assert _titles(can_tho, "Phong trào “3 trách nhiệm”") == [
        "Trách nhiệm với Nhân dân", "Trách nhiệm với công việc", "Trách nhiệm với bản thân"]
    hours = Criterion.objects.get(group__programme=can_tho, activity_kinds=["volunteer_hours"])
    assert (hours.kind, hours.target, hours.measure, hours.period) == ("quantitative", Decimal("2"), "hours", "week")
    alcohol = Criterion.objects.get(group__programme=can_tho, title="Uống rượu, bia trong giờ làm việc")
    assert alcohol.kind == CriterionKind.PROHIBITION
    three = loaded["tay-nguyen-2022-chi-doan-3-co"]
    assert three.subject == ProgrammeSubject.UNITS and three.pilot_quota == 5
    assert AudienceTarget.objects.filter(criterion__group__programme=three, unit_level=UnitLevel.BRANCH).count() == 3
    binh_duong = loaded["binh-duong-2020-guong-mau-sang-tao"]
    assert len(_titles(binh_duong, "Những điều nên làm")) == 8
    assert set(Criterion.objects.filter(group__programme=binh_duong, group__title="Những điều không nên làm")
               .values_list("kind", flat=True)) == {CriterionKind.PROHIBITION}


def test_loading_twice_adds_nothing():
    tenant = TenantFactory()
    load_seed_programmes(tenant, acting_user=SYSTEM)
    before = (Programme.objects.count(), Criterion.objects.count(), AudienceTarget.objects.count())
    again = load_seed_programmes(tenant, acting_user=SYSTEM)
    assert not any(item.created for item in again)
    assert (Programme.objects.count(), Criterion.objects.count(), AudienceTarget.objects.count()) == before


def test_a_fixture_names_its_owner_unit_when_the_tenant_has_it_and_tenants_stay_apart(capsys):
    an_giang = TenantFactory(slug="ag")
    cho_moi = UnitFactory(parent=an_giang.root_unit, code="CM", name="Huyện Đoàn Chợ Mới")
    other = TenantFactory(slug="khac")
    call_command("load_seed_programmes", "--tenant", "ag")
    call_command("load_seed_programmes", "--tenant", "khac")
    assert "an-giang-2023-3-can-5-quyet-tam" in capsys.readouterr().out
    pilot = Programme.objects.get(tenant=an_giang, seed_key="an-giang-2023-3-can-5-quyet-tam")
    assert pilot.owner_unit == cho_moi
    assert Programme.objects.get(tenant=other, seed_key=pilot.seed_key).owner_unit == other.root_unit
    assert Programme.objects.filter(tenant=an_giang).count() == len(read_seed_programmes())


def test_the_command_refuses_an_unknown_tenant():
    with pytest.raises(CommandError):
        call_command("load_seed_programmes", "--tenant", "khong-co")
