"""The form PDFs read like the Đoàn's own papers: a fixed table layout whose widest columns
hold what the cadre wrote, so a programme of 15 criteria fits on three pages."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluations.services.registrations import registration_autosave, registration_start
from evaluations.workflow import registration_approve, registration_submit
from tests.evaluations.factories import world
from tests.models_registry.factories import qualitative

pytestmark = pytest.mark.django_db

COMMITMENT = ("Tôi cam kết gương mẫu thực hiện nhiệm vụ được giao, chủ động đề xuất cách làm mới, "
              "đúng giờ trong mọi cuộc họp và sinh hoạt của chi đoàn, lắng nghe ý kiến đoàn viên.")
MEASURES = "Lập kế hoạch từng tháng, báo cáo Bí thư hằng quý, ghi nhật ký hoạt động đầy đủ."
FIFTEEN = [dict(title="Mười lăm tiêu chí", criteria=[
    qualitative(f"Tiêu chí rèn luyện số {n}", "Hoàn thành nhiệm vụ được giao") for n in range(1, 16)])]


@pytest.fixture
def w15(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world(groups=FIFTEEN)


def _approved_fifteen(w):
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member, acting_user=w.member.user)
    for commitment in registration.commitments.all():
        for name, value in (("text", COMMITMENT), ("measures", MEASURES)):
            registration_autosave(registration=registration, field=f"commitment.{commitment.criterion_id}.{name}",
                                  value=value, expected_version=0, acting_user=w.member.user)
    registration.refresh_from_db()
    registration = registration_submit(registration=registration, acting_user=w.member.user,
                                       expected_version=registration.lock_version)
    return registration_approve(registration=registration, acting_user=w.secretary.user,
                                expected_version=registration.lock_version)


def _pages(response) -> PdfReader:
    return PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_a_registration_of_15_criteria_fits_on_three_pages(client, w15):
    registration = _approved_fifteen(w15)
    client.force_login(w15.member.user)
    reader = _pages(client.get(reverse("registration_pdf", args=[registration.pk])))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Tiêu chí rèn luyện số 15" in text and "Người đăng ký" in text
    assert len(reader.pages) <= 3, len(reader.pages)  # 17 with the columns the content chose
