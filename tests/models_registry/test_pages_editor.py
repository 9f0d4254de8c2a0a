"""The draft editor through the test client: plain POSTs redirect back with a message, htmx
POSTs swap a fragment and carry the new lock_version; bad input, a stale second tab, a
published version and tampered ids are refused in Vietnamese with nothing written."""

import re

import pytest
from django.urls import reverse

from cadres.actors import SYSTEM
from cadres.models import AuditEvent, PositionRole
from models_registry import services
from models_registry.models import AudienceTarget, CriteriaGroup, Criterion, Programme
from tests.cadres.factories import CadreFactory, province_pair
from tests.models_registry.factories import HUYEN_GROUPS, OWN_GROUPS, ProgrammeFactory, quantitative

pytestmark = pytest.mark.django_db

STALE = "Mô hình này vừa được thay đổi ở nơi khác"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(client):
    tree = province_pair()
    manager = CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY).user
    client.force_login(manager)
    draft = ProgrammeFactory(owner_unit=tree["d1"], name="Cán bộ Đoàn huyện gương mẫu", groups=[
        dict(title="Chỉ tiêu", criteria=[quantitative("Giờ tình nguyện mỗi tuần", 2, measure="hours", period="week",
                                                     kinds=["volunteer_hours"])])])
    return dict(tree=tree, manager=manager, draft=draft, group=draft.groups.get(),
                criterion=Criterion.objects.get(group__programme=draft))


def snapshot():
    return (Programme.objects.count(), CriteriaGroup.objects.count(), Criterion.objects.count(),
            AudienceTarget.objects.count(), AuditEvent.objects.count(),
            list(Programme.objects.order_by("pk").values_list("lock_version", "name", "status")),
            list(Criterion.objects.order_by("pk").values_list("title", "target", "position")))


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def followed(client, url, data) -> str:
    """A plain form POST: redirected back to the editor; the page it lands on, as text."""
    response = client.post(url, data)
    assert response.status_code == 302
    return text(client.get(response.url, follow=True))


def lock(programme) -> int:
    return Programme.objects.get(pk=programme.pk).lock_version


QUANTITATIVE = dict(title="Đi cơ sở nắm tình hình", kind="quantitative", target="2", measure="visits",
                    period="month", activity_kinds=["grassroots_visit"], guidance="")


def test_building_a_draft_with_plain_forms(client, world):
    draft = world["draft"]
    page = followed(client, reverse("programme_group_create", args=[draft.pk]),
                    {"lock_version": lock(draft), "title": "Những điều nên làm"})
    assert "Đã thêm nhóm." in page and "Những điều nên làm" in page
    group = CriteriaGroup.objects.get(programme=draft, title="Những điều nên làm")
    page = followed(client, reverse("programme_criterion_create", args=[draft.pk, group.pk]),
                    {"lock_version": lock(draft), **QUANTITATIVE})
    assert "Đã thêm tiêu chí." in page and "Tối thiểu 2 lần đi cơ sở/tháng" in page
    criterion = Criterion.objects.get(group=group)
    page = followed(client, reverse("programme_audience_set", args=[draft.pk, criterion.pk]),
                    {"lock_version": lock(draft), "unit_level": "district", "role": "secretary", "full_time": "",
                     "civil_servant": "", "applies": "yes", "target": "4"})
    assert "Bí thư · Huyện đoàn và tương đương: Tối thiểu 4 lần đi cơ sở/tháng" in page
    row = AudienceTarget.objects.get(criterion=criterion)
    assert (row.unit_level, row.role, row.target) == ("district", "secretary", 4)
    # Reorder: the new group moves above the first one.
    followed(client, reverse("programme_group_move", args=[draft.pk, group.pk]),
             {"lock_version": lock(draft), "direction": "up"})
    assert list(CriteriaGroup.objects.filter(programme=draft).values_list("title", flat=True)) == [
        "Những điều nên làm", "Chỉ tiêu"]
    followed(client, reverse("programme_audience_delete", args=[draft.pk, row.pk]), {"lock_version": lock(draft)})
    followed(client, reverse("programme_criterion_delete", args=[draft.pk, criterion.pk]),
             {"lock_version": lock(draft)})
    followed(client, reverse("programme_group_delete", args=[draft.pk, group.pk]), {"lock_version": lock(draft)})
    assert not CriteriaGroup.objects.filter(pk=group.pk).exists()
    page = followed(client, reverse("programme_update", args=[draft.pk]),
                    {"lock_version": lock(draft), "name": "Tên mới", "start_year": "2026", "end_year": "2027",
                     "description": "Mô tả"})
    assert "Đã lưu mô hình." in page
    assert Programme.objects.filter(pk=draft.pk, name="Tên mới", end_year=2027).exists()


