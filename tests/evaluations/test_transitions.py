"""The transition engine (`cadres.transitions`) on the registration flow: what it refuses,
and that the change, the event row and the audit row are written together or not at all."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from cadres.models import AuditEvent
from cadres.transitions import Outcome, Refusal, act, can_act
from evaluations.flows import EDIT, REGISTRATION_FLOW
from evaluations.models import FormAction, FormEvent, Registration, RegistrationState
from tests.evaluations.factories import submitted_registration

pytestmark = pytest.mark.django_db
APPROVE = FormAction.APPROVE


def written(registration: Registration) -> tuple:
    """What a transition writes: the row's state and version, its events, its audit rows."""
    row = Registration.objects.get(pk=registration.pk)
    return (row.state, row.lock_version, FormEvent.objects.filter(registration=registration).count(),
            AuditEvent.objects.filter(object_type="evaluations.registration", object_id=str(registration.pk)).count())


def refusal(call) -> Refusal:
    with pytest.raises(Refusal) as info:
        call()
    return info.value


def test_an_action_moves_the_state_bumps_the_version_and_records_the_event_and_the_audit_row(w):
    registration = submitted_registration(w)
    state, version, events, audits = written(registration)
    act(REGISTRATION_FLOW, registration, APPROVE, acting_user=w.secretary.user, expected_version=version,
        change=lambda locked: Outcome(event={"comment": "Tốt"}, data={"comment": "Tốt"}))
    assert written(registration) == (RegistrationState.APPROVED, version + 1, events + 1, audits + 1)
    # The caller's instance is the row as written.
    assert (registration.state, registration.lock_version) == (RegistrationState.APPROVED, version + 1)
    event = FormEvent.objects.filter(registration=registration).last()
    assert (event.action, event.from_state, event.to_state, event.comment, event.actor) == (
        "approve", "submitted", "approved", "Tốt", w.secretary.user)
    audit = AuditEvent.objects.filter(action="registration.approve", object_id=str(registration.pk)).get()
    assert audit.data == {"from": "submitted", "to": "approved", "comment": "Tốt"}


@pytest.mark.parametrize("version", ["", "abc", None, -1])
def test_a_stale_or_garbled_version_is_refused_with_nothing_written(w, version):
    registration = submitted_registration(w)
    before = written(registration)
    version = registration.lock_version - 1 if version == -1 else version
    error = refusal(lambda: act(REGISTRATION_FLOW, registration, APPROVE, acting_user=w.secretary.user,
                                expected_version=version))
    assert error.code == "stale"
    assert error.messages == ["Biểu mẫu vừa được người khác xử lý sau khi bạn mở trang; trạng thái hiện tại là "
                              "“Đã nộp”. Hãy tải lại trang: chưa có gì thay đổi."]
    assert written(registration) == before


def test_a_state_the_action_does_not_start_from_is_refused(w):
    registration = submitted_registration(w)
    before = written(registration)
    error = refusal(lambda: act(REGISTRATION_FLOW, registration, FormAction.AMEND, acting_user=w.member.user,
                                expected_version=registration.lock_version))
    assert error.code == "state" and "“Đã nộp”" in error.messages[0]
    assert written(registration) == before


def test_who_acts_is_checked_before_the_version_and_the_state(w):
    registration = submitted_registration(w)
    before = written(registration)
    # A stale version and a wrong actor: the actor is refused, and learns nothing of the row.
    error = refusal(lambda: act(REGISTRATION_FLOW, registration, APPROVE, acting_user=w.member.user,
                                expected_version=0))
    assert error.code == "forbidden"
    assert error.messages == ["Chỉ người duyệt biểu mẫu này mới được duyệt."]
    assert written(registration) == before


def test_a_refusal_is_a_validation_error_with_a_code():
    error = Refusal("Không được.", "forbidden")
    assert isinstance(error, ValidationError)
    assert (error.code, error.messages) == ("forbidden", ["Không được."])


def test_a_failure_after_the_change_rolls_back_the_change_the_event_and_the_audit_row(w):
    registration = submitted_registration(w)
    before = written(registration)

    def change(locked: Registration) -> Outcome:
        locked.planned_initiative = "Không được lưu"
        return Outcome(fields=["planned_initiative"])

    def record_then_fail(move) -> None:
        REGISTRATION_FLOW.record_event(move)
        assert FormEvent.objects.filter(registration=registration).count() == before[2] + 1
        raise RuntimeError("after the event row")

    failing = dataclasses.replace(REGISTRATION_FLOW, record_event=record_then_fail)
    with pytest.raises(RuntimeError):
        act(failing, registration, APPROVE, acting_user=w.secretary.user, expected_version=registration.lock_version,
            change=change)
    assert written(registration) == before
    assert Registration.objects.get(pk=registration.pk).planned_initiative != "Không được lưu"


def test_a_change_that_refuses_writes_nothing(w):
    registration = submitted_registration(w)
    before = written(registration)

    def change(locked: Registration) -> Outcome:
        raise Refusal("Không hợp lệ.", "invalid")

    assert refusal(lambda: act(REGISTRATION_FLOW, registration, APPROVE, acting_user=w.secretary.user,
                               expected_version=registration.lock_version, change=change)).code == "invalid"
    assert written(registration) == before


def test_can_act_answers_with_the_same_checks_and_writes_nothing(w):
    registration = submitted_registration(w)
    before = written(registration)
    assert can_act(REGISTRATION_FLOW, registration, APPROVE, w.secretary.user)
    assert not can_act(REGISTRATION_FLOW, registration, APPROVE, w.member.user)  # not the reviewer
    assert not can_act(REGISTRATION_FLOW, registration, EDIT, w.member.user)  # submitted: no longer editable
    assert not can_act(REGISTRATION_FLOW, registration, FormAction.RETURN, w.foreign_cadre.user)
    assert written(registration) == before
