"""The per-form PDFs: the filled ĐKCT01 and KĐCT01 in the official layout, served only to
those who may read the form; the text a reader sees is checked with pypdf."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluations.models import Rating
from evaluations.services.assessments import self_assessment_autosave, self_assessment_start
from evaluations.workflow import self_assessment_finalise, self_assessment_propose, self_assessment_submit
from tests.conftest import missing_service
from tests.evaluations.factories import RESPONSIBILITY, approved_registration

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_registration_pdf_has_the_cadre_commitments_and_both_signature_blocks(client, w):
    registration = approved_registration(w)
    client.force_login(w.secretary.user)
    response = client.get(reverse("registration_pdf", args=[registration.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="DKCT01-{w.cycle.year}-{registration.pk}.pdf"'
    # A table cell may wrap after "giờ/": the reader's line break is no space in the text.
    text = " ".join(pdf_text(response).split()).replace("/ ", "/")
    for expected in ["ĐOÀN TNCS HỒ CHÍ MINH", "BẢN ĐĂNG KÝ", "Mẫu a1 ĐKCT01", "Trần Thị Mai", "CHI ĐOÀN ẤP 1",
                     f"Tôi cam kết: {RESPONSIBILITY}", "Lập kế hoạch", "Tối thiểu 2 giờ/tuần", "Người đăng ký",
                     "Ý kiến của Bí thư/người duyệt", "Lê Văn Bình", "Đã được duyệt ngày"]:
        assert expected in text, expected


def _finalised_assessment(w):
    registration = approved_registration(w)
    assessment = self_assessment_start(registration=registration, acting_user=w.member.user)
    values = {"strengths": "Nhiệt tình, đúng giờ", "weaknesses": "Còn ngại phát biểu", "causes": "Thiếu kinh nghiệm",
              "remedies": "Học kỹ năng", "self_rating": Rating.GOOD}
    for result in assessment.results.select_related("commitment"):
        values[f"result.{result.commitment.criterion_id}.result"] = "Đã hoàn thành đủ"
    for field, value in values.items():
        self_assessment_autosave(self_assessment=assessment, field=field, value=value,
                                 expected_version=assessment.field_versions.get(field, 0), acting_user=w.member.user)
    assessment.refresh_from_db()
    self_assessment_submit(self_assessment=assessment, acting_user=w.member.user,
                           expected_version=assessment.lock_version)
    self_assessment_propose(self_assessment=assessment, rating=Rating.GOOD, comment="Tích cực, cần mạnh dạn hơn",
                            acting_user=w.secretary.user, expected_version=assessment.lock_version)
    return self_assessment_finalise(self_assessment=assessment, rating=Rating.GOOD, comment="Thống nhất",
                                    acting_user=w.g1_secretary.user, expected_version=assessment.lock_version)


def test_self_assessment_pdf_has_results_ratings_and_comments(client, w):
    assessment = _finalised_assessment(w)
    client.force_login(w.member.user)
    response = client.get(reverse("self_assessment_pdf", args=[assessment.pk]))
    assert response.status_code == 200
    text = " ".join(pdf_text(response).split())
    for expected in ["BẢN KIỂM ĐIỂM", "Mẫu a2 KĐCT01", "Trần Thị Mai", f"Tôi cam kết: {RESPONSIBILITY}",
                     "Đã hoàn thành đủ", "Nhiệt tình, đúng giờ", "Còn ngại phát biểu", "Thiếu kinh nghiệm",
                     "Học kỹ năng", "Tự xếp loại: Hoàn thành tốt nhiệm vụ", "Tích cực, cần mạnh dạn hơn",
                     "Xếp loại của tập thể: Hoàn thành tốt nhiệm vụ", "Thống nhất", "Người tự kiểm điểm",
                     "Ý kiến của Bí thư/ người duyệt"]:
        assert expected in text, expected


def test_pdfs_are_not_served_out_of_scope(client, w):
    registration = approved_registration(w)
    for user in (w.sibling.user, w.foreign_cadre.user):
        client.force_login(user)
        assert client.get(reverse("registration_pdf", args=[registration.pk])).status_code == 404
        assert client.get(reverse("self_assessment_pdf", args=[999999])).status_code == 404


def test_registration_pdf_renders_to_an_image(client, w, tmp_path):
    """One page rendered with pdftoppm, kept in the test's own folder for a person to look at
    (a shared path would let a picture left by another run answer for this one)."""
    if not shutil.which("pdftoppm"):
        missing_service("pdftoppm from poppler-utils (make test installs it)")
    registration = approved_registration(w)
    client.force_login(w.member.user)
    pdf = tmp_path / "dkct01.pdf"
    pdf.write_bytes(client.get(reverse("registration_pdf", args=[registration.pk])).content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000
