"""Per-kind results reach the figures: per criterion, the cadres meeting a quantitative
target, those who did a yes/no one (đạt), those who broke a prohibition (vi phạm) — in the
rollup, the unit report page and its PDF; frozen with the cycle once it is closed."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cadres.models import Position
from evaluations.models import CommitmentResult, ResultOutcome
from evaluations.services.assessments import self_assessment_autosave, self_assessment_start
from evaluations.services.cycles import cycle_close
from evaluations.workflow import self_assessment_submit
from reports.documents import unit_report_pdf
from reports.figures import CycleFigures, report_figures
from reports.rollup import subtree_targets
from reports.services.rollup import recompute_cycle, rollup_cycle
from tests.evaluations.factories import (
    ALCOHOL,
    HOURS,
    MEETINGS,
    UNIFORM,
    WITH_OUTCOMES,
    YEAR,
    approved_registration,
    world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world(groups=WITH_OUTCOMES)


def assessed(w, cadre, *, uniform: str, alcohol: str, hours: str = "", reviewer=None):
    """The cadre's yearly KĐCT01 submitted with these answers."""
    form = self_assessment_start(registration=approved_registration(w, cadre, reviewer), acting_user=cadre.user)
    answers = {"strengths": "Nhiệt tình", "weaknesses": "Còn chậm", "self_rating": "good"}
    for result in form.results.select_related("commitment__criterion"):
        answers[f"result.{result.commitment.criterion_id}.result"] = "Đã thực hiện"
    answers[f"result.{w.criteria[UNIFORM].pk}.outcome"] = uniform
    answers[f"result.{w.criteria[ALCOHOL].pk}.outcome"] = alcohol
    if hours:
        key = f"result.{w.criteria[HOURS].pk}"
        answers.update({f"{key}.actual_value": hours, f"{key}.change_reason": "Ghi sổ giấy, chưa nhập"})
    for field, value in answers.items():
        self_assessment_autosave(self_assessment=form, field=field, value=value,
                                 expected_version=form.field_versions.get(field, 0), acting_user=cadre.user)
    form.refresh_from_db()
    return self_assessment_submit(self_assessment=form, acting_user=cadre.user, expected_version=form.lock_version)


def lines_of(page: str) -> str:
    return " ".join(page.split())


def test_each_kind_is_counted_per_criterion_in_the_figures_the_page_and_the_pdf(client, w):
    assessed(w, w.member, uniform=ResultOutcome.MET, alcohol=ResultOutcome.BROKEN, hours="3")
    assessed(w, w.deputy, uniform=ResultOutcome.NOT_MET, alcohol=ResultOutcome.KEPT)
    assessed(w, w.secretary, uniform=ResultOutcome.MET, alcohol=ResultOutcome.KEPT, reviewer=w.g1_secretary)
    rollup_cycle(cycle=w.cycle)

    source = CycleFigures(w.cycle)
    root = source.with_targets([source.node(w.root)])[0]
    criteria = {title: str(w.criteria[title].pk) for title in (UNIFORM, ALCOHOL, HOURS, MEETINGS)}
    # Done 2 of 3; kept 2 of 3 (so 1 broken); the hours target met by the one who stated 3 h a week.
    assert root.targets == dict(sorted({criteria[UNIFORM]: [2, 3], criteria[ALCOHOL]: [2, 3],
                                        criteria[HOURS]: [1, 3], criteria[MEETINGS]: [0, 3]}.items()))

    client.force_login(w.provincial)
    url = reverse("unit_report", args=[w.root.tenant.slug, w.root.code]) + f"?cycle={YEAR}"
    page = lines_of(client.get(url).content.decode())
    for line in (f"Đạt: {UNIFORM}</span><span class=\"figure-value\">2/3 <span class=\"muted\">(66,7%)</span>",
                 f"Vi phạm: {ALCOHOL}</span><span class=\"figure-value\">1/3 <span class=\"muted\">(33,3%)</span>",
                 f"Đạt chỉ tiêu: {HOURS}</span><span class=\"figure-value\">1/3"):
        assert line in page, line
    text = lines_of(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(
        unit_report_pdf(w.cycle, w.root))).pages))
    assert f"Đạt: {UNIFORM} 2/3 66,7%" in text
    assert f"Vi phạm: {ALCOHOL} 1/3 33,3%" in text

    # Closed, the year keeps its counts whatever happens after.
    cycle_close(cycle=w.cycle, acting_user=w.provincial)
    CommitmentResult.objects.filter(commitment__criterion=w.criteria[ALCOHOL]).update(outcome=ResultOutcome.KEPT)
    Position.objects.filter(cadre=w.member).update(end_date=datetime.date(YEAR, 1, 31))
    w.cycle.refresh_from_db()
    recompute_cycle(w.cycle)  # the live rows now say otherwise; the closed year reads its snapshot
    assert subtree_targets(w.cycle, [w.root.path])[w.root.path][criteria[ALCOHOL]] == [2, 2]
    assert CycleFigures(w.cycle).is_frozen
    assert report_figures(CycleFigures(w.cycle), w.root)["unit"]["targets"][criteria[ALCOHOL]] == [2, 3]
    page = lines_of(client.get(url).content.decode())
    assert f"Vi phạm: {ALCOHOL}</span><span class=\"figure-value\">1/3" in page
