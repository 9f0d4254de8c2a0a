"""The privacy notice and consent: shown at invitation, join and first login; recorded with its
version and time; a new version asks again; withdrawal explained and done."""

import re
from urllib.parse import urlencode

import pytest
from allauth.core.context import request_context
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres import privacy
from cadres.models import AuditEvent, Cadre, Consent, PositionRole
from cadres.services.accounts import cadre_invite
from tests.cadres.factories import CadreFactory, UnitFactory
from tests.cadres.test_accounts import log_in
from tests.evaluations.factories import world as evaluation_world

pytestmark = pytest.mark.django_db

ASKED = "Trước khi sử dụng ứng dụng, vui lòng đọc cách dữ liệu cá nhân của bạn được xử lý"


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def notice_url(next_url: str) -> str:
    return f"{reverse('privacy_notice')}?{urlencode({'next': next_url})}"


@pytest.fixture
def w():
    return evaluation_world()


@pytest.fixture
def newcomer(w):
    """A cadre who has never answered the notice."""
    return CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name="Đinh Thị Mới",
                        email="dinh.moi@example.vn", consented_notice=False)


def test_the_notice_names_what_why_who_how_long_rights_and_contact(client, settings):
    settings.DATA_PROTECTION_EMAIL = "dpo@tinhdoan.vn"
    page = text(client.get(reverse("privacy_notice")))
    for expected in ("Dữ liệu được xử lý", "Mục đích", "Ai được xem", "Thời hạn lưu trữ", "Quyền của bạn",
                     "dpo@tinhdoan.vn", "91/2025/QH15", "5 năm", "24 tháng", f"Phiên bản {privacy.VERSION}"):
        assert expected in page, expected


def test_first_login_leads_to_the_notice_and_nothing_opens_before_it_is_accepted(client, newcomer):
    user = newcomer.user
    logged_in = log_in(client, user.email)
    assert logged_in.status_code == 302
    landing = client.get(logged_in.url)
    assert landing.status_code == 302 and landing.url == notice_url(logged_in.url)
    for name, args in (("my_profile", []), ("cadre_detail", [newcomer.pk]), ("registration_list", []),
                       ("notice_list", []), ("my_access_log", [])):
        assert client.get(reverse(name, args=args)).url == notice_url(reverse(name, args=args)), name
    assert client.post(reverse("activity_create"), {}).url == reverse("privacy_notice")  # a POST too
    fragment = client.get(reverse("unit_suggest"), headers={"HX-Request": "true"})
    assert fragment.status_code == 204 and fragment["HX-Redirect"].startswith(reverse("privacy_notice"))
    page = client.get(notice_url(reverse("my_access_log")))
    assert ASKED in text(page) and "đăng xuất" in text(page)
    assert not Consent.objects.filter(user=user).exists()

    accepted = client.post(reverse("privacy_notice"), {"next": reverse("my_access_log")})
    assert accepted.url == reverse("my_access_log")  # on to where they were going
    consent = Consent.objects.get(user=user)
    assert consent.version == privacy.VERSION and consent.given_at is not None
    assert AuditEvent.objects.filter(action="consent.give", actor=user).exists()
    assert client.get(reverse("my_profile")).status_code == 200
    client.logout()
    assert client.get(log_in(client, user.email).url).status_code == 200  # asked once


