"""De-identification replaces the person's evidence files with a placeholder (the rows and the
results they back stay) and removes their activity photos, after the commit."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cadres.models import DEIDENTIFIED
from cadres.services.erasure import cadre_deidentify
from evaluations.models import Activity, EvidenceFile, Registration
from evaluations.services.activities import activity_log
from evaluations.services.assessments import evidence_add, self_assessment_start
from tests.evaluations.factories import RESPONSIBILITY, approved_registration, world as evaluation_world

pytestmark = pytest.mark.django_db


def _png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_evidence_becomes_a_placeholder_and_photos_go(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    w = evaluation_world()
    member = w.member.user
    form = self_assessment_start(registration=approved_registration(w), acting_user=member)
    evidence = evidence_add(self_assessment=form, criterion_id=w.criteria[RESPONSIBILITY].pk,
                            upload=_png("tran-thi-mai-cmnd.png"), acting_user=member)
    activity = activity_log(cadre=w.member, kind="volunteer_hours", date=timezone.localdate(), hours="2",
                            photo=_png("anh.png"), acting_user=member)
    old_evidence, old_photo = evidence.file.name, activity.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        cadre_deidentify(cadre=w.member, reason="", acting_user=w.provincial)
    evidence.refresh_from_db()
    activity.refresh_from_db()
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists() and evidence.original_name == "an-danh.txt"
    with evidence.file.open() as stored:
        assert "đã được xoá" in stored.read().decode()
    assert not default_storage.exists(old_evidence) and not default_storage.exists(old_photo)
    assert activity.photo.name == "" and Activity.objects.filter(pk=activity.pk).exists()
    registration = Registration.objects.get(cadre=w.member)
    assert (registration.full_name, registration.birth_date) == (DEIDENTIFIED, None)
    assert registration.commitments.exists()
