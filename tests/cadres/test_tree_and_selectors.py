import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from cadres import selectors
from cadres.actors import SYSTEM
from cadres.models import GrantRole, Position, PositionRole, Unit, UnitLevel
from cadres.services.reorganise import unit_archive
from cadres.services.units import unit_update
from tests.cadres.factories import CadreFactory, GrantFactory, UnitFactory, UserFactory, province_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return province_pair()


def test_subtree_is_one_prefix_query(tree):
    with CaptureQueriesContext(connection) as queries:
        codes = sorted(selectors.subtree(tree["d1"]).values_list("code", flat=True))
    assert codes == ["B1", "D1", "G1"]
    assert len(queries) == 1
    assert "LIKE" in queries[0]["sql"].upper()


def test_any_level_under_any_higher_level(tree):
    xa = UnitFactory(parent=tree["root"], code="XA", level=UnitLevel.GRASSROOTS)
    assert Unit.objects.get_parent(xa) == tree["root"]
    with pytest.raises(ValidationError):
        UnitFactory(parent=tree["b1"], code="BAD", level=UnitLevel.GRASSROOTS)


def test_codes_unique_per_tenant_only(tree):
    assert tree["foreign"].code == tree["d1"].code
    with pytest.raises(ValidationError):
        UnitFactory(parent=tree["root"], code="D1")


def test_units_are_archived_never_deleted(tree):
    with pytest.raises(ValidationError):
        tree["g1"].delete()
    unit_archive(unit=tree["g1"], acting_user=SYSTEM)
    assert Unit.objects.filter(code__in=["G1", "B1"], tenant=tree["root"].tenant, archived_at__isnull=False).count() == 2


def test_move_refuses_a_cycle_and_keeps_the_subtree(tree):
    with pytest.raises(ValidationError):
        unit_update(unit=tree["d1"], name="x", level=UnitLevel.DISTRICT, parent=tree["b1"], acting_user=SYSTEM)
    unit_update(unit=tree["g1"], name=tree["g1"].name, level=UnitLevel.GRASSROOTS, parent=tree["d2"], acting_user=SYSTEM)
    assert sorted(selectors.subtree(Unit.objects.get(pk=tree["d2"].pk)).values_list("code", flat=True)) == [
        "B1", "D2", "G1", "G2"
    ]


def test_scoped_models_refuse_queries_outside_a_scope(tree):
    with scope():
        with pytest.raises(ScopeError):
            list(Unit.objects.all())
    with scope(tenant=[tree["root"].tenant_id]):
        assert not Unit.objects.filter(pk=tree["foreign"].pk).exists()


@pytest.mark.parametrize(
    "role, visible",
    [
        (PositionRole.SECRETARY, ["B1", "G1"]),
        (PositionRole.STANDING_MEMBER, ["B1", "G1"]),
        (PositionRole.EXECUTIVE_MEMBER, ["G1"]),
    ],
)
def test_positions_decide_visible_units(tree, role, visible):
    cadre = CadreFactory(unit=tree["g1"], role=role)
    assert sorted(selectors.units_visible_to(cadre.user).values_list("code", flat=True)) == visible


def test_provincial_staff_sees_the_whole_tenant_and_nothing_else(tree):
    user = UserFactory()
    GrantFactory(user=user, unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF)
    codes = set(selectors.units_visible_to(user).values_list("tenant__slug", "code"))
    assert ("a", "D2") in codes and ("b", "D1") not in codes


def test_platform_admin_sees_no_tenant_data(tree):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert not selectors.units_visible_to(admin).exists()
    assert not selectors.cadres_visible_to(admin).exists()


def test_cadres_visible_to_a_secretary_and_a_plain_member(tree):
    secretary = CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY)
    member = CadreFactory(unit=tree["b1"])
    sibling = CadreFactory(unit=tree["g2"])
    assert set(selectors.cadres_visible_to(secretary.user)) == {secretary, member}
    assert set(selectors.cadres_visible_to(member.user)) == {member}
    assert sibling not in selectors.cadres_visible_to(secretary.user)


def test_ended_position_gives_no_access(tree):
    secretary = CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY)
    Position.objects.filter(cadre=secretary).update(end_date="2021-12-31")
    assert list(selectors.units_visible_to(secretary.user)) == []


def test_children_with_counts(tree):
    CadreFactory(unit=tree["b1"])
    CadreFactory(unit=tree["g1"])
    CadreFactory(unit=tree["g2"])
    with CaptureQueriesContext(connection) as queries:
        children = {u.code: u for u in selectors.children_with_counts(tree["root"])}
    assert (children["D1"].unit_count, children["D1"].cadre_count) == (2, 2)
    assert (children["D2"].unit_count, children["D2"].cadre_count) == (1, 1)
    assert len(queries) == 3


def test_cadres_sorted_by_given_name_and_searched_without_diacritics(tree):
    for name in ["Nguyễn Văn Bình", "Trần Thị Ánh", "Lê Văn An", "Phạm Đức"]:
        CadreFactory(unit=tree["b1"], full_name=name)
    names = [c.full_name for c in selectors.cadres_in_subtree(tree["d1"])]
    assert names == ["Lê Văn An", "Trần Thị Ánh", "Nguyễn Văn Bình", "Phạm Đức"]
    assert [c.full_name for c in selectors.cadres_in_subtree(tree["d1"], "nguyen van binh")] == ["Nguyễn Văn Bình"]
    assert [c.full_name for c in selectors.cadres_in_subtree(tree["d1"], "duc")] == ["Phạm Đức"]


def test_sub_units_follow_vietnamese_order(tree):
    for code, name in [("X1", "Đoàn trường THPT Ấp Bắc"), ("X2", "Đoàn cơ sở Điện lực"), ("X3", "Đoàn xã An Bình")]:
        UnitFactory(parent=tree["d2"], code=code, name=name)
    names = [u.name for u in selectors.children_with_counts(tree["d2"])]
    assert names == ["Đoàn cơ sở Điện lực", "Đoàn trường THPT Ấp Bắc", "Đoàn xã An Bình", "Đoàn xã Khác"]
