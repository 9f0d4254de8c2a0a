"""Levels by meaning, not depth: after 1/7/2025 a xã đoàn sits directly under the tỉnh đoàn.
It is a cơ sở, wherever it sits: no pilot quota of a huyện, and in the report chain it
reports to the tỉnh as a đoàn cơ sở, counted and numbered as one."""

import datetime

import pytest

from cadres.models import GrantRole, UnitLevel
from models_registry.models import ProgrammeParticipant
from models_registry.selectors import pilot_progress
from reports.documents import unit_report_context
from reports.models import UnitFigures, UnitReportState
from reports.selectors import completeness, reports_awaiting_decision
from reports.services.rollup import rollup_cycle
from reports.services.unit_reports import (
    report_due,
    unit_report_accept,
    unit_report_get_or_create,
    unit_report_submit,
    unit_report_update,
)
from tests.cadres.factories import GrantFactory
from tests.reports.factories import add_unit, bulk_cadres, make_cycle, make_programme, make_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_2025():
    """Tỉnh → Đoàn xã Mỹ Hội (cơ sở, directly under the tỉnh) → 3 chi đoàn; and the tỉnh →
    Đoàn Khối các cơ quan (huyện level) → Đoàn cơ sở Sở Y tế → 1 chi đoàn. A "Chi đoàn 3 có"
    programme of the tỉnh with a quota of 2 pilots per huyện; every chi đoàn takes part."""
    tenant = make_tenant("Tỉnh Đoàn Sau Sáp Nhập", "sau-sap-nhap")
    root = tenant.root_unit
    xa = add_unit(root, level=UnitLevel.GRASSROOTS, name="Đoàn xã Mỹ Hội", code="XA-MH")
    khoi = add_unit(root, level=UnitLevel.DISTRICT, name="Đoàn Khối các cơ quan tỉnh", code="KHOI")
    so = add_unit(khoi, level=UnitLevel.GRASSROOTS, name="Đoàn cơ sở Sở Y tế", code="SYT")
    branches = [add_unit(xa, level=UnitLevel.BRANCH, name=f"Chi đoàn ấp {i}", code=f"XA-MH-{i}") for i in (1, 2, 3)]
    branches.append(add_unit(so, level=UnitLevel.BRANCH, name="Chi đoàn Phòng Kế hoạch", code="SYT-1"))
    programme = make_programme(root, subject="units", name="Chi đoàn 3 có", pilot_quota=2, quantitative=0)
    for branch in branches:
        ProgrammeParticipant.objects.create(tenant=tenant, programme=programme, unit=branch)
    bulk_cadres(xa, 3)
    cycle = make_cycle(tenant)
    return dict(tenant=tenant, root=root, xa=xa, khoi=khoi, so=so, programme=programme, cycle=cycle,
                xa_manager=GrantFactory(unit=xa, role=GrantRole.UNIT_MANAGER).user,
                province_staff=GrantFactory(unit=root, role=GrantRole.PROVINCIAL_STAFF).user)


def test_a_xa_doan_under_the_tinh_is_no_huyen_for_the_pilot_quota(post_2025):
    rows = {row.district.code: (row.participants, row.meets_quota) for row in pilot_progress(post_2025["programme"])}
    assert rows == {"KHOI": (1, False)}
    # A programme of the xã itself has no huyện above it to count in.
    own = make_programme(post_2025["xa"], subject="units", pilot_quota=2, quantitative=0)
    assert pilot_progress(own) == []


def test_the_figures_give_pilot_counts_only_down_to_huyen_level(post_2025):
    w = post_2025
    rollup_cycle(cycle=w["cycle"])
    figures = {f.unit.code: f for f in UnitFigures.objects.filter(cycle=w["cycle"]).select_related("unit")}
    root_entry, = figures[w["root"].code].extra["unit_programmes"]
    assert (root_entry["participants"], root_entry["districts"], root_entry["districts_meeting_quota"]) == (4, 1, 0)
    xa_entry, = figures["XA-MH"].extra["unit_programmes"]
    assert xa_entry["participants"] == 3 and "districts" not in xa_entry
    assert "districts" in figures["KHOI"].extra["unit_programmes"][0]
    # Counted as a đoàn cơ sở by the tỉnh, like the one under the đoàn khối.
    assert (figures[w["root"].code].grassroots_units, figures["XA-MH"].grassroots_units) == (2, 1)


def test_the_xa_doan_reports_to_the_tinh_as_a_doan_co_so(post_2025):
    w = post_2025
    rollup_cycle(cycle=w["cycle"])
    assert report_due(w["cycle"], w["xa"]) == datetime.date(2025, 10, 30)
    report = unit_report_get_or_create(cycle=w["cycle"], unit=w["xa"], acting_user=w["xa_manager"])
    report = unit_report_update(report=report, acting_user=w["xa_manager"], expected_version=report.lock_version,
                                achievements="3/3 chi đoàn tham gia thí điểm.")
    report = unit_report_submit(report=report, acting_user=w["xa_manager"], expected_version=report.lock_version,
                                today=datetime.date(2025, 10, 20), confirm_low_rates=True)  # nobody has filed yet
    assert report.state == UnitReportState.SUBMITTED and not report.is_late
    assert report.figures["unit"]["grassroots_units"] == 1 and report.figures["unit"]["level"] == UnitLevel.GRASSROOTS
    assert list(reports_awaiting_decision(w["province_staff"], w["cycle"])) == [report]
    rows = {row.unit.code: row.report_status for row in completeness(w["root"], w["cycle"], datetime.date(2025, 10, 21))}
    assert rows["XA-MH"] == "submitted" and rows["KHOI"] == "not_started"
    header = unit_report_context(w["cycle"], w["xa"])["header"]
    assert header.superior == "Tỉnh Đoàn Sau Sáp Nhập" and header.number == "Số: …-BC/ĐTN"
    accepted = unit_report_accept(report=report, acting_user=w["province_staff"], expected_version=report.lock_version)
    assert accepted.state == UnitReportState.ACCEPTED
