"""The registry of form kinds: each kind declares everything a form needs, every form has
exactly one kind, and a form no kind declares raises instead of taking another's branch."""

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import get_template

from cadres.models import Cadre
from evaluations.kinds import (
    KINDS,
    QUARTERLY_SELF_ASSESSMENT,
    REGISTRATION,
    UNIT_REGISTRATION,
    UNIT_SELF_ASSESSMENT,
    YEARLY_SELF_ASSESSMENT,
    UnknownKind,
    kind_of,
)
from evaluations.models import AssessmentPeriod, DeadlineKind, FormAction, FormEvent, Registration, SelfAssessment
from evaluations.models.forms import FormCore
from evaluations.services.assessments import self_assessment_autosave, self_assessment_start
from evaluations.workflow import registration_return, self_assessment_return, self_assessment_submit
from tests.evaluations.factories import approved_registration, submitted_registration, unit_form

pytestmark = pytest.mark.django_db


def _concrete_forms() -> set[type]:
    found, todo = set(), [FormCore]
    while todo:
        for model in todo.pop().__subclasses__():
            todo.append(model)
            if not model._meta.abstract:
                found.add(model)
    return found


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_each_kind_declares_everything(kind):
    assert kind.key and kind.code in ("ĐKCT01", "KĐCT01") and kind.pdf_name.isascii()
    assert kind.model in _concrete_forms() and kind.flow.record_event is not None
    assert {FormAction.SUBMIT, FormAction.RETURN} <= set(kind.flow.steps)
    assert set(kind.notices) <= set(kind.flow.steps) and all(callable(notice) for notice in kind.notices.values())
    assert FormAction.RETURN in kind.notices  # the cadre always hears that a form came back
    get_template(kind.pdf_template)
    assert callable(kind.snapshot) and callable(kind.registration_of) and callable(kind.diff)
    assert kind.deadline is None or kind.deadline in DeadlineKind.values
    # A reminder is of the deadline: one without the other would remind of nothing or never.
    assert (kind.reminder is None) == (kind.deadline is None)
    if kind.reminder is not None:
        assert "%(date)s" in str(kind.reminder.digest)
        assert all(part in str(kind.reminder.escalation) for part in ("%(unit)s", "%(n)d", "%(names)s"))


def test_keys_are_unique_and_every_form_model_has_a_kind():
    assert len({kind.key for kind in KINDS}) == len(KINDS)
    assert {kind.model for kind in KINDS} == _concrete_forms()


def test_every_period_of_a_self_assessment_is_exactly_one_kind():
    for period in AssessmentPeriod.values:
        holding = [kind for kind in KINDS if kind.holds(SelfAssessment(period=period))]
        assert len(holding) == 1, period
    assert kind_of(SelfAssessment(period=AssessmentPeriod.YEAR)) is YEARLY_SELF_ASSESSMENT
    assert kind_of(SelfAssessment(period=AssessmentPeriod.Q3)) is QUARTERLY_SELF_ASSESSMENT
    assert kind_of(Registration()) is REGISTRATION
    assert YEARLY_SELF_ASSESSMENT.is_yearly and not QUARTERLY_SELF_ASSESSMENT.is_yearly
    assert not REGISTRATION.is_yearly and REGISTRATION.is_registration


def test_a_form_no_kind_declares_raises():
    with pytest.raises(UnknownKind):
        kind_of(Cadre())
    with pytest.raises(UnknownKind):
        kind_of(SelfAssessment(period="q5"))


