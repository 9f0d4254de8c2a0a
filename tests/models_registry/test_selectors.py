"""Who reaches which programme: foreign tenants and sibling huyện are invisible (404); only
managers of the owner unit or above edit; drafts stay with their editors."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django_scopes import scope

from cadres.actors import SYSTEM
from cadres.models import GrantRole, PositionRole, Sector
from models_registry import services
from models_registry.selectors import (
    applicable_criteria,
    can_edit_programme,
    get_editable_programme_for_user,
    get_programme_for_user,
    open_draft_of,
    pilot_progress,
    programme_coverage,
    programme_participants,
    programmes_editable_by,
    programmes_visible_to,
)
from tests.cadres.factories import CadreFactory, GrantFactory, UnitFactory, UserFactory, province_pair
from tests.models_registry.factories import OWN_GROUPS, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    tree = province_pair()
    made = dict(
        root=ProgrammeFactory(owner_unit=tree["root"], groups=OWN_GROUPS, publish=True),
        d1=ProgrammeFactory(owner_unit=tree["d1"], groups=OWN_GROUPS, publish=True),
        d1_draft=ProgrammeFactory(owner_unit=tree["d1"]),
        g1=ProgrammeFactory(owner_unit=tree["g1"], groups=OWN_GROUPS, publish=True),
        d2=ProgrammeFactory(owner_unit=tree["d2"], groups=OWN_GROUPS, publish=True),
        root_draft=ProgrammeFactory(owner_unit=tree["root"]),
        foreign=ProgrammeFactory(owner_unit=tree["foreign"], groups=OWN_GROUPS, publish=True),
    )
    people = dict(
        manager=CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY).user,
        member=CadreFactory(unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER).user,
        sibling_manager=CadreFactory(unit=tree["d2"], role=PositionRole.SECRETARY).user,
        provincial=GrantFactory(unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF).user,
        foreign_provincial=GrantFactory(unit=tree["other"], role=GrantRole.PROVINCIAL_STAFF).user,
        outsider=UserFactory(),
    )
    return dict(tree=tree, programmes=made, people=people)


def names(queryset, programmes):
    keys = {programme.pk: key for key, programme in programmes.items()}
    return {keys[pk] for pk in queryset.values_list("pk", flat=True)}


VISIBLE = {
    "manager": {"root", "d1", "d1_draft", "g1"},
    "member": {"root", "d1", "g1"},  # the published programmes above and of their own chain
    "sibling_manager": {"root", "d2"},
    "provincial": {"root", "root_draft", "d1", "d1_draft", "g1", "d2"},
    "foreign_provincial": {"foreign"},
    "outsider": set(),
}
EDITABLE = {
    "manager": {"d1", "d1_draft", "g1"},
    "member": set(),
    "sibling_manager": {"d2"},
    "provincial": {"root", "root_draft", "d1", "d1_draft", "g1", "d2"},
    "foreign_provincial": {"foreign"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_visible_and_editable_programmes(world, persona):
    user, programmes = world["people"][persona], world["programmes"]
    assert names(programmes_visible_to(user), programmes) == VISIBLE[persona]
    assert names(programmes_editable_by(user), programmes) == EDITABLE[persona]
    for key, programme in programmes.items():
        if key in VISIBLE[persona]:
            assert get_programme_for_user(user, programme.pk) == programme
        else:
            with pytest.raises(Http404):
                get_programme_for_user(user, programme.pk)
        if key in EDITABLE[persona]:
            assert get_editable_programme_for_user(user, programme.pk) == programme
            assert can_edit_programme(user, programme)
        else:
            with pytest.raises(Http404):
                get_editable_programme_for_user(user, programme.pk)
    with pytest.raises(Http404):
        get_programme_for_user(user, 987654)


def test_a_programme_above_reaches_only_the_sectors_it_covers(world):
    tree = world["tree"]
    school = UnitFactory(parent=tree["d2"], code="T1", name="Đoàn trường THPT", sector=Sector.SCHOOL)
    teacher = CadreFactory(unit=school, role=PositionRole.SECRETARY).user
    for_ccvc = ProgrammeFactory(owner_unit=tree["root"], sectors=[Sector.CIVIL_SERVICE], groups=OWN_GROUPS,
                                publish=True)
    for_schools = ProgrammeFactory(owner_unit=tree["root"], sectors=[Sector.SCHOOL], groups=[
        dict(title="Trường học", criteria=[dict(title="Dạy tốt, học tốt", kind="qualitative")])], publish=True)
    visible = set(programmes_visible_to(teacher).values_list("pk", flat=True))
    assert for_schools.pk in visible and for_ccvc.pk not in visible
    assert world["programmes"]["root"].pk in visible  # no khối: every khối
    assert world["programmes"]["d2"].pk in visible  # the huyện above, published


def test_open_draft_and_participants(world):
    published = world["programmes"]["d1"]
    assert open_draft_of(published) is None
    draft = services.programme_new_version(programme=published, acting_user=SYSTEM)
    assert open_draft_of(published) == draft
    assert list(programme_participants(draft)) == []


def test_programme_coverage_counts_units_with_a_published_programme_of_their_own(world):
    tree = world["tree"]
    tenant = tree["root"].tenant
    coverage = programme_coverage(tenant, 2026)
    covered = {row.unit.code for row in coverage.rows if row.covered}
    assert covered == {tree["root"].code, "D1", "G1", "D2"}  # drafts and other tenants do not count
    assert (coverage.total, coverage.covered, coverage.percent) == (6, 4, 66.7)
    assert programme_coverage(tenant, 2025).covered == 0
    assert programme_coverage(tenant, 2026, root=tree["d1"]).covered == 2
    assert programme_coverage(tenant, 2026, max_depth=2).total == 3
    services.programme_archive(programme=world["programmes"]["g1"], acting_user=SYSTEM)
    assert programme_coverage(tenant, 2026, root=tree["d1"]).covered == 1


def test_pilot_progress_counts_participants_per_huyen(world):
    tree = world["tree"]
    pilot = ProgrammeFactory(owner_unit=tree["root"], subject="units", pilot_quota=2, groups=[
        dict(title="3 có", criteria=[dict(title="Chi đoàn có cán bộ Đoàn", kind="yes_no")])])
    second_branch = UnitFactory(parent=tree["g1"], code="B2")
    for lock, unit in enumerate([tree["b1"], second_branch, tree["g2"]]):
        services.participant_add(programme=pilot, expected_version=lock, unit=unit, acting_user=SYSTEM)
    rows = {row.district.code: (row.participants, row.meets_quota) for row in pilot_progress(pilot)}
    assert rows == {"D1": (2, True), "D2": (1, False)}


def test_a_draft_others_inherit_from_cannot_be_deleted(world):
    draft = world["programmes"]["d1_draft"]
    ProgrammeFactory(owner_unit=world["tree"]["g1"], parent=draft)
    with pytest.raises(ValidationError) as caught:
        services.programme_delete_draft(programme=draft, expected_version=0, acting_user=SYSTEM)
    assert caught.value.messages == ["Có mô hình khác đang kế thừa bản nháp này nên không thể xóa."]


def test_reads_and_writes_work_inside_a_request_like_tenant_scope(world):
    """Requests run inside scope(tenant=[...]); nothing here may need scopes disabled."""
    tree, manager = world["tree"], world["people"]["manager"]
    with scope(tenant=[tree["root"].tenant_id]):
        programme = get_editable_programme_for_user(manager, world["programmes"]["d1_draft"].pk)
        group = services.group_create(programme=programme, expected_version=0, title="Chỉ tiêu", acting_user=SYSTEM)
        services.criterion_create(group=group, expected_version=1, title="Đi cơ sở mỗi tháng", kind="quantitative",
                                  target=2, measure="visits", period="month", activity_kinds=["grassroots_visit"],
                                      acting_user=SYSTEM)
        result = services.programme_publish(programme=programme, expected_version=2, acting_user=SYSTEM)
        assert result.closest.other == world["programmes"]["d1"]
        assert names(programmes_visible_to(manager), world["programmes"]) == VISIBLE["manager"]
        assert applicable_criteria(programme, world["people"]["member"].cadre)[0].target == 2
        assert programme_coverage(tree["root"].tenant, 2026).covered == 4
