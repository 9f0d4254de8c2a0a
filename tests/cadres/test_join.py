"""Join codes: register with a unit's code, the Bí thư confirms, managers regenerate codes."""

import pytest
from django.urls import reverse

from cadres import selectors
from cadres.models import AuditEvent, JoinRequest, JoinRequestStatus, Position, PositionRole, Unit
from tests.cadres.factories import CadreFactory, TenantFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

WRONG_CODE = "Mã tham gia không đúng. Hãy kiểm tra lại với Bí thư đơn vị."




@pytest.fixture
def tree():
    root = TenantFactory(slug="a").root_unit
    g1 = UnitFactory(parent=UnitFactory(parent=root, code="D1"), code="G1")
    return dict(
        root=root,
        g1=g1,
        b1=UnitFactory(parent=g1, code="B1", name="Chi đoàn Ấp Một"),
        b2=UnitFactory(parent=g1, code="B2", name="Chi đoàn Ấp Hai"),
        foreign=UnitFactory(parent=TenantFactory(slug="b").root_unit, code="B1"),
    )


def registration(**changes):
    data = {
        "full_name": "  Trần   Thị Mới ",
        "birth_date": "17/05/1998",
        "gender": "female",
        "phone": "+84 933 222 111",
        "email": "Moi@Example.vn",
        "role": PositionRole.DEPUTY_SECRETARY,
        "password1": "Doan-vien-2026",
        "password2": "Doan-vien-2026",
        "accept_notice": "on",
    }
    data.update(changes)
    return data


def register(client, unit, **changes):
    """Enter the unit's code (lower case, with spaces, as people type it), then the form."""
    typed = f" {unit.join_code[:4].lower()} {unit.join_code[4:]} "
    assert client.post(reverse("join"), {"code": typed}).url == reverse("join_register")
    return client.post(reverse("join_register"), registration(**changes))


def pending_request(unit) -> JoinRequest:
    return JoinRequest.objects.get(unit=unit, status=JoinRequestStatus.PENDING)


def test_join_end_to_end(client, tree):
    unit = tree["b1"]
    page = client.get(reverse("join")).content.decode()
    assert "Mã tham gia" in page
    response = register(client, unit)
    assert response.status_code == 302 and response.url == reverse("home")

    join_request = pending_request(unit)
    cadre = join_request.cadre
    assert (cadre.full_name, cadre.phone, cadre.email) == ("Trần Thị Mới", "+84933222111", "moi@example.vn")
    assert cadre.tenant == unit.tenant and cadre.birth_date.isoformat() == "1998-05-17"
    assert not Position.objects.filter(cadre=cadre).exists()
    # Logged in at once, but no position yet: their own profile and nothing else.
    newcomer = cadre.user
    assert response.wsgi_request.user == newcomer
    assert not selectors.units_visible_to(newcomer).exists()
    assert client.get(reverse("unit_detail", args=["a", "B1"])).status_code == 404

    secretary = CadreFactory(unit=unit, role=PositionRole.SECRETARY)
    client.force_login(secretary.user)
    listing = client.get(reverse("join_request_list")).content.decode()
    assert "Trần Thị Mới" in listing and "Phó Bí thư" in listing
    response = client.post(reverse("join_request_approve", args=[join_request.pk]), follow=True)
    assert "Đã xác nhận chức vụ cho Trần Thị Mới." in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED and join_request.decided_by == secretary.user
    assert Position.objects.active().filter(cadre=cadre, unit=unit, role=PositionRole.DEPUTY_SECRETARY).exists()
    assert AuditEvent.objects.filter(action="join_request.approved", object_id=str(join_request.pk)).exists()

    client.logout()
    assert client.post(reverse("account_login"), {"login": "0933222111", "password": "Doan-vien-2026"}).status_code == 302
    assert client.get(reverse("unit_detail", args=["a", "B1"])).status_code == 200


def test_reject_leaves_no_position(client, tree):
    register(client, tree["b1"])
    join_request = pending_request(tree["b1"])
    client.force_login(CadreFactory(unit=tree["g1"], role=PositionRole.STANDING_MEMBER).user)  # manager above
    client.post(reverse("join_request_reject", args=[join_request.pk]))
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.REJECTED
    assert not Position.objects.filter(cadre=join_request.cadre).exists()
    # Decided once: a second decision is a 404 like any request no longer waiting.
    assert client.post(reverse("join_request_approve", args=[join_request.pk])).status_code == 404


