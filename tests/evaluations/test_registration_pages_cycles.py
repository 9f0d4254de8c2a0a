"""Cycle administration pages: provincial staff open, date and close a cycle; unit managers
set earlier deadlines and grant extensions; bad input refused in Vietnamese, nothing written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Cycle, CycleDeadline, DeadlineExtension

pytestmark = pytest.mark.django_db


def test_open_shows_the_defaults_and_opens_the_cycle(client, w):
    client.force_login(w.provincial)
    page = client.get(reverse("cycle_open", args=["a"])).content.decode()
    year = w.cycle.year + 1  # this year's cycle exists: the next one is offered
    assert f'value="{year}"' in page and f"30/10/{year}" in page and f"31/03/{year}" in page
    response = client.post(reverse("cycle_open", args=["a"]), {"year": year})
    cycle = Cycle.objects.get(tenant=w.root.tenant, year=year)
    assert response.url == reverse("cycle_edit", args=[cycle.pk])
    assert cycle.unit_report_due == datetime.date(year, 10, 30)


def test_open_refuses_dates_out_of_order_with_nothing_written(client, w):
    client.force_login(w.provincial)
    year = w.cycle.year + 1
    response = client.post(reverse("cycle_open", args=["a"]), {
        "year": year, "registration_closes": f"{year}-05-01", "self_assessment_due": f"{year}-04-01"})
    assert response.status_code == 200
    assert "Ngày này không được sớm hơn mốc trước nó." in response.content.decode()
    response = client.post(reverse("cycle_open", args=["a"]), {"year": "hai nghìn"})
    assert "Nhập năm, ví dụ 2025." in response.content.decode()
    assert not Cycle.objects.filter(year=year).exists()


def test_edit_dates_then_close_makes_the_cycle_read_only(client, w):
    client.force_login(w.provincial)
    closes, last = timezone.localdate(), datetime.date(w.cycle.year, 12, 31)
    response = client.post(reverse("cycle_edit", args=[w.cycle.pk]), {
        "registration_closes": closes.isoformat(), "self_assessment_due": last.isoformat(),
        "review_due": last.isoformat(), "unit_report_due": last.isoformat()})
    assert response.status_code == 302
    w.cycle.refresh_from_db()
    assert w.cycle.registration_closes == closes
    client.post(reverse("cycle_close", args=[w.cycle.pk]))
    w.cycle.refresh_from_db()
    assert w.cycle.status == "closed"
    page = client.get(reverse("cycle_edit", args=[w.cycle.pk])).content.decode()
    assert "Đã đóng" in page and "Lưu mốc thời gian" not in page
    client.post(reverse("cycle_close", args=[w.cycle.pk]))
    response = client.get(reverse("cycle_edit", args=[w.cycle.pk]))
    assert "Đợt đánh giá này đã đóng." in response.content.decode()


def test_manager_sets_an_earlier_deadline_and_never_a_later_one(client, w):
    client.force_login(w.g1_secretary.user)
    url = reverse("cycle_deadline_set", args=[w.cycle.pk, "a", "G1"])
    later = w.cycle.registration_closes + datetime.timedelta(days=5)
    response = client.post(url, {"kind": "registration", "date": later.isoformat()})
    assert response.status_code == 400
    assert "Đơn vị chỉ được đặt hạn sớm hơn ngày" in response.content.decode()
    assert not CycleDeadline.objects.exists()
    earlier = w.cycle.registration_closes - datetime.timedelta(days=5)
    response = client.post(url, {"kind": "registration", "date": earlier.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    page = client.get(reverse("cycle_unit", args=[w.cycle.pk, "a", "G1"])).content.decode()
    assert earlier.strftime("%d/%m/%Y") in page
    # The chi đoàn below inherits it.
    client.force_login(w.secretary.user)
    assert earlier.strftime("%d/%m/%Y") in client.get(reverse("cycle_unit", args=[w.cycle.pk, "a", "B1"])).content.decode()


def test_manager_grants_an_extension_to_a_cadre_of_the_subtree_only(client, w):
    client.force_login(w.g1_secretary.user)
    url = reverse("deadline_extension_grant", args=[w.cycle.pk, "a", "G1"])
    until = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(url, {"cadre": w.sibling.pk, "kind": "registration", "until": until.isoformat()})
    assert response.status_code == 400 and "Hãy chọn một cán bộ của đơn vị." in response.content.decode()
    response = client.post(url, {"cadre": w.member.pk, "kind": "registration",
                                 "until": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert not DeadlineExtension.objects.exists()
    response = client.post(url, {"cadre": w.member.pk, "kind": "registration", "until": until.isoformat(),
                                 "reason": "Ốm"})
    assert response.status_code == 302
    assert DeadlineExtension.objects.get().cadre == w.member
    assert "Trần Thị Mai" in client.get(reverse("cycle_unit", args=[w.cycle.pk, "a", "G1"])).content.decode()
