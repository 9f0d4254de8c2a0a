"""Login by email or phone, rate limits, password reset, invitations and MFA, through the client."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cadres.models import AuditEvent, PositionRole
from tests.cadres.factories import PASSWORD, CadreFactory, TenantFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

WRONG_LOGIN = "Email/số điện thoại hoặc mật khẩu không đúng."




@pytest.fixture
def tree():
    root = TenantFactory(slug="a").root_unit
    d1 = UnitFactory(parent=root, code="D1")
    d2 = UnitFactory(parent=root, code="D2")
    b1 = UnitFactory(parent=UnitFactory(parent=d1, code="G1"), code="B1")
    foreign = UnitFactory(parent=TenantFactory(slug="b").root_unit, code="D1")
    return dict(root=root, d1=d1, d2=d2, b1=b1, foreign=foreign)


@pytest.fixture
def manager(tree):
    return CadreFactory(unit=tree["d1"], role=PositionRole.SECRETARY, email="bithu@example.vn").user


def log_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def log_in_and_confirm_password(client, login):
    """allauth asks for the password again before any MFA change."""
    assert log_in(client, login).status_code == 302
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


def without_password(cadre):
    cadre.user.set_unusable_password()
    cadre.user.save(update_fields=["password"])
    return cadre


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_login_page_is_vietnamese(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Email hoặc số điện thoại" in page
    assert "Mật khẩu" in page
    assert "Quên mật khẩu?" in page


@pytest.mark.parametrize("typed", ["canbo@example.vn", "0912345678", "+84 912 345 678", "091.234.5678"])
def test_login_by_email_or_phone(client, tree, typed):
    CadreFactory(unit=tree["b1"], email="canbo@example.vn", phone="0912345678")
    response = log_in(client, typed)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).wsgi_request.user.email == "canbo@example.vn"


@pytest.mark.parametrize("typed", ["canbo@example.vn", "0912345678", "0999999999", "khong-phai@example.vn"])
def test_wrong_password_or_unknown_login_give_one_message(client, tree, typed):
    CadreFactory(unit=tree["b1"], email="canbo@example.vn", phone="0912345678")
    response = log_in(client, typed, password="sai-mat-khau")
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_failed_logins_are_rate_limited(client, tree):
    CadreFactory(unit=tree["b1"], email="canbo@example.vn", phone="0912345678")
    for typed in ["canbo@example.vn", "0912345678", "+84912345678", "canbo@example.vn", "0912345678"]:
        assert WRONG_LOGIN in log_in(client, typed, password="sai").content.decode()
    # The phone counts against the same account: the sixth try is refused even with the right password.
    response = log_in(client, "canbo@example.vn")
    assert "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_one_address_spraying_many_accounts_is_stopped(client):
    pages = [log_in(client, f"x{i}@example.vn", password="sai").content.decode() for i in range(61)]
    assert all(WRONG_LOGIN in page for page in pages[:60])
    assert "Bạn đã đăng nhập sai quá nhiều lần" in pages[60]
    statuses = [log_in(client, f"y{i}@example.vn", password="sai").status_code for i in range(60)]
    assert statuses[-2:] == [200, 429]  # the 121st post of the minute


def test_a_meeting_on_one_wifi_is_not_locked_out_by_one_persons_mistakes(client, tree):
    """40 people log in from one address; one of them mistypes their password five times."""
    careless = CadreFactory(unit=tree["b1"], email="nham@example.vn")
    for _ in range(5):
        log_in(client, careless.email, password="sai")
    assert "sai quá nhiều lần" in log_in(client, careless.email).content.decode()
    for n in range(40):
        cadre = CadreFactory(unit=tree["b1"], email=f"hop{n}@example.vn")
        response = log_in(client, cadre.email)
        assert response.status_code == 302 and response.wsgi_request.user == cadre.user
        client.logout()


def test_open_signup_stays_closed(client, django_user_model):
    data = {"email": "la@example.vn", "password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"}
    client.post(reverse("account_signup"), data)
    assert not django_user_model.objects.filter(email="la@example.vn").exists()


def test_password_reset_email_and_link_work_once(client, tree, django_capture_on_commit_callbacks):
    CadreFactory(unit=tree["b1"], email="canbo@example.vn")
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "Đặt lại mật khẩu" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "canbo@example.vn"})
    assert response.status_code == 302
    assert "Hãy kiểm tra email" in client.get(response.url).content.decode()
    [message] = mail.outbox
    assert message.to == ["canbo@example.vn"]
    assert "Chọn mật khẩu mới" in message.subject
    link = link_in(message)

    form_url = client.get(link).url
    assert "Chọn mật khẩu" in client.get(form_url).content.decode()
    done = client.post(form_url, {"password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"})
    assert done.status_code == 302
    assert "Đã lưu mật khẩu" in client.get(done.url).content.decode()

    assert "Liên kết này không còn dùng được" in client.get(link).content.decode()
    assert log_in(client, "canbo@example.vn", "Mat-khau-moi-2026").status_code == 302


def test_invitation_sets_the_password_then_dies(client, tree, manager, django_capture_on_commit_callbacks):
    cadre = without_password(CadreFactory(unit=tree["b1"], email="moi@example.vn", phone="0987654321"))
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cadre_invite", args=[cadre.pk]))
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["moi@example.vn"]
    assert "chọn mật khẩu" in message.subject
    assert cadre.full_name in message.body
    assert AuditEvent.objects.filter(action="cadre.invite", object_id=str(cadre.pk), actor=manager).exists()
    link = link_in(message)

    client.logout()
    form_url = client.get(link).url
    assert client.post(form_url, {"password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"}).status_code == 302
    assert "Liên kết này không còn dùng được" in client.get(link).content.decode()
    assert log_in(client, "0987654321", "Mat-khau-moi-2026").status_code == 302


def test_invitation_refused_when_a_password_exists(client, tree, manager):
    cadre = CadreFactory(unit=tree["b1"])
    client.force_login(manager)
    response = client.post(reverse("cadre_invite", args=[cadre.pk]), follow=True)
    assert "đã có mật khẩu" in response.content.decode()
    assert mail.outbox == []


def test_invite_all_touches_only_the_managed_subtree(client, tree, manager, django_capture_on_commit_callbacks):
    inside = without_password(CadreFactory(unit=tree["b1"], email="trong@example.vn"))
    CadreFactory(unit=tree["b1"], email="comatkhau@example.vn")  # already has a password
    without_password(CadreFactory(unit=tree["b1"], email="", phone="0911111111"))  # no email to send to
    without_password(CadreFactory(unit=tree["d2"], email="anhem@example.vn"))
    without_password(CadreFactory(unit=tree["foreign"], email="tinhkhac@example.vn"))
    client.force_login(manager)
    page = client.get(reverse("unit_invite", args=["a", "D1"])).content.decode()
    assert "trong@example.vn" in page and "anhem@example.vn" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("unit_invite", args=["a", "D1"]))
    assert [m.to for m in mail.outbox] == [["trong@example.vn"]]
    assert AuditEvent.objects.filter(action="unit.invite_all", data__invited=1).exists()
    assert inside.user.email == "trong@example.vn"


@pytest.mark.parametrize("where", ["d2", "foreign"])
def test_invitations_of_a_sibling_or_foreign_unit_are_404(client, tree, manager, where):
    unit = tree[where]
    cadre = without_password(CadreFactory(unit=unit))
    client.force_login(manager)
    assert client.get(reverse("unit_invite", args=[unit.tenant.slug, unit.code])).status_code == 404
    assert client.post(reverse("unit_invite", args=[unit.tenant.slug, unit.code])).status_code == 404
    assert client.post(reverse("cadre_invite", args=[cadre.pk])).status_code == 404
    assert mail.outbox == []


def test_plain_cadre_cannot_invite(client, tree):
    plain = CadreFactory(unit=tree["b1"])
    other = without_password(CadreFactory(unit=tree["b1"]))
    client.force_login(plain.user)
    assert client.post(reverse("cadre_invite", args=[other.pk])).status_code == 404
    assert client.get(reverse("unit_invite", args=["a", "B1"])).status_code == 404


def test_mfa_is_refused_to_a_plain_cadre(client, tree):
    plain = CadreFactory(unit=tree["b1"])
    log_in_and_confirm_password(client, plain.email)
    assert client.get(reverse("mfa_activate_totp")).status_code == 404
    assert client.post(reverse("mfa_activate_totp"), {"code": "123456"}).status_code == 404
    index = client.get(reverse("mfa_index")).content.decode()
    assert "chỉ dành cho" in index
    assert reverse("mfa_activate_totp") not in index


def test_mfa_is_offered_to_a_manager(client, tree, manager):
    log_in_and_confirm_password(client, "bithu@example.vn")
    index = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_activate_totp") in index
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Bật đăng nhập hai bước" in page.content.decode()
    assert "data:image/svg+xml" in page.content.decode()


def test_manager_turns_on_totp_and_then_needs_a_code_to_log_in(client, tree, manager):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    log_in_and_confirm_password(client, "bithu@example.vn")
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = log_in(client, "bithu@example.vn")
    assert response.url == reverse("mfa_authenticate")
    page = client.get(response.url).content.decode()
    assert "Đăng nhập hai bước" in page and 'name="code"' in page


def test_invitation_trail_reads_queued_then_sent(client, tree, manager, django_capture_on_commit_callbacks):
    cadre = without_password(CadreFactory(unit=tree["b1"], email="moi@example.vn"))
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cadre_invite", args=[cadre.pk]))
    trail = list(AuditEvent.objects.filter(cadre_id=cadre.pk, action__startswith="cadre.invite")
                 .order_by("id").values_list("action", flat=True))
    assert trail == ["cadre.invite", "cadre.invite_sent"]


def test_with_the_mail_server_down_the_invitation_is_queued_and_its_failure_recorded(
        client, tree, manager, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_notices.DownBackend"
    cadres = [without_password(CadreFactory(unit=tree["b1"], email=f"moi{n}@example.vn")) for n in range(3)]
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("unit_invite", args=["a", "D1"]), follow=True)
    assert response.status_code == 200  # the action happened; only the mail is late
    for cadre in cadres:
        trail = list(AuditEvent.objects.filter(cadre_id=cadre.pk, action__startswith="cadre.invite")
                     .order_by("id").values_list("action", flat=True))
        assert trail == ["cadre.invite", "cadre.invite_failed"]
    assert mail.outbox == []
