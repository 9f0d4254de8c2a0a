"""A result for every kind of criterion on the KĐCT01 — quantitative (the actual from the
log, changed only with a reason), yes/no (đạt / chưa đạt), prohibition (giữ đúng / vi
phạm, and what happened when broken), qualitative (the cadre's own account) — on the
cadre's form, the reviewer's page, the diff of a resubmission and the PDF."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluations.models import CommitmentResult, ResultOutcome
from evaluations.selectors import resubmission_diff
from evaluations.services.assessments import self_assessment_start
from evaluations.workflow import self_assessment_return, self_assessment_submit
from tests.evaluations.factories import ALCOHOL, RESPONSIBILITY, UNIFORM, WITH_OUTCOMES, approved_registration, world
from tests.evaluations.test_pdf_registrations import pdf_text
from tests.evaluations.test_self_assessment import complete, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world(groups=WITH_OUTCOMES)


def key(w, title: str, name: str) -> str:
    return f"result.{w.criteria[title].pk}.{name}"


def started(w):
    return self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)


def submit(w, form):
    form.refresh_from_db()
    return self_assessment_submit(self_assessment=form, acting_user=w.member.user, expected_version=form.lock_version)


def test_yes_no_and_prohibition_need_an_outcome_on_submit_but_not_in_a_draft(w):
    form = started(w)
    complete(w, form, w.member.user)
    # Saving a draft without the outcomes is fine; submitting is not.
    with pytest.raises(ValidationError) as info:
        submit(w, form)
    errors = info.value.message_dict
    assert errors[key(w, UNIFORM, "outcome")] == ["Hãy chọn đã thực hiện hay chưa: đạt hoặc chưa đạt."]
    assert errors[key(w, ALCOHOL, "outcome")] == ["Hãy chọn đã giữ đúng hay vi phạm."]
    assert key(w, RESPONSIBILITY, "outcome") not in errors  # a qualitative commitment is the cadre's account

    save(form, w.member.user, key(w, UNIFORM, "outcome"), ResultOutcome.MET)
    save(form, w.member.user, key(w, ALCOHOL, "outcome"), ResultOutcome.BROKEN)
    save(form, w.member.user, key(w, ALCOHOL, "result"), "")
    with pytest.raises(ValidationError) as info:
        submit(w, form)
    assert info.value.message_dict == {key(w, ALCOHOL, "result"): ["Bạn đã vi phạm điều này: hãy kể lại sự việc."]}

    save(form, w.member.user, key(w, ALCOHOL, "result"), "Uống một ly bia trong tiệc trưa ngày 20/3.")
    assert submit(w, form).state == "submitted"
    outcomes = dict(CommitmentResult.objects.filter(self_assessment=form)
                    .values_list("commitment__criterion__title", "outcome"))
    assert outcomes[UNIFORM] == "met" and outcomes[ALCOHOL] == "broken" and outcomes[RESPONSIBILITY] == ""


def test_an_outcome_of_the_wrong_kind_or_on_a_qualitative_result_is_refused(w):
    form = started(w)
    with pytest.raises(ValidationError) as info:
        save(form, w.member.user, key(w, UNIFORM, "outcome"), ResultOutcome.KEPT)
    assert key(w, UNIFORM, "outcome") in info.value.message_dict
    with pytest.raises(ValidationError):
        save(form, w.member.user, key(w, RESPONSIBILITY, "outcome"), ResultOutcome.MET)
    assert set(CommitmentResult.objects.filter(self_assessment=form).values_list("outcome", flat=True)) == {""}


def test_the_form_asks_each_kind_its_own_way_and_the_error_summary_links_to_the_radios(client, w):
    form = started(w)
    complete(w, form, w.member.user)
    client.force_login(w.member.user)
    page = client.get(reverse("self_assessment_edit", args=[form.pk])).content.decode()
    uniform = f"f-result-{w.criteria[UNIFORM].pk}-outcome"
    # The criterion's fieldset holds a radio group with its own legend.
    assert '<legend>Kết quả</legend>' in page
    assert f'id="{uniform}_0"' in page and 'type="radio"' in page and 'value="met"' in page
    assert "Đạt" in page and "Chưa đạt" in page and "Giữ đúng" in page and "Vi phạm" in page
    assert f'data-group="{uniform}"' in page and f'id="st-{uniform}"' in page
    assert "Sự việc" in page  # what happened, asked of a prohibition

    response = client.post(reverse("self_assessment_submit", args=[form.pk]), {"version": form.lock_version})
    page = response.content.decode()
    assert "<title>Lỗi:" in page
    assert f'href="#{uniform}_0"' in page
    assert f"{UNIFORM} – Kết quả: Hãy chọn đã thực hiện hay chưa" in page

    # A radio is saved on its own, like any field.
    response = client.post(reverse("self_assessment_autosave", args=[form.pk]),
                           {"field": key(w, UNIFORM, "outcome"), key(w, UNIFORM, "outcome"): "not_met",
                            f"v:{key(w, UNIFORM, 'outcome')}": 0})
    assert 'data-state="saved"' in response.content.decode()
    assert CommitmentResult.objects.get(self_assessment=form, commitment__criterion=w.criteria[UNIFORM]).outcome \
        == "not_met"


def _submitted_with_outcomes(w):
    form = started(w)
    complete(w, form, w.member.user)
    save(form, w.member.user, key(w, UNIFORM, "outcome"), ResultOutcome.NOT_MET)
    save(form, w.member.user, key(w, ALCOHOL, "outcome"), ResultOutcome.BROKEN)
    save(form, w.member.user, key(w, ALCOHOL, "result"), "Uống bia trong giờ nghỉ trưa ngày 20/3.")
    return submit(w, form)


def test_the_reviewer_sees_each_outcome_and_what_happened(client, w):
    form = _submitted_with_outcomes(w)
    client.force_login(w.secretary.user)
    page = " ".join(client.get(reverse("self_assessment_detail", args=[form.pk])).content.decode().split())
    assert '<strong>Kết quả:</strong> <span class="outcome-broken">Chưa đạt</span>' in page
    assert '<strong>Kết quả:</strong> <span class="outcome-broken">Vi phạm</span>' in page
    assert "Uống bia trong giờ nghỉ trưa ngày 20/3." in page


def test_a_resubmission_diff_shows_the_outcome_that_changed(w):
    form = _submitted_with_outcomes(w)
    form = self_assessment_return(self_assessment=form, comments={}, general_comment="Xem lại",
                                  acting_user=w.secretary.user, expected_version=form.lock_version)
    save(form, w.member.user, key(w, UNIFORM, "outcome"), ResultOutcome.MET)
    form = submit(w, form)
    changes = {change.key: (change.label, change.before, change.after) for change in resubmission_diff(form)}
    assert changes == {key(w, UNIFORM, "outcome"): (f"{UNIFORM} – kết quả", "Chưa đạt", "Đạt")}


def test_the_pdf_prints_each_outcome(client, w):
    form = _submitted_with_outcomes(w)
    client.force_login(w.member.user)
    text = " ".join(pdf_text(client.get(reverse("self_assessment_pdf", args=[form.pk]))).split())
    assert "Thực tế / Kết quả" in text
    assert "Chưa đạt" in text and "Vi phạm" in text
    assert "Uống bia trong giờ nghỉ trưa ngày 20/3." in text
