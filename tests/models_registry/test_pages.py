"""Programme pages other than the editor: list, create, read-only page, preview, publish
with the similarity check, versions, archive, coverage, and "my programmes" on home."""

import re

import pytest
from django.urls import reverse

from cadres.actors import SYSTEM
from cadres.models import GrantRole, PositionRole
from models_registry import services
from models_registry.models import Criterion, Programme, ProgrammeStatus, RegistrySettings
from tests.cadres.factories import CadreFactory, GrantFactory, province_pair
from tests.models_registry.factories import HUYEN_GROUPS, OWN_GROUPS, ProgrammeFactory, quantitative

pytestmark = pytest.mark.django_db

# Cần Thơ §4.1 in small: huyện Bí thư ≥ 4 activities a month, cơ sở Bí thư ≥ 3, others the default 2.
ACTIVITIES = [dict(title="Chỉ tiêu định lượng", criteria=[
    quantitative("Tham gia hoạt động tình nguyện", 2, audiences=[
        dict(unit_level="district", role="secretary", full_time="", civil_servant="", applies=True, target=4),
        dict(unit_level="grassroots", role="secretary", full_time="", civil_servant="", applies=True, target=3),
        dict(unit_level="", role="", full_time="", civil_servant="", applies=True, target=None),
    ]),
    dict(title="Học một bài hát, điệu múa tập thể", kind="yes_no", period="year",
         activity_kinds=["song_dance_sport"], audiences=[
             dict(unit_level="", role="", full_time="no", civil_servant="", applies=True, target=None)]),
])]


@pytest.fixture
def world():
    tree = province_pair()
    people = dict(
        manager=CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY, is_full_time=True).user,
        commune_secretary=CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY).user,
        member=CadreFactory(unit=tree["b1"]).user,
        sibling=CadreFactory(unit=tree["d2"], role=PositionRole.SECRETARY).user,
        provincial=GrantFactory(unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF).user,
    )
    province = ProgrammeFactory(owner_unit=tree["root"], name="Cán bộ Đoàn trách nhiệm", groups=HUYEN_GROUPS,
                                publish=True)
    d1 = ProgrammeFactory(owner_unit=tree["d1"], name="Mô hình huyện Một", groups=ACTIVITIES, publish=True)
    return dict(tree=tree, people=people, province=province, d1=d1)


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return text(response)


def test_list_shows_status_period_owner_and_parent_child(client, world):
    tree = world["tree"]
    child = ProgrammeFactory(owner_unit=tree["d1"], name="Mô hình kế thừa", parent=world["province"])
    foreign = ProgrammeFactory(owner_unit=tree["foreign"], name="Mô hình tỉnh khác", groups=OWN_GROUPS, publish=True)
    listing = page(client, world["people"]["manager"], reverse("programme_list"))
    assert "Cán bộ Đoàn trách nhiệm Đã ban hành 2026 Tỉnh Đoàn A" in listing
    assert "Mô hình kế thừa Bản nháp 2026 Huyện Đoàn Một Kế thừa từ: Cán bộ Đoàn trách nhiệm" in listing
    assert "Được kế thừa bởi: Mô hình kế thừa" in listing
    assert foreign.name not in listing
    assert "Tạo mô hình" in listing
    # The sibling huyện's manager sees the province's programme, not D1's, nor D1's draft.
    listing = page(client, world["people"]["sibling"], reverse("programme_list"))
    assert "Cán bộ Đoàn trách nhiệm" in listing and "Mô hình huyện Một" not in listing
    assert child.name not in listing and "Được kế thừa bởi" not in listing
    # A plain cadre reads, without the create button.
    listing = page(client, world["people"]["member"], reverse("programme_list"))
    assert "Mô hình huyện Một" in listing and "Tạo mô hình" not in listing


def test_list_filters_by_year_and_status(client, world):
    ProgrammeFactory(owner_unit=world["tree"]["d1"], name="Mô hình năm 2024", start_year=2024, end_year=2024,
                     groups=OWN_GROUPS, publish=True)
    manager = world["people"]["manager"]
    assert "Mô hình năm 2024" not in page(client, manager, reverse("programme_list") + "?year=2026")
    in_2024 = page(client, manager, reverse("programme_list") + "?year=2024")
    assert "Mô hình năm 2024" in in_2024 and "Mô hình huyện Một" not in in_2024
    services.programme_archive(programme=world["d1"], acting_user=SYSTEM)
    archived = page(client, manager, reverse("programme_list") + "?status=archived")
    assert "Mô hình huyện Một" in archived and "Cán bộ Đoàn trách nhiệm" not in archived
    # Nonsense filters are ignored, never a 500.
    assert "Mô hình năm 2024" in page(client, manager, reverse("programme_list") + "?year=abc&status=zzz&page=x")


