"""The breach register: provincial staff record an incident, see its 72-hour clock, mark the
authority notified and download the PDF; nobody else reaches it; platform admins see it in
the platform admin."""

import datetime
import io
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cadres.models import AuditEvent, Breach
from tests.evaluations.factories import world as evaluation_world

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def w():
    return evaluation_world()


def _at(hours_ago: float) -> str:
    return f"{timezone.localtime(timezone.now() - datetime.timedelta(hours=hours_ago)):%d/%m/%Y %H:%M}"


def test_staff_record_a_breach_follow_its_clock_and_print_it(client, w):
    client.force_login(w.provincial)
    response = client.post(reverse("breach_list", args=["a"]), {
        "title": "Lộ danh sách cán bộ qua nhóm Zalo", "description": "Một tệp Excel xuất từ hệ thống bị chia sẻ.",
        "data_categories": "Họ tên, số điện thoại", "detected_at": _at(10), "people_affected": "120",
        "measures": "Thu hồi tệp, đổi mật khẩu người xuất."})
    breach = Breach.objects.get()
    assert response.url == reverse("breach_detail", args=[breach.pk])
    assert breach.tenant == w.root.tenant and breach.recorded_by == w.provincial
    page = text(client.get(response.url))
    assert "Hạn thông báo" in page and "còn 61 giờ" in page
    assert AuditEvent.objects.filter(action="breach.record", object_id=str(breach.pk)).exists()

    client.post(response.url, {"title": breach.title, "detected_at": _at(10), "people_affected": "120",
                               "notified_at": _at(1)})
    breach.refresh_from_db()
    assert breach.is_notified and not breach.is_overdue
    pdf = client.get(reverse("breach_pdf", args=[breach.pk]))
    content = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    for expected in ("THÔNG BÁO", "Lộ danh sách cán bộ qua nhóm Zalo", "120", "A05", "72 giờ"):
        assert expected in content, expected


def test_an_unnotified_breach_past_72_hours_is_overdue(client, w):
    client.force_login(w.provincial)
    client.post(reverse("breach_list", args=["a"]), {"title": "Mất máy tính", "detected_at": _at(80),
                                                     "people_affected": "3"})
    assert Breach.objects.get().is_overdue
    assert "Quá hạn" in text(client.get(reverse("breach_list", args=["a"])))


def test_a_detection_before_the_occurrence_is_refused(client, w):
    client.force_login(w.provincial)
    response = client.post(reverse("breach_list", args=["a"]), {
        "title": "Sai giờ", "occurred_at": _at(1), "detected_at": _at(5), "people_affected": "0"})
    assert response.status_code == 200 and not Breach.objects.exists()
    assert "không thể được phát hiện trước khi xảy ra" in text(response)


def test_managers_and_other_provinces_do_not_reach_it(client, w):
    client.force_login(w.provincial)
    client.post(reverse("breach_list", args=["a"]), {"title": "Sự cố", "detected_at": _at(1), "people_affected": "1"})
    breach = Breach.objects.get()
    for user in (w.g1_secretary.user, w.foreign_cadre.user):
        client.force_login(user)
        assert client.get(reverse("breach_list", args=["a"])).status_code == 404
        assert client.get(reverse("breach_detail", args=[breach.pk])).status_code == 404
        assert client.get(reverse("breach_pdf", args=[breach.pk])).status_code == 404


def test_platform_admins_see_every_register():
    assert Breach in admin.site._registry
