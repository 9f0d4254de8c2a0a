"""Who reads which forms, the review queue, timelines and next steps."""

import pytest
from django.http import Http404

from evaluations.selectors import (
    form_timeline,
    get_evidence_for_user,
    get_registration_for_user,
    get_self_assessment_for_user,
    next_steps_for,
    registrations_visible_to,
    review_queue,
)
from evaluations.services.assessments import evidence_add, self_assessment_start
from evaluations.services.registrations import registration_start
from evaluations.workflow import registration_return
from tests.evaluations.factories import RESPONSIBILITY, approved_registration, submitted_registration

pytestmark = pytest.mark.django_db


def test_a_form_is_visible_to_its_cadre_reviewers_and_managers_only(w):
    registration = submitted_registration(w)
    for person in (w.member, w.secretary, w.deputy, w.g1_secretary):
        assert get_registration_for_user(person.user, registration.pk) == registration
    assert get_registration_for_user(w.provincial, registration.pk) == registration
    for outsider in (w.sibling, w.foreign_cadre):
        with pytest.raises(Http404):
            get_registration_for_user(outsider.user, registration.pk)
    with pytest.raises(Http404):
        get_registration_for_user(w.member.user, "abc")


def test_review_queue_counts_and_filters(w):
    first = submitted_registration(w)
    submitted_registration(w, w.deputy)
    registration_start(cycle=w.cycle, programme=w.programme, cadre=w.g1_secretary, acting_user=w.g1_secretary.user)
    registration_return(registration=first, comments={str(w.criteria[RESPONSIBILITY].pk): "Sửa"},
                        acting_user=w.secretary.user, expected_version=first.lock_version)
    queue = review_queue(w.secretary.user)
    assert queue.state == "submitted"
    assert [form.cadre for form in queue.items] == [w.deputy]
    assert queue.counts["submitted"] == 1 and queue.counts["returned"] == 1 and queue.counts["approved"] == 0
    assert list(review_queue(w.secretary.user, search="tran thi").items) == []
    assert [f.cadre for f in review_queue(w.secretary.user, state="returned", search="tran thi").items] == [w.member]
    w.member.phone = "0296 3852 123"
    w.member.save()
    for typed in ("+84 296 3852 123", "02963852123", "0296"):  # a phone in any written form, or part of it
        assert [f.cadre for f in review_queue(w.secretary.user, state="returned", search=typed).items] == [w.member]
    # The Bí thư's own form goes up to G1, never into their own queue.
    own = submitted_registration(w, w.secretary)
    assert own not in review_queue(w.secretary.user).items
    assert list(review_queue(w.g1_secretary.user).items) == [own]
    assert list(review_queue(w.sibling.user).items) == []
    assert list(review_queue(w.foreign_cadre.user).items) == []


def test_timeline_lists_every_transition_with_its_actor(w):
    registration = submitted_registration(w)
    assert [(e.action, e.actor) for e in form_timeline(registration)] == [
        ("create", w.member.user), ("submit", w.member.user)]


def test_evidence_download_is_scoped(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    registration = approved_registration(w)
    assessment = self_assessment_start(registration=registration, acting_user=w.member.user)
    evidence = evidence_add(self_assessment=assessment, criterion_id=w.criteria[RESPONSIBILITY].pk,
                            upload=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.7 ..."), acting_user=w.member.user)
    assert get_self_assessment_for_user(w.secretary.user, assessment.pk) == assessment
    assert get_evidence_for_user(w.secretary.user, evidence.pk) == evidence
    for outsider in (w.sibling, w.foreign_cadre):
        with pytest.raises(Http404):
            get_evidence_for_user(outsider.user, evidence.pk)
        with pytest.raises(Http404):
            get_self_assessment_for_user(outsider.user, assessment.pk)
    assert registrations_visible_to(w.sibling.user).count() == 0


def test_next_steps_walk_from_register_to_self_assessment(w):
    steps = next_steps_for(w.member)
    assert [s.kind for s in steps] == ["register"]
    assert steps[0].due == w.cycle.registration_closes
    assert steps[0].message.startswith("Đăng ký cam kết thực hiện mô hình")
    registration = submitted_registration(w)
    assert next_steps_for(w.member) == []  # waiting for the reviewer
    registration_return(registration=registration, comments={str(w.criteria[RESPONSIBILITY].pk): "Sửa"},
                        acting_user=w.secretary.user, expected_version=registration.lock_version)
    assert [s.kind for s in next_steps_for(w.member)] == ["fix_registration"]
    approved_registration(w, w.deputy)
    steps = next_steps_for(w.deputy)
    assert [s.kind for s in steps] == ["self_assess"] and steps[0].due == w.cycle.self_assessment_due
    assert next_steps_for(w.foreign_cadre) == []  # no cycle open in tenant B