def test_htmx_swaps_the_fragment_and_updates_every_lock(client, world):
    draft, criterion = world["draft"], world["criterion"]
    response = client.post(reverse("programme_criterion_update", args=[draft.pk, criterion.pk]),
                           {"lock_version": 0, **QUANTITATIVE, "target": "3"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="criterion-{criterion.pk}"')
    assert "<html" not in html
    assert 'value="1" class="lock-version" data-hx-swap-oob="outerHTML:input.lock-version"' in html
    assert 'name="lock_version" value="1"' in html
    # The next edit from the same tab, with the lock it received, goes through.
    response = client.post(reverse("programme_group_update", args=[draft.pk, world["group"].pk]),
                           {"lock_version": 1, "title": "Chỉ tiêu định lượng"}, **HTMX)
    assert "Chỉ tiêu định lượng" in text(response)
    assert lock(draft) == 2


@pytest.mark.parametrize("url_name, obj, data, message", [
    ("programme_criterion_update", "criterion", dict(QUANTITATIVE, title="  "), "Không được để trống."),
    ("programme_criterion_update", "criterion", dict(QUANTITATIVE, measure="hours", period="week", target="200",
                                                     activity_kinds=["volunteer_hours"]),
     "200 giờ mỗi tuần là không thực tế: tối đa 40."),
    ("programme_criterion_update", "criterion", dict(QUANTITATIVE, kind="qualitative", measure="", period="",
                                                     activity_kinds=[]),
     "Chỉ tiêu chí định lượng mới có chỉ tiêu (con số)."),
    ("programme_criterion_update", "criterion", dict(QUANTITATIVE, target=""),
     "Tiêu chí định lượng cần có chỉ tiêu (con số)."),
    ("programme_criterion_update", "criterion", dict(QUANTITATIVE, target="-1"), "Chỉ tiêu phải lớn hơn 0."),
    ("programme_criterion_update", "criterion", dict(QUANTITATIVE, kind="magic"), "Hãy chọn một lựa chọn hợp lệ."),
    ("programme_criterion_create", "group", dict(QUANTITATIVE, target="nhiều"), "Nhập một số, ví dụ 2 hoặc 2,5."),
    ("programme_group_create", None, dict(title=""), "Không được để trống."),
    ("programme_group_update", "group", dict(title="   "), "Không được để trống."),
    ("programme_update", None, dict(name="", start_year="2026"), "Không được để trống."),
    ("programme_update", None, dict(name="Tên", start_year="2027", end_year="2023"),
     "Năm kết thúc không được trước năm bắt đầu."),
    ("programme_audience_set", "criterion", dict(unit_level="district", applies="yes", target="500"),
     "500 giờ mỗi tuần là không thực tế: tối đa 40."),
    ("programme_audience_set", "criterion", dict(unit_level="moon", applies="yes"), "Hãy chọn một lựa chọn hợp lệ."),
    ("programme_audience_set", "criterion", dict(applies="no", target="3"),
     "Tiêu chí không áp dụng cho đối tượng này thì không có chỉ tiêu."),
    # Tampered input: a made-up option, a negative or non-numeric number, a missing field.
    ("programme_audience_set", "criterion", dict(applies="yes", target="-2"), "Chỉ tiêu phải lớn hơn 0."),
    ("programme_audience_set", "criterion", dict(applies="yes", target="ba"), "Nhập một số, ví dụ 2 hoặc 2,5."),
    ("programme_criterion_update", "criterion", dict(QUANTITATIVE, activity_kinds=["party"]),
     "Hãy chọn một lựa chọn hợp lệ."),
    ("programme_criterion_update", "criterion", {k: v for k, v in QUANTITATIVE.items() if k != "kind"},
     "Trường này là bắt buộc."),
    ("programme_update", None, dict(name="Tên", start_year="hai nghìn"), "Nhập năm, ví dụ 2025."),
    ("programme_update", None, dict(name="Tên"), "Nhập năm, ví dụ 2025."),
    ("programme_group_move", "group", dict(direction="sideways"), "Hãy chọn một lựa chọn hợp lệ."),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_refused_in_vietnamese_with_nothing_written(client, world, url_name, obj, data, message, htmx):
    draft = world["draft"]
    args = [draft.pk] + ([world[obj].pk] if obj else [])
    before = snapshot()
    url = reverse(url_name, args=args)
    if htmx:
        response = client.post(url, {"lock_version": 0, **data}, **HTMX)
        assert response.status_code == 200
        assert message in text(response)
        assert "hx-swap-oob" not in response.content.decode()
    else:
        page = followed(client, url, {"lock_version": 0, **data})
        assert message in page
    assert snapshot() == before


def test_a_stale_second_tab_is_refused_and_overwrites_nothing(client, world):
    draft, criterion = world["draft"], world["criterion"]
    # Tab 1 saves first.
    client.post(reverse("programme_criterion_update", args=[draft.pk, criterion.pk]),
                {"lock_version": 0, **QUANTITATIVE, "title": "Bản của thẻ thứ nhất"}, **HTMX)
    before = snapshot()
    # Tab 2 still holds lock_version 0.
    response = client.post(reverse("programme_criterion_update", args=[draft.pk, criterion.pk]),
                           {"lock_version": 0, **QUANTITATIVE, "title": "Bản của thẻ thứ hai"}, **HTMX)
    page = text(response)
    assert STALE in page and "Tải lại trang" in page
    assert "hx-swap-oob" not in response.content.decode()
    # The fragment keeps the stale lock: nothing more can be saved from this tab until it reloads.
    assert 'name="lock_version" value="0"' in response.content.decode()
    assert snapshot() == before
    assert Criterion.objects.get(pk=criterion.pk).title == "Bản của thẻ thứ nhất"
    page = followed(client, reverse("programme_group_create", args=[draft.pk]), {"lock_version": 0, "title": "X"})
    assert STALE in page
    assert snapshot() == before


@pytest.mark.parametrize("lock_value", ["", "abc", "-1", "99999999999999999999"])
def test_garbage_lock_versions_are_stale_not_errors(client, world, lock_value):
    before = snapshot()
    page = followed(client, reverse("programme_group_create", args=[world["draft"].pk]),
                    {"lock_version": lock_value, "title": "Nhóm"})
    assert STALE in page
    assert snapshot() == before


def test_a_published_programme_cannot_be_edited(client, world):
    published = ProgrammeFactory(owner_unit=world["tree"]["d1"], groups=OWN_GROUPS, publish=True)
    response = client.get(reverse("programme_edit", args=[published.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("programme_detail", args=[published.pk])
    assert "Mô hình này không còn là bản nháp nên không thể sửa." in text(response)
    group = published.groups.first()
    before = snapshot()
    for url_name, args in [("programme_group_create", [published.pk]),
                           ("programme_group_update", [published.pk, group.pk]),
                           ("programme_criterion_create", [published.pk, group.pk])]:
        page = followed(client, reverse(url_name, args=args),
                        {"lock_version": published.lock_version, "title": "Sửa lén", **QUANTITATIVE})
        assert "Mô hình này không còn là bản nháp nên không thể sửa." in page
    assert snapshot() == before


def test_ids_of_another_programme_are_404_with_nothing_written(client, world):
    tree, draft = world["tree"], world["draft"]
    other = ProgrammeFactory(owner_unit=tree["d1"], groups=OWN_GROUPS)  # also editable by this manager
    sibling = ProgrammeFactory(owner_unit=tree["d2"], groups=OWN_GROUPS)
    other_group, other_criterion = other.groups.first(), Criterion.objects.filter(group__programme=other).first()
    row = services.audience_target_set(criterion=other_criterion, expected_version=0, role="secretary", acting_user=SYSTEM)
    before = snapshot()
    posts = [
        ("programme_group_update", [draft.pk, other_group.pk], {"title": "Chiếm"}),
        ("programme_group_delete", [draft.pk, other_group.pk], {}),
        ("programme_group_move", [draft.pk, other_group.pk], {"direction": "up"}),
        ("programme_criterion_create", [draft.pk, other_group.pk], QUANTITATIVE),
        ("programme_criterion_update", [draft.pk, other_criterion.pk], QUANTITATIVE),
        ("programme_criterion_delete", [draft.pk, other_criterion.pk], {}),
        ("programme_criterion_move", [draft.pk, other_criterion.pk], {"direction": "down"}),
        ("programme_audience_set", [draft.pk, other_criterion.pk], {"applies": "yes"}),
        ("programme_audience_delete", [draft.pk, row.pk], {}),
        ("programme_group_create", [sibling.pk], {"title": "Nhóm lạ"}),
        ("programme_group_create", [987654], {"title": "Không có"}),
    ]
    for url_name, args, data in posts:
        for headers in ({}, HTMX):
            response = client.post(reverse(url_name, args=args), {"lock_version": 0, **data}, **headers)
            assert response.status_code == 404, url_name
    assert snapshot() == before


def test_moving_past_either_end_or_a_tampered_direction_changes_no_order(client, world):
    draft, group = world["draft"], world["group"]
    for direction in ["up", "down", "sideways"]:
        followed(client, reverse("programme_group_move", args=[draft.pk, group.pk]),
                 {"lock_version": lock(draft), "direction": direction})
    assert list(CriteriaGroup.objects.filter(programme=draft).values_list("position", flat=True)) == [1]


def test_inherited_criteria_are_marked_and_modified_ones_say_so(client, world):
    tree = world["tree"]
    parent = ProgrammeFactory(owner_unit=tree["root"], name="Mô hình của tỉnh", groups=HUYEN_GROUPS, publish=True)
    child = ProgrammeFactory(owner_unit=tree["d1"], parent=parent)
    page = client.get(reverse("programme_edit", args=[child.pk])).content.decode()
    assert page.count('<span class="badge badge-warn">Kế thừa từ “Mô hình của tỉnh”</span>') == 8
    assert "đã chỉnh sửa" not in page
    copied = Criterion.objects.filter(group__programme=child, kind="quantitative").first()
    client.post(reverse("programme_criterion_update", args=[child.pk, copied.pk]),
                {"lock_version": 0, "title": copied.title, "kind": "quantitative", "target": "5",
                 "measure": copied.measure, "period": copied.period, "activity_kinds": copied.activity_kinds})
    page = text(client.get(reverse("programme_edit", args=[child.pk])))
    assert page.count("đã chỉnh sửa") == 1


def test_unit_programme_participants_are_added_by_code_and_removed(client):
    from models_registry.models import ProgrammeParticipant

    tree = province_pair()
    manager = CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY).user
    programme = services.programme_create(owner_unit=tree["d1"], name="Chi đoàn 3 có", start_year=2026,
                                          subject="units", description="", sectors=[], acting_user=manager)
    client.force_login(manager)
    url = reverse("programme_participant_add", args=[programme.pk])
    lock = programme.lock_version
    response = client.post(url, {"code": "B1", "lock_version": lock}, follow=True)
    assert "Đã thêm đơn vị." in response.content.decode()
    assert list(ProgrammeParticipant.objects.filter(programme=programme).values_list("unit__code", flat=True)) == ["B1"]
    programme.refresh_from_db()
    # A sibling huyện's unit and another tenant's are not the manager's: refused, nothing written.
    for code in ["G2", "NOPE"]:
        response = client.post(url, {"code": code, "lock_version": programme.lock_version}, follow=True)
        assert "Không có đơn vị nào bạn quản lý mang mã này." in response.content.decode()
    assert ProgrammeParticipant.objects.filter(programme=programme).count() == 1
    detail = client.get(reverse("programme_detail", args=[programme.pk])).content.decode()
    assert "Số đơn vị tham gia mỗi huyện" in detail
    remove = reverse("programme_participant_remove", args=[programme.pk, tree["b1"].pk])
    client.post(remove, {"lock_version": programme.lock_version})
    assert not ProgrammeParticipant.objects.filter(programme=programme).exists()
    assert client.post(remove, {"lock_version": programme.lock_version}).status_code == 404


def test_each_criterion_form_comes_when_its_details_opens(client, world):
    """A programme of 40 criteria was 380 KB with every criterion's two forms in the page."""
    draft, criterion = world["draft"], world["criterion"]
    page = client.get(reverse("programme_edit", args=[draft.pk])).content.decode()
    assert f'id="crit{criterion.pk}-title"' not in page and f'id="aud{criterion.pk}-applies"' not in page
    form_url = reverse("programme_criterion_form", args=[draft.pk, criterion.pk])
    assert f'hx-get="{form_url}?part=edit"' in page and f'hx-get="{form_url}?part=audience"' in page
    edit = client.get(form_url, {"part": "edit"}, **HTMX).content.decode()
    assert f'id="crit{criterion.pk}-title"' in edit and f'value="{lock(draft)}"' in edit
    assert f'id="aud{criterion.pk}-applies"' in client.get(form_url, {"part": "audience"}, **HTMX).content.decode()
    assert client.get(form_url, {"part": "nope"}).status_code == 404
    # Without JavaScript the link opens the editor with that criterion's forms in it.
    opened = client.get(reverse("programme_edit", args=[draft.pk]), {"criterion": criterion.pk}).content.decode()
    assert f'id="crit{criterion.pk}-title"' in opened and f'id="aud{criterion.pk}-applies"' in opened


def test_a_refused_edit_comes_back_with_its_form_open_and_filled(client, world):
    draft, criterion = world["draft"], world["criterion"]
    url = reverse("programme_criterion_update", args=[draft.pk, criterion.pk])
    fragment = client.post(url, {**QUANTITATIVE, "title": "", "lock_version": lock(draft)}, **HTMX).content.decode()
    assert f'id="crit{criterion.pk}-title"' in fragment and "<details open>" in fragment
