"""Editing programmes: bad input is refused in Vietnamese with nothing written; versions and
inheritance behave; two tabs cannot overwrite each other."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cadres.actors import SYSTEM
from cadres.models import AuditEvent, Sector
from models_registry import services
from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    Programme,
    ProgrammeParticipant,
    ProgrammeStatus,
    ProgrammeSubject,
)
from models_registry.selectors import programme_versions
from tests.cadres.factories import UnitFactory, province_pair
from tests.models_registry.factories import HUYEN_GROUPS, OWN_GROUPS, ProgrammeFactory, quantitative

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return province_pair()


def refused(call, **kwargs) -> str:
    """Run a service that must refuse (as the system, unless told); return its Vietnamese message(s)."""
    with pytest.raises(ValidationError) as caught:
        call(**{"acting_user": SYSTEM, **kwargs})
    return " ".join(caught.value.messages)


def snapshot():
    return (Programme.objects.count(), CriteriaGroup.objects.count(), Criterion.objects.count(),
            AudienceTarget.objects.count(), AuditEvent.objects.count(),
            list(Programme.objects.order_by("pk").values_list("lock_version", "name", "status")))


def draft_with_group(unit):
    programme = ProgrammeFactory(owner_unit=unit, groups=[dict(title="Chỉ tiêu", criteria=[
        quantitative("Giờ tình nguyện mỗi tuần", 2, measure="hours", period="week", kinds=["volunteer_hours"])])])
    return programme, programme.groups.get(), Criterion.objects.get(group__programme=programme)


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="   "), "Không được để trống."),
    (dict(start_year=2027, end_year=2023), "Năm kết thúc không được trước năm bắt đầu."),
    (dict(start_year=2023, end_year=2030), "Mô hình áp dụng cho một năm hoặc một nhiệm kỳ tối đa 5 năm."),
    (dict(start_year="năm nay"), "Nhập năm, ví dụ 2025."),
    (dict(start_year=1975, end_year=1975), "Năm phải nằm trong khoảng 2000 đến 2100."),
    (dict(sectors=["space"]), "Khối không hợp lệ."),
    (dict(pilot_quota=5), "Chỉ mô hình dành cho đơn vị mới có đơn vị tham gia."),
])
def test_bad_programme_fields_are_refused(tree, kwargs, message):
    before = snapshot()
    fields = dict(owner_unit=tree["d1"], name="Cán bộ Đoàn trách nhiệm", start_year=2026, end_year=2026) | kwargs
    assert message in refused(services.programme_create, **fields)
    assert snapshot() == before


@pytest.mark.parametrize("fields, message", [
    (dict(title=""), "Không được để trống."),
    (dict(target=-2), "Chỉ tiêu phải lớn hơn 0."),
    (dict(target=0), "Chỉ tiêu phải lớn hơn 0."),
    (dict(target=200), "200 giờ mỗi tuần là không thực tế: tối đa 40."),
    (dict(target="nhiều"), "Nhập một số, ví dụ 2 hoặc 2,5."),
    (dict(target="NaN"), "Nhập một số, ví dụ 2 hoặc 2,5."),
    (dict(target=None), "Tiêu chí định lượng cần có chỉ tiêu (con số)."),
    (dict(measure=""), "Chọn đơn vị tính."),
    (dict(period=""), "Chọn kỳ tính: tuần, tháng, quý hoặc năm."),
    (dict(activity_kinds=[]), "Chọn loại hoạt động được tính vào chỉ tiêu."),
    (dict(activity_kinds=["party"]), "Loại hoạt động không hợp lệ."),
    (dict(measure="activities", period="month", target="2.5"), "Số hoạt động phải là số nguyên."),
    (dict(measure="activities", period="month", target=100), "100 hoạt động mỗi tháng là không thực tế: tối đa 60."),
    (dict(kind="qualitative"), "Chỉ tiêu chí định lượng mới có chỉ tiêu (con số)."),  # a target on a commitment
    (dict(kind="prohibition", target=None, measure=""), "Cam kết định tính hoặc điều không nên làm không tính theo kỳ."),
    (dict(kind="maybe"), "Chọn loại tiêu chí."),
])
def test_bad_criteria_are_refused_and_nothing_is_written(tree, fields, message):
    programme, group, _criterion = draft_with_group(tree["d1"])
    before = snapshot()
    data = dict(title="Giờ tình nguyện", kind="quantitative", target=2, measure="hours", period="week",
                activity_kinds=["volunteer_hours"]) | fields
    assert message in refused(services.criterion_create, group=group, expected_version=programme.lock_version,
                              **data)
    assert snapshot() == before


def test_a_sane_fractional_target_in_hours_is_accepted(tree):
    programme, group, _criterion = draft_with_group(tree["d1"])
    criterion = services.criterion_create(group=group, expected_version=programme.lock_version,
                                          title="Giờ đọc sách", kind="quantitative", target="1,5", measure="hours",
                                          period="week", activity_kinds=["volunteer_hours"], acting_user=SYSTEM)
    assert criterion.target == Decimal("1.5") and criterion.position == 2
    assert group.programme.lock_version == programme.lock_version == 1


@pytest.mark.parametrize("fields, message", [
    (dict(target=200), "200 giờ mỗi tuần là không thực tế: tối đa 40."),
    (dict(target=-1), "Chỉ tiêu phải lớn hơn 0."),
    (dict(applies=False, target=3), "Tiêu chí không áp dụng cho đối tượng này thì không có chỉ tiêu."),
    (dict(role="king"), "Chức vụ không hợp lệ."),
    (dict(full_time="maybe"), "Chọn có, không hoặc bất kỳ."),
])
def test_bad_audience_targets_are_refused(tree, fields, message):
    programme, _group, criterion = draft_with_group(tree["d1"])
    before = snapshot()
    assert message in refused(services.audience_target_set, criterion=criterion,
                              expected_version=programme.lock_version, **fields)
    assert snapshot() == before


def test_an_audience_target_is_set_then_replaced(tree):
    programme, _group, criterion = draft_with_group(tree["d1"])
    services.audience_target_set(criterion=criterion, expected_version=0, unit_level="district", target=3, acting_user=SYSTEM)
    row = services.audience_target_set(criterion=criterion, expected_version=1, unit_level="district", target=4,
        acting_user=SYSTEM)
    assert list(criterion.audience_targets.values_list("target", flat=True)) == [Decimal("4")]
    assert criterion.group.programme.lock_version == 2
    services.audience_target_delete(audience_target=row, expected_version=2, acting_user=SYSTEM)
    assert not criterion.audience_targets.exists()


def test_a_unit_programme_targets_levels_not_roles(tree):
    programme = ProgrammeFactory(owner_unit=tree["d1"], subject=ProgrammeSubject.UNITS, groups=[
        dict(title="3 có", criteria=[dict(title="Chi đoàn có cán bộ Đoàn", kind="yes_no")])])
    criterion = Criterion.objects.get(group__programme=programme)
    assert "chỉ đặt chỉ tiêu theo cấp đơn vị" in refused(
        services.audience_target_set, criterion=criterion, expected_version=0, role="secretary")


def test_a_criterion_with_audience_targets_cannot_turn_qualitative(tree):
    programme, _group, criterion = draft_with_group(tree["d1"])
    services.audience_target_set(criterion=criterion, expected_version=0, unit_level="district", target=3, acting_user=SYSTEM)
    assert "Hãy xóa các chỉ tiêu theo đối tượng" in refused(
        services.criterion_update, criterion=criterion, expected_version=1, title="Giờ", kind="qualitative")
    # Changing the period re-checks every audience's target: 3 hours a week is fine, 30 a week is not.
    services.criterion_update(criterion=criterion, expected_version=1, title="Giờ", kind="quantitative",
                              target=8, measure="hours", period="month", activity_kinds=["volunteer_hours"], acting_user=SYSTEM)


# --- Parents ------------------------------------------------------------------------------


def test_a_cycle_of_parents_is_refused(tree):
    first = ProgrammeFactory(owner_unit=tree["d1"])
    second = ProgrammeFactory(owner_unit=tree["d1"], parent=first)
    third = ProgrammeFactory(owner_unit=tree["g1"], parent=second)
    before = snapshot()
    for parent in (second, first):
        message = refused(services.programme_update, programme=first, expected_version=first.lock_version,
                          name=first.name, start_year=2026, end_year=2026, parent=parent)
        assert "Mô hình không thể kế thừa chính nó hoặc một mô hình đang kế thừa nó." in message
    assert "Mô hình chỉ kế thừa mô hình của chính đơn vị hoặc của đơn vị cấp trên." in refused(
        services.programme_update, programme=first, expected_version=0, name=first.name, start_year=2026,
        end_year=2026, parent=third)
    assert snapshot() == before


def test_a_parent_of_another_tenant_or_a_sibling_unit_is_refused(tree):
    foreign = ProgrammeFactory(owner_unit=tree["foreign"])
    sibling = ProgrammeFactory(owner_unit=tree["d2"])
    units = ProgrammeFactory(owner_unit=tree["root"], subject=ProgrammeSubject.UNITS)
    for parent, message in [(foreign, "Mục này thuộc tỉnh/thành đoàn khác."),
                            (sibling, "chính đơn vị hoặc của đơn vị cấp trên"),
                            (units, "cùng đối tượng áp dụng")]:
        assert message in refused(services.programme_create, owner_unit=tree["g1"], name="Mô hình xã",
                                  start_year=2026, parent=parent)
    assert not Programme.objects.filter(owner_unit=tree["g1"]).exists()


def test_a_child_copies_its_parents_content_marked_inherited(tree):
    parent = ProgrammeFactory(owner_unit=tree["d1"], groups=HUYEN_GROUPS, publish=True)
    hours = Criterion.objects.get(group__programme=parent, title="Giờ tình nguyện mỗi tuần")
    child = services.programme_create(owner_unit=tree["g1"], name="Mô hình xã", start_year=2026, parent=parent,
        acting_user=SYSTEM)
    copied = Criterion.objects.filter(group__programme=child).order_by("group__position", "position")
    assert [c.title for c in copied] == [c.title for c in Criterion.objects.filter(group__programme=parent)
                                         .order_by("group__position", "position")]
    assert all(c.inherited_from.group.programme == parent and not c.modified_since_copy for c in copied)
    copy = copied.get(inherited_from=hours)
    services.criterion_update(criterion=copy, expected_version=child.lock_version, title=copy.title,
                              kind="quantitative", target=3, measure="hours", period="week",
                              activity_kinds=["volunteer_hours"], acting_user=SYSTEM)
    copy.refresh_from_db()
    assert copy.modified_since_copy and copy.target == 3
    assert Criterion.objects.get(pk=hours.pk).target == 2  # the parent is untouched


def test_publishing_needs_a_criterion_and_a_published_parent(tree):
    empty = ProgrammeFactory(owner_unit=tree["d1"])
    assert "Hãy thêm ít nhất một tiêu chí trước khi ban hành." in refused(
        services.programme_publish, programme=empty, expected_version=0)
    child = ProgrammeFactory(owner_unit=tree["g1"], parent=ProgrammeFactory(owner_unit=tree["d1"], groups=OWN_GROUPS))
    assert "Mô hình cấp trên vẫn là bản nháp" in refused(
        services.programme_publish, programme=child, expected_version=child.lock_version)


# --- Published versions are immutable ----------------------------------------------------


def test_a_published_programme_cannot_be_edited(tree):
    programme = ProgrammeFactory(owner_unit=tree["d1"], groups=OWN_GROUPS, publish=True)
    group = programme.groups.first()
    criterion = group.criteria.first()
    before = snapshot()
    message = "Mô hình này không còn là bản nháp nên không thể sửa. Hãy tạo phiên bản mới để thay đổi."
    lock = programme.lock_version
    for call, kwargs in [
        (services.programme_update, dict(programme=programme, name="Tên mới", start_year=2026, end_year=2026)),
        (services.group_create, dict(programme=programme, title="Nhóm mới")),
        (services.group_update, dict(group=group, title="Đổi tên")),
        (services.group_delete, dict(group=group)),
        (services.criterion_update, dict(criterion=criterion, title="Sửa", kind="qualitative")),
        (services.criterion_delete, dict(criterion=criterion)),
        (services.audience_target_set, dict(criterion=criterion, unit_level="branch", applies=False)),
        (services.programme_publish, dict(programme=programme)),
        (services.programme_delete_draft, dict(programme=programme)),
    ]:
        assert message in refused(call, expected_version=lock, **kwargs), call.__name__
    assert snapshot() == before


def test_a_new_version_is_a_draft_copy_and_publishing_it_archives_the_old(tree):
    v1 = ProgrammeFactory(owner_unit=tree["d1"], groups=HUYEN_GROUPS, publish=True)
    v1_criteria = list(Criterion.objects.filter(group__programme=v1).values_list("pk", "title", "target"))
    v2 = services.programme_new_version(programme=v1, acting_user=SYSTEM)
    assert (v2.version, v2.series, v2.derived_from, v2.status) == (2, v1.series, v1, ProgrammeStatus.DRAFT)
    assert "Phiên bản 2 của mô hình này đang được soạn." in refused(services.programme_new_version, programme=v1)
    first = Criterion.objects.filter(group__programme=v2).order_by("group__position", "position").first()
    services.criterion_update(criterion=first, expected_version=0, title="Lắng nghe đoàn viên mỗi tuần",
                              kind="qualitative", acting_user=SYSTEM)
    services.programme_publish(programme=v2, expected_version=1, acting_user=SYSTEM)
    v1.refresh_from_db()
    assert v1.status == ProgrammeStatus.ARCHIVED and v1.archived_at
    assert list(Criterion.objects.filter(group__programme=v1).values_list("pk", "title", "target")) == v1_criteria
    assert [p.version for p in programme_versions(v1)] == [1, 2]
    assert "Mô hình này vẫn là bản nháp" in refused(services.programme_new_version,
                                                     programme=ProgrammeFactory(owner_unit=tree["d1"]))


def test_archive_only_a_published_programme(tree):
    programme = ProgrammeFactory(owner_unit=tree["d1"], groups=OWN_GROUPS, publish=True)
    assert services.programme_archive(programme=programme, acting_user=SYSTEM).status == ProgrammeStatus.ARCHIVED
    assert "Chỉ mô hình đã ban hành mới có thể lưu trữ." in refused(services.programme_archive, programme=programme)


# --- Two tabs ------------------------------------------------------------------------------


def test_the_later_save_of_two_tabs_is_refused_and_nothing_is_overwritten(tree):
    programme = ProgrammeFactory(owner_unit=tree["d1"], groups=OWN_GROUPS)
    tab_one = Programme.objects.get(pk=programme.pk)
    tab_two = Programme.objects.get(pk=programme.pk)
    services.programme_update(programme=tab_one, expected_version=tab_one.lock_version, name="Tên của thẻ 1",
                              start_year=2026, end_year=2026, acting_user=SYSTEM)
    before = snapshot()
    message = refused(services.programme_update, programme=tab_two, expected_version=tab_two.lock_version,
                      name="Tên của thẻ 2", start_year=2026, end_year=2026)
    assert message == ("Mô hình này vừa được thay đổi ở nơi khác (người khác hoặc một thẻ khác) sau khi bạn mở. "
                       "Hãy tải lại trang để xem bản mới nhất; thay đổi của bạn chưa được lưu.")
    group = CriteriaGroup.objects.filter(programme=programme).first()
    refused(services.group_update, group=group, expected_version=0, title="Đổi từ thẻ 2")
    refused(services.criterion_delete, criterion=group.criteria.first(), expected_version="")
    assert snapshot() == before
    assert Programme.objects.get(pk=programme.pk).name == "Tên của thẻ 1"


# --- Reordering, deleting, participants, settings, audit --------------------------------


def test_groups_and_criteria_reorder(tree):
    programme = ProgrammeFactory(owner_unit=tree["d1"], groups=HUYEN_GROUPS)
    first, second = programme.groups.order_by("position")
    services.groups_reorder(programme=programme, expected_version=0, group_ids=[second.pk, first.pk], acting_user=SYSTEM)
    assert list(programme.groups.order_by("position")) == [second, first]
    ids = list(first.criteria.order_by("position").values_list("pk", flat=True))
    services.criteria_reorder(group=first, expected_version=1, criterion_ids=ids[::-1], acting_user=SYSTEM)
    assert list(first.criteria.order_by("position").values_list("pk", flat=True)) == ids[::-1]
    assert "không khớp với mô hình" in refused(services.criteria_reorder, group=first, expected_version=2,
                                               criterion_ids=ids[:2])
    assert "không khớp với mô hình" in refused(services.groups_reorder, programme=programme, expected_version=2,
                                               group_ids=[second.pk, first.pk, 999999])


def test_create_edit_delete_groups_and_a_draft_with_audit_rows(tree):
    programme = ProgrammeFactory(owner_unit=tree["d1"])
    group = services.group_create(programme=programme, expected_version=0, title="  Những điều nên làm ", acting_user=SYSTEM)
    assert (group.title, group.position) == ("Những điều nên làm", 1)
    services.group_update(group=group, expected_version=1, title="Những điều không nên làm", acting_user=SYSTEM)
    services.group_delete(group=group, expected_version=2, acting_user=SYSTEM)
    audit = AuditEvent.objects.filter(object_type="models_registry.programme", object_id=str(programme.pk))
    actions = list(audit.order_by("id").values_list("action", flat=True))
    assert actions == ["programme.create", "programme.group_create", "programme.group_update", "programme.group_delete"]
    services.programme_delete_draft(programme=programme, expected_version=3, acting_user=SYSTEM)
    assert not Programme.objects.filter(pk=programme.pk).exists()


def test_participants_of_a_unit_programme(tree):
    programme = ProgrammeFactory(owner_unit=tree["d1"], subject=ProgrammeSubject.UNITS, pilot_quota=5)
    services.participant_add(programme=programme, expected_version=0, unit=tree["b1"], acting_user=SYSTEM)
    assert list(ProgrammeParticipant.objects.values_list("unit__code", flat=True)) == ["B1"]
    assert "Mục này thuộc tỉnh/thành đoàn khác." in refused(services.participant_add, programme=programme,
                                                           expected_version=1, unit=tree["foreign"])
    assert "thuộc đơn vị xây dựng mô hình" in refused(services.participant_add, programme=programme,
                                                      expected_version=1, unit=tree["g2"])
    services.participant_remove(programme=programme, expected_version=1, unit=tree["b1"], acting_user=SYSTEM)
    assert not ProgrammeParticipant.objects.exists()


def test_registry_settings(tree):
    tenant = tree["root"].tenant
    settings = services.registry_settings_for(tenant)
    assert (settings.similarity_threshold, settings.block_similar) == (Decimal("0.70"), False)
    for bad in ("0.1", "1.5", "nhiều", "NaN"):
        assert "Nhập tỷ lệ từ 0,30 đến 1,00" in refused(services.registry_settings_update, tenant=tenant,
                                                        similarity_threshold=bad, block_similar=True)
    services.registry_settings_update(tenant=tenant, similarity_threshold="0,8", block_similar=True, acting_user=SYSTEM)
    settings.refresh_from_db()
    assert (settings.similarity_threshold, settings.block_similar) == (Decimal("0.80"), True)


def test_sectors_are_kept_in_order_without_duplicates(tree):
    programme = services.programme_create(owner_unit=UnitFactory(parent=tree["root"]), name="Khối CCVC",
                                          start_year=2023, end_year=2027,
                                          sectors=[Sector.CIVIL_SERVICE, Sector.SCHOOL, Sector.CIVIL_SERVICE], acting_user=SYSTEM)
    assert programme.sectors == ["civil_service", "school"] and programme.period_label == "2023–2027"
