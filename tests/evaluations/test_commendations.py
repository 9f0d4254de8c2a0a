"""Commendations (seed 004, issue 15 point 3): seeds 004 and 003 loaded into a fresh tenant; the
huyện's BTV proposes the cadres rated "Hoàn thành xuất sắc nhiệm vụ" and the sub-units that
attained their meeting targets, decides with a decision number and date; the commendation shows
on the cadre's page, in the unit report (page and PDF) and the province summary."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cadres.actors import SYSTEM
from cadres.models import AuditEvent, PositionRole, UnitLevel
from cadres.transitions import Refusal
from evaluations.models import CommendationGround, CommendationState, MeetingPurpose, Rating
from evaluations.selectors import commendation_candidates
from evaluations.services.commendations import commendation_decide, commendation_decline, commendation_propose
from evaluations.services.meetings import unit_meeting_record
from models_registry.models import Programme
from models_registry.seeding import load_seed_programmes
from reports.documents import summary_context, unit_report_context, unit_report_pdf
from tests.cadres.factories import CadreFactory, TenantFactory, UnitFactory
from tests.evaluations.factories import CycleFactory
from tests.reports.factories import make_registration, make_self_assessment

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def binh_duong():
    tenant = TenantFactory(name="Tỉnh Đoàn Bình Dương", slug="binh-duong")
    huyen = UnitFactory(parent=tenant.root_unit, code="TDM", name="Thành Đoàn Thủ Dầu Một", level=UnitLevel.DISTRICT)
    xa = UnitFactory(parent=huyen, code="PH", name="Đoàn phường Phú Hòa", level=UnitLevel.GRASSROOTS)
    branch = UnitFactory(parent=xa, code="PH-1", name="Chi đoàn khu phố 1", level=UnitLevel.BRANCH)
    year = timezone.localdate().year
    loaded = load_seed_programmes(tenant, seeds=["004", "003"], acting_user=SYSTEM)
    Programme.objects.filter(pk__in=[item.programme.pk for item in loaded]).update(start_year=year, end_year=year)
    cycle = CycleFactory(tenant=tenant, year=year)
    excellent = CadreFactory(unit=xa, role=PositionRole.SECRETARY, full_name="Nguyễn Thị Ngọc Xuân")
    good = CadreFactory(unit=branch, role=PositionRole.SECRETARY, full_name="Trần Văn Tốt")
    programme = loaded[0].programme
    for cadre, rating in ((excellent, Rating.EXCELLENT), (good, Rating.GOOD)):
        make_self_assessment(make_registration(cycle, programme, cadre, cadre.positions.get().unit), rating=rating)
    manager = CadreFactory(unit=huyen, role=PositionRole.SECRETARY).user
    xa_manager = excellent.user
    return dict(tenant=tenant, huyen=huyen, xa=xa, branch=branch, cycle=cycle, excellent=excellent, good=good, manager=manager,
                xa_manager=xa_manager, year=year)


def test_the_btv_proposes_from_ratings_and_targets_and_decides(binh_duong, client, settings, tmp_path):
    w = binh_duong
    settings.MEDIA_ROOT = tmp_path
    candidates = commendation_candidates(w["cycle"], w["huyen"])
    assert [(c.ground, c.cadre) for c in candidates] == [(CommendationGround.RATING, w["excellent"])]
    # The phường holds its two "2 giao" briefings: its chi đoàn still lacks its monthly "1 liên kết".
    for day in (1, 2):
        unit_meeting_record(unit=w["xa"], cycle=w["cycle"], purpose=MeetingPurpose.BRIEFING,
                            held_on=min(datetime.date(w["year"], 1, day), timezone.localdate()), acting_user=w["xa_manager"])
    assert not [c for c in commendation_candidates(w["cycle"], w["huyen"]) if c.unit]
    for month in range(1, max(timezone.localdate().month - 1, 1) + 1):
        unit_meeting_record(unit=w["branch"], cycle=w["cycle"], purpose=MeetingPurpose.INTER_BRANCH,
                            held_on=min(datetime.date(w["year"], month, 3), timezone.localdate()),
                            acting_user=w["xa_manager"])
    candidates = commendation_candidates(w["cycle"], w["huyen"])
    assert [(c.ground, c.unit) for c in candidates if c.unit] == [(CommendationGround.TARGETS, w["xa"])]

    proposed = [commendation_propose(cycle=w["cycle"], unit=w["huyen"], ground=c.ground, cadre=c.cadre,
                                     honoured_unit=c.unit, acting_user=w["manager"]) for c in candidates]
    assert commendation_candidates(w["cycle"], w["huyen"]) == []
    with pytest.raises(Refusal, match="Đã được đề nghị"):
        commendation_propose(cycle=w["cycle"], unit=w["huyen"], ground=CommendationGround.RATING,
                             cadre=w["excellent"], acting_user=w["manager"])
    with pytest.raises(ValidationError):
        commendation_decide(commendation=proposed[0], decision_number="", decision_date=None,
                            expected_version=proposed[0].lock_version, acting_user=w["manager"])
    decided = commendation_decide(commendation=proposed[0], decision_number="15-QĐ/TĐTN",
                                  decision_date=timezone.localdate(), expected_version=proposed[0].lock_version,
                                  acting_user=w["manager"])
    assert decided.state == CommendationState.DECIDED
    commendation_decide(commendation=proposed[1], decision_number="16-QĐ/TĐTN", decision_date=timezone.localdate(),
                        expected_version=proposed[1].lock_version, acting_user=w["manager"])
    assert set(AuditEvent.objects.filter(action__startswith="commendation.").values_list("action", flat=True)) == {
        "commendation.propose", "commendation.decide"}

    # The cadre's page.
    client.force_login(w["manager"])
    page = text(client.get(reverse("cadre_detail", args=[w["excellent"].pk])))
    assert "Khen thưởng" in page and "Quyết định số 15-QĐ/TĐTN ngày" in page
    assert "Quyết định số" not in text(client.get(reverse("cadre_detail", args=[w["good"].pk])))
    # The unit report, its PDF, and the province summary.
    lines = {line.label: line.value for line in unit_report_context(w["cycle"], w["huyen"])["lines"]}
    assert (lines["Cán bộ được khen thưởng"], lines["Đơn vị được khen thưởng"]) == ("1", "1")
    summary = {line.label: line.value for line in summary_context(w["cycle"], w["tenant"].root_unit)["lines"]}
    assert summary["Cán bộ được khen thưởng"] == "1"
    pdf = PdfReader(io.BytesIO(unit_report_pdf(w["cycle"], w["huyen"])))
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Nguyễn Thị Ngọc Xuân" in pdf_text and "15-QĐ/TĐTN" in pdf_text


def test_a_declined_proposal_may_be_made_again_and_only_the_units_own_are_proposed(binh_duong):
    w = binh_duong
    proposal = commendation_propose(cycle=w["cycle"], unit=w["huyen"], ground=CommendationGround.OTHER,
                                    cadre=w["good"], grounds="Xung kích phòng chống dịch", acting_user=w["manager"])
    declined = commendation_decline(commendation=proposal, comment="Chưa đủ thành tích",
                                    expected_version=proposal.lock_version, acting_user=w["manager"])
    assert declined.state == CommendationState.DECLINED
    with pytest.raises(Refusal):  # nothing left to decide
        commendation_decide(commendation=declined, decision_number="1", decision_date=timezone.localdate(),
                            expected_version=declined.lock_version, acting_user=w["manager"])
    commendation_propose(cycle=w["cycle"], unit=w["huyen"], ground=CommendationGround.OTHER, cadre=w["good"],
                         acting_user=w["manager"])
    outsider = CadreFactory(unit=UnitFactory(parent=w["tenant"].root_unit, level=UnitLevel.DISTRICT))
    with pytest.raises(Refusal, match="chỉ đề nghị khen thưởng cán bộ của mình"):
        commendation_propose(cycle=w["cycle"], unit=w["huyen"], ground=CommendationGround.OTHER, cadre=outsider,
                             acting_user=w["manager"])
    with pytest.raises(Refusal):  # the phường's BTV cannot commend for the huyện
        commendation_propose(cycle=w["cycle"], unit=w["huyen"], ground=CommendationGround.OTHER, cadre=w["good"],
                             acting_user=w["xa_manager"])


def test_the_units_commendations_page_proposes_and_decides_in_vietnamese(binh_duong, client):
    w = binh_duong
    client.force_login(w["manager"])
    url = reverse("commendations_unit", args=[w["tenant"].slug, w["huyen"].code])
    page = text(client.get(url))
    assert "Đề xuất khen thưởng" in page and "Nguyễn Thị Ngọc Xuân" in page
    response = client.post(reverse("commendation_propose", args=[w["tenant"].slug, w["huyen"].code]),
                           {"subject": f"cadre:{w['excellent'].pk}", "ground": "rating", "grounds": "Gương mẫu"},
                           follow=True)
    assert "Đã đề nghị khen thưởng." in text(response)
    proposal = w["excellent"].commendations.get()
    response = client.post(reverse("commendation_decide", args=[w["tenant"].slug, w["huyen"].code, proposal.pk]),
                           {"version": proposal.lock_version, "decision_number": "20-QĐ/TĐTN",
                            "decision_date": timezone.localdate().isoformat()}, follow=True)
    page = text(response)
    assert "Đã quyết định khen thưởng." in page and "Quyết định số 20-QĐ/TĐTN" in page
    client.force_login(w["xa_manager"])  # the phường's Bí thư does not manage the huyện
    assert client.get(url).status_code == 404