def test_create_under_a_parent_copies_its_criteria(client, world):
    client.force_login(world["people"]["manager"])
    response = client.post(reverse("programme_create"), {
        "owner_unit": world["tree"]["d1"].pk, "subject": "cadres", "parent": world["province"].pk,
        "name": "Cán bộ Đoàn huyện Một", "start_year": "2026", "end_year": ""})
    programme = Programme.objects.get(name="Cán bộ Đoàn huyện Một")
    assert response.url == reverse("programme_edit", args=[programme.pk])
    assert (programme.owner_unit, programme.parent, programme.status) == (world["tree"]["d1"], world["province"],
                                                                           ProgrammeStatus.DRAFT)
    assert Criterion.objects.filter(group__programme=programme, inherited_from__isnull=False).count() == 8


@pytest.mark.parametrize("change, message", [
    (dict(name="  "), "Không được để trống."),
    (dict(start_year="hai nghìn"), "Nhập năm, ví dụ 2025."),
    (dict(start_year="2023", end_year="2030"), "Mô hình áp dụng cho một năm hoặc một nhiệm kỳ tối đa 5 năm."),
    (dict(owner_unit="sibling"), "Hãy chọn một lựa chọn hợp lệ."),
    (dict(owner_unit="foreign"), "Hãy chọn một lựa chọn hợp lệ."),
    (dict(parent="foreign_programme"), "Hãy chọn một lựa chọn hợp lệ."),
    (dict(subject="units", parent="province"), "Mô hình chỉ kế thừa mô hình có cùng đối tượng áp dụng."),
    (dict(pilot_quota="5"), "Chỉ mô hình dành cho đơn vị mới có đơn vị tham gia."),
])
def test_create_refuses_bad_input_with_nothing_written(client, world, change, message):
    tree = world["tree"]
    foreign_programme = ProgrammeFactory(owner_unit=tree["foreign"], groups=OWN_GROUPS, publish=True)
    ids = {"sibling": tree["d2"].pk, "foreign": tree["foreign"].pk, "foreign_programme": foreign_programme.pk,
           "province": world["province"].pk}
    data = {"owner_unit": tree["d1"].pk, "subject": "cadres", "name": "Mô hình mới", "start_year": "2026"}
    data.update({key: ids.get(value, value) for key, value in change.items()})
    before = Programme.objects.count()
    client.force_login(world["people"]["manager"])
    response = client.post(reverse("programme_create"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert Programme.objects.count() == before


def test_a_cadre_reads_exactly_what_applies_to_them(client, world):
    url = reverse("programme_detail", args=[world["d1"].pk])
    mine = page(client, world["people"]["manager"], url)  # huyện Bí thư, chuyên trách
    assert "Theo chức vụ Bí thư tại Huyện Đoàn Một · chuyên trách" in mine
    assert "Tham gia hoạt động tình nguyện Chỉ tiêu định lượng Tối thiểu 4 hoạt động/tháng" in mine
    # The manager also sees every criterion and audience row.
    assert "Toàn bộ tiêu chí và chỉ tiêu theo đối tượng" in mine
    assert "Bí thư · Đoàn cơ sở: Tối thiểu 3 hoạt động/tháng" in mine
    theirs = page(client, world["people"]["commune_secretary"], url)  # cơ sở Bí thư, không chuyên trách
    assert "Tối thiểu 3 hoạt động/tháng" in theirs and "Học một bài hát, điệu múa tập thể" in theirs
    assert "Toàn bộ tiêu chí" not in theirs and "Tối thiểu 4 hoạt động/tháng" not in theirs
    member = page(client, world["people"]["member"], url)
    assert "Tối thiểu 2 hoạt động/tháng" in member
    # Provincial staff hold no position below: a clear message, and the whole programme.
    staff = page(client, world["people"]["provincial"], url)
    assert "Tài khoản của bạn chưa gắn với hồ sơ cán bộ" in staff
    assert "Toàn bộ tiêu chí" in staff


def test_a_cadre_without_a_covering_position_is_told_so(client, world):
    tree = world["tree"]
    g2_programme = ProgrammeFactory(owner_unit=tree["g2"], groups=OWN_GROUPS, publish=True)
    sibling = world["people"]["sibling"]  # Bí thư of D2, above G2: reads it, holds no position inside it
    text_ = page(client, sibling, reverse("programme_detail", args=[g2_programme.pk]))
    assert "Bạn hiện không giữ chức vụ nào trong các đơn vị mà mô hình này áp dụng" in text_


@pytest.mark.parametrize("query, expected, absent", [
    ("unit_level=district&role=secretary&full_time=yes&civil_servant=no", "Tối thiểu 4 hoạt động/tháng",
     "Học một bài hát"),
    ("unit_level=grassroots&role=secretary&full_time=no&civil_servant=no", "Tối thiểu 3 hoạt động/tháng",
     "Tối thiểu 4"),
    ("unit_level=branch&role=executive_member&full_time=no&civil_servant=yes", "Tối thiểu 2 hoạt động/tháng",
     "Tối thiểu 3"),
])
def test_preview_as_an_audience(client, world, query, expected, absent):
    preview = page(client, world["people"]["manager"], reverse("programme_preview", args=[world["d1"].pk]) + "?" + query)
    assert expected in preview and absent not in preview


def test_preview_with_tampered_choices_shows_the_form_errors(client, world):
    preview = page(client, world["people"]["manager"],
                   reverse("programme_preview", args=[world["d1"].pk]) + "?unit_level=moon&role=king")
    assert "Hãy chọn một lựa chọn hợp lệ." in preview and "tiêu chí áp dụng" not in preview


def near_copy(world):
    """A D1 draft under the province's programme with one criterion of its own: a near-copy."""
    child = ProgrammeFactory(owner_unit=world["tree"]["d1"], name="Bản sao", parent=world["province"])
    services.criterion_create(group=child.groups.first(), expected_version=child.lock_version,
                              title="Một việc nhỏ", kind="qualitative", acting_user=SYSTEM)
    return Programme.objects.get(pk=child.pk)


def test_publishing_a_near_copy_warns_and_names_the_parent(client, world):
    child = near_copy(world)
    client.force_login(world["people"]["manager"])
    check = text(client.get(reverse("programme_publish", args=[child.pk])))
    assert "Mô hình gần nhất: “Cán bộ Đoàn trách nhiệm” của Tỉnh Đoàn A (mô hình cấp trên)." in check
    assert "Tiêu chí giống hệt từng chữ: 89%" in check
    # Each figure says what it measures, and the headline which of them it is.
    for explained in ("Mức giống là số lớn hơn trong hai số dưới đây.",
                      "Tỷ lệ các cụm ba từ có trong nội dung của cả hai mô hình.",
                      "Tỷ lệ tiêu chí của mô hình này có nguyên văn trong mô hình kia.",
                      "Từ mức giống này trở lên, khi ban hành sẽ có cảnh báo"):
        assert explained in check
    assert "Nội dung giống 99% so với mô hình “Cán bộ Đoàn trách nhiệm”" in check
    response = client.post(reverse("programme_publish", args=[child.pk]), {"lock_version": child.lock_version},
                           follow=True)
    published = text(response)
    assert "Đã ban hành mô hình." in published and "Nội dung giống 99%" in published
    assert Programme.objects.get(pk=child.pk).status == ProgrammeStatus.PUBLISHED


def test_a_province_that_blocks_near_copies_refuses_the_button_and_the_post(client, world):
    RegistrySettings.objects.create(tenant=world["tree"]["root"].tenant, block_similar=True)
    child = near_copy(world)
    client.force_login(world["people"]["manager"])
    response = client.get(reverse("programme_publish", args=[child.pk]))
    assert "Tỉnh không cho phép ban hành mô hình giống đến mức này." in text(response)
    assert re.search(r'<button class="btn btn-primary" type="button" disabled>\s*Ban hành', response.content.decode())
    # A hand-made POST is refused by the service all the same.
    response = client.post(reverse("programme_publish", args=[child.pk]), {"lock_version": child.lock_version})
    assert response.status_code == 200 and "Nội dung giống 99%" in text(response)
    assert Programme.objects.get(pk=child.pk).status == ProgrammeStatus.DRAFT


def test_publishing_something_of_its_own_warns_nothing(client, world):
    own = ProgrammeFactory(owner_unit=world["tree"]["d1"], parent=world["province"])
    for group in own.groups.all():
        services.group_delete(group=group, expected_version=Programme.objects.get(pk=own.pk).lock_version, acting_user=SYSTEM)
    own.refresh_from_db()
    group = services.group_create(programme=own, expected_version=own.lock_version, title="Việc của huyện", acting_user=SYSTEM)
    services.criterion_create(group=group, expected_version=own.lock_version, title="Mỗi tháng một buổi "
                              "đối thoại với thanh niên công nhân khu công nghiệp", kind="qualitative", acting_user=SYSTEM)
    client.force_login(world["people"]["manager"])
    assert "Đủ khác biệt: không có cảnh báo." in text(client.get(reverse("programme_publish", args=[own.pk])))
    response = client.post(reverse("programme_publish", args=[own.pk]), {"lock_version": own.lock_version},
                           follow=True)
    assert "Đã ban hành mô hình." in text(response) and "Nội dung giống" not in text(response)


def test_publish_refuses_an_empty_draft_a_stale_tab_and_a_published_one(client, world):
    empty = ProgrammeFactory(owner_unit=world["tree"]["d1"])
    client.force_login(world["people"]["manager"])
    assert "Hãy thêm ít nhất một tiêu chí trước khi ban hành." in text(
        client.get(reverse("programme_publish", args=[empty.pk])))
    response = client.post(reverse("programme_publish", args=[empty.pk]), {"lock_version": 0})
    assert "Hãy thêm ít nhất một tiêu chí trước khi ban hành." in text(response)
    child = near_copy(world)
    response = client.post(reverse("programme_publish", args=[child.pk]), {"lock_version": 0})
    assert "Mô hình này vừa được thay đổi ở nơi khác" in text(response)
    assert Programme.objects.get(pk=child.pk).status == ProgrammeStatus.DRAFT
    response = client.get(reverse("programme_publish", args=[world["d1"].pk]), follow=True)
    assert "Chỉ bản nháp mới ban hành được." in text(response)


def test_new_version_then_archive(client, world):
    published = world["d1"]
    client.force_login(world["people"]["manager"])
    response = client.post(reverse("programme_new_version", args=[published.pk]))
    draft = Programme.objects.get(series=published.series, version=2)
    assert response.url == reverse("programme_edit", args=[draft.pk])
    # A second one is refused: the draft is already open, and the page links to it.
    response = client.post(reverse("programme_new_version", args=[published.pk]), follow=True)
    assert "Phiên bản 2 của mô hình này đang được soạn." in text(response)
    assert "Tiếp tục phiên bản 2 (bản nháp)" in text(response)
    assert Programme.objects.filter(series=published.series).count() == 2
    response = client.post(reverse("programme_archive", args=[published.pk]), follow=True)
    assert "Đã lưu trữ mô hình; mô hình vẫn xem được." in text(response)
    assert Programme.objects.get(pk=published.pk).status == ProgrammeStatus.ARCHIVED
    response = client.post(reverse("programme_archive", args=[published.pk]), follow=True)
    assert "Chỉ mô hình đã ban hành mới có thể lưu trữ." in text(response)
    response = client.post(reverse("programme_delete", args=[draft.pk]), {"lock_version": draft.lock_version})
    assert response.url == reverse("programme_list")
    assert not Programme.objects.filter(pk=draft.pk).exists()


def test_coverage_table_per_unit_level(client, world):
    tree = world["tree"]
    ProgrammeFactory(owner_unit=tree["g1"], groups=OWN_GROUPS, publish=True)
    coverage = page(client, world["people"]["provincial"], reverse("programme_coverage") + "?year=2026")
    assert "Tỉnh Đoàn A 3/6 đơn vị có mô hình (50.0%)" in coverage or "3/6 đơn vị có mô hình (50,0%)" in coverage
    assert "Huyện đoàn và tương đương: 1/2 đơn vị có mô hình" in coverage
    assert "Đoàn cơ sở: 1/2 đơn vị có mô hình" in coverage
    assert "Chi đoàn: 0/1 đơn vị có mô hình" in coverage
    # A huyện manager sees their own subtree only; another year has none.
    mine = page(client, world["people"]["manager"], reverse("programme_coverage") + "?year=2026")
    assert "2/3 đơn vị có mô hình" in mine and "Huyện Đoàn Hai" not in mine
    assert "0/3 đơn vị có mô hình" in page(client, world["people"]["manager"], reverse("programme_coverage") + "?year=2024")
    assert "2/3 đơn vị có mô hình" in page(client, world["people"]["manager"], reverse("programme_coverage") + "?year=x")


def test_home_lists_my_programmes(client, world):
    home = page(client, world["people"]["member"], reverse("home"))
    assert "Mô hình của tôi" in home
    assert "Mô hình huyện Một" in home and "Cán bộ Đoàn trách nhiệm" in home
    home = page(client, world["people"]["sibling"], reverse("home"))
    assert "Mô hình huyện Một" not in home and "Cán bộ Đoàn trách nhiệm" in home
    nav = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("programme_list")}"' in nav


def test_provincial_staff_set_how_near_copies_are_treated(client):
    from cadres.models import GrantRole
    from models_registry.services import registry_settings_for
    from tests.cadres.factories import GrantFactory, province_pair

    tree = province_pair()
    staff = GrantFactory(unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF).user
    client.force_login(staff)
    url = reverse("programme_settings")
    assert "Mức giống bắt đầu cảnh báo" in client.get(url).content.decode()
    response = client.post(url, {"similarity_threshold": "1,5"})
    assert "0.30" in response.content.decode() or "0,30" in response.content.decode()
    assert registry_settings_for(tree["root"].tenant).block_similar is False
    response = client.post(url, {"similarity_threshold": "0,6", "block_similar": "on"}, follow=True)
    assert "Đã lưu cài đặt." in response.content.decode()
    saved = registry_settings_for(tree["root"].tenant)
    assert (str(saved.similarity_threshold), saved.block_similar) == ("0.60", True)
    assert registry_settings_for(tree["other"].tenant).block_similar is False
