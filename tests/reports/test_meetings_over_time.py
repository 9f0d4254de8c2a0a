"""Meetings and clubs over time (issue 15, point 2): the "2 giao" briefings, "1 liên kết" and the
CLB Bí thư Chi đoàn's year are frozen with the other figures when the cycle closes. Afterwards
a meeting dated in the closed year is refused, a new đoàn xã and a club member said to have
joined in that year change the live world, and the closed reports still read what was closed;
reopening to add the meeting and closing again makes version 2 with it, version 1 unchanged."""

import datetime

import pytest
from django.utils import timezone

from cadres.models import GrantRole, PositionRole, Sector, UnitLevel
from cadres.transitions import Refusal
from evaluations.models import MeetingPurpose
from evaluations.services.cycles import cycle_close, cycle_reopen
from evaluations.services.meetings import club_create, club_member_add, unit_meeting_record
from reports.documents import summary_context, unit_report_context
from reports.figures import CycleFigures
from tests.cadres.factories import CadreFactory, GrantFactory, UnitFactory
from tests.evaluations import test_unit_meetings as seed_003

pytestmark = pytest.mark.django_db
xa = seed_003.xa  # the fixture: Đoàn xã Ea Tu and its chi đoàn, seed 003 loaded alone
BRIEFING = seed_003.BRIEFING
CLUB = "CLB Bí thư Chi đoàn (Đoàn xã Ea Tu): "


def _meeting_lines(lines):
    return {line.label[:60]: (line.value, line.rate) for line in lines
            if line.label.startswith((BRIEFING, CLUB))}


def _reports(xa, source=None):
    cycle = xa["cycle"]
    return (_meeting_lines(unit_report_context(cycle, xa["commune"], source)["lines"]),
            _meeting_lines(unit_report_context(cycle, xa["huyen"], source)["lines"]),
            _meeting_lines(summary_context(cycle, xa["tenant"].root_unit)["lines"]))


def test_closed_meeting_figures_stay_as_closed(xa):
    manager, cycle, year = xa["manager"], xa["cycle"], xa["year"]
    provincial = GrantFactory(unit=xa["tenant"].root_unit, role=GrantRole.PROVINCIAL_STAFF).user
    day = min(datetime.date(year, 1, 5), timezone.localdate())
    briefing = dict(unit=xa["commune"], cycle=cycle, purpose=MeetingPurpose.BRIEFING, held_on=day,
                    attendees=xa["secretaries"], acting_user=manager)
    unit_meeting_record(**briefing)
    club = club_create(unit=xa["commune"], name="CLB Bí thư Chi đoàn", acting_user=manager)
    for cadre in xa["secretaries"][:2]:
        club_member_add(club=club, cadre=cadre, joined_on=datetime.date(year, 1, 1), acting_user=manager)
    unit_meeting_record(unit=xa["commune"], cycle=cycle, purpose=MeetingPurpose.CLUB, club=club, held_on=day,
                        attendees=xa["secretaries"][:1], acting_user=manager)
    live = _reports(xa)
    assert live[0][BRIEFING[:60]] == ("0/1", "0%")  # one of the two briefings a year
    assert live[0][(CLUB + "2 thành viên, số buổi sinh hoạt")[:60]] == ("1", "tham dự 50%")

    cycle_close(cycle=cycle, acting_user=provincial)
    cycle.refresh_from_db()
    assert _reports(xa) == live

    # The world changes after the close.
    with pytest.raises(Refusal) as refused:
        unit_meeting_record(**{**briefing, "cycle": cycle})
    assert refused.value.code == "closed"
    UnitFactory(parent=xa["huyen"], code="EAKAO", name="Đoàn xã Ea Kao", level=UnitLevel.GRASSROOTS,
                        sector=Sector.RESIDENTIAL)
    branch = UnitFactory(parent=xa["commune"], code="EATU-4", name="Chi đoàn buôn Mới", level=UnitLevel.BRANCH,
                         sector=Sector.RESIDENTIAL)
    late = CadreFactory(unit=branch, role=PositionRole.SECRETARY, start_date=datetime.date(year, 1, 1))
    club_member_add(club=club, cadre=late, joined_on=datetime.date(year, 1, 2), acting_user=manager)
    assert _reports(xa) == live

    # Reopened to add the second briefing, closed again: version 2 counts it, version 1 does not.
    cycle_reopen(cycle=cycle, reason="Bổ sung buổi giao ban thứ hai", acting_user=provincial)
    cycle.refresh_from_db()
    unit_meeting_record(**{**briefing, "cycle": cycle, "held_on": min(datetime.date(year, 1, 6), timezone.localdate())})
    cycle_close(cycle=cycle, acting_user=provincial)
    cycle.refresh_from_db()
    commune, huyen, _summary = _reports(xa)
    assert commune[BRIEFING[:60]] == ("1/1", "100%")
    assert huyen[BRIEFING[:60]] == ("1/2", "50%")  # Ea Kao now stands beside Ea Tu
    # The member said to have joined on 2 January was expected at the 5 January meeting.
    assert commune[(CLUB + "3 thành viên, số buổi sinh hoạt")[:60]] == ("1", "tham dự 33,3%")
    assert _reports(xa, CycleFigures(cycle, version=1))[:2] == live[:2]
