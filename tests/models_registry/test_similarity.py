"""Không rập khuôn: publishing a near-copy of the parent's (or a sibling's) programme warns,
naming it; a programme of its own does not; a tenant may make the warning blocking."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings, strategies as st

from cadres.actors import SYSTEM
from models_registry import services
from models_registry.content import write_content
from models_registry.models import Criterion, Programme, ProgrammeStatus
from models_registry.similarity import Text, check_similarity, compare, normalise
from tests.cadres.factories import province_pair
from tests.models_registry.factories import HUYEN_GROUPS, OWN_GROUPS, ProgrammeFactory, qualitative

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    tree = province_pair()
    tree["parent"] = ProgrammeFactory(owner_unit=tree["d1"], name="Cán bộ Đoàn trách nhiệm", groups=HUYEN_GROUPS,
                                      publish=True)
    return tree


def child_of(tree, **kwargs):
    return services.programme_create(owner_unit=tree["g1"], name="Cán bộ Đoàn trách nhiệm", start_year=2026,
                                     parent=tree["parent"], **{"acting_user": SYSTEM, **kwargs})


def publish(programme):
    """Publish as the editor would, with the lock_version of the page just reloaded."""
    programme.refresh_from_db()
    return services.programme_publish(programme=programme, expected_version=programme.lock_version, acting_user=SYSTEM)


def test_a_near_copy_of_the_parent_warns_and_names_it(tree):
    child = child_of(tree)
    # A cosmetic touch: one more sentence of guidance on one criterion.
    criterion = Criterion.objects.filter(group__programme=child).first()
    services.criterion_update(criterion=criterion, expected_version=0, title=criterion.title,
                              kind=criterion.kind, guidance=criterion.guidance + " Ghi sổ theo dõi.", acting_user=SYSTEM)
    result = publish(child)
    assert result.is_similar and not result.blocks
    assert result.closest.other == tree["parent"] and result.closest.relation == "parent"
    message = result.message()
    assert "“Cán bộ Đoàn trách nhiệm” của Huyện Đoàn Một (mô hình cấp trên)" in message
    assert "không rập khuôn" in message
    assert "88% tiêu chí trùng nguyên văn" in message  # 7 of 8 criteria untouched
    child.refresh_from_db()
    assert child.status == ProgrammeStatus.PUBLISHED  # warn only, by default
    assert child.similarity_report["similar"] and child.similarity_report["closest"]["name"] == tree["parent"].name


def test_a_programme_of_its_own_does_not_warn_even_with_the_same_name(tree):
    own = child_of(tree)
    for lock, group in enumerate(own.groups.all()):
        services.group_delete(group=group, expected_version=lock, acting_user=SYSTEM)
    write_content(own, OWN_GROUPS)
    result = publish(own)
    assert not result.is_similar and result.message() == ""
    assert result.closest.score < 0.2


def test_rewriting_inherited_criteria_clears_the_warning(tree):
    child = child_of(tree)
    lock = child.lock_version
    rewrites = iter([
        "Mỗi tuần dự sinh hoạt một chi đoàn ấp và ghi nhận kiến nghị của thanh niên",
        "Tổ chức ngày hội khởi nghiệp nông nghiệp cho thanh niên nông thôn",
        "Đi làm đúng giờ, báo trước khi vắng họp Ban Chấp hành",
        "Tự học tin học văn phòng, hướng dẫn lại cho bí thư chi đoàn",
    ])
    for criterion in Criterion.objects.filter(group__programme=child, kind="qualitative"):
        services.criterion_update(criterion=criterion, expected_version=lock, title=next(rewrites), kind="qualitative",
            acting_user=SYSTEM)
        lock += 1
    group = child.groups.order_by("position").first()
    for title in ["Vận động thanh niên tham gia bảo vệ môi trường kênh rạch", "Kết nối việc làm cho thanh niên xa quê"]:
        services.criterion_create(group=group, expected_version=lock, title=title, kind="qualitative", acting_user=SYSTEM)
        lock += 1
    result = services.programme_publish(programme=child, expected_version=lock, acting_user=SYSTEM)
    assert not result.is_similar, result.as_report()


def test_with_the_block_setting_a_near_copy_is_refused(tree):
    services.registry_settings_update(tenant=tree["root"].tenant, similarity_threshold="0.70", block_similar=True,
        acting_user=SYSTEM)
    child = child_of(tree)
    with pytest.raises(ValidationError) as caught:
        publish(child)
    assert "Nội dung giống 100% so với mô hình “Cán bộ Đoàn trách nhiệm” của Huyện Đoàn Một" in caught.value.messages[0]
    child.refresh_from_db()
    assert (child.status, child.lock_version, child.similarity_report) == (ProgrammeStatus.DRAFT, 0, {})


def test_a_copy_of_a_sibling_units_programme_warns(tree):
    sibling = ProgrammeFactory(owner_unit=tree["d2"], name="Mô hình huyện hai", groups=OWN_GROUPS, publish=True)
    copy = ProgrammeFactory(owner_unit=tree["d1"], name="Mô hình khác tên", groups=OWN_GROUPS)
    result = check_similarity(copy)
    assert result.closest.other == sibling and result.closest.relation == "sibling"
    assert "mô hình của đơn vị cùng cấp" in result.message()
    # Another period, another tenant or a sub-unit's programme is not a sibling.
    ProgrammeFactory(owner_unit=tree["d2"], groups=HUYEN_GROUPS, start_year=2020, end_year=2020, publish=True)
    ProgrammeFactory(owner_unit=tree["foreign"], groups=HUYEN_GROUPS, publish=True)
    ProgrammeFactory(owner_unit=tree["g2"], groups=HUYEN_GROUPS, publish=True)
    assert {c.other.pk for c in check_similarity(copy).comparisons} == {sibling.pk, tree["parent"].pk}


def test_versions_of_the_same_programme_are_not_compared(tree):
    v2 = services.programme_new_version(programme=tree["parent"], acting_user=SYSTEM)
    assert check_similarity(v2).comparisons == []
    assert publish(v2).closest is None
    assert Programme.objects.get(pk=tree["parent"].pk).status == ProgrammeStatus.ARCHIVED


def test_the_threshold_is_the_tenants(tree):
    child = ProgrammeFactory(owner_unit=tree["g1"], parent=tree["parent"], groups=HUYEN_GROUPS[:1] + OWN_GROUPS)
    score = check_similarity(child).closest.score
    assert 0.4 < score < 0.7 and not check_similarity(child).is_similar
    services.registry_settings_update(tenant=tree["root"].tenant, similarity_threshold="0.40", block_similar=False,
        acting_user=SYSTEM)
    assert check_similarity(child).is_similar


# --- The measure itself --------------------------------------------------------------------


def test_normalise_folds_diacritics_and_punctuation():
    assert normalise("  Cần sáng tạo, trong   công việc!  (Đoàn) ") == "can sang tao trong cong viec doan"


lines = st.lists(st.text(alphabet="abcdđêơư ,.", min_size=1, max_size=30), min_size=1, max_size=8)


def text_of(raw: list[str]) -> Text:
    normalised = tuple(line for line in (normalise(item) for item in raw) if line)
    return Text(normalised, normalised)


@settings(max_examples=200, deadline=None)
@given(lines, lines)
def test_scores_lie_between_0_and_1_and_a_text_matches_itself(a, b):
    first, second = text_of(a), text_of(b)
    score, text_similarity, identical = compare(first, second)
    assert 0 <= text_similarity <= 1 and 0 <= identical <= 1 and score == max(text_similarity, identical)
    assert compare(first, second)[1] == compare(second, first)[1]  # Jaccard is symmetric
    if first.lines:
        assert compare(first, first)[0] == 1


@settings(max_examples=100, deadline=None)
@given(lines)
def test_normalise_is_idempotent(raw):
    for item in raw:
        assert normalise(normalise(item)) == normalise(item)


def test_reordering_criteria_changes_nothing():
    a = text_of(["Cần vui vẻ, gần gũi với đoàn viên", "Quyết tâm tinh thần tự học", "Cần sáng tạo trong công việc"])
    b = Text(a.lines[::-1], a.criteria[::-1])
    assert compare(a, b)[0] == 1


def test_an_unrelated_qualitative_line_barely_scores():
    a = text_of([qualitative("Cần vui vẻ, gần gũi với đoàn viên, thanh niên")["title"]])
    b = text_of(["Tổ chức giải bóng đá thanh niên công nhân khu công nghiệp"])
    assert compare(a, b)[0] == 0
