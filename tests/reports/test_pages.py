"""The reports pages through the test client: the completeness dashboard and its drill-down,
the cadres not registered, the unit report chain (start, save, submit, accept, return) and
the document jobs. Every refusal shows the Vietnamese message and writes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cadres.models import AuditEvent, Cadre, PositionRole
from evaluations.models import CycleStatus
from reports.models import ReportFile, ReportFileDownload, ReportFileStatus, UnitReport, UnitReportState
from reports.services.rollup import rollup_cycle
from reports.tasks import resend_unsent
from tests.conftest import shared
from tests.reports.factories import make_cadre
from tests.reports.pages_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world_once(module_db):
    return build_world()


@pytest.fixture
def w(world_once, db):
    return shared(world_once)


def _as(client, w, persona):
    client.force_login(w.people[persona])
    return client


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _report_page(w):
    return reverse("unit_report", args=[w.tenant.slug, "CM"]) + "?cycle=2025"


# --- Dashboard --------------------------------------------------------------------------


def test_provincial_staff_see_the_province_tree_with_rates_statuses_and_svg_charts(client, w):
    response = _as(client, w, "provincial").get(reverse("reports_dashboard"))
    text = _text(response)
    assert response.status_code == 200
    assert "Tỉnh Đoàn An Giang" in text and "2 đơn vị trực thuộc" in text
    assert "Huyện Đoàn Chợ Mới" in text and "Thành Đoàn Long Xuyên" in text
    assert "402/402 (100%)" in text and "Cán bộ đã đăng ký" in text
    assert "Chưa nộp, quá hạn" in text  # 30/10/2025 has passed and neither huyện has reported
    assert "4 chỉ tiêu" in text and "Chỉ tiêu 2: cán bộ có bản đăng ký và bản kiểm điểm" in text
    assert text.count('<svg class="chart"') == 2 and "<script" not in text.split("<main")[1].split("</main>")[0]
    assert reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"]) in text


def test_drill_down_to_a_huyen_shows_its_41_grassroots_units(client, w):
    response = _as(client, w, "provincial").get(reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"]))
    text = _text(response)
    assert response.status_code == 200
    assert "41 đơn vị trực thuộc" in text and "Đoàn xã Số 41" in text and "41/41 (100%)" in text
    assert reverse("reports_unit_dashboard", args=[w.tenant.slug, w.root.code]) in text  # breadcrumb


def test_a_huyen_manager_starts_at_the_huyen_and_cannot_reach_the_province_or_a_sibling(client, w):
    _as(client, w, "manager")
    assert "41 đơn vị trực thuộc" in _text(client.get(reverse("reports_dashboard")))
    for code in [w.root.code, "LX"]:
        assert client.get(reverse("reports_unit_dashboard", args=[w.tenant.slug, code])).status_code == 404


@pytest.mark.parametrize("persona", ["sibling", "cadre", "foreign", "outsider"])
def test_others_get_404_for_the_huyen_dashboard(client, w, persona):
    _as(client, w, persona)
    assert client.get(reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"])).status_code == 404
    if persona in ("cadre", "outsider"):
        assert client.get(reverse("reports_dashboard")).status_code == 404


def test_unknown_cycle_says_so_and_shows_the_current_one(client, w):
    response = _as(client, w, "provincial").get(reverse("reports_dashboard") + "?cycle=1999")
    assert response.status_code == 200
    assert "Không có chu kỳ đánh giá “1999”." in _text(response) and "402/402" in _text(response)


def test_cadres_not_registered_are_listed_with_their_phone(client, w):
    late = make_cadre(w.tenant, [(w.grassroots[3], PositionRole.EXECUTIVE_MEMBER)], full_name="Trần Thị Chưa Nộp")
    late.phone = "0912345678"
    late.save(update_fields=["phone"])
    rollup_cycle(cycle=w.cycle)
    _as(client, w, "manager")
    dashboard = _text(client.get(reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"])))
    assert "1 chưa đăng ký" in dashboard
    response = client.get(reverse("reports_unregistered", args=[w.tenant.slug, "CM"]) + "?cycle=2025")
    text = _text(response)
    assert "1 cán bộ của Huyện Đoàn Chợ Mới chưa nộp bản đăng ký năm 2025." in text
    assert "Trần Thị Chưa Nộp" in text and 'href="tel:+84912345678">0912 345 678</a>' in text and w.grassroots[3].name in text
    assert client.get(reverse("reports_unregistered", args=[w.tenant.slug, "LX"])).status_code == 404


def test_remind_one_then_all_at_most_once_a_day_from_the_list(client, w, django_capture_on_commit_callbacks):
    from django.core import mail

    from cadres.models import Notice
    from tests.cadres.factories import UserFactory

    late = []
    for n in range(2):
        cadre = make_cadre(w.tenant, [(w.grassroots[3], PositionRole.EXECUTIVE_MEMBER)], full_name=f"Lê Văn Chậm {n}")
        cadre.user = UserFactory(email=f"cham{n}@example.vn", full_name=cadre.full_name)
        cadre.save(update_fields=["user"])
        late.append(cadre)
    rollup_cycle(cycle=w.cycle)
    _as(client, w, "manager")
    # As the manager gets there: the dashboard's "n chưa đăng ký" link, then the list.
    dashboard = _text(client.get(reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"]) + "?cycle=2025"))
    list_url = reverse("reports_unregistered", args=[w.tenant.slug, "CM"])
    assert list_url in dashboard
    page = _text(client.get(list_url + "?cycle=2025"))
    assert "Nhắc tất cả" in page and page.count(">Nhắc</button>") == 2
    remind = reverse("reports_unregistered_nudge", args=[w.tenant.slug, "CM"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind, {"cycle": "2025", "cadre": late[0].pk}, follow=True)
    assert "Đã nhắc 1 cán bộ." in _text(response) and "Đã nhắc hôm nay" in _text(response)
    [notice] = Notice.objects.filter(kind="reminder")
    assert notice.recipient == late[0].user and "năm 2025" in notice.subject
    assert [m.to for m in mail.outbox] == [["cham0@example.vn"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind, {"cycle": "2025"}, follow=True)
    assert "Đã nhắc 1 cán bộ." in _text(response)  # the other one; the first was reminded today
    assert Notice.objects.filter(kind="reminder").count() == 2
    response = client.post(remind, {"cycle": "2025"}, follow=True)
    assert "Không có ai cần nhắc thêm" in _text(response) and Notice.objects.filter(kind="reminder").count() == 2
    assert AuditEvent.objects.filter(action="registration.nudge", unit=w.huyen).count() == 3
    # Someone registered, a made-up id, and a manager of another huyện: nothing sent.
    registered = Cadre.objects.exclude(pk__in=[c.pk for c in late]).filter(positions__unit=w.grassroots[3]).first()
    for cadre_id in (registered.pk, "999999999", "x"):
        response = client.post(remind, {"cycle": "2025", "cadre": cadre_id}, follow=True)
        assert "không có trong danh sách chưa đăng ký" in _text(response)
    _as(client, w, "sibling")
    assert client.post(remind, {"cycle": "2025"}).status_code == 404
    assert Notice.objects.filter(kind="reminder").count() == 2


# --- Unit report chain ------------------------------------------------------------------


def _start(client, w) -> UnitReport:
    response = client.post(reverse("unit_report_start", args=[w.tenant.slug, "CM"]), {"cycle": "2025"})
    assert response.status_code == 302
    return UnitReport.objects.get(cycle=w.cycle, unit=w.huyen)


def _narrative(report, action="save", **extra):
    # The world has no self-assessments: submitting confirms the low rates.
    confirm = {"confirm_low_rates": "on"} if action == "submit" else {}
    return {"version": report.lock_version, "action": action, "document_number": "12", **confirm,
            "achievements": "41/41 đoàn cơ sở triển khai mô hình.", "limitations": "Còn chậm.",
            "proposals": "Tiếp tục nhân rộng.", **extra}


def test_manager_writes_and_submits_late_then_a_double_submit_is_refused(client, w):
    _as(client, w, "manager")
    assert "Bắt đầu viết báo cáo" in _text(client.get(_report_page(w)))
    report = _start(client, w)
    page = _text(client.get(_report_page(w)))
    assert "Kết quả đạt được" in page and "Lưu và nộp lên cấp trên" in page and "41/41" in page
    form = _narrative(report, action="submit")
    response = client.post(reverse("unit_report_edit", args=[report.pk]), form, follow=True)
    assert "Báo cáo được nộp sau hạn: được ghi nhận là nộp muộn." in _text(response)
    report.refresh_from_db()
    assert report.state == UnitReportState.SUBMITTED and report.is_late and report.document_number == "12"
    version, events = report.lock_version, AuditEvent.objects.count()
    again = client.post(reverse("unit_report_edit", args=[report.pk]), form)  # the same form, sent twice
    assert again.status_code == 200
    assert "Có người đã thay đổi báo cáo này sau khi bạn mở" in _text(again)
    report.refresh_from_db()
    assert report.lock_version == version and AuditEvent.objects.count() == events


def test_a_stale_save_keeps_the_typed_text_and_writes_nothing(client, w):
    _as(client, w, "manager")
    report = _start(client, w)
    client.post(reverse("unit_report_edit", args=[report.pk]), _narrative(report))
    stale = _narrative(report, achievements="Bản viết trong tab cũ")  # still the first version
    response = client.post(reverse("unit_report_edit", args=[report.pk]), stale)
    text = _text(response)
    assert "Có người đã thay đổi báo cáo này" in text and "Bản viết trong tab cũ" in text
    report.refresh_from_db()
    assert report.achievements == "41/41 đoàn cơ sở triển khai mô hình."


def test_too_long_text_is_a_field_message(client, w):
    _as(client, w, "manager")
    report = _start(client, w)
    response = client.post(reverse("unit_report_edit", args=[report.pk]),
                           _narrative(report, document_number="x" * 30))
    assert response.status_code == 200 and "tối đa 20 kí tự" in _text(response)
    report.refresh_from_db()
    assert report.lock_version == 0 and report.document_number == ""


def _submitted(client, w) -> UnitReport:
    _as(client, w, "manager")
    report = _start(client, w)
    client.post(reverse("unit_report_edit", args=[report.pk]), _narrative(report, action="submit"))
    report.refresh_from_db()
    client.logout()
    return report


def test_the_province_accepts_and_the_report_is_locked(client, w):
    report = _submitted(client, w)
    _as(client, w, "provincial")
    dashboard = _text(client.get(reverse("reports_dashboard") + "?cycle=2025"))
    assert "Báo cáo chờ bạn tiếp nhận" in dashboard and "Huyện Đoàn Chợ Mới" in dashboard
    assert "Tiếp nhận báo cáo" in _text(client.get(_report_page(w)))
    response = client.post(reverse("unit_report_accept", args=[report.pk]), {"version": report.lock_version},
                           follow=True)
    assert "Đã tiếp nhận báo cáo" in _text(response)
    report.refresh_from_db()
    assert report.state == UnitReportState.ACCEPTED
    client.logout()
    _as(client, w, "manager")
    page = _text(client.get(_report_page(w)))
    assert "Cấp trên đã tiếp nhận báo cáo này" in page and "Lưu và nộp" not in page
    refused = client.post(reverse("unit_report_edit", args=[report.pk]), _narrative(report, achievements="Sửa"))
    assert "không thể sửa nữa" in _text(refused)
    report.refresh_from_db()
    assert report.achievements.startswith("41/41")


def test_return_needs_a_comment_and_the_unit_sees_it(client, w):
    report = _submitted(client, w)
    _as(client, w, "provincial")
    empty = client.post(reverse("unit_report_return", args=[report.pk]), {"version": report.lock_version,
                                                                          "comment": " "}, follow=True)
    assert "Say what" not in _text(empty) and "cần" in _text(empty)
    report.refresh_from_db()
    assert report.state == UnitReportState.SUBMITTED
    client.post(reverse("unit_report_return", args=[report.pk]),
                {"version": report.lock_version, "comment": "Bổ sung số liệu chi đoàn."})
    report.refresh_from_db()
    assert report.state == UnitReportState.RETURNED
    client.logout()
    _as(client, w, "manager")
    page = _text(client.get(_report_page(w)))
    assert "Bị trả lại với ý kiến:" in page and "Bổ sung số liệu chi đoàn." in page


def test_the_unit_cannot_accept_its_own_report_nor_a_stale_decision_count(client, w):
    report = _submitted(client, w)
    _as(client, w, "manager")
    response = client.post(reverse("unit_report_accept", args=[report.pk]), {"version": report.lock_version},
                           follow=True)
    assert "Chỉ cán bộ quản lý của đơn vị cấp trên" in _text(response)
    client.logout()
    _as(client, w, "provincial")
    stale = client.post(reverse("unit_report_accept", args=[report.pk]), {"version": "0"}, follow=True)
    assert "Có người đã thay đổi báo cáo này" in _text(stale)
    report.refresh_from_db()
    assert report.state == UnitReportState.SUBMITTED


@pytest.mark.parametrize("persona", ["sibling", "cadre", "foreign"])
def test_others_get_404_for_the_report_and_its_actions(client, w, persona):
    report = _submitted(client, w)
    _as(client, w, persona)
    assert client.get(_report_page(w)).status_code == 404
    for name in ["unit_report_edit", "unit_report_accept", "unit_report_return"]:
        assert client.post(reverse(name, args=[report.pk]), {"version": report.lock_version}).status_code == 404
    report.refresh_from_db()
    assert report.state == UnitReportState.SUBMITTED


def test_tampered_ids_and_unknown_cycles_write_nothing(client, w):
    _as(client, w, "manager")
    assert client.post(reverse("unit_report_edit", args=[999999]), {}).status_code == 404
    response = client.post(reverse("unit_report_start", args=[w.tenant.slug, "CM"]), {"cycle": "1999"}, follow=True)
    assert "Không có chu kỳ đánh giá “1999”." in _text(response)
    assert not UnitReport.objects.exists()


def test_a_closed_cycle_cannot_start_a_report(client, w):
    w.cycle.status = CycleStatus.CLOSED
    w.cycle.save(update_fields=["status"])
    _as(client, w, "manager")
    page = _text(client.get(_report_page(w)))
    assert "Chu kỳ đã đóng" in page and "Bắt đầu viết báo cáo" not in page
    response = client.post(reverse("unit_report_start", args=[w.tenant.slug, "CM"]), {"cycle": "2025"}, follow=True)
    assert "đã đóng" in _text(response) and not UnitReport.objects.exists()


# --- Documents --------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _request(client, w, code, kind, capture):
    with capture(execute=True):
        return client.post(reverse("report_file_request", args=[w.tenant.slug, code]), {"cycle": "2025", "kind": kind})


def test_summary_pdf_job_page_link_and_logged_download(client, w, media, django_capture_on_commit_callbacks):
    _as(client, w, "provincial")
    response = _request(client, w, w.root.code, "summary_pdf", django_capture_on_commit_callbacks)
    job = ReportFile.objects.get()
    assert response.status_code == 302 and response.url == reverse("report_file_detail", args=[job.pk])
    page = _text(client.get(response.url))
    assert "Báo cáo tổng hợp các đơn vị (PDF)" in page and "Đã xong" in page
    assert reverse("report_file_download", args=[job.pk]) in page
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="file-status"' in fragment and "hx-trigger" not in fragment
    download = client.get(reverse("report_file_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment;") and "tong-hop" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert ReportFileDownload.objects.filter(report_file=job, user=w.people["provincial"]).count() == 1


def test_a_running_job_polls_every_two_seconds(client, w):
    job = ReportFile.objects.create(tenant=w.tenant, kind="summary_xlsx", unit=w.huyen, cycle=w.cycle,
                                    requested_by=w.people["manager"], status=ReportFileStatus.RUNNING, progress=40)
    _as(client, w, "manager")
    page = client.get(reverse("report_file_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page and "Đang tạo văn bản" in page
    response = client.get(reverse("report_file_download", args=[job.pk]), follow=True)
    assert "Văn bản chưa sẵn sàng." in _text(response) and not ReportFileDownload.objects.exists()


def test_broker_down_the_job_page_says_it_waits_then_the_sweep_makes_it(client, w, media, broker_down,
                                                                       django_capture_on_commit_callbacks):
    _as(client, w, "manager")
    response = _request(client, w, "CM", "unit_pdf", django_capture_on_commit_callbacks)
    page = _text(client.get(response.url))
    assert "Đang xếp hàng — hệ thống sẽ tự chạy khi hàng đợi hoạt động trở lại." in page and "hx-trigger" in page
    job = ReportFile.objects.get()
    broker_down()  # back
    ReportFile.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(minutes=3))
    assert resend_unsent() == 1
    page = _text(client.get(response.url))
    assert "Đã xong" in page and reverse("report_file_download", args=[job.pk]) in page


def test_bad_kind_or_cycle_creates_no_job(client, w, django_capture_on_commit_callbacks):
    _as(client, w, "manager")
    url = reverse("report_file_request", args=[w.tenant.slug, "CM"])
    response = client.post(url, {"cycle": "2025", "kind": "passwords"}, follow=True)
    assert response.status_code == 200 and "Hãy chọn" in _text(response)
    response = client.post(url, {"cycle": "1999", "kind": "unit_pdf"}, follow=True)
    assert "Không có chu kỳ đánh giá “1999”." in _text(response)
    assert not ReportFile.objects.exists()


@pytest.mark.parametrize("persona", ["sibling", "cadre", "foreign"])
def test_others_get_404_for_a_job_and_its_file(client, w, media, persona, django_capture_on_commit_callbacks):
    _as(client, w, "manager")
    _request(client, w, "CM", "unit_pdf", django_capture_on_commit_callbacks)
    job = ReportFile.objects.get()
    client.logout()
    _as(client, w, persona)
    assert client.get(reverse("report_file_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("report_file_download", args=[job.pk])).status_code == 404
    assert client.post(reverse("report_file_request", args=[w.tenant.slug, "CM"]),
                       {"cycle": "2025", "kind": "unit_pdf"}).status_code == 404
    assert ReportFile.objects.count() == 1 and not ReportFileDownload.objects.exists()


def test_low_rates_ask_for_confirmation_on_the_page_and_are_shown(client, w):
    _as(client, w, "manager")
    report = _start(client, w)
    page = _text(client.get(_report_page(w)))
    assert 'id="low-rates"' in page and "Tỉ lệ dưới 80%: hãy kiểm tra trước khi nộp" in page
    assert "Tôi đã xem các tỉ lệ này và vẫn nộp báo cáo" in page
    unconfirmed = {**_narrative(report, action="submit", achievements="Đã triển khai."), "confirm_low_rates": ""}
    response = client.post(reverse("unit_report_edit", args=[report.pk]), unconfirmed)
    text = _text(response)
    assert response.status_code == 400
    assert "Báo cáo đã được lưu nhưng chưa nộp: xem thông báo phía trên các nút." in text
    assert "Hãy xác nhận bạn vẫn nộp báo cáo" in text
    assert "Đã triển khai." in text  # what was typed is on the page, saved
    report.refresh_from_db()
    assert report.state == UnitReportState.DRAFT and report.achievements == "Đã triển khai."
    assert not AuditEvent.objects.filter(action="unit_report.submit", object_id=str(report.pk)).exists()
    # The page came back at the saved version: confirming from it submits.
    assert f'name="version" value="{report.lock_version}"' in response.content.decode()
    confirmed = {**unconfirmed, "version": report.lock_version, "confirm_low_rates": "on"}
    client.post(reverse("unit_report_edit", args=[report.pk]), confirmed)
    report.refresh_from_db()
    assert report.state == UnitReportState.SUBMITTED


def test_a_tampered_confirmation_is_no_confirmation(client, w):
    _as(client, w, "manager")
    report = _start(client, w)
    tampered = {**_narrative(report, action="submit"), "confirm_low_rates": "false"}
    assert client.post(reverse("unit_report_edit", args=[report.pk]), tampered).status_code == 400
    report.refresh_from_db()
    assert report.state == UnitReportState.DRAFT


def test_the_unit_page_says_whether_the_report_was_sent_on_time(client, w):
    _as(client, w, "manager")
    assert "Chưa nộp, quá hạn" in _text(client.get(_report_page(w)))  # 30/10/2025 has passed
    report = _start(client, w)
    client.post(reverse("unit_report_edit", args=[report.pk]), _narrative(report, action="submit"))
    page = _text(client.get(_report_page(w)))
    assert '<span class="badge badge-error" id="timeliness">Nộp muộn</span>' in page
