"""a1 ĐKCT01: drafts, autosave, submission, review with per-criterion return, diff, approval,
amendment; refusals in Vietnamese with nothing written."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadres.models import AuditEvent
from evaluations.models import Cycle, CycleStatus, DeadlineKind, FormAction, FormEvent, Registration
from evaluations.selectors import resubmission_diff, return_comments_for
from evaluations.services.cycles import cycle_close, deadline_extension_grant
from evaluations.services.registrations import registration_autosave, registration_start
from evaluations.workflow import registration_amend, registration_approve, registration_return, registration_submit
from tests.evaluations.factories import HOURS, RESPONSIBILITY, fill_registration, submitted_registration

pytestmark = pytest.mark.django_db


def start(w, cadre=None):
    cadre = cadre or w.member
    return registration_start(cycle=w.cycle, programme=w.programme, cadre=cadre, acting_user=cadre.user)


def key(w, title, field):
    return f"commitment.{w.criteria[title].pk}.{field}"


def refused(call, code=None) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call()
    if code:
        assert getattr(info.value, "code", "invalid") == code, info.value
    return info.value


def test_start_creates_one_commitment_per_applicable_criterion_with_minimum_targets(w):
    registration = start(w)
    targets = {c.criterion.title: c.target for c in registration.commitments.select_related("criterion")}
    assert targets[RESPONSIBILITY] is None
    assert targets[HOURS] == 2
    assert registration.union_position == "Ủy viên Ban Chấp hành Chi đoàn Ấp 1"
    assert start(w) == registration  # the open form, not a second one


def test_autosave_saves_each_field_and_refuses_a_stale_tab(w):
    registration = start(w)
    field = key(w, RESPONSIBILITY, "text")
    first = registration_autosave(registration=registration, field=field, value="Bản mới", expected_version=0,
                                  acting_user=w.member.user)
    assert first.saved and first.version == 1
    stale = registration_autosave(registration=registration, field=field, value="Bản cũ", expected_version=0,
                                  acting_user=w.member.user)
    assert not stale.saved
    assert stale.value == "Bản mới" and stale.version == 1
    assert stale.message.startswith("Ô này vừa được sửa ở một tab hoặc thiết bị khác.")
    assert registration.commitments.get(criterion=w.criteria[RESPONSIBILITY]).text == "Bản mới"
    retry = registration_autosave(registration=registration, field=field, value="Bản mới", expected_version=0,
                                  acting_user=w.member.user)
    assert retry.saved and retry.version == 1  # a retry after a lost answer: already saved, no new version


def test_tabbing_through_untouched_fields_writes_nothing(w):
    registration = start(w)
    fields = {key(w, title, name): value for title in (RESPONSIBILITY, HOURS)
              for name, value in (("text", ""), ("measures", ""))}
    fields[key(w, HOURS, "target")] = "2"  # the minimum it was started with, as the field shows it
    with CaptureQueriesContext(connection) as queries:
        for field, value in fields.items():
            result = registration_autosave(registration=registration, field=field, value=value,
                                           expected_version=registration.field_versions.get(field, 0),
                                           acting_user=w.member.user)
            assert result.saved and result.version == 0
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    registration.refresh_from_db()
    assert registration.field_versions == {}


def test_target_below_the_minimum_is_refused_and_nothing_written(w):
    registration = start(w)
    error = refused(lambda: registration_autosave(registration=registration, field=key(w, HOURS, "target"),
                                                  value="1,5", expected_version=0, acting_user=w.member.user))
    assert "ít nhất 2" in error.message_dict[key(w, HOURS, "target")][0]
    assert registration.commitments.get(criterion=w.criteria[HOURS]).target == 2
    ok = registration_autosave(registration=registration, field=key(w, HOURS, "target"), value="3",
                               expected_version=0, acting_user=w.member.user)
    assert ok.saved and registration.commitments.get(criterion=w.criteria[HOURS]).target == 3


def test_autosave_refuses_a_field_of_another_programme_or_another_person(w):
    registration = start(w)
    other = start(w, w.secretary)
    foreign_criterion = f"commitment.{other.commitments.first().criterion_id + 10_000}.text"
    refused(lambda: registration_autosave(registration=registration, field=foreign_criterion, value="x",
                                          expected_version=0, acting_user=w.member.user))
    refused(lambda: registration_autosave(registration=registration, field=key(w, RESPONSIBILITY, "text"),
                                          value="x", expected_version=0, acting_user=w.secretary.user), "forbidden")


def test_incomplete_registration_is_refused_field_by_field(w):
    registration = start(w)
    error = refused(lambda: registration_submit(registration=registration, acting_user=w.member.user,
                                                expected_version=0), "invalid")
    assert error.message_dict[key(w, RESPONSIBILITY, "text")] == ["Hãy viết cam kết của bạn cho tiêu chí này "
                                                                   "bằng lời của mình."]
    registration.refresh_from_db()
    assert registration.state == "draft" and registration.submitted_at is None


def test_submit_return_with_comment_resubmit_diff_and_approve(w, django_capture_on_commit_callbacks):
    registration = submitted_registration(w)
    assert registration.state == "submitted" and not registration.is_late
    assert registration.full_name == "Trần Thị Mai" and registration.unit_name == "Chi đoàn Ấp 1"
    responsibility = w.criteria[RESPONSIBILITY].pk
    with django_capture_on_commit_callbacks(execute=True):
        registration_return(registration=registration, comments={str(responsibility): "Cụ thể hơn", "": ""},
                            general_comment="", acting_user=w.secretary.user,
                            expected_version=registration.lock_version)
    assert registration.state == "returned"
    comments = return_comments_for(registration)
    assert comments.by_criterion == {responsibility: "Cụ thể hơn"}
    assert len(mail.outbox) == 1 and "Cụ thể hơn" in mail.outbox[0].body
    assert "trả lại" in mail.outbox[0].subject

    registration_autosave(registration=registration, field=key(w, RESPONSIBILITY, "text"),
                          value="Nhận việc khó, báo cáo đúng hạn", expected_version=1, acting_user=w.member.user)
    registration_submit(registration=registration, acting_user=w.member.user,
                        expected_version=registration.lock_version)
    diff = resubmission_diff(registration)
    assert [(c.key, c.after) for c in diff] == [(key(w, RESPONSIBILITY, "text"), "Nhận việc khó, báo cáo đúng hạn")]
    assert diff[0].label.startswith(RESPONSIBILITY)
    resubmit = registration.events.get(action=FormAction.RESUBMIT)
    assert resubmit.changed_fields == [key(w, RESPONSIBILITY, "text")]
    assert return_comments_for(registration) is None

    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=registration, acting_user=w.secretary.user,
                             expected_version=registration.lock_version)
    assert registration.state == "approved"
    actions = list(registration.events.values_list("action", "from_state", "to_state"))
    assert actions == [("create", "", "draft"), ("submit", "draft", "submitted"), ("return", "submitted", "returned"),
                       ("resubmit", "returned", "submitted"), ("approve", "submitted", "approved")]
    assert AuditEvent.objects.filter(object_type="evaluations.registration", object_id=str(registration.pk),
                                     action="registration.approve").count() == 1
    assert "được duyệt" in mail.outbox[-1].subject
    # Approved: locked against edits.
    refused(lambda: registration_autosave(registration=registration, field=key(w, RESPONSIBILITY, "text"),
                                          value="x", expected_version=2, acting_user=w.member.user), "state")


def test_return_with_a_criterion_of_another_programme_writes_nothing(w, django_capture_on_commit_callbacks):
    registration = submitted_registration(w)
    version = registration.lock_version
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        error = refused(lambda: registration_return(registration=registration, comments={"999999": "Sửa"},
                                                    general_comment="Sửa lại", acting_user=w.secretary.user,
                                                    expected_version=version), "invalid")
    assert callbacks == []
    assert "không có trên biểu mẫu" in error.messages[0]
    registration.refresh_from_db()
    assert registration.state == "submitted" and registration.lock_version == version
    assert not registration.events.filter(action=FormAction.RETURN).exists()
    assert mail.outbox == []


def test_state_skip_and_wrong_people_are_refused(w):
    registration = start(w)
    error = refused(lambda: registration_approve(registration=registration, acting_user=w.secretary.user,
                                                 expected_version=0), "state")
    assert error.messages == ["Biểu mẫu đang ở trạng thái “Bản nháp”: không thể thực hiện bước này. "
                              "Hãy tải lại trang."]
    registration = submitted_registration(w)
    version = registration.lock_version
    for outsider in (w.member, w.sibling, w.foreign_cadre, w.g1_secretary):
        refused(lambda: registration_approve(registration=registration, acting_user=outsider.user,
                                             expected_version=version), "forbidden")
    # The Phó Bí thư with a reviewer grant may act.
    registration_approve(registration=registration, acting_user=w.deputy.user, expected_version=version)


def test_a_secretarys_own_form_goes_to_the_parent_units_standing_committee(w):
    registration = submitted_registration(w, w.secretary)
    version = registration.lock_version
    refused(lambda: registration_approve(registration=registration, acting_user=w.secretary.user,
                                         expected_version=version), "forbidden")
    refused(lambda: registration_approve(registration=registration, acting_user=w.deputy.user,
                                         expected_version=version), "forbidden")
    registration_approve(registration=registration, acting_user=w.g1_secretary.user, expected_version=version)
    assert registration.state == "approved"


def test_stale_version_is_refused(w):
    registration = submitted_registration(w)
    refused(lambda: registration_approve(registration=registration, acting_user=w.secretary.user,
                                         expected_version=registration.lock_version - 1), "stale")


def test_closed_cycle_refuses_every_write(w):
    registration = submitted_registration(w)
    draft = start(w, w.deputy)
    cycle_close(cycle=w.cycle, acting_user=w.provincial)
    assert Cycle.objects.get(pk=w.cycle.pk).status == CycleStatus.CLOSED
    error = refused(lambda: registration_approve(registration=registration, acting_user=w.secretary.user,
                                                 expected_version=registration.lock_version), "closed")
    assert "đã đóng" in error.messages[0]
    refused(lambda: registration_autosave(registration=draft, field=key(w, RESPONSIBILITY, "text"), value="x",
                                          expected_version=0, acting_user=w.deputy.user), "closed")
    refused(lambda: start(w, w.g1_secretary), "closed")


def test_past_deadline_needs_an_extension_and_is_marked_late(w):
    registration = start(w)
    fill_registration(registration, w.member.user)
    Cycle.objects.filter(pk=w.cycle.pk).update(registration_closes=timezone.localdate() - datetime.timedelta(days=1))
    error = refused(lambda: registration_submit(registration=registration, acting_user=w.member.user,
                                                expected_version=0), "deadline")
    assert "hạn" in error.messages[0]
    refused(lambda: deadline_extension_grant(cycle=w.cycle, cadre=w.member, kind=DeadlineKind.REGISTRATION,
                                             until=timezone.localdate(), acting_user=w.sibling.user), "forbidden")
    deadline_extension_grant(cycle=w.cycle, cadre=w.member, kind=DeadlineKind.REGISTRATION,
                             until=timezone.localdate() + datetime.timedelta(days=3), acting_user=w.secretary.user)
    registration_submit(registration=registration, acting_user=w.member.user, expected_version=0)
    assert registration.is_late
    assert registration.events.get(action=FormAction.SUBMIT).is_late


def test_amendment_opens_a_new_revision_and_supersedes_on_approval(w):
    registration = submitted_registration(w)
    registration_approve(registration=registration, acting_user=w.secretary.user,
                         expected_version=registration.lock_version)
    amendment = registration_amend(registration=registration, acting_user=w.member.user,
                                   expected_version=registration.lock_version)
    assert amendment.state == "draft" and amendment.revision == 2 and amendment.previous == registration
    assert amendment.commitments.count() == registration.commitments.count()
    registration.refresh_from_db()
    refused(lambda: registration_amend(registration=registration, acting_user=w.member.user,
                                       expected_version=registration.lock_version), "state")
    assert registration.state == "approved"  # still the valid one
    registration_autosave(registration=amendment, field=key(w, HOURS, "target"), value="4",
                          expected_version=0, acting_user=w.member.user)
    registration_submit(registration=amendment, acting_user=w.member.user, expected_version=amendment.lock_version)
    registration_approve(registration=amendment, acting_user=w.secretary.user,
                         expected_version=amendment.lock_version)
    registration.refresh_from_db()
    assert registration.state == "superseded"
    assert Registration.objects.filter(cadre=w.member, state="approved").get() == amendment
    assert FormEvent.objects.filter(registration=amendment, action=FormAction.AMEND).exists()


def test_a_unit_without_a_bi_thu_sends_its_members_forms_to_the_parent_committee(w):
    from cadres.models import Grant, Position

    registration = submitted_registration(w)
    version = registration.lock_version
    refused(lambda: registration_approve(registration=registration, acting_user=w.g1_secretary.user,
                                         expected_version=version), "forbidden")
    # The Bí thư leaves and the delegation lapses: nobody in B1 can review any more.
    Position.objects.filter(cadre=w.secretary).update(end_date=datetime.date(2026, 1, 31))
    Grant.objects.filter(unit=w.b1, role="reviewer").delete()
    for user in (w.g1_secretary.user, w.secretary.user, w.deputy.user):
        user._access = None  # access is cached per request; this test plays several
    refused(lambda: registration_approve(registration=registration, acting_user=w.deputy.user,
                                         expected_version=version), "forbidden")
    registration_approve(registration=registration, acting_user=w.g1_secretary.user, expected_version=version)
    assert registration.state == "approved"


def test_an_archived_bi_thu_leaves_the_unit_without_a_reviewer(w):
    """An archived cadre's position counts for nobody: the unit's forms go to the parent
    committee as if the Bí thư had left."""
    from django.utils import timezone

    from cadres.models import Cadre, Grant

    registration = submitted_registration(w)
    version = registration.lock_version
    Grant.objects.filter(unit=w.b1, role="reviewer").delete()
    w.g1_secretary.user._access = None
    refused(lambda: registration_approve(registration=registration, acting_user=w.g1_secretary.user,
                                         expected_version=version), "forbidden")
    Cadre.objects.filter(pk=w.secretary.pk).update(archived_at=timezone.now())
    w.g1_secretary.user._access = None
    registration_approve(registration=registration, acting_user=w.g1_secretary.user, expected_version=version)
    assert registration.state == "approved"