def test_an_accepted_notice_costs_no_query_per_page(client, w):
    client.force_login(w.member.user)
    client.get(reverse("my_profile"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("my_profile"))
    assert not [q for q in queries.captured_queries if "cadres_consent" in q["sql"]]


def test_a_foreign_next_is_not_followed(client, newcomer):
    client.force_login(newcomer.user)
    assert client.post(reverse("privacy_notice"), {"next": "https://example.org/"}).url == reverse("my_profile")


def test_a_new_version_asks_again(client, w, monkeypatch):
    user = w.member.user
    client.force_login(user)
    assert client.get(reverse("my_profile")).status_code == 200
    monkeypatch.setattr(privacy, "VERSION", "2027-01")
    assert client.get(reverse("my_profile")).url == notice_url(reverse("my_profile"))  # the same session
    assert ASKED in text(client.get(reverse("privacy_notice")))
    client.post(reverse("privacy_notice"))
    assert set(Consent.objects.filter(user=user).values_list("version", flat=True)) == {"2026-01", "2027-01"}
    assert client.get(reverse("my_profile")).status_code == 200


def test_withdrawing_explains_keeps_the_records_and_clears_optional_fields(client, w):
    user = w.member.user
    Cadre.objects.filter(pk=w.member.pk).update(ethnicity="Khmer")
    client.force_login(user)
    notice = client.get(reverse("privacy_notice"))
    assert reverse("consent_withdraw") in notice.content.decode() and ASKED not in text(notice)
    page = text(client.get(reverse("consent_withdraw")))
    assert "hồ sơ chính thức" in page and "dân tộc" in page
    client.post(reverse("consent_withdraw"))
    w.member.refresh_from_db()
    assert w.member.ethnicity == "" and w.member.full_name == "Trần Thị Mai"
    assert Consent.objects.get(user=user).withdrawn_at is not None
    # They read the notice and chose: the app stays open, and the notice offers to accept again.
    assert client.get(reverse("my_profile")).status_code == 200
    client.logout()
    client.force_login(user)
    assert client.get(reverse("my_profile")).status_code == 200
    again = text(client.get(reverse("privacy_notice")))
    assert "Tôi đã đọc thông báo và đồng ý" in again and ASKED not in again


def test_joining_needs_and_records_consent(client, w):
    unit = UnitFactory(code="B7", name="Chi đoàn Ấp 7")
    client.post(reverse("join"), {"code": unit.join_code})
    data = {"full_name": "Trần Thị Mới", "birth_date": "17/05/1998", "gender": "female", "phone": "0933222111",
            "email": "moi@example.vn", "role": PositionRole.EXECUTIVE_MEMBER, "password1": "Doan-vien-2026",
            "password2": "Doan-vien-2026"}
    refused = client.post(reverse("join_register"), data)
    assert refused.status_code == 200 and not Cadre.objects.filter(email="moi@example.vn").exists()
    assert reverse("privacy_notice") in refused.content.decode()
    joined = client.post(reverse("join_register"), {**data, "accept_notice": "on"})
    cadre = Cadre.objects.get(email="moi@example.vn")
    assert Consent.objects.get(user=cadre.user).version == privacy.VERSION
    assert client.get(joined.url).status_code == 200  # accepted on the join page: nothing more to answer
    client.logout()
    assert client.get(log_in(client, "moi@example.vn", "Doan-vien-2026").url).status_code == 200


def test_an_invited_cadre_sets_a_password_then_meets_the_notice(client, w, django_capture_on_commit_callbacks):
    member = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, email="moi.moi@example.vn",
                          consented_notice=False)
    member.user.set_unusable_password()
    member.user.save()
    client.force_login(w.secretary.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cadre_invite", args=[member.pk]))
    client.logout()
    message = mail.outbox[-1]
    assert reverse("privacy_notice") in message.body
    form_url = client.get(re.search(r"https?://\S+", message.body).group(0)).url
    assert client.post(form_url, {"password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"}).status_code == 302
    logged_in = log_in(client, "moi.moi@example.vn", "Mat-khau-moi-2026")
    assert client.get(logged_in.url).url == notice_url(logged_in.url)
    client.post(reverse("privacy_notice"))
    assert Consent.objects.filter(user=member.user, version=privacy.VERSION).exists()


def test_the_invitation_links_to_the_notice(w, django_capture_on_commit_callbacks):
    member = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, email="moi.moi@example.vn")
    member.user.set_unusable_password()
    member.user.save()
    with django_capture_on_commit_callbacks(execute=True), request_context(RequestFactory().get("/")):
        cadre_invite(cadre=member, acting_user=w.secretary.user)
    assert reverse("privacy_notice") in mail.outbox[-1].body
