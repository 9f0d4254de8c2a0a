"""Each province loads its own seed programmes (domain §4), with the seeds' real content, exactly once;
owners are the tenant's own units or the load is refused; publishing runs the similarity check."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cadres.actors import SYSTEM
from cadres.models import PositionRole, Sector, UnitLevel
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
from models_registry.selectors import applicable_criteria
from models_registry.services import registry_settings_for
from tests.cadres.factories import CadreFactory, TenantFactory, UnitFactory

pytestmark = pytest.mark.django_db

# key → (groups, criteria) as counted in the source documents.
# seed number → its programme keys.
SEEDS = {
    "000": ["ninh-binh-2023-can-bo-doan-trach-nhiem"],
    "001": ["an-giang-2023-3-can-5-quyet-tam"],
    "002": ["can-tho-2023-can-bo-doan-trach-nhiem"],
    "003": ["tay-nguyen-2022-chi-doan-3-co", "tay-nguyen-2022-2-giao-1-lien-ket"],
    "004": ["binh-duong-2020-guong-mau-sang-tao"],
}
EXPECTED = {
    "ninh-binh-2023-can-bo-doan-trach-nhiem": (2, 10),  # nghiêm túc, trung thực, tận tâm, tích cực, học hỏi; 5 days
    "an-giang-2023-3-can-5-quyet-tam": (2, 8),  # 3 cần + 5 quyết tâm
    # 3 trọng tâm, 3 trách nhiệm, 3 giải pháp chung, 5 nên, 3 không nên, 4 định lượng
    "can-tho-2023-can-bo-doan-trach-nhiem": (6, 21),
    "tay-nguyen-2022-chi-doan-3-co": (1, 3),  # có cán bộ, có sinh hoạt, có công trình phần việc
    "tay-nguyen-2022-2-giao-1-lien-ket": (2, 2),
    # 8 nên làm, 3 trách nhiệm, 8 không nên làm, chế độ đi cơ sở
    "binh-duong-2020-guong-mau-sang-tao": (4, 20),
}


def _counts(programme):
    return (CriteriaGroup.objects.filter(programme=programme).count(),
            Criterion.objects.filter(group__programme=programme).count())


def _titles(programme, group_title):
    return list(Criterion.objects.filter(group__programme=programme, group__title=group_title)
                .order_by("position").values_list("title", flat=True))


def _load(tenant, *seeds, **kwargs):
    return {item.key: item.programme for item in load_seed_programmes(tenant, seeds=list(seeds), acting_user=SYSTEM,
                                                                       **kwargs)}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_a_tenant_loads_only_the_seed_it_names_published_with_the_seed_counts(seed):
    tenant = TenantFactory()
    UnitFactory(parent=tenant.root_unit, code="CM", name="Huyện Đoàn Chợ Mới")
    loaded = _load(tenant, seed)
    assert list(loaded) == SEEDS[seed]
    assert Programme.objects.filter(tenant=tenant).count() == len(SEEDS[seed])
    for key, programme in loaded.items():
        assert _counts(programme) == EXPECTED[key], key
        assert programme.status == ProgrammeStatus.PUBLISHED
        assert programme.similarity_report["similar"] is False, key


def test_several_seeds_load_together_each_checked_against_those_before_it():
    tenant = TenantFactory()
    loaded = _load(tenant, "000", "002")
    assert set(loaded) == {*SEEDS["000"], *SEEDS["002"]}
    assert all(programme.owner_unit == tenant.root_unit for programme in loaded.values())
    # Same unit, subject and years overlapping: Cần Thơ's was compared with Ninh Bình's.
    assert [programme.similarity_report["compared"] for programme in loaded.values()] == [0, 1]


def test_an_owner_the_tenant_does_not_have_refuses_the_load_in_vietnamese_and_writes_nothing():
    tenant = TenantFactory(name="Tỉnh Đoàn An Giang")
    with pytest.raises(ValidationError) as refused:
        _load(tenant, "000", "001")
    assert refused.value.messages == [
        "Seed 001 (“3 cần, 5 quyết tâm”) thuộc đơn vị mã CM, Tỉnh Đoàn An Giang chưa có đơn vị này: "
        "hãy tạo đơn vị đó hoặc chỉ định đơn vị khác bằng --owner 001=MÃ."]
    assert not Programme.objects.filter(tenant=tenant).exists()  # not even seed 000, and no root fallback


def test_the_caller_may_name_another_owner_of_the_tenant():
    tenant = TenantFactory()
    cho_moi = UnitFactory(parent=tenant.root_unit, code="HD-CM")
    assert _load(tenant, "001", owners={"001": "HD-CM"})[SEEDS["001"][0]].owner_unit == cho_moi
    other = TenantFactory()
    UnitFactory(parent=other.root_unit, code="X1")
    with pytest.raises(ValidationError):
        _load(other, "001", owners={"001": cho_moi.code})  # another province's unit is not one of its own


def test_a_province_that_blocks_near_copies_refuses_a_seed_too_close_to_its_own_programme():
    tenant = TenantFactory()
    _load(tenant, "001", owners={"001": tenant.root_unit.code})
    Programme.objects.filter(tenant=tenant).update(seed_key="")  # as if the province had written it itself
    settings = registry_settings_for(tenant)
    settings.block_similar = True
    settings.save()
    with pytest.raises(ValidationError) as refused:
        _load(tenant, "001", owners={"001": tenant.root_unit.code})
    assert refused.value.code == "too_similar"
    assert Programme.objects.filter(tenant=tenant).count() == 1


def test_the_seed_text_is_the_real_vietnamese_content():
    tenant = TenantFactory()
    UnitFactory(parent=tenant.root_unit, code="CM")
    loaded = _load(tenant, *SEEDS)
    ninh_binh = loaded["ninh-binh-2023-can-bo-doan-trach-nhiem"]
    assert _titles(ninh_binh, "Tiêu chí rèn luyện") == ["Nghiêm túc", "Trung thực", "Tận tâm", "Tích cực", "Học hỏi"]
    assert ninh_binh.sectors == [Sector.CIVIL_SERVICE]
    an_giang = loaded["an-giang-2023-3-can-5-quyet-tam"]
    assert _titles(an_giang, "3 cần")[2] == "Cần sáng tạo trong công việc."
    assert len(_titles(an_giang, "5 quyết tâm")) == 5
    can_tho = loaded["can-tho-2023-can-bo-doan-trach-nhiem"]
    assert (can_tho.start_year, can_tho.end_year, can_tho.period_label) == (2023, 2027, "2023–2027")
    assert _titles(can_tho, "03 nội dung rèn luyện trọng tâm") == ["Trách nhiệm", "Gương mẫu", "Trung thực"]
    assert _titles(can_tho, "Phong trào “3 trách nhiệm”") == [
        "Trách nhiệm với Nhân dân", "Trách nhiệm với công việc", "Trách nhiệm với bản thân"]
    hours = Criterion.objects.get(group__programme=can_tho, activity_kinds=["volunteer_hours"])
    assert (hours.kind, hours.target, hours.measure, hours.period) == ("quantitative", Decimal("2"), "hours", "week")
    alcohol = Criterion.objects.get(group__programme=can_tho, title="Uống rượu, bia trong giờ làm việc")
    assert (alcohol.kind, alcohol.guidance) == (CriterionKind.PROHIBITION, "")
    wedding = Criterion.objects.get(group__programme=can_tho, title__startswith="Thực hiện việc cưới, việc tang")
    assert wedding.kind == CriterionKind.YES_NO  # its own commitment, not the alcohol rule's guidance
    assert len(_titles(can_tho, "Giải pháp thực hiện chung")) == 3  # §IV.2.1
    groups = {group.title: group.title_is_default for group in CriteriaGroup.objects.filter(programme=can_tho)}
    assert groups["Chỉ tiêu định lượng"] is True and groups["Những điều nên làm"] is False
    assert not Criterion.objects.filter(group__programme=can_tho, title__startswith="Đề cao tính chủ động").exists()
    days = Criterion.objects.filter(group__programme=ninh_binh, group__title__startswith="Các hoạt động tình nguyện")
    assert [(c.title, c.kind, c.activity_kinds) for c in days[:1]] == [
        ("Ngày Chủ nhật xanh", CriterionKind.YES_NO, ["volunteer_activity"])]
    assert days.count() == 5 and all(c.target_is_default for c in days)
    three = loaded["tay-nguyen-2022-chi-doan-3-co"]
    assert three.subject == ProgrammeSubject.UNITS and three.pilot_quota == 5
    assert AudienceTarget.objects.filter(criterion__group__programme=three, unit_level=UnitLevel.BRANCH).count() == 3
    # The seed states no frequency: the monthly meeting and the yearly project are defaults.
    assert [c.target_is_default for c in Criterion.objects.filter(group__programme=three).order_by("position")] == [
        False, True, True]
    binh_duong = loaded["binh-duong-2020-guong-mau-sang-tao"]
    assert len(_titles(binh_duong, "Những điều nên làm")) == 8
    assert _titles(binh_duong, "Ba trách nhiệm") == [
        "Trách nhiệm với bản thân", "Trách nhiệm với công việc", "Trách nhiệm với đoàn viên, thanh thiếu nhi"]
    assert set(Criterion.objects.filter(group__programme=binh_duong, group__title="Những điều không nên làm")
               .values_list("kind", flat=True)) == {CriterionKind.PROHIBITION}


def test_loading_twice_adds_nothing():
    tenant = TenantFactory()
    _load(tenant, "002", "003")
    before = (Programme.objects.count(), Criterion.objects.count(), AudienceTarget.objects.count())
    again = load_seed_programmes(tenant, seeds=["002", "003"], acting_user=SYSTEM)
    assert not any(item.created for item in again)
    assert (Programme.objects.count(), Criterion.objects.count(), AudienceTarget.objects.count()) == before


def test_the_command_loads_the_named_seeds_into_the_named_tenant_only(capsys):
    an_giang = TenantFactory(slug="ag")
    cho_moi = UnitFactory(parent=an_giang.root_unit, code="CM", name="Huyện Đoàn Chợ Mới")
    other = TenantFactory(slug="khac")
    call_command("load_seed_programmes", "--tenant", "ag", "--seed", "001")
    assert "an-giang-2023-3-can-5-quyet-tam" in capsys.readouterr().out
    assert list(Programme.objects.filter(tenant=an_giang).values_list("owner_unit", flat=True)) == [cho_moi.pk]
    assert not Programme.objects.filter(tenant=other).exists()
    call_command("load_seed_programmes", "--tenant", "khac", "--seed", "000", "--seed", "004")
    assert Programme.objects.filter(tenant=other).count() == 2
    assert len(read_seed_programmes()) == sum(len(keys) for keys in SEEDS.values())


def test_the_command_refuses_an_unknown_tenant_a_missing_owner_and_a_seed_it_lacks():
    TenantFactory(slug="ag", name="Tỉnh Đoàn An Giang")
    with pytest.raises(CommandError):
        call_command("load_seed_programmes", "--tenant", "khong-co", "--seed", "001")
    with pytest.raises(CommandError, match="chưa có đơn vị này"):
        call_command("load_seed_programmes", "--tenant", "ag", "--seed", "001")
    with pytest.raises(CommandError):
        call_command("load_seed_programmes", "--tenant", "ag", "--seed", "009")
    with pytest.raises(CommandError, match="SEED=CODE"):
        call_command("load_seed_programmes", "--tenant", "ag", "--seed", "001", "--owner", "CM")


def test_the_grassroots_visit_regime_is_a_quantitative_target_by_level_marked_as_the_provinces_default():
    tenant = TenantFactory()
    district = UnitFactory(parent=tenant.root_unit, level=UnitLevel.DISTRICT)
    grassroots = UnitFactory(parent=district, level=UnitLevel.GRASSROOTS)
    programme = _load(tenant, "004")["binh-duong-2020-guong-mau-sang-tao"]
    visits = Criterion.objects.get(group__programme=programme, title="Đảm bảo chế độ đi cơ sở")
    assert (visits.kind, visits.measure, visits.period, visits.activity_kinds, visits.target_is_default) == (
        CriterionKind.QUANTITATIVE, "visits", "month", ["grassroots_visit"], True)

    def target(unit):
        person = CadreFactory(unit=unit, role=PositionRole.SECRETARY)
        return {item.criterion.pk: item.target for item in applicable_criteria(programme, person)}[visits.pk]

    assert (target(district), target(grassroots)) == (Decimal("4"), Decimal("2"))
