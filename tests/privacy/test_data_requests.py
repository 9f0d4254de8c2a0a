"""Requests about one's data: a correction waits in the inbox of the unit's managers and is
answered in the app; an erasure waits for the province's staff, refused with a reason or
approved (the person is de-identified)."""

import re

import pytest
from django.urls import reverse

from cadres.models import DEIDENTIFIED, AuditEvent, DataRequest, DataRequestStatus
from tests.evaluations.factories import world as evaluation_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return evaluation_world()


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _inbox(client) -> list[tuple[str, str]]:
    return [(item.kind.key, item.title) for item in client.get(reverse("inbox")).context["page"].object_list]


def _ask(client, w, kind, body):
    client.force_login(w.member.user)
    response = client.post(reverse("my_data_requests"), {"kind": kind, "body": body})
    assert response.status_code == 302
    return DataRequest.objects.get(cadre=w.member, kind=kind)


def test_a_correction_waits_in_the_bi_thus_inbox_and_the_answer_reaches_the_cadre(client, w):
    request = _ask(client, w, "correction", "Ngày sinh của tôi là 09/03/1996, không phải 17/05/1995.")
    assert request.unit == w.b1
    client.force_login(w.secretary.user)
    assert ("data_correction", "Trần Thị Mai") in _inbox(client)
    assert "Yêu cầu sửa dữ liệu" in text(client.get(reverse("inbox")))
    page = text(client.get(reverse("data_request_detail", args=[request.pk])))
    assert "09/03/1996" in page
    client.post(reverse("data_request_answer", args=[request.pk]), {"answer": "Đã sửa ngày sinh theo giấy khai sinh."})
    request.refresh_from_db()
    assert request.status == DataRequestStatus.DONE and request.decided_by == w.secretary.user
    assert ("data_correction", "Trần Thị Mai") not in _inbox(client)
    client.force_login(w.member.user)
    assert "Đã sửa ngày sinh theo giấy khai sinh." in text(client.get(reverse("data_request_detail", args=[request.pk])))
    assert AuditEvent.objects.filter(action="data_request.answer", object_id=str(request.pk)).exists()


def test_a_sibling_units_manager_neither_sees_nor_answers_it(client, w):
    request = _ask(client, w, "correction", "Sửa số điện thoại.")
    client.force_login(w.sibling.user)
    assert client.get(reverse("data_request_detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("data_request_answer", args=[request.pk]), {"answer": "x"}).status_code == 404


def test_an_erasure_refused_with_its_reason(client, w):
    request = _ask(client, w, "erasure", "Tôi đã thôi công tác Đoàn.")
    client.force_login(w.g1_secretary.user)
    assert ("data_erasure", "Trần Thị Mai") not in _inbox(client)  # not a manager's decision
    client.force_login(w.provincial)
    assert ("data_erasure", "Trần Thị Mai") in _inbox(client)
    response = client.post(reverse("data_request_decide", args=[request.pk]), {"decision": "refuse", "reason": ""},
                           follow=True)
    assert "Hãy nêu lý do từ chối" in text(response)
    client.post(reverse("data_request_decide", args=[request.pk]),
                {"decision": "refuse", "reason": "Hồ sơ còn phục vụ kỳ đánh giá năm nay."})
    request.refresh_from_db()
    assert request.status == DataRequestStatus.REFUSED
    client.force_login(w.member.user)
    assert "Hồ sơ còn phục vụ kỳ đánh giá năm nay." in text(client.get(reverse("data_request_detail",
                                                                               args=[request.pk])))


def test_an_erasure_approved_deidentifies_the_person(client, w):
    request = _ask(client, w, "erasure", "Tôi là Trần Thị Mai, xin xoá dữ liệu.")
    client.force_login(w.provincial)
    client.post(reverse("data_request_decide", args=[request.pk]), {"decision": "approve", "reason": ""})
    request.refresh_from_db()
    w.member.refresh_from_db()
    assert request.status == DataRequestStatus.DONE and request.body == ""
    assert w.member.full_name == DEIDENTIFIED and w.member.deidentified_at is not None
    assert AuditEvent.objects.filter(action="cadre.deidentify").count() == 1
