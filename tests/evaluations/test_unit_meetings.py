"""Seed 003's meetings and club (issue 15, point 2), loaded alone into a fresh tenant: the xã
BCH's "2 giao" briefings with the chi đoàn secretaries, the chi đoàn's monthly "1 liên kết"
meetings, and its "CLB Bí thư Chi đoàn" with members, meetings, topics and attendance — all
counted in the unit report, its PDF and the province summary."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cadres.actors import SYSTEM
from cadres.models import AuditEvent, PositionRole, Sector, UnitLevel
from cadres.transitions import Refusal
from evaluations.models import Club, MeetingPurpose, RatingMeeting
from evaluations.services.meetings import club_create, club_member_add, club_member_leave, unit_meeting_record
from models_registry.seeding import load_seed_programmes
from reports.documents import summary_context, unit_report_context, unit_report_pdf
from tests.cadres.factories import CadreFactory, TenantFactory, UnitFactory
from tests.evaluations.factories import CycleFactory

pytestmark = pytest.mark.django_db

BRIEFING = "Đơn vị đạt “Ban Chấp hành Đoàn các xã, thị trấn định kỳ 1 năm 2 lần tổ chức giao ban"
LINKED = "Đơn vị đạt “Tổ chức sinh hoạt liên chi đoàn và mỗi tháng luân phiên"


@pytest.fixture
def xa():
    """Tỉnh đoàn → Huyện đoàn → Đoàn xã Ea Tu → 3 chi đoàn buôn, each with its Bí thư; seed 003
    owned by the tỉnh and a cycle of this year (the seed's year moved to it)."""
    tenant = TenantFactory(name="Tỉnh Đoàn Đắk Lắk", slug="dak-lak")
    huyen = UnitFactory(parent=tenant.root_unit, code="BMT", name="Thành Đoàn Buôn Ma Thuột",
                        level=UnitLevel.DISTRICT, sector=Sector.RESIDENTIAL)
    commune = UnitFactory(parent=huyen, code="EATU", name="Đoàn xã Ea Tu", level=UnitLevel.GRASSROOTS,
                          sector=Sector.RESIDENTIAL)
    branches = [UnitFactory(parent=commune, code=f"EATU-{n}", name=f"Chi đoàn buôn {name}", level=UnitLevel.BRANCH,
                            sector=Sector.RESIDENTIAL) for n, name in enumerate(["Kom Leo", "Ky", "Tơng Jú"], 1)]
    secretaries = [CadreFactory(unit=branch, role=PositionRole.SECRETARY) for branch in branches]
    member = CadreFactory(unit=branches[0], role=PositionRole.EXECUTIVE_MEMBER)
    manager = CadreFactory(unit=commune, role=PositionRole.SECRETARY, full_name="Y Kông Niê").user
    year = timezone.localdate().year
    programmes = [item.programme for item in load_seed_programmes(tenant, seeds=["003"], acting_user=SYSTEM)]
    for programme in programmes:  # the 2022 seed, run this year
        type(programme).objects.filter(pk=programme.pk).update(start_year=year, end_year=year)
    for position in (p for cadre in secretaries + [member] for p in cadre.positions.all()):
        type(position).objects.filter(pk=position.pk).update(start_date=datetime.date(year, 1, 1))
    return dict(tenant=tenant, huyen=huyen, commune=commune, branches=branches, secretaries=secretaries,
                member=member, manager=manager, cycle=CycleFactory(tenant=tenant, year=year), year=year)


def _lines(lines):
    return {line.label: (line.value, line.rate) for line in lines}


def _line(lines, start):
    found = [value for label, value in _lines(lines).items() if label.startswith(start)]
    assert len(found) == 1, (start, list(_lines(lines)))
    return found[0]


def _day(xa, month, day=5):
    return min(datetime.date(xa["year"], month, day), timezone.localdate())


def test_two_briefings_a_year_meet_2_giao_and_one_does_not(xa):
    record = dict(unit=xa["commune"], cycle=xa["cycle"], purpose=MeetingPurpose.BRIEFING, place="Hội trường UBND xã",
                  topic="Nghe tâm tư của Bí thư chi đoàn", minutes="Thống nhất kế hoạch sinh hoạt quý.",
                  attendees=xa["secretaries"], acting_user=xa["manager"])
    first = unit_meeting_record(held_on=_day(xa, 1), **record)
    assert (first.place, first.members_present, first.attendees.count()) == ("Hội trường UBND xã", 3, 3)
    assert AuditEvent.objects.filter(action="unit_meeting.record", object_id=str(first.pk)).exists()
    assert _line(unit_report_context(xa["cycle"], xa["commune"])["lines"], BRIEFING) == ("0/1", "0%")
    unit_meeting_record(held_on=_day(xa, 1, 6), **record)
    assert _line(unit_report_context(xa["cycle"], xa["commune"])["lines"], BRIEFING) == ("1/1", "100%")


def test_an_inter_branch_meeting_counts_for_its_host_and_the_chi_doan_whose_secretary_came(xa):
    host, guest, absent = xa["branches"]
    months = max(timezone.localdate().month - 1, 1)
    for month in range(1, months + 1):
        unit_meeting_record(unit=host, cycle=xa["cycle"], purpose=MeetingPurpose.INTER_BRANCH, held_on=_day(xa, month),
                            place=f"Nhà văn hóa {host.name}", attendees=[xa["secretaries"][0], xa["secretaries"][1]],
                            acting_user=xa["manager"])
    lines = unit_report_context(xa["cycle"], xa["commune"])["lines"]
    assert _line(lines, LINKED) == ("2/3", "66,7%")


def test_the_club_of_chi_doan_secretaries_its_meetings_and_attendance(xa, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manager = xa["manager"]
    club = club_create(unit=xa["commune"], name="CLB Bí thư Chi đoàn", acting_user=manager)
    members = [club_member_add(club=club, cadre=cadre, joined_on=datetime.date(xa["year"], 1, 1), acting_user=manager)
               for cadre in xa["secretaries"]]
    with pytest.raises(Refusal, match="không phải Bí thư một chi đoàn"):
        club_member_add(club=club, cadre=xa["member"], acting_user=manager)
    meeting = unit_meeting_record(unit=xa["commune"], cycle=xa["cycle"], purpose=MeetingPurpose.CLUB, club=club,
                                  held_on=_day(xa, 1, 10), topic="Kỹ năng tổ chức sinh hoạt chi đoàn",
                                  attendees=xa["secretaries"][:2], acting_user=manager)
    assert meeting.topic == "Kỹ năng tổ chức sinh hoạt chi đoàn"
    with pytest.raises(Refusal, match="Không phải người tham dự"):  # not a member
        unit_meeting_record(unit=xa["commune"], cycle=xa["cycle"], purpose=MeetingPurpose.CLUB, club=club,
                            held_on=_day(xa, 1, 10), attendees=[xa["member"]], acting_user=manager)
    club_member_leave(member=members[2], left_on=_day(xa, 1, 20), acting_user=manager)
    label = "CLB Bí thư Chi đoàn (Đoàn xã Ea Tu): 2 thành viên, số buổi sinh hoạt"
    assert _lines(unit_report_context(xa["cycle"], xa["commune"])["lines"])[label] == ("1", "tham dự 66,7%")
    # The huyện's report and the province summary count the xã's club too.
    assert label in _lines(unit_report_context(xa["cycle"], xa["huyen"])["lines"])
    assert label in _lines(summary_context(xa["cycle"], xa["tenant"].root_unit)["lines"])
    pdf = PdfReader(io.BytesIO(unit_report_pdf(xa["cycle"], xa["commune"])))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "CLB Bí thư Chi đoàn" in text and "tham dự 66,7%" in text


def test_what_a_meeting_refuses(xa):
    base = dict(unit=xa["commune"], cycle=xa["cycle"], purpose=MeetingPurpose.BRIEFING, acting_user=xa["manager"])
    with pytest.raises(Refusal, match="tương lai"):
        unit_meeting_record(held_on=timezone.localdate() + datetime.timedelta(days=1), **base)
    with pytest.raises(Refusal, match="năm %d" % xa["year"]):
        unit_meeting_record(held_on=datetime.date(xa["year"] - 1, 12, 1), **base)
    stranger = CadreFactory(unit=xa["huyen"], role=PositionRole.EXECUTIVE_MEMBER)
    with pytest.raises(Refusal, match=stranger.full_name):  # not of the xã's subtree
        unit_meeting_record(held_on=_day(xa, 1), attendees=[stranger], **base)
    with pytest.raises(Refusal):
        unit_meeting_record(held_on=_day(xa, 1), **{**base, "purpose": MeetingPurpose.RATING})
    assert not RatingMeeting.objects.exists()


def test_the_units_meetings_page_records_a_briefing_and_keeps_its_club(xa, client):
    client.force_login(xa["manager"])
    args = [xa["tenant"].slug, xa["commune"].code]
    page = client.get(reverse("unit_meetings", args=args)).content.decode()
    assert "Ghi nhận cuộc họp" in page and xa["secretaries"][0].full_name in page
    response = client.post(reverse("unit_meeting_create", args=args), {
        "purpose": "briefing", "held_on": _day(xa, 1).isoformat(), "place": "Hội trường UBND xã",
        "topic": "Định hướng hoạt động quý I", "attendees": [cadre.pk for cadre in xa["secretaries"]]}, follow=True)
    assert "Đã ghi nhận cuộc họp." in response.content.decode()
    meeting = RatingMeeting.objects.get(purpose=MeetingPurpose.BRIEFING)
    assert (meeting.topic, meeting.attendees.count()) == ("Định hướng hoạt động quý I", 3)
    client.post(reverse("club_create", args=args), {"name": "CLB Bí thư Chi đoàn"})
    club = Club.objects.get(unit=xa["commune"])
    response = client.post(reverse("club_member_add", args=[*args, club.pk]), {"cadre": xa["secretaries"][0].pk},
                           follow=True)
    assert "Đã thêm thành viên." in response.content.decode()
    assert list(club.members.values_list("cadre", flat=True)) == [xa["secretaries"][0].pk]
    client.force_login(xa["secretaries"][0].user)  # a chi đoàn's Bí thư does not manage the xã
    assert client.get(reverse("unit_meetings", args=args)).status_code == 404