def test_wrong_code_gives_a_clear_message(client, tree):
    response = client.post(reverse("join"), {"code": "ZZZZ2222"})
    assert WRONG_CODE in response.content.decode()
    assert client.get(reverse("join_register")).url == reverse("join")


def test_code_lookup_is_rate_limited(client, tree):
    for _attempt in range(40):
        assert client.post(reverse("join"), {"code": "ZZZZ2222"}).status_code == 200
    # Even the right code is refused once the limit is reached: guessing cannot go on.
    response = client.post(reverse("join"), {"code": tree["b1"].join_code})
    assert response.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()


def test_archived_unit_code_does_not_work(client, tree):
    Unit.objects.filter(pk=tree["b2"].pk).update(archived_at="2025-07-01T00:00:00Z")
    assert WRONG_CODE in client.post(reverse("join"), {"code": tree["b2"].join_code}).content.decode()


@pytest.mark.parametrize(
    "changes, field_error",
    [
        ({"phone": "12345"}, "Nhập số điện thoại di động hoặc cố định Việt Nam, ví dụ 0912 345 678"),
        ({"password2": "khac-hoan-toan-2026"}, "Hai lần nhập mật khẩu không giống nhau."),
        ({"birth_date": "31/02/1998"}, "Nhập một ngày hợp lệ."),
        ({"email": "canbo-cu@example.vn"}, "canbo-cu@example.vn"),
        # Written another way, still the same number.
        ({"phone": "+84 900 000 001"}, "Số điện thoại 0900 000 001 đã thuộc về một tài khoản khác."),
    ],
)
def test_bad_registration_shows_errors_and_writes_nothing(client, tree, changes, field_error):
    CadreFactory(unit=tree["b2"], email="canbo-cu@example.vn", phone="0900000001")
    response = register(client, tree["b1"], **changes)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert 'class="errors"' in response.content.decode()
    assert not JoinRequest.objects.exists()
    assert not response.wsgi_request.user.is_authenticated


def test_foreign_secretary_cannot_see_or_confirm(client, tree):
    register(client, tree["b1"])
    join_request = pending_request(tree["b1"])
    for unit in [tree["foreign"], tree["b2"]]:  # another tenant's Bí thư, a sibling unit's Bí thư
        client.force_login(CadreFactory(unit=unit, role=PositionRole.SECRETARY).user)
        assert "Trần Thị Mới" not in client.get(reverse("join_request_list")).content.decode()
        assert client.post(reverse("join_request_approve", args=[join_request.pk])).status_code == 404
        assert client.post(reverse("join_request_reject", args=[join_request.pk])).status_code == 404
    assert pending_request(tree["b1"]) == join_request


def test_non_manager_cannot_confirm_or_regenerate(client, tree):
    register(client, tree["b1"])
    join_request = pending_request(tree["b1"])
    member = CadreFactory(unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER)
    client.force_login(member.user)
    assert client.post(reverse("join_request_approve", args=[join_request.pk])).status_code == 404
    code = tree["b1"].join_code
    assert client.get(reverse("unit_join_code", args=["a", "B1"])).status_code == 404
    assert client.post(reverse("unit_join_code", args=["a", "B1"])).status_code == 404
    tree["b1"].refresh_from_db()
    assert tree["b1"].join_code == code


def test_manager_regenerates_a_code(client, tree):
    unit = tree["b1"]
    old = unit.join_code
    manager = CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY)
    client.force_login(manager.user)
    page = client.get(reverse("unit_join_code", args=["a", "B1"])).content.decode()
    assert old in page and "Tạo mã mới" in page
    response = client.post(reverse("unit_join_code", args=["a", "B1"]), follow=True)
    unit.refresh_from_db()
    assert unit.join_code != old and len(unit.join_code) == 8
    assert unit.join_code in response.content.decode()
    assert AuditEvent.objects.filter(action="unit.join_code_regenerate", object_id=str(unit.pk), actor=manager.user).exists()
    client.logout()
    assert WRONG_CODE in client.post(reverse("join"), {"code": old}).content.decode()


@pytest.mark.parametrize("where", ["b2", "foreign"])
def test_join_code_page_of_a_sibling_or_foreign_unit_is_404(client, tree, where):
    client.force_login(CadreFactory(unit=tree["b1"], role=PositionRole.SECRETARY).user)
    unit = tree[where]
    assert client.get(reverse("unit_join_code", args=[unit.tenant.slug, unit.code])).status_code == 404
    assert client.post(reverse("unit_join_code", args=[unit.tenant.slug, unit.code])).status_code == 404

