"""A criterion whose period or unit of measure is blank (the model allows both) renders
everywhere: the target text, the forms' pages and both per-form PDFs."""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from models_registry.models import Criterion, CriterionKind, MeasureUnit
from models_registry.templatetags.programmes import target_text
from tests.evaluations.factories import HOURS, approved_registration

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind, period, measure", itertools.product(CriterionKind.values, ["", "week"], ["", "hours"]))
def test_every_kind_with_every_blank_has_a_target_text(kind, period, measure):
    criterion = Criterion(kind=kind, period=period, measure=measure, target=Decimal(3))
    with translation.override("vi"):
        text = target_text(criterion)
    if kind == CriterionKind.QUANTITATIVE:
        assert text == {("", ""): "Tối thiểu 3/năm", ("", "hours"): "Tối thiểu 3 giờ/năm",
                        ("week", ""): "Tối thiểu 3/tuần", ("week", "hours"): "Tối thiểu 3 giờ/tuần"}[(period, measure)]
    elif kind == CriterionKind.YES_NO:
        assert text == ("Thực hiện mỗi tuần" if period else "")
    else:
        assert text == ""


def test_a_blank_period_renders_in_the_pages_and_the_pdf(client, w):
    Criterion.objects.filter(pk=w.criteria[HOURS].pk).update(period="", measure=MeasureUnit.HOURS)
    registration = approved_registration(w)
    client.force_login(w.member.user)
    assert client.get(reverse("registration_detail", args=[registration.pk])).status_code == 200
    response = client.get(reverse("registration_pdf", args=[registration.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_blank_period_renders_in_the_self_assessment_and_its_pdf(client, w):
    from tests.evaluations.test_pdf_registrations import _finalised_assessment

    Criterion.objects.filter(pk=w.criteria[HOURS].pk).update(period="", measure="")
    assessment = _finalised_assessment(w)
    client.force_login(w.member.user)
    assert client.get(reverse("self_assessment_detail", args=[assessment.pk])).status_code == 200
    response = client.get(reverse("self_assessment_pdf", args=[assessment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
