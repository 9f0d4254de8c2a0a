"""Cần Thơ's 4 chỉ tiêu (seed 002 §III.2) are the programme's own targets: loaded with the seed,
kept by a new version, printed in the unit report and its PDF with the share the rollup computed
and whether it is met (issue 15, point 6)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cadres.actors import SYSTEM
from cadres.models import GrantRole, PositionRole, Sector, UnitLevel
from models_registry.models import IndicatorKind, Programme
from models_registry.seeding import load_seed_programmes
from models_registry.services import programme_new_version
from reports.documents import summary_context, unit_report_context, unit_report_pdf
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import GrantFactory
from tests.reports.factories import (
    add_unit,
    make_cadre,
    make_cycle,
    make_registration,
    make_self_assessment,
    make_tenant,
)

pytestmark = pytest.mark.django_db

REGISTERED = "Chỉ tiêu của mô hình: 100% cán bộ Đoàn có bản đăng ký và tự kiểm điểm"


@pytest.fixture
def can_tho():
    """Thành đoàn → Đoàn Khối cơ quan → Đoàn cơ sở Sở Nội vụ: the Bí thư registered and assessed,
    a UV BCH registered only; the seed loaded alone."""
    tenant = make_tenant("Thành đoàn Cần Thơ", "can-tho-chi-tieu")
    khoi = add_unit(tenant.root_unit, level=UnitLevel.DISTRICT, name="Đoàn Khối cơ quan", sector=Sector.CIVIL_SERVICE)
    so = add_unit(khoi, level=UnitLevel.GRASSROOTS, name="Đoàn cơ sở Sở Nội vụ", sector=Sector.CIVIL_SERVICE)
    programme, = [item.programme for item in load_seed_programmes(tenant, seeds=["002"], acting_user=SYSTEM)]
    cycle = make_cycle(tenant)
    secretary = make_cadre(tenant, [(so, PositionRole.SECRETARY)], civil_servant=True)
    member = make_cadre(tenant, [(so, PositionRole.EXECUTIVE_MEMBER)], civil_servant=True)
    make_self_assessment(make_registration(cycle, programme, secretary, so), gains=(True, True, True, True))
    make_registration(cycle, programme, member, so)
    rollup_cycle(cycle=cycle)
    return dict(tenant=tenant, programme=programme, cycle=cycle, so=so)


def _lines(lines):
    return {line.label[:len(REGISTERED)]: (line.value, line.rate) for line in lines}


def test_the_four_targets_load_with_the_seed_and_survive_a_new_version(can_tho):
    programme = can_tho["programme"]
    assert [(row.kind, row.target_percent) for row in programme.indicators.all()] == [
        (kind, 100) for kind in IndicatorKind.values]
    draft = programme_new_version(programme=programme, acting_user=SYSTEM)
    assert list(draft.indicators.values_list("text", flat=True)) == list(
        programme.indicators.values_list("text", flat=True))
    assert Programme.objects.get(pk=programme.pk).indicators.count() == 4  # the published version keeps its own


def test_the_unit_report_prints_each_target_with_the_share_reached(can_tho):
    lines = _lines(unit_report_context(can_tho["cycle"], can_tho["so"])["lines"])
    assert lines[REGISTERED] == ("1/2", "50% trên 100%: chưa đạt")
    four_gains = next(label for label in lines if label.startswith("Chỉ tiêu của mô hình: 100% Cán bộ Đoàn là công"))
    assert lines[four_gains] == ("1/2", "50% trên 100%: chưa đạt")
    root = can_tho["tenant"].root_unit
    summary = _lines(summary_context(can_tho["cycle"], root)["lines"])
    assert summary[REGISTERED] == ("1/2", "50% trên 100%: chưa đạt")


def test_the_report_pdf_prints_the_targets(can_tho, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = PdfReader(io.BytesIO(unit_report_pdf(can_tho["cycle"], can_tho["so"])))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "100% Bí thư Đoàn cơ sở có giải pháp sáng tạo" in text and "chưa đạt" in text


def test_a_programme_without_targets_adds_no_line():
    tenant = make_tenant()
    unit = add_unit(tenant.root_unit, level=UnitLevel.GRASSROOTS)
    load_seed_programmes(tenant, seeds=["000"], acting_user=SYSTEM)
    cycle = make_cycle(tenant, year=2023)
    rollup_cycle(cycle=cycle)
    assert not any(line.label.startswith("Chỉ tiêu của mô hình") for line in unit_report_context(cycle, unit)["lines"])


def test_the_programme_page_lists_its_targets(client, can_tho):
    client.force_login(GrantFactory(unit=can_tho["tenant"].root_unit, role=GrantRole.PROVINCIAL_STAFF).user)
    page = client.get(reverse("programme_detail", args=[can_tho["programme"].pk])).content.decode()
    assert "Chỉ tiêu của mô hình" in page and "100% Bí thư Đoàn cơ sở có giải pháp sáng tạo" in page
