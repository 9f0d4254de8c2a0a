"""Evidence picked from the activity log (issue 11, item 8): an activity's photo or an
initiative's document attached to a result without uploading it again (the same stored
file), only the cadre's own of the period; the KĐCT01 PDF lists the evidence."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from cadres.models import AuditEvent, PositionRole
from evaluations.models import EvidenceFile
from evaluations.services.activities import activity_delete, activity_log, initiative_log
from evaluations.services.assessments import evidence_pick, evidence_remove, self_assessment_start
from tests.cadres.factories import CadreFactory
from tests.evaluations.factories import HOURS, RESPONSIBILITY, approved_registration
from tests.evaluations.test_activities import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(w):
    return self_assessment_start(registration=approved_registration(w), acting_user=w.member.user)


def logged(cadre, day=None, description="Ngày Chủ nhật xanh"):
    day = day or datetime.date.today().replace(day=1)
    return activity_log(cadre=cadre, kind="volunteer_hours", date=day, hours="3", description=description,
                        photo=png("chu-nhat-xanh.png"), acting_user=cadre.user)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_the_cadre_picks_an_activitys_photo_from_the_form_and_the_pdf_lists_it(client, w, draft, settings):
    activity = logged(w.member)
    criterion = w.criteria[HOURS]
    client.force_login(w.member.user)
    edit = client.get(reverse("self_assessment_edit", args=[draft.pk])).content.decode()
    assert "Hoặc chọn một tệp trong nhật ký hoạt động" in edit
    assert f'<option value="activity:{activity.pk}">{activity.date:%d/%m/%Y} · Giờ tình nguyện · Ngày Chủ nhật xanh' \
           in edit
    files_before = stored_files(Path(settings.MEDIA_ROOT))

    response = client.post(reverse("evidence_pick", args=[draft.pk]),
                           {"criterion": criterion.pk, "source": f"activity:{activity.pk}"}, follow=True)
    assert "Đã đính kèm tệp." in response.content.decode()
    evidence = EvidenceFile.objects.get()
    assert (evidence.result.commitment.criterion, evidence.activity) == (criterion, activity)
    # The same stored file: nothing was copied.
    assert evidence.file.name == activity.photo.name
    assert stored_files(Path(settings.MEDIA_ROOT)) == files_before
    assert (evidence.content_type, evidence.size) == ("image/png", activity.photo.size)
    assert evidence.original_name == f"Giờ tình nguyện {activity.date:%d-%m-%Y}.png"
    assert AuditEvent.objects.filter(action="self_assessment.evidence_pick", actor=w.member.user).count() == 1
    # It downloads like any evidence, and the page marks where it came from.
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 200
    assert "từ nhật ký hoạt động" in client.get(reverse("self_assessment_edit", args=[draft.pk])).content.decode()

    pdf = client.get(reverse("self_assessment_pdf", args=[draft.pk]))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert re.search(rf"IV\. Minh chứng kèm theo .* 1 {HOURS} Giờ tình nguyện {activity.date:%d-%m-%Y}\.png "
                     rf"Nhật ký hoạt động, ngày {activity.date:%d/%m/%Y}", text), text[-400:]


def test_an_initiatives_document_can_be_picked_too(w, draft):
    initiative = initiative_log(cadre=w.member, title="Sổ tay đoàn viên điện tử", date=datetime.date.today(),
                                recognised_by="Huyện Đoàn", acting_user=w.member.user,
                                document=SimpleUploadedFile("sk.pdf", b"%PDF-1.4\n%...", content_type="application/pdf"))
    evidence = evidence_pick(self_assessment=draft, criterion_id=w.criteria[RESPONSIBILITY].pk,
                             source=f"initiative:{initiative.pk}", acting_user=w.member.user)
    assert (evidence.file.name, evidence.content_type, evidence.initiative) == (
        initiative.document.name, "application/pdf", initiative)


def test_only_the_cadres_own_files_of_the_period_and_only_once(client, w, draft):
    own = logged(w.member)
    colleague = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER)
    foreign = [logged(colleague), logged(w.foreign_cadre)]
    last_year = logged(w.member, day=datetime.date(w.cycle.year - 1, 12, 31))
    no_photo = activity_log(cadre=w.member, kind="branch_meeting", date=datetime.date.today(), acting_user=w.member.user)
    client.force_login(w.member.user)
    url = reverse("evidence_pick", args=[draft.pk])
    for source in [*(f"activity:{a.pk}" for a in [*foreign, last_year, no_photo]), "activity:abc", "initiative:1",
                   f"cadre:{own.pk}", ""]:
        response = client.post(url, {"criterion": w.criteria[HOURS].pk, "source": source}, follow=True)
        assert "Tệp này không thuộc hoạt động của chính đồng chí trong kỳ; hãy tải lại trang: chưa có gì được đính " \
               "kèm." in response.content.decode(), source
    # A made-up criterion is refused as well.
    client.post(url, {"criterion": "999999", "source": f"activity:{own.pk}"})
    assert not EvidenceFile.objects.exists()
    # Someone else cannot pick into the cadre's form at all.
    client.force_login(colleague.user)
    assert client.post(url, {"criterion": w.criteria[HOURS].pk, "source": f"activity:{own.pk}"}).status_code == 404
    assert not EvidenceFile.objects.exists()

    client.force_login(w.member.user)
    client.post(url, {"criterion": w.criteria[HOURS].pk, "source": f"activity:{own.pk}"})
    again = client.post(url, {"criterion": w.criteria[HOURS].pk, "source": f"activity:{own.pk}"}, follow=True)
    assert "Tệp này đã được đính kèm cho kết quả này." in again.content.decode()
    assert EvidenceFile.objects.count() == 1


def test_the_shared_file_outlives_either_of_its_holders(w, draft, django_capture_on_commit_callbacks):
    activity = logged(w.member)
    name = activity.photo.name
    storage = activity.photo.storage
    evidence = evidence_pick(self_assessment=draft, criterion_id=w.criteria[HOURS].pk,
                             source=f"activity:{activity.pk}", acting_user=w.member.user)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=evidence, acting_user=w.member.user)
    assert storage.exists(name)  # still the activity's photo
    evidence = evidence_pick(self_assessment=draft, criterion_id=w.criteria[HOURS].pk,
                             source=f"activity:{activity.pk}", acting_user=w.member.user)
    with django_capture_on_commit_callbacks(execute=True):
        activity_delete(activity=activity, acting_user=w.member.user)
    assert storage.exists(name)  # still the evidence
    evidence.refresh_from_db()
    assert evidence.activity is None and evidence.file.name == name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=evidence, acting_user=w.member.user)
    assert not storage.exists(name)  # nothing holds it any more
