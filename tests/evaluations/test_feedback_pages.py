"""Multi-source feedback pages: the reviewer's request (a đoàn viên link shown once, a cấp
ủy link emailed), the public one-time form (no login, rate-limited per IP, a used or
expired link says so), and the comments shown to the reviewer and the BTV, never to the
cadre."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Feedback, FeedbackRequest
from evaluations.views.feedback import RATE_LIMIT
from tests.evaluations.test_self_assessment import submitted

pytestmark = pytest.mark.django_db

COMMENT = "Đồng chí gần gũi, nhiệt tình với đoàn viên"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def form(w):
    return submitted(w)


def member_link(client, w, form) -> str:
    client.force_login(w.secretary.user)
    response = client.post(reverse("feedback_request_create", args=[form.pk]), {"source": "member"})
    page = response.content.decode()
    assert response.status_code == 200 and "Đã tạo đường dẫn: hãy sao chép ngay" in page
    link = page.split('id="feedback-link" type="text" readonly value="')[1].split('"')[0]
    assert link.startswith("http://testserver/evaluations/feedback/")
    client.logout()
    return link.removeprefix("http://testserver")


def test_member_link_is_shown_once_works_once_without_login(client, w, form):
    path = member_link(client, w, form)
    page = client.get(path).content.decode()
    assert "Góp ý cho cán bộ Đoàn" in page and w.member.full_name in page
    assert "Tên của bạn không được ghi lại." in page
    # Empty: refused beside the field, the link still works.
    assert "Không được để trống." in client.post(path, {"text": ""}).content.decode()
    response = client.post(path, {"text": COMMENT})
    assert "Cảm ơn bạn: ý kiến đã được ghi nhận." in response.content.decode()
    assert Feedback.objects.get().text == COMMENT
    again = client.post(path, {"text": "Lần hai"})
    assert again.status_code == 404 and "Đường dẫn này đã được dùng hoặc đã hết hạn." in again.content.decode()
    assert Feedback.objects.count() == 1
    # The token is not stored and not shown again on the reviewer's pages.
    token = path.rstrip("/").rsplit("/", 1)[1]
    client.force_login(w.secretary.user)
    assert token not in client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode()


def test_expired_and_made_up_links_say_so(client, w, form):
    path = member_link(client, w, form)
    FeedbackRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    for url in (path, reverse("feedback_form", args=["khong-co-that"])):
        response = client.post(url, {"text": COMMENT})
        assert response.status_code == 404
        assert "Đường dẫn này đã được dùng hoặc đã hết hạn." in response.content.decode()
    assert not Feedback.objects.exists()


def test_guessing_links_is_rate_limited_per_ip(client, w):
    for _ in range(RATE_LIMIT):
        client.get(reverse("feedback_form", args=["doan-bua"]))
    response = client.get(reverse("feedback_form", args=["doan-bua"]))
    assert response.status_code == 429 and "Có quá nhiều lượt truy cập từ kết nối này." in response.content.decode()
    # Another address is not held back.
    assert client.get(reverse("feedback_form", args=["x"]), REMOTE_ADDR="10.0.0.9").status_code == 404


def test_committee_link_is_emailed_and_needs_an_address(client, w, form, django_capture_on_commit_callbacks):
    client.force_login(w.secretary.user)
    url = reverse("feedback_request_create", args=[form.pk])
    page = client.post(url, {"source": "committee", "email": "khong-hop-le"}).content.decode()
    assert "Hãy nhập địa chỉ email hợp lệ." in page and not FeedbackRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"source": "committee", "email": "capuy@example.com"}).content.decode()
    assert "Đã gửi email kèm đường dẫn dùng một lần đến capuy@example.com." in page
    assert len(mail.outbox) == 1 and "http://testserver/evaluations/feedback/" in mail.outbox[0].body
    assert 'id="feedback-link"' not in page


def test_feedback_is_for_the_reviewer_and_btv_never_the_cadre(client, w, form):
    path = member_link(client, w, form)
    client.post(path, {"text": COMMENT})
    for reader in (w.secretary, w.deputy, w.g1_secretary):
        client.force_login(reader.user)
        page = client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode()
        assert COMMENT in page and "cán bộ không xem được" in page
    client.force_login(w.member.user)
    page = client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode()
    assert COMMENT not in page and "Ý kiến nhận xét từ các nguồn" not in page
    assert client.get(reverse("feedback_request_create", args=[form.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["member", "g1_secretary", "sibling", "foreign_cadre"])
def test_only_reviewers_ask_for_comments(client, w, form, persona):
    client.force_login(getattr(w, persona).user)
    response = client.post(reverse("feedback_request_create", args=[form.pk]), {"source": "member"})
    assert response.status_code == 404 and not FeedbackRequest.objects.exists()


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(client, w, settings):
    spoofed = [client.get(reverse("feedback_form", args=["doan"]), HTTP_X_FORWARDED_FOR=f"10.1.0.{n}").status_code
               for n in range(RATE_LIMIT + 1)]
    assert spoofed[-1] == 429  # with no proxy in front the header is anyone's to write
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client.get(reverse("feedback_form", args=["doan"]), HTTP_X_FORWARDED_FOR="10.2.0.1").status_code == 404


def test_many_people_on_one_wifi_open_their_own_links(client, w):
    form = submitted(w)
    paths = [member_link(client, w, form) for _ in range(RATE_LIMIT + 5)]
    for path in paths:
        assert client.post(path, {"text": COMMENT}).status_code == 200
