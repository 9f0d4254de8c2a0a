"""The registration form (a1 ĐKCT01) says under each field what a good commitment and good
measures look like, built on the programme's own guidance for the criterion: the guidance
is printed, labelled as the programme's, and the commitment's field points at it."""

import re

import pytest
from django.urls import reverse

from evaluations.services.registrations import registration_start
from tests.evaluations.factories import ALCOHOL, HOURS, RESPONSIBILITY, UNIFORM, WITH_OUTCOMES, world

pytestmark = pytest.mark.django_db

GUIDED = "Cam kết tốt cụ thể hoá hướng dẫn trên thành việc của bạn: làm gì, khi nào, đến mức nào, để cuối năm kiểm chứng được."
UNGUIDED = "Cam kết tốt là cụ thể: bạn sẽ làm gì cho tiêu chí này, khi nào, đến mức nào, để cuối năm kiểm chứng được."
KEEP = "Nói rõ bạn sẽ giữ điều này thế nào: trong những việc nào, dịp nào. Cuối năm bạn tự đánh giá đã giữ đúng hay chưa."
MEASURES = "Biện pháp là cách làm: các bước, theo lịch nào (hằng tuần, hằng tháng), cùng ai, ghi lại ở đâu."
MEASURES_TARGET = ("Biện pháp là cách đạt chỉ tiêu: hoạt động nào, theo lịch nào; ghi từng hoạt động ở mục Hoạt động "
                   "để được tính.")


@pytest.fixture
def form_page(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = world(groups=WITH_OUTCOMES)
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member, acting_user=w.member.user)
    client.force_login(w.member.user)
    response = client.get(reverse("registration_edit", args=[registration.pk]))
    assert response.status_code == 200
    return w, response.content.decode()


def section(page: str, criterion) -> str:
    return re.search(rf'<section class="card reg-criterion[^"]*" id="criterion-{criterion.pk}">.*?</section>', page,
                     re.S).group(0)


def help_of(block: str, criterion, field: str) -> str | None:
    found = re.search(rf'<span class="help" id="f-commitment-{criterion.pk}-{field}-help">([^<]*)</span>', block)
    return found.group(1) if found else None


def described_by(block: str, criterion, field: str) -> list[str]:
    tag = re.search(rf'<textarea name="commitment\.{criterion.pk}\.{field}"[^>]*>', block).group(0)
    return re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()


def test_a_guided_criterion_shows_the_programmes_guidance_and_the_hints_built_on_it(form_page):
    w, page = form_page
    criterion = w.criteria[RESPONSIBILITY]
    block = section(page, criterion)
    guidance = re.search(rf'<p class="small muted" id="guidance-{criterion.pk}">(.*?)</p>', block).group(1)
    assert guidance == "<strong>Hướng dẫn của mô hình:</strong> Hoàn thành nhiệm vụ được giao"
    assert help_of(block, criterion, "text") == GUIDED
    assert help_of(block, criterion, "measures") == MEASURES
    # A screen reader reads the guidance and the hint with the field.
    assert {f"guidance-{criterion.pk}", f"f-commitment-{criterion.pk}-text-help"} <= set(
        described_by(block, criterion, "text"))
    assert f"f-commitment-{criterion.pk}-measures-help" in described_by(block, criterion, "measures")


def test_a_quantitative_criterion_without_guidance_asks_for_a_concrete_commitment_and_the_log(form_page):
    w, page = form_page
    criterion = w.criteria[HOURS]
    block = section(page, criterion)
    assert "Hướng dẫn của mô hình:" not in block
    assert help_of(block, criterion, "text") == UNGUIDED
    assert help_of(block, criterion, "measures") == MEASURES_TARGET
    assert not any(ref.startswith("guidance-") for ref in described_by(block, criterion, "text"))


def test_a_yes_no_criterion_and_a_prohibition_get_the_hint_of_their_kind(form_page):
    w, page = form_page
    uniform, alcohol = w.criteria[UNIFORM], w.criteria[ALCOHOL]
    uniform_block = section(page, uniform)
    assert "Hướng dẫn của mô hình:</strong> Thứ Hai hằng tuần và khi dự họp." in uniform_block
    assert help_of(uniform_block, uniform, "text") == GUIDED
    alcohol_block = section(page, alcohol)
    assert help_of(alcohol_block, alcohol, "text") == KEEP
    # Neither asks for measures, so neither shows their hint.
    assert help_of(uniform_block, uniform, "measures") is None and help_of(alcohol_block, alcohol, "measures") is None
