"""The unit pages as a huyện manager uses them: reached from the unit tree, every
reorganisation previewed first, then confirmed; refusals in Vietnamese with nothing
written; a second manager working from a stale page is told to reload."""

import html
import re

import pytest
from django.urls import reverse

from cadres.models import Position, Unit, UnitChange
from tests.cadres import reorganise_world
from tests.cadres.factories import GrantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return reorganise_world.build()


def _flat(response) -> str:
    return " ".join(response.content.decode().split())


def _text(response) -> str:
    """What a person reads: the page without its tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()).replace(" :", ":")


def _unit(code: str) -> Unit:
    return Unit.objects.get(tenant__slug="hoa-binh", code=code)


def _url(name: str, code: str) -> str:
    return reverse(name, args=["hoa-binh", code])


def _versions(client, name: str, code: str) -> str:
    response = client.get(_url(name, code))
    assert response.status_code == 200
    return response.context["form"]["versions"].value()


def test_the_operations_are_on_the_units_page_reached_from_the_tree(client, w):
    client.force_login(w["people"]["manager"])
    tree = _flat(client.get(reverse("unit_list")))
    assert _url("unit_detail", "HA") in tree
    huyen = _flat(client.get(_url("unit_detail", "HA")))
    assert _url("unit_detail", "X1") in huyen and _url("unit_new", "HA") in huyen
    assert _url("unit_move", "HA") not in huyen  # its own top: decided from above
    page = _flat(client.get(_url("unit_detail", "X1")))
    for name in ("unit_edit", "unit_move", "unit_merge", "unit_split", "unit_archive"):
        assert _url(name, "X1") in page
    assert "Tổ chức lại" in page


def test_create_and_rename_keep_the_past_name(client, w):
    client.force_login(w["people"]["manager"])
    response = client.post(_url("unit_new", "X2"), {"code": "B5", "name": "Chi đoàn Ấp 5", "level": "branch",
                                                     "sector": ""}, follow=True)
    assert "Đã tạo đơn vị Chi đoàn Ấp 5." in _flat(response)
    assert Unit.objects.get_parent(_unit("B5")).code == "X2"
    versions = _versions(client, "unit_edit", "B5")
    response = client.post(_url("unit_edit", "B5"), {"name": "Chi đoàn Ấp Năm", "level": "branch", "sector": "",
                                                      "versions": versions}, follow=True)
    page = _text(response)
    assert "Lịch sử đơn vị" in page and "Đổi tên: “Chi đoàn Ấp 5” → “Chi đoàn Ấp Năm”" in page
    assert "Thành lập: trực thuộc Đoàn xã An Lạc" in page


def test_merge_shows_a_preview_then_merges(client, w):
    client.force_login(w["people"]["manager"])
    data = {"others": [w["units"]["B2"].pk], "into": "new", "code": "B12", "name": "Chi đoàn Ấp 1-2",
            "versions": _versions(client, "unit_merge", "B1")}
    preview = _flat(client.post(_url("unit_merge", "B1"), data))
    assert "Những thay đổi sẽ thực hiện" in preview
    assert "3 cán bộ chuyển từ Chi đoàn Ấp 1 sang Chi đoàn Ấp 1-2." in preview
    assert "Biểu mẫu đang mở sẽ theo cán bộ (người duyệt đổi theo): 5" in preview
    assert not Unit.objects.filter(code="B12").exists()
    response = client.post(_url("unit_merge", "B1"), {**data, "confirm": "1"}, follow=True)
    page = _text(response)
    assert response.request["PATH_INFO"] == _url("unit_detail", "B12")
    assert "Hợp nhất từ: Chi đoàn Ấp 1 (B1), Chi đoàn Ấp 2 (B2)" in page
    assert _unit("B1").is_archived and client.get(_url("unit_detail", "B1")).status_code == 404


def test_split_places_sub_units_and_cadres_from_the_page(client, w):
    client.force_login(w["people"]["manager"])
    units, cadres = w["units"], w["cadres"]
    data = {"parts": "2", "part_1_code": "X1A", "part_1_name": "Đoàn xã An Bình A", "part_2_code": "X1B",
            "part_2_name": "Đoàn xã An Bình B", f"unit_{units['B1'].pk}": "1", f"unit_{units['B2'].pk}": "1",
            f"unit_{units['B3'].pk}": "2", f"cadre_{cadres['X1'][0].pk}": "1",
            "versions": _versions(client, "unit_split", "X1")}
    unplaced = _flat(client.post(_url("unit_split", "X1"), data))
    assert "Hãy chọn đơn vị mới cho từng cán bộ; chưa xếp: Trần Thị X1 Số 2" in unplaced
    data[f"cadre_{cadres['X1'][1].pk}"] = "2"
    assert "Tạo đơn vị mới Đoàn xã An Bình B" in _flat(client.post(_url("unit_split", "X1"), data))
    response = client.post(_url("unit_split", "X1"), {**data, "confirm": "1"}, follow=True)
    assert response.request["PATH_INFO"] == _url("unit_detail", "HA")
    assert Unit.objects.get_parent(_unit("B3")).code == "X1B"
    assert "Tách từ: Đoàn xã An Bình (X1)" in _text(client.get(_url("unit_detail", "X1B")))


def test_move_refuses_a_lower_level_and_moves_under_a_higher_one(client, w):
    client.force_login(w["people"]["manager"])
    page = _flat(client.get(_url("unit_move", "B3")))
    assert "Đoàn xã An Lạc (X2)" in page and "Chi đoàn Ấp 4" not in page  # only higher levels offered
    versions = _versions(client, "unit_move", "B3")
    tampered = _flat(client.post(_url("unit_move", "B3"), {"parent": w["units"]["B4"].pk, "versions": versions}))
    assert "Hãy chọn một lựa chọn hợp lệ." in tampered and Unit.objects.get_parent(_unit("B3")).code == "X1"
    client.post(_url("unit_move", "B3"), {"parent": w["units"]["X2"].pk, "versions": versions, "confirm": "1"})
    assert Unit.objects.get_parent(_unit("B3")).code == "X2"


def test_archive_with_open_forms_asks_where_they_go(client, w):
    client.force_login(w["people"]["manager"])
    versions = _versions(client, "unit_archive", "B1")
    refused = _flat(client.post(_url("unit_archive", "B1"), {"versions": versions, "confirm": "1"}))
    assert "Chi đoàn Ấp 1 còn 3 biểu mẫu đang mở: hãy chọn đơn vị nhận cán bộ" in refused
    assert not _unit("B1").is_archived
    client.post(_url("unit_archive", "B1"), {"versions": versions, "transfer_to": w["units"]["B3"].pk,
                                             "confirm": "1"})
    assert _unit("B1").is_archived and Position.objects.active().filter(unit__code="B3").count() == 5


def test_two_managers_at_once_the_second_is_told_to_reload(client, w):
    second = GrantFactory(unit=w["units"]["HA"], tenant=w["tenant"]).user
    client.force_login(w["people"]["manager"])
    mine = _versions(client, "unit_move", "B3")
    other = client.__class__()
    other.force_login(second)
    theirs = _versions(other, "unit_archive", "B3")
    client.post(_url("unit_move", "B3"), {"parent": w["units"]["X2"].pk, "versions": mine, "confirm": "1"})
    changes = UnitChange.objects.count()
    page = _flat(other.post(_url("unit_archive", "B3"), {"versions": theirs, "transfer_to": w["units"]["B4"].pk,
                                                         "confirm": "1"}))
    assert "Đơn vị đã được người khác thay đổi, vui lòng tải lại trang." in page and "Tải lại trang" in page
    assert not _unit("B3").is_archived and UnitChange.objects.count() == changes


@pytest.mark.parametrize("who", ["outsider", "other_huyen", "cadre"])
def test_only_the_units_managers_reach_the_pages(client, w, who):
    user = {"outsider": lambda: UserFactory(),
            "other_huyen": lambda: GrantFactory(unit=w["units"]["PT"], tenant=w["tenant"]).user,
            "cadre": lambda: w["cadres"]["B1"][1].user or _with_account(w["cadres"]["B1"][1])}[who]()
    client.force_login(user)
    for name in ("unit_new", "unit_edit", "unit_move", "unit_merge", "unit_split", "unit_archive"):
        assert client.get(_url(name, "X1")).status_code == 404
        assert client.post(_url(name, "X1"), {"confirm": "1"}).status_code == 404
    assert not _unit("X1").is_archived


def _with_account(cadre):
    cadre.user = UserFactory()
    cadre.save(update_fields=["user"])
    return cadre.user
