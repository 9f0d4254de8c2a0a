"""The official document format (domain §8): A4, margins, the bundled serif font, Vietnamese text."""

import datetime
import http.server
import io
import shutil
import subprocess
import threading

import pytest
from django.template import engines
from pypdf import PdfReader

from office.pdf import LocalStaticFetcher, OfficialHeader, html_to_pdf
from tests.conftest import missing_service

MM = 72 / 25.4
A4 = (595.28, 841.89)

SAMPLE = """{% extends "pdf/official.html" %}
{% block title %}BÁO CÁO<small>Kết quả thực hiện mô hình “3 cần, 5 quyết tâm” năm 2026</small>{% endblock %}
{% block content %}
<p>Thực hiện Kế hoạch số 72-KH/TĐTN-TCKT, Ban Thường vụ Huyện Đoàn Chợ Mới báo cáo kết quả như sau:</p>
<table class="data"><thead><tr><th>STT</th><th>Đơn vị</th><th>Cán bộ đăng ký</th></tr></thead>
<tbody>{% for n in rows %}<tr><td class="num">{{ n }}</td><td>Đoàn xã Mỹ Hội Đông {{ n }}</td>
<td class="num">10/10</td></tr>{% endfor %}</tbody></table>
{% endblock %}"""


@pytest.fixture
def pdf():
    header = OfficialHeader(
        superior="Tỉnh Đoàn An Giang", issuer="BCH Huyện Đoàn Chợ Mới", number="Số: 15-BC/HĐTN",
        place="Chợ Mới", date=datetime.date(2026, 10, 20), recipients=["Ban TC-KT Tỉnh Đoàn"],
        signer_name="Lê Minh Tuấn",
    )
    html = engines["django"].from_string(SAMPLE).render({"header": header, "rows": range(1, 61)})
    return html_to_pdf(html)


def _text_positions(page):
    """Where each piece of text starts, in PDF points from the page's bottom-left corner."""
    spots = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4], tm[5]
            spots.append((x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return spots


def test_a4_with_the_official_margins(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2  # the long table breaks across pages
    lefts = []
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))
        spots = _text_positions(page)
        lefts.append(min(x for x, _ in spots))
        assert max(x for x, _ in spots) <= width - 20 * MM  # right margin 20 mm
        assert height - max(y for _, y in spots) >= 20 * MM  # top margin 20 mm
    assert min(lefts) == pytest.approx(30 * MM, abs=0.5 * MM)  # left margin 30 mm
    assert all(left >= 29.5 * MM for left in lefts)


def test_bundled_serif_font_is_embedded_and_vietnamese_survives(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Liberation-Serif" in name for name in fonts)
    text = reader.pages[0].extract_text()
    for expected in ["ĐOÀN TNCS HỒ CHÍ MINH", "BCH HUYỆN ĐOÀN CHỢ MỚI", "Số: 15-BC/HĐTN",
                     "Chợ Mới, ngày 20 tháng 10 năm 2026", "Kết quả thực hiện mô hình"]:
        assert expected in text
    last = reader.pages[-1].extract_text()
    assert "Nơi nhận:" in last and "TM. BAN THƯỜNG VỤ" in last and "Lê Minh Tuấn" in last


def test_table_header_repeats_on_every_page(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    # Every page holding rows of the table (at least two: it breaks) starts with its header.
    table_pages = [page.extract_text() for page in reader.pages if "Đoàn xã Mỹ Hội Đông" in page.extract_text()]
    assert len(table_pages) >= 2 and all("Cán bộ đăng ký" in text for text in table_pages)


def test_pdffonts_sees_only_embedded_fonts(pdf, tmp_path):
    if not shutil.which("pdffonts"):
        missing_service("pdffonts from poppler-utils (make test installs it)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines and all(" yes " in line and "Liberation-Serif" in line for line in lines)


def test_documents_never_fetch_from_the_network():
    """A remote image and stylesheet in a document reach no server: one listening here
    counts the requests it gets (WeasyPrint's own fetcher would fetch both, and only log
    a failure, so the PDF alone would prove nothing)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        html = ('{% extends "pdf/official.html" %}{% block content %}'
                f'<link rel="stylesheet" href="{base}/style.css"><img src="{base}/x.png">{{% endblock %}}')
        rendered = engines["django"].from_string(html).render({"header": OfficialHeader(superior="A", issuer="B")})
        assert html_to_pdf(rendered).startswith(b"%PDF")
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_documents_read_no_file_outside_the_static_folders(tmp_path, settings):
    """A stylesheet outside the static folders, linked from a document, is never read: its
    rule would print a sentence (WeasyPrint's own fetcher reads it, and the sentence shows)."""
    outside = tmp_path / "outside.css"
    outside.write_text('body::after { content: "ĐÃ ĐỌC TỆP NGOÀI"; }')
    inside = tmp_path / "static" / "inside.css"
    inside.parent.mkdir()
    inside.write_text('body::after { content: "ĐÃ ĐỌC TỆP TĨNH"; }')
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(inside.parent)]

    def printed(css) -> str:
        html = ('{% extends "pdf/official.html" %}{% block content %}'
                f'<link rel="stylesheet" href="{css.as_uri()}"><p>Nội dung</p>{{% endblock %}}')
        rendered = engines["django"].from_string(html).render({"header": OfficialHeader(superior="A", issuer="B")})
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(html_to_pdf(rendered))).pages)

    assert "ĐÃ ĐỌC TỆP TĨNH" in printed(inside)  # the probe shows when a file is read
    assert "ĐÃ ĐỌC TỆP NGOÀI" not in printed(outside)
    with pytest.raises(ValueError, match="may not fetch"):
        LocalStaticFetcher().fetch("file:///etc/hostname")
    with pytest.raises(ValueError, match="may not fetch"):
        LocalStaticFetcher().fetch(f"{(inside.parent / '..' / 'outside.css').as_uri()}")
    with pytest.raises(ValueError, match="may not fetch"):
        LocalStaticFetcher().fetch("http://127.0.0.1:1/x.png")


@pytest.mark.django_db
def test_documents_are_dated_at_the_nearest_territorial_union():
    from cadres.selectors import place_of
    from tests.cadres.factories import TenantFactory, UnitFactory

    root = TenantFactory(name="Tỉnh Đoàn An Giang", slug="ag").root_unit
    district = UnitFactory(parent=root, code="CM", name="Huyện Đoàn Chợ Mới")
    school = UnitFactory(parent=district, code="T1", name="Đoàn Trường THPT Chợ Mới")
    direct = UnitFactory(parent=root, code="K1", name="Đoàn Khối Các cơ quan tỉnh")
    assert place_of(school) == "Chợ Mới" and place_of(district) == "Chợ Mới"
    assert place_of(direct) == "An Giang" and place_of(root) == "An Giang"
