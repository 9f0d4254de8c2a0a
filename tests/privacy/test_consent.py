"""The privacy notice and consent: shown at invitation, join and first login; recorded with its
version and time; a new version asks again; withdrawal explained and done."""

import re

import pytest
from allauth.core.context import request_context
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from cadres import privacy
from cadres.models import AuditEvent, Cadre, Consent, PositionRole
from cadres.services.accounts import cadre_invite
from tests.cadres.factories import PASSWORD, CadreFactory, UnitFactory
from tests.evaluations.factories import world as evaluation_world

pytestmark = pytest.mark.django_db

BANNER = "Vui lòng đọc cách dữ liệu cá nhân của bạn được xử lý"


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def w():
    return evaluation_world()


def test_the_notice_names_what_why_who_how_long_rights_and_contact(client, settings):
    settings.DATA_PROTECTION_EMAIL = "dpo@tinhdoan.vn"
    page = text(client.get(reverse("privacy_notice")))
    for expected in ("Dữ liệu được xử lý", "Mục đích", "Ai được xem", "Thời hạn lưu trữ", "Quyền của bạn",
                     "dpo@tinhdoan.vn", "91/2025/QH15", "5 năm", "24 tháng", f"Phiên bản {privacy.VERSION}"):
        assert expected in page, expected


def test_first_login_asks_and_accepting_records_version_and_time(client, w):
    user = w.member.user
    assert client.login(email=user.email, password=PASSWORD)
    assert BANNER in text(client.get(reverse("home")))
    client.post(reverse("privacy_notice"))
    consent = Consent.objects.get(user=user)
    assert consent.version == privacy.VERSION and consent.given_at is not None
    assert AuditEvent.objects.filter(action="consent.give", actor=user).exists()
    assert BANNER not in text(client.get(reverse("home")))
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)
    assert BANNER not in text(client.get(reverse("home")))


def test_a_new_version_asks_again(client, w, monkeypatch):
    user = w.member.user
    Consent.objects.create(user=user, version=privacy.VERSION)
    monkeypatch.setattr(privacy, "VERSION", "2027-01")
    assert client.login(email=user.email, password=PASSWORD)
    assert BANNER in text(client.get(reverse("home")))
    client.post(reverse("privacy_notice"))
    assert set(Consent.objects.filter(user=user).values_list("version", flat=True)) == {"2026-01", "2027-01"}


def test_withdrawing_explains_keeps_the_records_and_clears_optional_fields(client, w):
    user = w.member.user
    Cadre.objects.filter(pk=w.member.pk).update(ethnicity="Khmer")
    Consent.objects.create(user=user, version=privacy.VERSION)
    client.force_login(user)
    page = text(client.get(reverse("consent_withdraw")))
    assert "hồ sơ chính thức" in page and "dân tộc" in page
    client.post(reverse("consent_withdraw"))
    w.member.refresh_from_db()
    assert w.member.ethnicity == "" and w.member.full_name == "Trần Thị Mai"
    assert Consent.objects.get(user=user).withdrawn_at is not None
    assert BANNER in text(client.get(reverse("home")))


def test_joining_needs_and_records_consent(client):
    unit = UnitFactory(code="B7", name="Chi đoàn Ấp 7")
    client.post(reverse("join"), {"code": unit.join_code})
    data = {"full_name": "Trần Thị Mới", "birth_date": "17/05/1998", "gender": "female", "phone": "0933222111",
            "email": "moi@example.vn", "role": PositionRole.EXECUTIVE_MEMBER, "password1": "Doan-vien-2026",
            "password2": "Doan-vien-2026"}
    refused = client.post(reverse("join_register"), data)
    assert refused.status_code == 200 and not Cadre.objects.filter(email="moi@example.vn").exists()
    assert reverse("privacy_notice") in refused.content.decode()
    client.post(reverse("join_register"), {**data, "accept_notice": "on"})
    cadre = Cadre.objects.get(email="moi@example.vn")
    assert Consent.objects.get(user=cadre.user).version == privacy.VERSION
    assert BANNER not in text(client.get(reverse("home")))


def test_the_invitation_links_to_the_notice(w, django_capture_on_commit_callbacks):
    member = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, email="moi.moi@example.vn")
    member.user.set_unusable_password()
    member.user.save()
    with django_capture_on_commit_callbacks(execute=True), request_context(RequestFactory().get("/")):
        cadre_invite(cadre=member, acting_user=w.secretary.user)
    assert reverse("privacy_notice") in mail.outbox[-1].body
