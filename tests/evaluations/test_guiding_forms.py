"""Forms that guide (issue 11, item 10), on the ĐKCT01 and KĐCT01 edit pages: after an
invalid submission an error summary at the top links to each field and takes the focus,
the title starts with "Lỗi:"; each criterion's fields are a fieldset its legend names; the
save status has the script's texts and the time of the save."""

import re

import pytest
from django.urls import reverse

from evaluations.services.assessments import self_assessment_start
from evaluations.services.registrations import registration_start
from tests.evaluations.factories import HOURS, MEETINGS, RESPONSIBILITY, approved_registration, submitted_registration

pytestmark = pytest.mark.django_db


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def summary(page: str) -> str:
    return page.split('id="error-summary"')[1].split("</div>")[0]


def test_an_invalid_registration_lists_each_field_with_a_link_and_says_so_in_the_title(client, w):
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member, acting_user=w.member.user)
    client.force_login(w.member.user)
    assert not title(client.get(reverse("registration_edit", args=[registration.pk])).content.decode()).startswith(
        "Lỗi:")
    target = f"commitment.{w.criteria[MEETINGS].pk}.target"
    response = client.post(reverse("registration_submit", args=[registration.pk]),
                           {"version": 0, target: "-5", f"v:{target}": 0})
    page = response.content.decode()
    assert response.status_code == 400 and title(page).startswith("Lỗi: Bản đăng ký (ĐKCT01)")
    assert 'tabindex="-1"' in page and "data-error-summary" in page  # focused by autosave.js
    lines = summary(page)
    link = f'<a href="#f-commitment-{w.criteria[MEETINGS].pk}-target">{MEETINGS} – '
    assert link in lines and "Hãy nhập một số, ví dụ 2 hoặc 2,5." in lines
    assert f'id="f-commitment-{w.criteria[MEETINGS].pk}-target"' in page  # where the link lands
    # Nothing typed: every missing field is a line, named by its criterion.
    lines = summary(client.post(reverse("registration_submit", args=[registration.pk]),
                                {"version": 0}).content.decode())
    assert f'<a href="#f-commitment-{w.criteria[RESPONSIBILITY].pk}-text">{RESPONSIBILITY} – ' in lines
    count = lines.count("<li>")
    assert count > 1 and f"Còn {count} ô cần bổ sung:" in lines
    registration.refresh_from_db()
    assert registration.state == "draft"


def test_each_criterion_is_a_fieldset_its_legend_names(client, w):
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member, acting_user=w.member.user)
    client.force_login(w.member.user)
    page = client.get(reverse("registration_edit", args=[registration.pk])).content.decode()
    assert page.count('<fieldset class="criterion">') == registration.commitments.count()
    assert re.search(rf'<fieldset class="criterion">\s*<legend><h3 class="criterion-title">{HOURS}</h3></legend>', page)


def test_an_invalid_self_assessment_has_the_summary_fieldsets_and_the_save_status_texts(client, w):
    form = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    client.force_login(w.member.user)
    page = client.get(reverse("self_assessment_edit", args=[form.pk])).content.decode()
    assert f'data-autosave-form="sa-{form.pk}"' in page and 'data-text-retrying="Chưa lưu — đang thử lại"' in page
    assert page.count('<fieldset class="criterion">') == form.results.count()
    assert f"<legend><h3>{RESPONSIBILITY}</h3></legend>" in page
    response = client.post(reverse("self_assessment_submit", args=[form.pk]), {"version": form.lock_version})
    page = response.content.decode()
    assert title(page).startswith("Lỗi: Bản tự kiểm điểm (KĐCT01)")
    assert f'<a href="#f-result-{w.criteria[HOURS].pk}-result">{HOURS} – ' in summary(page)
    assert 'href="#f-self_rating"' in summary(page)
    form.refresh_from_db()
    assert form.state == "draft"


def test_a_save_says_when_it_was_saved(client, w):
    form = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    client.force_login(w.member.user)
    response = client.post(reverse("self_assessment_autosave", args=[form.pk]),
                           {"field": "strengths", "strengths": "Nhiệt tình", "v:strengths": 0})
    assert re.search(r"✓ Đã lưu lúc \d\d:\d\d", response.content.decode())


def test_approving_with_typed_criterion_comments_warns_and_keeps_them(client, w):
    registration = submitted_registration(w)
    client.force_login(w.secretary.user)
    page = client.get(reverse("registration_detail", args=[registration.pk])).content.decode()
    approve = reverse("registration_approve", args=[registration.pk])
    assert f'form="return-form" formaction="{approve}">Duyệt</button>' in page
    typed = {"version": registration.lock_version, f"comment.{w.criteria[HOURS].pk}": "Nêu rõ ngày nào",
             "general_comment": "Tốt"}
    response = client.post(approve, typed)
    page = response.content.decode()
    assert response.status_code == 400 and 'id="unsent-comments"' in page
    assert "Bạn đã nhập ý kiến cho 1 tiêu chí. Duyệt sẽ không gửi các ý kiến này" in page
    assert "Nêu rõ ngày nào</textarea>" in page and "Tốt</textarea>" in page  # nothing typed is lost
    assert "Duyệt, bỏ các ý kiến đã nhập" in page
    registration.refresh_from_db()
    assert registration.state == "submitted" and not registration.events.filter(action="approve").exists()
    client.post(approve, {**typed, "drop_comments": "1"})
    registration.refresh_from_db()
    assert registration.state == "approved"
    assert registration.events.get(action="approve").comment == "Tốt"  # the general comment goes with it
