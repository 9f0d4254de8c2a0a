"""An upload above IMPORT_INLINE_PREVIEW_BYTES is checked by a job, not inside the request:
the job page shows its progress, then the same preview with the same confirm button; the
upload is kept through the storage API, so another machine can read it."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.imports.uploads import load_upload, save_upload
from cadres.models import AuditEvent, Cadre, ImportJob, ImportJobStatus
from tests.cadres.factories import PASSWORD
from tests.cadres.spreadsheets import cadre_row, cadres_file

pytestmark = pytest.mark.django_db
TWO_CADRES = cadres_file(cadre_row(), cadre_row(name="Trần Văn Bình", phone="0912000111", email="binh@example.vn"))


@pytest.fixture
def manager(client, tree, settings):
    settings.IMPORT_INLINE_PREVIEW_BYTES = 1000  # the files here are ~5 KB: all "large"
    assert client.login(email=tree["manager"].email, password=PASSWORD)
    return client


def upload(client, data, capture, run=True):
    url = reverse("import_upload", args=["a", "D1", "cadres"])
    with capture(execute=run):
        response = client.post(url, {"file": SimpleUploadedFile("can-bo.xlsx", data)})
    return response


def test_a_large_upload_is_checked_by_a_job_whose_page_is_the_preview(manager, tree,
                                                                     django_capture_on_commit_callbacks):
    response = upload(manager, TWO_CADRES, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import_job_detail", args=[job.pk])
    assert job.preview and job.status == ImportJobStatus.DONE
    assert not Cadre.objects.filter(full_name="Trần Văn Bình").exists()  # a check writes nothing
    assert not AuditEvent.objects.filter(action__startswith="import.").exists()
    page = manager.get(response.url)
    text = page.content.decode()
    assert "Đã kiểm tra" in text and "Kết quả kiểm tra" in text and "Mới: 2" in text
    assert "Trần Văn Bình – G1" in text and "hx-trigger" not in text
    assert "Xác nhận và lưu" in text and page.context["token"] == job.upload_token

    # The confirmation is the small file's: a job that writes the previewed bytes.
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(reverse("import_confirm", args=["a", "D1", "cadres"]), {"token": job.upload_token})
    written = ImportJob.objects.get(preview=False)
    assert response.url == reverse("import_job_detail", args=[written.pk])
    assert "Đã nhập xong: 2 mới" in manager.get(response.url).content.decode()
    assert Cadre.objects.filter(full_name="Trần Văn Bình", tenant=tree["root"].tenant).count() == 1
    assert AuditEvent.objects.filter(action="import.queue").count() == 1


def test_a_checked_file_with_errors_lists_them_and_offers_no_confirmation(manager,
                                                                          django_capture_on_commit_callbacks):
    response = upload(manager, cadres_file(cadre_row(birth="31/02/2000"), cadre_row(name="B", phone="0912000222",
                                                                                   email="", unit="ZZ")),
                      django_capture_on_commit_callbacks)
    page = manager.get(response.url)
    text = page.content.decode()
    assert "Chưa có gì được lưu" in text
    assert "Dòng 2, cột “Ngày sinh”: Không có ngày 31/02/2000." in text
    assert "Dòng 3, cột “Mã đơn vị”: Không có đơn vị mã ZZ." in text
    assert "Xác nhận và lưu" not in text and page.context["token"] is None


def test_an_unreadable_large_file_is_told_on_the_job_page(manager, django_capture_on_commit_callbacks):
    response = upload(manager, b"PK\x03\x04" + b"x" * 5000, django_capture_on_commit_callbacks)
    text = manager.get(response.url).content.decode()
    assert "Tệp bị hỏng hoặc không phải tệp Excel (.xlsx)." in text and "Xác nhận và lưu" not in text


def test_the_check_waits_in_the_queue_and_polls_until_it_has_run(manager, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django.utils import timezone

    from cadres.services.imports import import_job_run

    response = upload(manager, TWO_CADRES, django_capture_on_commit_callbacks, run=False)
    url, job = response.url, ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(sent_at=timezone.now())  # handed to the worker
    fragment = manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Tệp đang chờ được kiểm tra." in fragment and 'hx-trigger="every 2s"' in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    cache.set(f"import-job:{job.pk}:progress", (3000, 0))
    fragment = manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Đang kiểm tra tệp: đã đọc 3.000 dòng…" in fragment and "<progress" in fragment
    import_job_run(job_id=job.pk)  # a RUNNING row nobody holds: its run died, this one takes it
    fragment = manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Mới: 2" in fragment and "hx-trigger" not in fragment


def test_with_the_broker_down_the_check_stays_queued_then_the_sweep_runs_it(manager, broker_down,
                                                                           django_capture_on_commit_callbacks):
    from reports.tasks import resend_unsent

    response = upload(manager, TWO_CADRES, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    text = manager.get(response.url).content.decode()
    assert "Đang xếp hàng — hệ thống sẽ tự chạy khi hàng đợi hoạt động trở lại." in text
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.QUEUED and job.sent_at is None
    broker_down()
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(minutes=3))
    assert resend_unsent() == 1
    assert "Xác nhận và lưu" in manager.get(response.url).content.decode()


def test_a_small_upload_is_still_checked_inside_the_request(manager, settings):
    settings.IMPORT_INLINE_PREVIEW_BYTES = 256 * 1024
    response = manager.post(reverse("import_upload", args=["a", "D1", "cadres"]),
                            {"file": SimpleUploadedFile("can-bo.xlsx", TWO_CADRES)})
    assert response.status_code == 200 and "Mới: 2" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_uploads_live_in_the_configured_storage_not_under_media_root(manager, tree, settings, tmp_path,
                                                                    django_capture_on_commit_callbacks):
    """Another web machine reads the upload through the same storage: here an in-memory one,
    with MEDIA_ROOT somewhere nothing may be written."""
    settings.MEDIA_ROOT = tmp_path / "not-used"
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    token = save_upload(user=tree["manager"], kind="cadres", unit_id=tree["d1"].pk, data=b"abc", filename="x.xlsx")
    assert default_storage.exists(f"imports/{tree['manager'].pk}/{token}.data")
    assert load_upload(user=tree["manager"], token=token, kind="cadres", unit_id=tree["d1"].pk) == (b"abc", "x.xlsx")
    response = upload(manager, TWO_CADRES, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("import_confirm", args=["a", "D1", "cadres"]), {"token": job.upload_token})
    assert Cadre.objects.filter(full_name="Trần Văn Bình").exists() and response.status_code == 302
    assert not (tmp_path / "not-used").exists()
    # The written upload is discarded from the storage.
    assert not default_storage.exists(f"imports/{tree['manager'].pk}/{job.upload_token}.data")
