"""The unit filter of the review queue and the inbox: a search box suggesting units as one
types, instead of a select of every unit in reach (a province has thousands)."""

import re

import pytest
from django.urls import reverse

from cadres.models import PositionRole
from tests.cadres.factories import CadreFactory, UnitFactory
from tests.evaluations.factories import submitted_registration, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = world()
    # Two chi đoàn without a Bí thư: their members' forms wait in the province's queue.
    for parent, name in ((w.g1, "Nguyễn Văn Xã Một"), (w.g2, "Trần Văn Xã Khác")):
        branch = UnitFactory(parent=parent, name=f"Chi đoàn không Bí thư {parent.code}")
        submitted_registration(w, CadreFactory(unit=branch, role=PositionRole.EXECUTIVE_MEMBER, full_name=name))
    return w


def queue_names(page: str) -> list[str]:
    """The names listed: the queue's table rows, the inbox's items."""
    return [a or b for a, b in re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a>|<span class="item-title">([^<]+)</span>',
                                          page)]


def test_the_queue_offers_a_unit_search_not_a_list_of_every_unit(client, w):
    client.force_login(w.provincial)
    page = client.get(reverse("home")).content.decode()
    queue = client.get(re.search(r'href="([^"]+)"[^>]*>[^<]*Cần duyệt', page).group(1)).content.decode()
    assert '<select name="unit"' not in queue and "Đoàn xã Khác" not in queue
    assert f'hx-get="{reverse("unit_suggest")}"' in queue and 'name="unit_q"' in queue


def test_suggestions_are_the_units_within_reach_matching_every_word(client, w):
    client.force_login(w.provincial)
    found = client.get(reverse("unit_suggest"), {"unit_q": "huyen doan mot"}).content.decode()
    assert f'value="{w.d1.pk}"> Huyện Đoàn Một' in found and "(B)" not in found  # the other province's D1
    assert "Đoàn xã Mỹ Hội Đông" in client.get(reverse("unit_suggest"), {"unit_q": "my hoi"}).content.decode()
    nothing = client.get(reverse("unit_suggest"), {"unit_q": "không có"}).content.decode()
    assert "Không có đơn vị nào khớp “không có”." in nothing
    # A chi đoàn's Bí thư is offered their own units only.
    client.force_login(w.secretary.user)
    assert "Huyện Đoàn Một" not in client.get(reverse("unit_suggest"), {"unit_q": "huyen"}).content.decode()
    assert "Chi đoàn Ấp 1" in client.get(reverse("unit_suggest"), {"unit_q": "ap"}).content.decode()


def test_a_picked_suggestion_filters_the_queue(client, w):
    client.force_login(w.provincial)
    queue = reverse("review_queue")
    assert sorted(queue_names(client.get(queue).content.decode())) == ["Nguyễn Văn Xã Một", "Trần Văn Xã Khác"]
    picked = client.get(queue, {"unit": w.g2.pk}).content.decode()
    assert queue_names(picked) == ["Trần Văn Xã Khác"] and 'value="Đoàn xã Khác"' in picked
    # A foreign unit is out of reach: the filter is ignored, nothing leaks.
    foreign = client.get(queue, {"unit": w.foreign.pk}).content.decode()
    assert len(queue_names(foreign)) == 2 and "Huyện Đoàn Một (B)" not in foreign


def test_without_javascript_typed_words_pick_the_one_unit_or_offer_the_matches(client, w):
    client.force_login(w.provincial)
    one = client.get(reverse("review_queue"), {"unit_q": "doan xa khac"}).content.decode()
    assert queue_names(one) == ["Trần Văn Xã Khác"] and f'<input type="hidden" name="unit" value="{w.g2.pk}">' in one
    several = client.get(reverse("review_queue"), {"unit_q": "huyen doan"}).content.decode()
    assert len(queue_names(several)) == 2 and "Chọn đơn vị" in several
    assert f'value="{w.d1.pk}"> Huyện Đoàn Một' in several and f'value="{w.d2.pk}"> Huyện Đoàn Hai' in several


def test_the_inbox_filters_by_a_picked_unit_too(client, w):
    submitted_registration(w)
    client.force_login(w.secretary.user)
    assert "Trần Thị Mai" in client.get(reverse("inbox"), {"unit": w.b1.pk}).content.decode()
    page = client.get(reverse("inbox"), {"unit_q": "không có"}).content.decode()
    assert "Không có đơn vị nào khớp" in page and "Trần Thị Mai" in page
