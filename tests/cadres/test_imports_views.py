from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.models import AuditEvent, Cadre, Unit
from tests.cadres.factories import PASSWORD, CadreFactory, GrantFactory
from tests.cadres.spreadsheets import cadre_row, cadres_file, read_xlsx, units_file

pytestmark = pytest.mark.django_db
GOOD_UNITS = units_file(["G7", "Đoàn xã Tấn Mỹ", "Đoàn cơ sở", "", "D1"])


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def upload(client, tenant, code, kind, data, name="du-lieu.xlsx"):
    url = reverse("import_upload", args=[tenant, code, kind])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def manager(client, tree):
    return login(client, tree["manager"])


def confirm(client, args, token, capture):
    """Confirm an upload; the queued job runs (eagerly) once the request's transaction commits."""
    with capture(execute=True):
        response = client.post(reverse("import_confirm", args=args), {"token": token})
    return client.get(response.url) if response.status_code == 302 else response


def test_preview_then_confirm(manager, tree, django_capture_on_commit_callbacks):
    response = upload(manager, "a", "D1", "units", GOOD_UNITS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kết quả kiểm tra" in page and "Mới: 1" in page and "Đoàn xã Tấn Mỹ" in page
    assert not Unit.objects.filter(code="G7").exists()
    token = response.context["token"]
    response = confirm(manager, ["a", "D1", "units"], token, django_capture_on_commit_callbacks)
    assert "Đã lưu" in response.content.decode()
    assert "Đã nhập xong: 1 mới, 0 thay đổi, 0 không đổi, 0 có lỗi." in response.content.decode()
    assert Unit.objects.filter(code="G7", tenant=tree["root"].tenant).exists()
    assert AuditEvent.objects.filter(action="import.units", actor=tree["manager"]).exists()
    # The upload is used once.
    response = confirm(manager, ["a", "D1", "units"], token, django_capture_on_commit_callbacks)
    assert "Tệp đã tải lên không còn nữa" in response.content.decode()
    assert AuditEvent.objects.filter(action="import.units").count() == 1


def test_preview_with_errors_offers_no_confirmation(manager):
    response = upload(manager, "a", "D1", "cadres", cadres_file(cadre_row(birth="31/02/2000")))
    page = response.content.decode()
    assert "Chưa có gì được lưu" in page
    assert "Dòng 2, cột “Ngày sinh”: Không có ngày 31/02/2000." in page
    assert response.context["token"] is None and "Xác nhận và lưu" not in page


def test_unreadable_file_is_a_form_error(manager):
    response = upload(manager, "a", "D1", "units", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert response.status_code == 200
    assert "Tệp được đặt mật khẩu" in response.content.decode()


def test_too_big_upload_is_refused(manager, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    response = upload(manager, "a", "D1", "units", GOOD_UNITS)
    assert "Tệp lớn hơn" in response.content.decode()


def test_confirm_is_bound_to_user_unit_and_kind(client, tree):
    manager = login(client, tree["manager"])
    token = upload(manager, "a", "D1", "units", GOOD_UNITS).context["token"]
    g1 = GrantFactory(unit=tree["g1"]).user
    for url in [reverse("import_confirm", args=["a", "D1", "cadres"]),  # other kind
                reverse("import_confirm", args=["a", "G1", "units"])]:  # other unit the same user manages
        response = manager.post(url, {"token": token}, follow=True)
        assert "Tệp đã tải lên không còn nữa" in response.content.decode()
    other = login(client.__class__(), g1)
    response = other.post(reverse("import_confirm", args=["a", "G1", "units"]), {"token": token}, follow=True)
    assert "Tệp đã tải lên không còn nữa" in response.content.decode()
    response = manager.post(reverse("import_confirm", args=["a", "D1", "units"]), {"token": "../../etc/passwd"},
                            follow=True)
    assert "Tệp đã tải lên không còn nữa" in response.content.decode()
    assert not Unit.objects.filter(code="G7").exists()


def test_confirm_rechecks_and_writes_nothing_when_data_changed(manager, tree, django_capture_on_commit_callbacks):
    token = upload(manager, "a", "D1", "cadres", cadres_file(cadre_row())).context["token"]
    CadreFactory(unit=tree["g2"], email="thuha@example.vn")  # appears meanwhile, in a sibling subtree
    response = confirm(manager, ["a", "D1", "cadres"], token, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert "Chưa lưu" in page and "dữ liệu đã thay đổi sau khi xem trước" in page
    assert "Cán bộ này thuộc đơn vị nằm ngoài các đơn vị bạn quản lý." in page
    assert Cadre.objects.filter(email="thuha@example.vn").count() == 1


def test_template_and_export_downloads(manager):
    response = manager.get(reverse("import_template", args=["units"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read_xlsx(response.content)[0][0] == "Mã đơn vị"
    response = manager.get(reverse("import_export", args=["a", "D1", "units"]))
    assert [row[0] for row in read_xlsx(response.content)[1:]] == ["D1", "G1", "B1"]


def test_index_lists_managed_units_and_searches(manager):
    page = manager.get(reverse("import_list")).content.decode()
    assert "Nhập và xuất dữ liệu" in page and "Huyện Đoàn Một" in page and "Huyện Đoàn Hai" not in page
    assert reverse("import_upload", args=["a", "D1", "cadres"]) in page
    page = manager.get(reverse("import_list"), {"q": "my hoi"}).content.decode()
    assert reverse("import_upload", args=["a", "G1", "units"]) in page


UNIT_URLS = [
    ("import_upload", "get"), ("import_upload", "post"), ("import_confirm", "post"), ("import_export", "get"),
]


@pytest.mark.parametrize("name, method", UNIT_URLS)
@pytest.mark.parametrize("tenant, code", [("a", "D2"), ("a", "G2"), ("b", "D1"), ("a", "NOPE"), ("a", "A")],
                         ids=["sibling", "sibling-child", "other-tenant", "missing", "parent"])
def test_units_out_of_scope_are_404(manager, name, method, tenant, code):
    url = reverse(name, args=[tenant, code, "units"])
    data = {"file": SimpleUploadedFile("x.xlsx", GOOD_UNITS), "token": "x" * 32} if method == "post" else None
    response = getattr(manager, method)(url, data)
    assert response.status_code == 404
    assert not Unit.objects.filter(code="G7").exists()


@pytest.mark.parametrize("name, method", UNIT_URLS)
def test_non_manager_gets_404_for_units(client, tree, name, method):
    member = CadreFactory(unit=tree["d1"])  # UV BCH: a member, not a manager
    login(client, member.user)
    response = getattr(client, method)(reverse(name, args=["a", "D1", "units"]))
    assert response.status_code == 404


def test_non_manager_gets_404_for_pages_without_a_unit(client, tree):
    login(client, CadreFactory(unit=tree["d1"]).user)
    assert client.get(reverse("import_list")).status_code == 404
    assert client.get(reverse("import_template", args=["units"])).status_code == 404


def test_unknown_kind_is_404(manager):
    assert manager.get(reverse("import_upload", args=["a", "D1", "people"])).status_code == 404
    assert manager.get(reverse("import_template", args=["people"])).status_code == 404


def test_anonymous_is_sent_to_login(client, tree):
    for url in [reverse("import_list"), reverse("import_upload", args=["a", "D1", "units"]),
                reverse("import_export", args=["a", "D1", "cadres"])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_job_page_shows_progress_and_stops_polling_when_finished(manager, tree):
    from django.core.cache import cache

    from cadres.models import ImportJob, ImportJobStatus

    job = ImportJob.objects.create(tenant=tree["root"].tenant, unit=tree["d1"], user=tree["manager"], kind="cadres",
                                   filename="can-bo.xlsx", upload_token="x", status=ImportJobStatus.RUNNING)
    cache.set(f"import-job:{job.pk}:progress", (1250, 5000))
    url = reverse("import_job_detail", args=[job.pk])
    fragment = manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Đã ghi 1.250/5.000 dòng." in fragment and 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.DONE, result={"summary": "1 mới"})
    page = manager.get(url).content.decode()
    assert "Đã nhập xong: 1 mới" in page and "hx-trigger" not in page


def test_job_pages_belong_to_their_owner(manager, tree, client):
    from cadres.models import ImportJob

    job = ImportJob.objects.create(tenant=tree["root"].tenant, unit=tree["d1"], user=tree["manager"], kind="units",
                                   upload_token="x")
    colleague = login(client.__class__(), GrantFactory(unit=tree["d1"]).user)
    assert colleague.get(reverse("import_job_detail", args=[job.pk])).status_code == 404
    assert manager.get(reverse("import_job_detail", args=[job.pk + 1])).status_code == 404


def test_confirm_with_the_broker_down_stays_queued_then_the_sweep_writes_it(manager, tree, broker_down,
                                                                             django_capture_on_commit_callbacks):
    from cadres.models import ImportJob, ImportJobStatus
    from reports.tasks import resend_unsent

    token = upload(manager, "a", "D1", "units", GOOD_UNITS).context["token"]
    response = confirm(manager, ["a", "D1", "units"], token, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đang xếp hàng — hệ thống sẽ tự chạy khi hàng đợi hoạt động trở lại." in page and "hx-trigger" in page
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.QUEUED and job.sent_at is None
    assert not Unit.objects.filter(code="G7").exists()

    # The broker is back; the next sweeps, a few minutes on, hand the job over once.
    broker_down()
    assert resend_unsent() == 0  # still within the request's own hand-over time
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(minutes=3))
    assert resend_unsent() == 1 and resend_unsent() == 0
    page = manager.get(reverse("import_job_detail", args=[job.pk])).content.decode()
    assert "Đã nhập xong: 1 mới" in page and "hx-trigger" not in page
    assert Unit.objects.filter(code="G7", tenant=tree["root"].tenant).count() == 1
    assert AuditEvent.objects.filter(action="import.units").count() == 1
