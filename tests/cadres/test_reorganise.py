"""Reorganising the tree through the services: move, merge, split, archive; what each
refuses (with nothing written), its history, its audit rows, open forms following their
cadres, and a second manager working from a stale page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadres.models import AuditEvent, Position, PositionRole, Unit, UnitChange, UnitChangeKind
from cadres.services.reorganise import NewUnit, unit_archive, unit_merge, unit_move, unit_split
from evaluations.models import Registration
from portal.audit import trail_row
from tests.cadres import reorganise_world
from tests.cadres.factories import GrantFactory, TenantFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return reorganise_world.build()


def _unit(code: str) -> Unit:
    return Unit.objects.get(tenant__slug="hoa-binh", code=code)


def _written() -> tuple[int, int, int, int]:
    return (Unit.objects.count(), Position.objects.count(), UnitChange.objects.count(), AuditEvent.objects.count())


def _refused(message: str, call, *args, **kwargs) -> None:
    before = _written()
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    assert message in " ".join(error.value.messages)
    assert _written() == before


def test_move_puts_the_subtree_under_another_unit_and_keeps_its_history(w):
    manager = w["people"]["manager"]
    outcome = unit_move(unit=w["units"]["B3"], parent=w["units"]["X2"], acting_user=manager)
    assert outcome.lines == ["Chi đoàn Ấp 3 chuyển từ Đoàn xã An Bình sang Đoàn xã An Lạc, cùng các đơn vị trực "
                             "thuộc và cán bộ."]
    assert Unit.objects.get_parent(_unit("B3")).code == "X2"
    change = UnitChange.objects.get(unit=_unit("B3"), kind=UnitChangeKind.MOVED)
    assert (change.before["parent"], change.after["parent"], change.date) == ("X1", "X2", timezone.localdate())
    assert AuditEvent.objects.filter(action="unit.move", unit=_unit("B3"), actor=manager).exists()


def test_move_refuses_its_own_descendant_a_lower_level_and_outside_the_subtree(w):
    manager, units = w["people"]["manager"], w["units"]
    _refused("không thể chuyển vào chính nó hoặc đơn vị trực thuộc của nó", unit_move, unit=units["X1"],
             parent=units["B1"], acting_user=manager)
    _refused("Chi đoàn không thể trực thuộc Chi đoàn", unit_move, unit=units["B1"], parent=units["B4"],
             acting_user=manager)
    _refused("Bạn không quản lý Huyện Đoàn Phú Tân", unit_move, unit=units["X2"], parent=units["PT"],
             acting_user=manager)


def test_preview_writes_nothing_and_says_what_will_happen(w):
    before = _written()
    outcome = unit_merge(sources=[w["units"]["B1"], w["units"]["B2"]], new=NewUnit("B12", "Chi đoàn Ấp 1-2"),
                         acting_user=w["people"]["manager"], dry_run=True)
    assert _written() == before
    assert outcome.dry_run and outcome.cadres == 5
    assert "Tạo đơn vị mới Chi đoàn Ấp 1-2 (B12, Chi đoàn) trực thuộc Đoàn xã An Bình." in outcome.lines
    assert "Biểu mẫu đang mở sẽ theo cán bộ (người duyệt đổi theo): 5" in outcome.impact_lines()


def test_merge_two_chi_doan_into_a_new_one(w):
    manager = w["people"]["manager"]
    outcome = unit_merge(sources=[w["units"]["B1"], w["units"]["B2"]], new=NewUnit("B12", "Chi đoàn Ấp 1-2"),
                         acting_user=manager)
    merged = _unit("B12")
    assert outcome.cadres == 5 and Unit.objects.get_parent(merged).code == "X1"
    today = timezone.localdate()
    assert Position.objects.active(today).filter(unit=merged).count() == 5
    assert not Position.objects.active(today).filter(unit__code__in=["B1", "B2"]).exists()
    # Yesterday they were still in Ấp 1 and Ấp 2: the past keeps them there.
    assert Position.objects.active(today - datetime.timedelta(days=1)).filter(unit__code="B1").count() == 3
    assert _unit("B1").is_archived and _unit("B2").is_archived
    assert [u["code"] for u in UnitChange.objects.get(unit=merged, kind=UnitChangeKind.MERGED_FROM).related] == [
        "B1", "B2"]
    assert UnitChange.objects.get(unit=_unit("B1"), kind=UnitChangeKind.MERGED_INTO).related[0]["code"] == "B12"
    row = trail_row(AuditEvent.objects.get(action="unit.merge", unit=merged))
    # PostgreSQL's jsonb keeps its keys in its own order.
    assert (row.action, sorted(str(change) for change in row.changes)) == (
        "Hợp nhất đơn vị", ["Cán bộ: 5", "Thành: B12", "Đơn vị: B1, B2"])
    # Open forms follow their cadres: the 2026 drafts are now Ấp 1-2's, the 2025 ones stay.
    assert set(Registration.objects.filter(cycle=w["y2026"]).values_list("unit__code", flat=True)) == {"B12"}
    assert Registration.objects.filter(cycle=w["y2025"], unit__code="B1").count() == 3


def test_merge_one_into_another_moves_its_sub_units(w):
    unit_merge(sources=[w["units"]["X2"]], into=w["units"]["X1"], acting_user=w["people"]["manager"])
    assert Unit.objects.get_parent(_unit("B4")).code == "X1"
    assert _unit("X2").is_archived and not _unit("X1").is_archived
    assert Position.objects.active().filter(unit__code="X1").count() == 3


def test_merge_refuses_other_provinces_and_units_outside_ones_subtree(w):
    manager, units = w["people"]["manager"], w["units"]
    foreign = UnitFactory(parent=TenantFactory().root_unit, code="B1")
    _refused("Không thể tổ chức lại cùng lúc các đơn vị của những tỉnh khác nhau", unit_merge,
             sources=[units["B1"], foreign], new=NewUnit("C", "C"), acting_user=manager)
    outside = UnitFactory(parent=units["PT"], code="PX")
    _refused("Bạn không quản lý Huyện Đoàn Phú Tân", unit_merge, sources=[units["X1"], outside],
             new=NewUnit("C", "C"), acting_user=manager)


def test_split_places_every_chi_doan_and_cadre(w):
    units, cadres = w["units"], w["cadres"]
    plan = dict(unit=units["X1"], parts=[NewUnit("X1A", "Đoàn xã An Bình A"), NewUnit("X1B", "Đoàn xã An Bình B")],
                children={"B1": "X1A", "B2": "X1A", "B3": "X1B"},
                cadres={cadres["X1"][0].pk: "X1A", cadres["X1"][1].pk: "X1B"}, acting_user=w["people"]["manager"])
    unit_split(**plan)
    assert [u.code for u in Unit.objects.get_children(_unit("X1A")).order_by("path")] == ["B1", "B2"]
    assert Unit.objects.get_parent(_unit("B3")).code == "X1B"
    assert Position.objects.active().get(cadre=cadres["X1"][0]).unit.code == "X1A"
    assert Position.objects.active().get(cadre=cadres["X1"][0]).role == PositionRole.SECRETARY
    assert _unit("X1").is_archived and not _unit("B3").is_archived
    assert [u["code"] for u in UnitChange.objects.get(unit=_unit("X1"), kind=UnitChangeKind.SPLIT_INTO).related] == [
        "X1A", "X1B"]
    assert UnitChange.objects.get(unit=_unit("X1B"), kind=UnitChangeKind.SPLIT_FROM).related[0]["code"] == "X1"


def test_split_refuses_what_is_left_unassigned_or_unknown(w):
    units, cadres = w["units"], w["cadres"]
    parts = [NewUnit("X1A", "A"), NewUnit("X1B", "B")]
    everyone = {cadres["X1"][0].pk: "X1A", cadres["X1"][1].pk: "X1B"}
    manager = w["people"]["manager"]
    _refused("chưa xếp: Chi đoàn Ấp 3", unit_split, unit=units["X1"], parts=parts,
             children={"B1": "X1A", "B2": "X1A"}, cadres=everyone, acting_user=manager)
    _refused("chưa xếp: Trần Thị X1 Số 2", unit_split, unit=units["X1"], parts=parts,
             children={"B1": "X1A", "B2": "X1A", "B3": "X1B"}, cadres={cadres["X1"][0].pk: "X1A"},
             acting_user=manager)
    _refused("không có đơn vị trực thuộc mã B9", unit_split, unit=units["X1"], parts=parts,
             children={"B1": "X1A", "B2": "X1A", "B3": "X1B", "B9": "X1B"}, cadres=everyone, acting_user=manager)
    _refused("X1C không phải là một trong các đơn vị mới", unit_split, unit=units["X1"], parts=parts,
             children={"B1": "X1A", "B2": "X1C", "B3": "X1B"}, cadres=everyone, acting_user=manager)


def test_archive_with_open_forms_needs_somewhere_for_them(w):
    manager, units = w["people"]["manager"], w["units"]
    _refused("còn 3 biểu mẫu đang mở", unit_archive, unit=units["B1"], acting_user=manager)
    unit_archive(unit=units["B1"], transfer_to=units["B3"], acting_user=manager)
    assert _unit("B1").is_archived
    assert Position.objects.active().filter(unit=units["B3"]).count() == 5
    assert set(Registration.objects.filter(cycle=w["y2026"], cadre__in=w["cadres"]["B1"])
               .values_list("unit__code", flat=True)) == {"B3"}
    # Without open forms a unit is archived as it is.
    unit_archive(unit=units["B4"], acting_user=manager)
    assert _unit("B4").is_archived


def test_a_stale_page_is_refused_and_the_first_change_wins(w):
    manager, units = w["people"]["manager"], w["units"]
    seen = {units["B3"].pk: units["B3"].lock_version, units["X1"].pk: units["X1"].lock_version}
    other = GrantFactory(unit=units["HA"], tenant=w["tenant"]).user
    unit_move(unit=units["B3"], parent=units["X2"], acting_user=other, expected=seen)
    b3 = _unit("B3")
    _refused("Đơn vị đã được người khác thay đổi, vui lòng tải lại trang", unit_archive, unit=b3,
             acting_user=manager, expected=seen, transfer_to=units["B4"])
    assert not _unit("B3").is_archived
