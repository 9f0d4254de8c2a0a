"""Trends: this cycle against the ones before, per unit, on the dashboard, the unit report
page and both PDFs: an SVG chart (attributes only, no style: the CSP) with its numbers in a
table. A closed year is read from its frozen snapshot, never recomputed."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cadres.models import Unit
from evaluations.services.cycles import cycle_close
from reports import documents
from reports.models import SnapshotUnit
from reports.services.rollup import rollup_cycle
from tests.reports.factories import make_cycle
from tests.reports.pages_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    """2025 closed, with its frozen Chợ Mới altered to 380 registered and 7 rated xuất sắc: a
    page that recomputed the year would print 402 and 0; 2026 open, nobody registered yet."""
    world = build_world()
    cycle_close(cycle=world.cycle, acting_user=world.people["provincial"])
    SnapshotUnit.objects.filter(snapshot__cycle=world.cycle, unit=world.huyen).update(registered=380,
                                                                                      rated_excellent=7)
    world.data["next"] = make_cycle(world.tenant, world.cycle.year + 1)
    rollup_cycle(cycle=world.data["next"])
    return world


def _flat(html: str) -> str:
    return " ".join(html.split())


def _trend_section(page: str) -> str:
    start = page.index('aria-labelledby="trend"')
    return page[start:page.index("</section>", start)]


def test_the_dashboard_compares_this_year_with_the_frozen_one_before(client, w):
    client.force_login(w.people["provincial"])
    url = reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"])
    section = _flat(_trend_section(client.get(url, {"cycle": w.next.year}).content.decode()))
    assert "So sánh với các năm trước" in section and "Số liệu của Huyện Đoàn Chợ Mới qua các năm" in section
    year, nxt = w.cycle.year, w.next.year
    assert re.search(rf"<th scope=\"row\">{year} <span[^>]*>\(đã khoá sổ\)</span></th> <td>402</td>"
                     r"<td>380/402 \(94,5%\)</td>", section), section
    assert "<td>7 (100%)</td>" in section  # the frozen 7 xuất sắc, all of those rated
    assert re.search(rf"<th scope=\"row\">{nxt}</th> <td>402</td><td>0/402 \(0%\)</td>", section), section
    svg = section[section.index("<svg class=\"chart trend-chart\""):section.index("</svg>", section.index("trend-chart"))]
    assert 'role="img"' in svg and "<title>Số liệu qua các năm</title>" in svg and "style=" not in svg
    assert ">94,5%<" in svg and ">0%<" in svg


def test_the_first_year_has_no_comparison(client, w):
    client.force_login(w.people["provincial"])
    page = client.get(reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"]), {"cycle": w.cycle.year})
    assert 'aria-labelledby="trend"' not in page.content.decode()


def test_a_year_the_unit_did_not_exist_says_so(client, w):
    fresh = Unit.objects.get(pk=w.grassroots[0].pk)
    SnapshotUnit.objects.filter(snapshot__cycle=w.cycle, unit=fresh).delete()
    client.force_login(w.people["provincial"])
    section = _flat(_trend_section(client.get(reverse("reports_unit_dashboard", args=[w.tenant.slug, fresh.code]),
                                              {"cycle": w.next.year}).content.decode()))
    assert "Không có số liệu năm này" in section


def test_the_unit_report_page_and_both_pdfs_carry_the_comparison(client, w):
    client.force_login(w.people["manager"])
    page = _flat(client.get(reverse("unit_report", args=[w.tenant.slug, "CM"]), {"cycle": w.next.year})
                 .content.decode())
    assert "So sánh với các năm trước" in page and "380/402 (94,5%)" in page
    for pdf in (documents.unit_report_pdf(w.next, w.huyen), documents.summary_pdf(w.next, w.huyen)):
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
        assert "So sánh với các năm trước" in text
        assert f"{w.cycle.year} 402 380/402 (94,5%)" in text and f"{w.next.year} 402 0/402 (0%)" in text


def test_each_sub_unit_is_set_against_the_year_before(client, w):
    """The province sees each huyện this year against last year, on the dashboard and in the
    summary's units table; last year's rates come from its snapshot."""
    SnapshotUnit.objects.filter(snapshot__cycle=w.cycle, unit=w.grassroots[0]).update(registered=5)
    client.force_login(w.people["provincial"])
    page = _flat(client.get(reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"]), {"cycle": w.next.year})
                 .content.decode())
    assert f"Đơn vị trực thuộc: năm {w.next.year} so với năm {w.cycle.year}" in page
    assert ('<tr><th scope="row">Đoàn xã Số 01</th> <td>50%</td><td>0%</td>' in page
            and '<tr><th scope="row">Đoàn xã Số 02</th> <td>100%</td><td>0%</td>' in page)
    root = Unit.objects.get(pk=w.root.pk)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.summary_pdf(w.next, root)))
                             .pages).split())
    assert f"Tỷ lệ {w.cycle.year}" in text
    assert "Đoàn xã Số 01 0/10 0% 50%" in text and "Huyện Đoàn Chợ Mới 0/402 0% 94,5%" in text