def test_rows_in_python_and_sql_agree_and_only_the_yearly_counts_in_the_figures(w):
    registration = approved_registration(w)
    yearly = self_assessment_start(registration=registration, acting_user=w.member.user)
    quarterly = self_assessment_start(registration=registration, period=AssessmentPeriod.Q1, acting_user=w.member.user)
    for kind, form in ((REGISTRATION, registration), (YEARLY_SELF_ASSESSMENT, yearly),
                       (QUARTERLY_SELF_ASSESSMENT, quarterly)):
        assert kind_of(form) is kind and list(kind.forms(cycle=w.cycle)) == [form]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT f.id FROM {kind.model._meta.db_table} f WHERE {kind.sql_where('f')}")
            assert [row[0] for row in cursor.fetchall()] == [form.pk]
        assert kind.registration_of(form) == registration
        assert set(kind.snapshot(form)) == {"fields", "labels"}
    # A unit's forms count in the unit programmes' figures, re-rolled in full (`for_units`).
    assert [(kind.in_figures, kind.for_units) for kind in KINDS] == [
        (True, False), (True, False), (False, False), (False, True), (False, True)]


def test_a_units_forms_are_their_kinds_with_their_own_timeline(w):
    assessment = unit_form(w, "assessment_submitted")
    registration = assessment.registration
    assert kind_of(registration) is UNIT_REGISTRATION and kind_of(assessment) is UNIT_SELF_ASSESSMENT
    assert UNIT_SELF_ASSESSMENT.registration_of(assessment) == registration
    assert list(UNIT_REGISTRATION.commitments(registration)) == list(registration.commitments.all())
    assert [event.action for event in FormEvent.objects.filter(unitregistration=registration)] == [
        FormAction.CREATE, FormAction.SUBMIT, FormAction.APPROVE]
    snapshot = FormEvent.objects.get(unitselfassessment=assessment, action=FormAction.SUBMIT).snapshot
    assert any(key.endswith(".outcome") for key in snapshot["fields"])


def test_a_quarterly_check_in_re_rolls_nothing(w, monkeypatch):
    registration = approved_registration(w)
    quarterly = self_assessment_start(registration=registration, period=AssessmentPeriod.Q2, acting_user=w.member.user)
    yearly = self_assessment_start(registration=registration, acting_user=w.member.user)
    marked = []
    monkeypatch.setattr("reports.signals._mark", lambda *args: marked.append(args))
    FormEvent.objects.create(tenant_id=quarterly.tenant_id, form=quarterly, action=FormAction.SUBMIT, to_state="submitted")
    assert marked == []
    FormEvent.objects.create(tenant_id=yearly.tenant_id, form=yearly, action=FormAction.SUBMIT, to_state="submitted")
    assert marked == [(yearly.tenant_id, yearly.cadre_id, yearly.cycle_id)]


def test_the_return_notice_names_the_kind_of_form(w, django_capture_on_commit_callbacks):
    registration = submitted_registration(w, w.secretary)
    criterion = str(registration.commitments.first().criterion_id)
    with django_capture_on_commit_callbacks(execute=True):
        registration_return(registration=registration, comments={criterion: "Cụ thể hơn"}, acting_user=w.g1_secretary.user,
                            expected_version=registration.lock_version)
    assert mail.outbox[-1].subject.startswith("Bản đăng ký của bạn bị trả lại để sửa")

    quarterly = self_assessment_start(registration=approved_registration(w), period=AssessmentPeriod.Q1,
                                      acting_user=w.member.user)
    for result in quarterly.results.all():
        key = f"result.{result.commitment.criterion_id}.result"
        self_assessment_autosave(self_assessment=quarterly, field=key, value="Đã làm", expected_version=0,
                                 acting_user=w.member.user)
    quarterly = self_assessment_submit(self_assessment=quarterly, acting_user=w.member.user,
                                       expected_version=quarterly.lock_version)
    with django_capture_on_commit_callbacks(execute=True):
        self_assessment_return(self_assessment=quarterly, comments={}, general_comment="Bổ sung minh chứng",
                               acting_user=w.secretary.user, expected_version=quarterly.lock_version)
    assert mail.outbox[-1].subject.startswith("Bản kiểm điểm của bạn bị trả lại để sửa")
    assert "Bổ sung minh chứng" in mail.outbox[-1].body
