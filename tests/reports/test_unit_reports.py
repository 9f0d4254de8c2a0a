"""The unit report chain and the completeness dashboard's selectors."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django_scopes import scope

from cadres.models import AuditEvent, GrantRole, UnitLevel
from evaluations.models import CycleDeadline, CycleStatus, DeadlineKind, Registration
from reports.figures import CycleFigures
from reports.models import UnitReport, UnitReportState
from reports.selectors import (
    ReportStatus,
    completeness,
    get_dashboard_unit_for_user,
    get_unit_report_for_user,
    report_timeliness,
    reports_awaiting_decision,
    unregistered_cadres,
)
from reports.services.rollup import rollup_cycle
from reports.services.unit_reports import (
    low_rates,
    unit_report_accept,
    unit_report_get_or_create,
    unit_report_return,
    unit_report_submit,
    unit_report_update,
)
from reports.templatetags.reports_ui import STATUS_LABELS
from tests.cadres.factories import GrantFactory
from tests.reports.factories import add_unit, cho_moi

pytestmark = pytest.mark.django_db
BEFORE, AFTER = datetime.date(2025, 10, 20), datetime.date(2025, 11, 2)


@pytest.fixture
def w():
    world = cho_moi()
    world["huyen_manager"] = GrantFactory(unit=world["huyen"], role=GrantRole.UNIT_MANAGER).user
    world["province_staff"] = GrantFactory(unit=world["root"], role=GrantRole.PROVINCIAL_STAFF).user
    world["other_manager"] = GrantFactory(unit=world["other"], role=GrantRole.UNIT_MANAGER).user
    rollup_cycle(cycle=world["cycle"])  # what the on-commit re-roll does after each change
    return world


def _draft(w, text="Triển khai đến 41/41 đoàn cơ sở."):
    report = unit_report_get_or_create(cycle=w["cycle"], unit=w["huyen"], acting_user=w["huyen_manager"])
    return unit_report_update(report=report, acting_user=w["huyen_manager"], expected_version=report.lock_version,
                              achievements=text, limitations="Còn chậm", proposals="Tập huấn")


def _submit(w, report, today=BEFORE):
    return unit_report_submit(report=report, acting_user=w["huyen_manager"], expected_version=report.lock_version,
                              today=today, confirm_low_rates=True)  # the world has no self-assessments


def test_submit_return_resubmit_accept_with_audit_and_snapshot(w):
    report = _submit(w, _draft(w))
    assert report.state == UnitReportState.SUBMITTED and not report.is_late
    assert report.due_date == datetime.date(2025, 10, 30)
    assert report.figures["unit"]["registered"] == 402 and len(report.figures["children"]) == 41
    assert report.figures["unit"]["grassroots_units_complete"] == 41
    assert reports_awaiting_decision(w["province_staff"], w["cycle"]).get() == report
    returned = unit_report_return(report=report, comment="Bổ sung số liệu sáng kiến", acting_user=w["province_staff"],
                                  expected_version=report.lock_version)
    assert returned.state == UnitReportState.RETURNED and returned.return_comment == "Bổ sung số liệu sáng kiến"
    fixed = unit_report_update(report=returned, acting_user=w["huyen_manager"], expected_version=returned.lock_version,
                               achievements="Đã bổ sung.")
    again = _submit(w, fixed, today=AFTER)
    assert again.state == UnitReportState.RESUBMITTED and not again.is_late  # a fix is not late
    accepted = unit_report_accept(report=again, acting_user=w["province_staff"], expected_version=again.lock_version)
    assert accepted.state == UnitReportState.ACCEPTED and accepted.is_locked
    actions = list(AuditEvent.objects.filter(object_type="reports.unitreport", object_id=str(report.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["unit_report.create", "unit_report.update", "unit_report.submit", "unit_report.return",
                       "unit_report.update", "unit_report.resubmit", "unit_report.accept"]
    with pytest.raises(ValidationError, match="không thể sửa nữa"):
        unit_report_update(report=accepted, acting_user=w["huyen_manager"], expected_version=accepted.lock_version,
                           achievements="Sửa sau khi tiếp nhận")


def test_late_submission_is_marked_late(w):
    report = _submit(w, _draft(w), today=AFTER)
    assert report.is_late and report.state == UnitReportState.SUBMITTED


def test_the_parent_may_set_an_earlier_date_for_its_sub_units(w):
    CycleDeadline.objects.create(tenant=w["tenant"], cycle=w["cycle"], unit=w["huyen"], kind=DeadlineKind.UNIT_REPORT,
                                 date=datetime.date(2025, 10, 10))
    grassroots = w["grassroots"][0]
    report = unit_report_get_or_create(cycle=w["cycle"], unit=grassroots, acting_user=w["huyen_manager"])
    report = unit_report_update(report=report, acting_user=w["huyen_manager"], expected_version=report.lock_version,
                                achievements="Xong")
    report = unit_report_submit(report=report, acting_user=w["huyen_manager"], expected_version=report.lock_version,
                                today=datetime.date(2025, 10, 15), confirm_low_rates=True)
    assert report.is_late and report.due_date == datetime.date(2025, 10, 10)


def test_a_second_submission_from_a_stale_page_is_refused(w):
    report = _draft(w)
    stale_version = report.lock_version
    _submit(w, report)
    with pytest.raises(ValidationError, match="Có người đã thay đổi báo cáo này") as refusal:
        unit_report_submit(report=report, acting_user=w["huyen_manager"], expected_version=stale_version,
                           confirm_low_rates=True)
    assert refusal.value.code == "stale"
    assert AuditEvent.objects.filter(action="unit_report.submit").count() == 1


def test_who_may_write_and_decide(w):
    report = _draft(w)
    with pytest.raises(ValidationError, match="Chỉ cán bộ quản lý của đơn vị"):
        unit_report_submit(report=report, acting_user=w["other_manager"], expected_version=report.lock_version,
                           confirm_low_rates=True)
    report = _submit(w, report)
    with pytest.raises(ValidationError, match="Chỉ cán bộ quản lý của đơn vị cấp trên"):
        unit_report_accept(report=report, acting_user=w["huyen_manager"], expected_version=report.lock_version)
    with pytest.raises(ValidationError) as empty:
        unit_report_return(report=report, comment="  ", acting_user=w["province_staff"],
                           expected_version=report.lock_version)
    assert "Hãy nêu rõ đơn vị cần sửa" in str(empty.value)
    with pytest.raises(Http404):
        get_unit_report_for_user(w["other_manager"], report.pk)
    assert get_unit_report_for_user(w["province_staff"], report.pk) == report


def test_submission_needs_the_results_and_an_open_cycle(w):
    report = unit_report_get_or_create(cycle=w["cycle"], unit=w["huyen"], acting_user=w["huyen_manager"])
    with pytest.raises(ValidationError, match="Hãy viết phần kết quả đạt được"):
        _submit(w, report)
    w["cycle"].status = CycleStatus.CLOSED
    w["cycle"].save()
    with pytest.raises(ValidationError, match="đã đóng"):
        _submit(w, report)
    assert UnitReport.objects.get(pk=report.pk).state == UnitReportState.DRAFT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one(w):
    report = _draft(w)
    version = report.lock_version
    outcomes = []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            with scope(tenant=w["tenant"].pk):  # as a request would run
                unit_report_submit(report=UnitReport.objects.get(pk=report.pk), acting_user=w["huyen_manager"],
                                   expected_version=version, today=BEFORE, confirm_low_rates=True)
            outcomes.append("ok")
        except ValidationError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
    assert AuditEvent.objects.filter(action="unit_report.submit", object_id=str(report.pk)).count() == 1


# --- Completeness ---------------------------------------------------------------------------


def test_completeness_rows_rates_and_report_status(w):
    Registration.objects.filter(unit=w["grassroots"][0]).delete()
    rollup_cycle(cycle=w["cycle"])
    _submit(w, _draft(w))
    rows = completeness(w["root"], w["cycle"], today=AFTER)
    assert [row.unit for row in rows] == [w["root"], w["huyen"], w["other"]]
    huyen = rows[1]
    assert huyen.registration_rate == round(100 * 392 / 402, 1) and huyen.has_children
    assert (huyen.report_status, huyen.status_class) == (ReportStatus.SUBMITTED, "badge badge-warn")
    assert (rows[2].report_status, rows[2].status_class) == (ReportStatus.OVERDUE, "badge badge-error")
    assert completeness(w["root"], w["cycle"], today=BEFORE)[2].report_status == ReportStatus.NOT_STARTED
    drill = completeness(w["huyen"], w["cycle"], today=BEFORE)
    assert len(drill) == 42 and drill[1].registration_rate == 0.0 and not drill[1].has_children


def test_unregistered_cadres_of_a_subtree(w):
    Registration.objects.filter(unit=w["grassroots"][0]).delete()
    rollup_cycle(cycle=w["cycle"])
    missing = list(unregistered_cadres(w["huyen"], w["cycle"]))
    assert len(missing) == 10 and {c.full_name.split()[-2] for c in missing} == {"CM-X01"}
    assert list(unregistered_cadres(w["other"], w["cycle"])) == []


def test_dashboard_unit_is_404_out_of_scope(w):
    assert get_dashboard_unit_for_user(w["huyen_manager"], w["tenant"].slug, "CM") == w["huyen"]
    with pytest.raises(Http404):
        get_dashboard_unit_for_user(w["other_manager"], w["tenant"].slug, "CM")
    add_unit(w["huyen"], level=UnitLevel.GRASSROOTS, code="NEW")
    with pytest.raises(Http404):
        get_dashboard_unit_for_user(w["other_manager"], w["tenant"].slug, "NEW")


# --- Timeliness and low rates (issue 11, item 9) ----------------------------------------------


def test_never_sent_late_and_on_time_are_told_apart(w):
    due = datetime.date(2025, 10, 30)
    assert report_timeliness(None, due, BEFORE) == ReportStatus.NOT_STARTED
    assert report_timeliness(None, due, AFTER) == ReportStatus.OVERDUE
    assert report_timeliness(_draft(w), due, AFTER) == ReportStatus.OVERDUE  # a draft was not sent
    on_time = _submit(w, UnitReport.objects.get(unit=w["huyen"]), today=BEFORE)
    assert report_timeliness(on_time, due, AFTER) == ReportStatus.SUBMITTED
    on_time.is_late = True
    assert report_timeliness(on_time, due, AFTER) == ReportStatus.LATE
    assert STATUS_LABELS[ReportStatus.NOT_STARTED] == "Chưa nộp"
    assert STATUS_LABELS[ReportStatus.OVERDUE] == "Chưa nộp, quá hạn"
    assert (STATUS_LABELS[ReportStatus.SUBMITTED], STATUS_LABELS[ReportStatus.LATE]) == ("Đúng hạn", "Nộp muộn")


def test_low_rates_are_refused_until_confirmed_with_nothing_written(w):
    report = _draft(w)
    version, audits = report.lock_version, AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        unit_report_submit(report=report, acting_user=w["huyen_manager"], expected_version=version, today=BEFORE)
    assert info.value.message_dict["confirm_low_rates"] == [
        "Đã đăng ký: 100%, đã tự kiểm điểm: 0% số cán bộ, dưới mức 80% cần đạt. "
        "Hãy xác nhận bạn vẫn nộp báo cáo với số liệu này."]
    report.refresh_from_db()
    assert report.state == UnitReportState.DRAFT and report.lock_version == version and not report.figures
    assert AuditEvent.objects.count() == audits
    submitted = unit_report_submit(report=report, acting_user=w["huyen_manager"], expected_version=version,
                                   today=BEFORE, confirm_low_rates=True)
    assert submitted.state == UnitReportState.SUBMITTED
    audit = AuditEvent.objects.get(action="unit_report.submit", object_id=str(report.pk))
    assert audit.data["confirmed_low_rates"] is True


def test_the_threshold_is_a_setting(w, settings):
    low = low_rates(CycleFigures(w["cycle"]), w["huyen"])
    assert (low.registration, low.self_assessment, low.threshold) == (100.0, 0.0, 80)
    settings.REPORT_CONFIRM_BELOW_PERCENT = 0
    assert low_rates(CycleFigures(w["cycle"]), w["huyen"]) is None
    report = _draft(w)
    unit_report_submit(report=report, acting_user=w["huyen_manager"], expected_version=report.lock_version,
                       today=BEFORE)
    assert report.state == UnitReportState.SUBMITTED
