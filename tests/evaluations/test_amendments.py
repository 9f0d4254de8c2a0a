"""Amendments of an approved registration (issue 11, item 6): refused once the yearly
rating is final; the reviewer sees the diff against the approved revision; the
self-assessment follows the latest approved revision, one yearly KĐCT01 per chain."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import AuditEvent
from evaluations.models import Registration, SelfAssessment
from evaluations.services.assessments import self_assessment_start
from evaluations.services.registrations import registration_autosave
from evaluations.workflow import (
    registration_amend,
    registration_approve,
    registration_submit,
    self_assessment_finalise,
    self_assessment_propose,
    self_assessment_submit,
)
from tests.evaluations.factories import HOURS, approved_registration
from tests.evaluations.test_self_assessment import complete, save, submitted

pytestmark = pytest.mark.django_db
RATED = "Bản tự đánh giá cả năm của bản đăng ký này đã có xếp loại chính thức: không thể điều chỉnh bản đăng ký nữa."


def amend(w, registration):
    return registration_amend(registration=registration, acting_user=w.member.user,
                              expected_version=registration.lock_version)


def approved_amendment(w, registration, target="5"):
    amendment = amend(w, registration)
    registration_autosave(registration=amendment, field=f"commitment.{w.criteria[HOURS].pk}.target", value=target,
                          expected_version=0, acting_user=w.member.user)
    registration_submit(registration=amendment, acting_user=w.member.user, expected_version=amendment.lock_version)
    return registration_approve(registration=amendment, acting_user=w.secretary.user,
                                expected_version=amendment.lock_version)


def finalised(w):
    form = submitted(w)
    self_assessment_propose(self_assessment=form, rating="good", acting_user=w.secretary.user,
                            expected_version=form.lock_version)
    return self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.deputy.user,
                                    expected_version=form.lock_version)


def test_amending_after_the_final_yearly_rating_is_refused_with_nothing_written(w):
    form = finalised(w)
    registration = form.registration
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        amend(w, registration)
    assert info.value.code == "state" and info.value.messages == [RATED]
    assert not Registration.objects.filter(previous=registration).exists()
    assert AuditEvent.objects.count() == audits


def test_a_quarterly_rating_does_not_stop_an_amendment(w):
    registration = approved_registration(w)
    self_assessment_start(registration=registration, period="q1", acting_user=w.member.user)
    assert amend(w, registration).revision == 2


def test_the_amend_page_is_refused_after_the_final_rating_and_offers_no_button(client, w):
    registration = finalised(w).registration
    client.force_login(w.member.user)
    detail = client.get(reverse("registration_detail", args=[registration.pk])).content.decode()
    assert reverse("registration_amend", args=[registration.pk]) not in detail
    response = client.post(reverse("registration_amend", args=[registration.pk]),
                           {"version": registration.lock_version}, follow=True)
    assert RATED in response.content.decode()
    assert not Registration.objects.filter(previous=registration).exists()


def test_a_self_assessment_follows_the_approved_amendment_one_yearly_form_per_chain(w):
    registration = approved_registration(w)
    form = self_assessment_start(registration=registration, acting_user=w.member.user)
    complete(w, form, w.member.user)
    amendment = approved_amendment(w, registration)
    form.refresh_from_db()
    assert form.registration == amendment
    hours = form.results.get(commitment__criterion=w.criteria[HOURS])
    assert hours.commitment.registration == amendment and hours.result == "Đã thực hiện đầy đủ"
    assert form.results.count() == amendment.commitments.count()
    # Starting again, from either revision, never makes a second yearly KĐCT01.
    assert self_assessment_start(registration=amendment, acting_user=w.member.user) == form
    with pytest.raises(ValidationError):
        self_assessment_start(registration=Registration.objects.get(pk=registration.pk), acting_user=w.member.user)
    assert SelfAssessment.objects.filter(cadre=w.member, period="year").count() == 1
    save(form, w.member.user, "self_rating", "good")  # still editable after the move


def test_the_issue_scenario_amend_before_then_after_the_final_rating(w):
    """Amend after final → refused; amend before, approve → no second yearly KĐCT01."""
    registration = approved_registration(w)
    form = self_assessment_start(registration=registration, acting_user=w.member.user)
    amendment = approved_amendment(w, registration)
    complete(w, form, w.member.user)
    form.refresh_from_db()
    self_assessment_submit(self_assessment=form, acting_user=w.member.user, expected_version=form.lock_version)
    self_assessment_propose(self_assessment=form, rating="good", acting_user=w.secretary.user,
                            expected_version=form.lock_version)
    self_assessment_finalise(self_assessment=form, rating="good", acting_user=w.deputy.user,
                             expected_version=form.lock_version)
    assert self_assessment_start(registration=amendment, acting_user=w.member.user) == form
    with pytest.raises(ValidationError, match="xếp loại chính thức"):
        amend(w, amendment)
    assert SelfAssessment.objects.filter(cadre=w.member, period="year").count() == 1


def test_the_reviewer_of_an_amendment_sees_what_differs_from_the_approved_revision(client, w):
    registration = approved_registration(w)
    old_target = registration.commitments.get(criterion=w.criteria[HOURS]).target
    amendment = amend(w, registration)
    registration_autosave(registration=amendment, field=f"commitment.{w.criteria[HOURS].pk}.target", value="7",
                          expected_version=0, acting_user=w.member.user)
    registration_submit(registration=amendment, acting_user=w.member.user, expected_version=amendment.lock_version)
    client.force_login(w.secretary.user)
    page = client.get(reverse("registration_detail", args=[amendment.pk])).content.decode()
    assert 'id="amendment-diff"' in page and "Thay đổi so với bản đã duyệt (lần 1)" in page
    section = page.split('id="amendment-diff"')[1].split("</section>")[0]
    assert HOURS in section and '<ins class="diff-after">7</ins>' in section
    assert f"{old_target.normalize():f}" in section
    # The approved revision itself shows no amendment diff.
    assert 'id="amendment-diff"' not in client.get(
        reverse("registration_detail", args=[registration.pk])).content.decode()
