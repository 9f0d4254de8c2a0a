"""Files kept through Django's storage API only, in the local file system (the default) or
an S3-compatible bucket (STORAGE_BACKEND=s3): an evidence upload and a generated report go
into the bucket as private objects and come back only through the permission-checked views;
nothing reaches MEDIA_ROOT, and a file lost from the bucket is a 404, not a 500. The bucket
is moto's S3 server in a thread of the test process (tests/conftest.py `s3_bucket`)."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from config.settings import default_storage
from evaluations.models import Activity, EvidenceFile
from evaluations.services.activities import activity_log, initiative_log
from evaluations.services.assessments import self_assessment_start
from models_registry.models import ActivityKind
from reports.models import ReportFile, ReportFileDownload
from tests.evaluations.factories import HOURS, approved_registration, world
from tests.evaluations.test_activity_pages import DAY

pytestmark = pytest.mark.django_db

STORAGE_VARIABLES = ("STORAGE_BACKEND", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID",
                     "S3_SECRET_ACCESS_KEY", "S3_PREFIX", "S3_DEFAULT_ACL", "S3_ADDRESSING_STYLE")


@pytest.fixture
def clean_env(monkeypatch):
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_local_file_system_is_the_default(clean_env):
    assert default_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_is_chosen_by_the_environment_private_and_without_public_urls(clean_env):
    clean_env.setenv("STORAGE_BACKEND", "s3")
    clean_env.setenv("S3_BUCKET", "so-ren-luyen")
    clean_env.setenv("S3_ENDPOINT_URL", "http://minio:9000")
    clean_env.setenv("S3_PREFIX", "/media/")
    config = default_storage()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "so-ren-luyen" and options["endpoint_url"] == "http://minio:9000"
    assert options["location"] == "media" and options["addressing_style"] == "path"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    clean_env.setenv("S3_DEFAULT_ACL", "")
    assert default_storage()["OPTIONS"]["default_acl"] is None


@pytest.mark.parametrize("variables, message", [
    ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET must be set when STORAGE_BACKEND=s3."),
    ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be 'filesystem' or 's3', got 'ftp'"),
])
def test_a_wrong_storage_setting_stops_the_start(clean_env, variables, message):
    for name, value in variables.items():
        clean_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        default_storage()


@pytest.fixture
def s3(s3_bucket, settings, clean_env, tmp_path):
    """The app's default storage is the bucket, configured from the environment as in
    production; MEDIA_ROOT is an empty folder that must stay empty."""
    for name, value in s3_bucket.env.items():
        clean_env.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage()}
    settings.MEDIA_ROOT = tmp_path
    return s3_bucket


def objects(s3, prefix: str) -> dict[str, bytes]:
    listed = s3.client.list_objects_v2(Bucket=s3.bucket, Prefix=prefix).get("Contents", [])
    return {item["Key"]: s3.client.get_object(Bucket=s3.bucket, Key=item["Key"])["Body"].read() for item in listed}


def assert_private(s3, key: str) -> None:
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_evidence_and_a_report_round_trip_through_the_bucket(client, s3, tmp_path, django_capture_on_commit_callbacks):
    w = world()
    draft = self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)
    photo = png_bytes()
    client.force_login(w.member.user)
    criterion = w.criteria[HOURS].pk
    client.post(reverse("evidence_upload", args=[draft.pk]),
                {"criterion": criterion, "file": SimpleUploadedFile("giay-khen.png", photo, content_type="image/png")})
    evidence = EvidenceFile.objects.get()
    stored = objects(s3, "evaluations/")
    assert list(stored) == [evidence.file.name] and stored[evidence.file.name] == photo
    assert_private(s3, evidence.file.name)
    page = client.get(reverse("self_assessment_edit", args=[draft.pk])).content.decode()
    assert reverse("evidence_download", args=[evidence.pk]) in page
    assert s3.env["S3_ENDPOINT_URL"] not in page and "X-Amz" not in page
    download = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == photo
    assert download["Content-Disposition"] == 'attachment; filename="giay-khen.png"'
    client.force_login(w.sibling.user)  # the permission check still holds
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404

    client.force_login(w.provincial)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report_file_request", args=[w.root.tenant.slug, w.root.code]),
                    {"cycle": str(w.cycle.year), "kind": "summary_xlsx"})
    job = ReportFile.objects.get()
    assert job.status == "done", job.error
    [(key, data)] = objects(s3, "reports/").items()
    assert key == job.file.name and data.startswith(b"PK")
    assert_private(s3, key)
    download = client.get(reverse("report_file_download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == data
    assert ReportFileDownload.objects.filter(report_file=job).count() == 1
    assert not [path for path in Path(tmp_path).rglob("*") if path.is_file()]  # nothing in MEDIA_ROOT


def test_a_file_lost_from_the_bucket_is_a_404_and_no_download_is_logged(client, s3, django_capture_on_commit_callbacks):
    w = world()
    client.force_login(w.provincial)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report_file_request", args=[w.root.tenant.slug, w.root.code]),
                    {"cycle": str(w.cycle.year), "kind": "summary_xlsx"})
    job = ReportFile.objects.get()
    s3.client.delete_object(Bucket=s3.bucket, Key=job.file.name)
    assert client.get(reverse("report_file_download", args=[job.pk])).status_code == 404
    assert not ReportFileDownload.objects.exists()


def test_activity_photos_and_documents_live_in_the_bucket_and_leave_it_with_their_entry(
        client, s3, django_capture_on_commit_callbacks):
    w = world()
    photo = png_bytes()
    activity = activity_log(cadre=w.member, kind=ActivityKind.VOLUNTEER_ACTIVITY, date=DAY, acting_user=w.member.user,
                            photo=SimpleUploadedFile("IMG_0001.png", photo, content_type="image/png"))
    initiative = initiative_log(cadre=w.member, title="Sáng kiến", date=DAY, acting_user=w.member.user,
                                document=SimpleUploadedFile("giay.pdf", b"%PDF-1.4 giay khen", content_type="application/pdf"))
    assert objects(s3, "evaluations/") == {activity.photo.name: photo, initiative.document.name: b"%PDF-1.4 giay khen"}
    client.force_login(w.secretary.user)  # the reviewer reads them, through the views
    shown = client.get(reverse("activity_photo", args=[activity.pk]))
    assert shown["Content-Type"] == "image/png" and b"".join(shown.streaming_content) == photo
    document = client.get(reverse("initiative_document", args=[initiative.pk]))
    assert document["Content-Type"] == "application/pdf" and b"".join(document.streaming_content).startswith(b"%PDF")
    client.force_login(w.member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activity_delete", args=[activity.pk]))
    assert not Activity.objects.exists() and list(objects(s3, "evaluations/")) == [initiative.document.name]
