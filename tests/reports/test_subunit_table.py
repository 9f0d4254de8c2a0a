"""The dashboard's sub-units as a table: sorted (behind first by default) and filtered
("chỉ đơn vị chậm", a search by name without diacritics) on the server, a page at a time,
with the same number of queries whatever is asked."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import UnitFigures
from reports.selectors import CompletenessRow, ReportStatus, sorted_subunits
from tests.conftest import shared
from tests.reports.pages_world import build_world


def _row(name, registered, cadres, status):
    return CompletenessRow(None, name, UnitFigures(cadres=cadres, registered=registered, self_assessed=registered),
                           None, None, status, False)


ROWS = [
    _row("Đoàn xã An Bình", 10, 10, ReportStatus.ACCEPTED),
    _row("Đoàn xã Bình Phước", 5, 10, ReportStatus.SUBMITTED),
    _row("Đoàn xã Mỹ Hội", 10, 10, ReportStatus.OVERDUE),
    _row("Đoàn xã Tấn Mỹ", 2, 10, ReportStatus.LATE),
]


def names(rows):
    return [row.name for row in rows]


def test_behind_first_by_default_then_the_lowest_rate():
    assert names(sorted_subunits(list(ROWS))) == [
        "Đoàn xã Tấn Mỹ", "Đoàn xã Mỹ Hội", "Đoàn xã Bình Phước", "Đoàn xã An Bình"]
    assert names(sorted_subunits(list(ROWS), "registration")) == [
        "Đoàn xã Tấn Mỹ", "Đoàn xã Bình Phước", "Đoàn xã An Bình", "Đoàn xã Mỹ Hội"]
    assert names(sorted_subunits(list(ROWS), "-registration"))[:2] == ["Đoàn xã An Bình", "Đoàn xã Mỹ Hội"]
    assert names(sorted_subunits(list(ROWS), "name")) == names(ROWS)
    assert names(sorted_subunits(list(ROWS), "status"))[0] == "Đoàn xã Mỹ Hội"  # overdue first
    assert names(sorted_subunits(list(ROWS), "nonsense")) == names(sorted_subunits(list(ROWS)))


def test_only_units_behind_and_a_search_without_diacritics():
    assert names(sorted_subunits(list(ROWS), behind_only=True)) == [
        "Đoàn xã Tấn Mỹ", "Đoàn xã Mỹ Hội", "Đoàn xã Bình Phước"]
    assert names(sorted_subunits(list(ROWS), "name", query="my")) == ["Đoàn xã Mỹ Hội", "Đoàn xã Tấn Mỹ"]
    assert names(sorted_subunits(list(ROWS), query="binh phuoc")) == ["Đoàn xã Bình Phước"]


@pytest.fixture(scope="module")
def world_once(module_db):
    return build_world()


@pytest.mark.django_db
def test_the_dashboard_table_filters_on_the_server_with_the_same_queries(client, world_once):
    w = shared(world_once)
    client.force_login(w.people["provincial"])
    url = reverse("reports_unit_dashboard", args=[w.tenant.slug, "CM"])
    client.get(url)  # the menu's counts are cached from here on
    with CaptureQueriesContext(connection) as plain:
        page = client.get(url).content.decode()
    assert page.count('<tr class="is-behind">') == 41  # every report overdue
    assert "Chỉ đơn vị chậm" in page and 'aria-sort="ascending"' in page

    with CaptureQueriesContext(connection) as searched:
        found = client.get(url, {"q": "so 41", "sort": "-registration", "behind": "1"}).content.decode()
    rows = re.findall(r"<th scope=\"row\"[^>]*><a[^>]*>([^<]+)</a>", found)
    assert rows == ["Đoàn xã Số 41"] and "Đang hiện 1 đơn vị trực thuộc." in found
    assert len(searched) == len(plain)

    second = client.get(url, {"sort": "name", "page": "1"}).content.decode()
    assert re.findall(r"<th scope=\"row\"[^>]*><a[^>]*>([^<]+)</a>", second)[0] == "Đoàn xã Số 01"
