"""Reports at 360×740 on the demo: An Giang's provincial staff open the 2025 dashboard,
request the province summary PDF, see the job page with its progress bar and download the
file (Celery runs eagerly here, so the job is often done by the first render); a manager of
another huyện gets 404 for that job page and that file."""

import io
import re

import pytest
from pypdf import PdfReader

from cadres.demo import DEMO_PASSWORD
from cadres.models import PositionRole, Unit
from portal.demo import seed_demo
from tests.cadres.factories import PASSWORD, CadreFactory

pytestmark = pytest.mark.browser


def test_provincial_staff_download_the_province_pdf_and_another_huyen_gets_404(page, log_in, browser, live_server):
    seed_demo()
    log_in("tinh.angiang@example.com", DEMO_PASSWORD)
    page.goto("/reports/?cycle=2025")
    assert page.locator("h1").inner_text() == "Tỉnh Đoàn An Giang"
    cho_moi = page.locator(".subunit-table").get_by_role("row", name=re.compile("Huyện Đoàn Chợ Mới"))
    assert "402/402 (100%)" in cho_moi.inner_text()
    assert page.locator("svg.chart").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone

    page.get_by_role("button", name="Tải báo cáo tổng hợp PDF").click()
    page.wait_for_url(re.compile(r"/reports/files/\d+/$"))
    job_url = page.url
    assert page.locator("h1").inner_text() == "Báo cáo tổng hợp các đơn vị (PDF)"
    assert page.locator("#file-status progress").count() == 1
    link = page.get_by_role("link", name=re.compile("Tải xuống tong-hop-tdag-2025.pdf"))
    with page.expect_download() as info:
        link.click()
    data = open(info.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "41/41" in text and "402/402" in text
    download_url = link.get_attribute("href")

    long_xuyen = Unit.objects.get(tenant__slug="an-giang", code="LX")
    secretary = CadreFactory(unit=long_xuyen, role=PositionRole.SECRETARY, email="bithu.lx@example.vn")
    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", base_url=live_server.url)
    tab = other.new_page()
    tab.goto("/accounts/login/")
    tab.fill("input[name=login]", secretary.email)
    tab.fill("input[name=password]", PASSWORD)
    tab.press("input[name=password]", "Enter")
    tab.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert tab.goto(job_url).status == 404
    assert tab.request.get(live_server.url + download_url).status == 404
    assert tab.goto("/reports/an-giang/CM/").status == 404
    other.close()
