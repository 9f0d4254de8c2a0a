"""Multi-source feedback: one-time links, for the reviewer's eyes only."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.models import FeedbackRequest, FeedbackSource
from evaluations.selectors import feedback_for
from evaluations.services.assessments import self_assessment_start
from evaluations.services.feedback import feedback_request_create, feedback_submit, hash_token
from tests.evaluations.factories import approved_registration

pytestmark = pytest.mark.django_db


def link(token):
    return f"https://so-ren-luyen.example/y-kien/{token}/"


def test_member_link_is_single_use_and_stored_hashed(w):
    approved_registration(w)
    request, token = feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.MEMBER,
                                             acting_user=w.secretary.user, build_link=link)
    assert request.token_hash == hash_token(token) and token not in request.token_hash
    feedback_submit(token=token, text="Đồng chí nhiệt tình, gần gũi đoàn viên")
    with pytest.raises(ValidationError) as info:
        feedback_submit(token=token, text="Lần hai")
    assert info.value.messages == ["Đường dẫn này đã được dùng hoặc đã hết hạn."]


def test_expired_and_made_up_links_are_refused(w):
    approved_registration(w)
    request, token = feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.MEMBER,
                                             acting_user=w.secretary.user, build_link=link)
    FeedbackRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    for bad in (token, "khong-co-that"):
        with pytest.raises(ValidationError):
            feedback_submit(token=bad, text="x")


def test_committee_gets_an_email_link(w, django_capture_on_commit_callbacks):
    approved_registration(w)
    with django_capture_on_commit_callbacks(execute=True):
        _request, token = feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.COMMITTEE,
                                                  email="capuy@example.vn", acting_user=w.secretary.user,
                                                  build_link=link)
    assert mail.outbox[0].to == ["capuy@example.vn"]
    assert link(token) in mail.outbox[0].body and "Trần Thị Mai" in mail.outbox[0].subject


def test_only_the_reviewer_asks_and_only_reviewer_and_committee_read(w):
    registration = approved_registration(w)
    for outsider in (w.member, w.sibling, w.g1_secretary):
        with pytest.raises(ValidationError):
            feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.MEMBER,
                                    acting_user=outsider.user, build_link=link)
    _request, token = feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.MEMBER,
                                              acting_user=w.secretary.user, build_link=link)
    feedback_submit(token=token, text="Góp ý thẳng thắn")
    assessment = self_assessment_start(registration=registration, acting_user=w.member.user)
    assert [f.text for f in feedback_for(w.secretary.user, assessment)] == ["Góp ý thẳng thắn"]
    assert list(feedback_for(w.member.user, assessment)) == []
    assert list(feedback_for(w.sibling.user, assessment)) == []
    assert list(feedback_for(w.foreign_cadre.user, assessment)) == []


def test_the_committees_request_stands_when_the_mail_server_is_down(w, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_notices.DownBackend"
    approved_registration(w)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request, _token = feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.COMMITTEE,
                                                  email="capuy@example.vn", acting_user=w.secretary.user,
                                                  build_link=link)
    assert callbacks  # the email leaves after the commit, by the worker (retried there), never in the request
    assert FeedbackRequest.objects.filter(pk=request.pk).exists() and mail.outbox == []
