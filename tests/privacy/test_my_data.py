""""Tải dữ liệu của tôi": the JSON and the PDF hold the whole file of the cadre, and only theirs."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluations.services.activities import activity_log
from tests.evaluations.factories import approved_registration, world as evaluation_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = evaluation_world()
    w.registration = approved_registration(w)
    activity_log(cadre=w.member, kind="volunteer_hours", date=w.registration.approved_at.date(), hours=3,
                 description="Dọn vệ sinh kênh Ấp 1", acting_user=w.member.user)
    return w


def test_the_json_holds_profile_positions_forms_with_timelines_activities_and_access_log(client, w):
    client.force_login(w.secretary.user)
    client.get(reverse("cadre_detail", args=[w.member.pk]))
    client.force_login(w.member.user)
    response = client.get(reverse("my_data_json"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Trần Thị Mai"
    assert data["positions"][0]["unit"] == w.b1.name
    [registration] = data["registrations"]
    assert registration["state"] == "Đã duyệt"
    assert [e["action"] for e in registration["timeline"]][-1] == "Đã duyệt"
    assert registration["timeline"][-1]["by"] == "Lê Văn Bình"
    assert registration["commitments"]
    assert data["activities"][0]["description"] == "Dọn vệ sinh kênh Ấp 1"
    assert data["access_log"][0]["viewer"] == "Lê Văn Bình"
    assert "Bình" not in json.dumps(data["profile"], ensure_ascii=False)


def test_the_pdf_is_the_same_file_readable_on_paper(client, w):
    client.force_login(w.member.user)
    response = client.get(reverse("my_data_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    for expected in ("DỮ LIỆU CÁ NHÂN", "Trần Thị Mai", w.b1.name, w.programme.name, "Dọn vệ sinh kênh Ấp 1",
                     "Ai đã xem hồ sơ của bạn"):
        assert expected in text, expected


def test_the_profile_links_to_both_downloads(client, w):
    client.force_login(w.member.user)
    page = client.get(reverse("my_profile")).content.decode()
    assert reverse("my_data_json") in page and reverse("my_data_pdf") in page
    assert "Tải dữ liệu của tôi" in page
