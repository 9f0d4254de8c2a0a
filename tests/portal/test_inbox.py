"""The inbox ("Việc cần làm / Cần duyệt"): each kind reaches the person who acts on it and
nobody else, the count on the home page and in the menu, filters, and the walk a reviewer
takes — menu link, item, its page, act, the item gone and the count down."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import PositionRole
from cadres.selectors import access_for
from cadres.services.accounts import join_request_create
from evaluations.models import CycleStatus, Registration
from evaluations.workflow import registration_amend, registration_submit, self_assessment_propose
from portal.selectors import Inbox, inbox_count
from reports.services.unit_reports import unit_report_get_or_create, unit_report_submit, unit_report_update
from tests.cadres.factories import CadreFactory, TenantFactory
from tests.evaluations.factories import approved_registration, fill_registration, submitted_registration, world
from tests.evaluations.test_self_assessment import submitted as submitted_self_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world()


def kinds(user, **filters) -> list[tuple[str, str]]:
    inbox = Inbox(user, **filters)
    return [(item.kind.key, item.title) for item in inbox[0:len(inbox)]]


def join_request(w, name="Nguyễn Văn Mới"):
    return join_request_create(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, password="mật-khẩu-dài-2026",
                               full_name=name, email="moi@example.com", birth_date=datetime.date(2000, 1, 1))


def submitted_report(w, unit, user):
    report = unit_report_get_or_create(cycle=w.cycle, unit=unit, acting_user=user)
    report = unit_report_update(report=report, acting_user=user, expected_version=report.lock_version,
                                achievements="Hoàn thành các chỉ tiêu")
    return unit_report_submit(report=report, acting_user=user, expected_version=report.lock_version)


def test_each_kind_reaches_who_acts_on_it_and_nobody_else(w):
    submitted_registration(w)  # Trần Thị Mai's registration
    submitted_self_assessment(w, w.secretary, reviewer=w.g1_secretary)  # the Bí thư's own: G1 reviews it
    join_request(w)
    district = CadreFactory(unit=w.d1, role=PositionRole.SECRETARY, full_name="Huỳnh Văn Huyện")
    submitted_report(w, w.g1, w.g1_secretary.user)

    assert kinds(w.secretary.user) == [("registration", "Trần Thị Mai"), ("join_request", "Nguyễn Văn Mới")]
    # The deputy holds a reviewer grant on the chi đoàn: its forms and join requests too.
    assert kinds(w.deputy.user) == kinds(w.secretary.user)
    assert ("self_assessment", "Lê Văn Bình") in kinds(w.g1_secretary.user)
    # The district's Bí thư decides G1's report, not G1's own Bí thư.
    assert ("unit_report", "Đoàn xã Mỹ Hội Đông") in kinds(district.user)
    assert ("unit_report", "Đoàn xã Mỹ Hội Đông") not in kinds(w.g1_secretary.user)
    for outsider in (w.sibling.user, w.foreign_cadre.user, w.member.user):
        assert kinds(outsider) == []
        assert inbox_count(outsider) == 0


def test_an_amendment_and_a_proposed_rating_are_their_own_kinds(w):
    approved = approved_registration(w)
    registration_amend(registration=approved, acting_user=w.member.user, expected_version=approved.lock_version)
    amendment = Registration.objects.get(previous=approved)
    fill_registration(amendment, w.member.user)
    amendment.refresh_from_db()
    registration_submit(registration=amendment, acting_user=w.member.user, expected_version=amendment.lock_version)
    form = submitted_self_assessment(w, w.deputy)
    assert {"amendment", "self_assessment"} <= {key for key, _name in kinds(w.secretary.user)}
    self_assessment_propose(self_assessment=form, rating="good", acting_user=w.secretary.user,
                            expected_version=form.lock_version)
    # The Bí thư manages the chi đoàn: they decide the rating too; so does every level above.
    assert ("rating", "Phạm Thu Hà") in kinds(w.secretary.user)
    assert ("rating", "Phạm Thu Hà") in kinds(w.g1_secretary.user)
    assert ("rating", "Phạm Thu Hà") in kinds(w.provincial)
    assert kinds(w.secretary.user, kind="rating") == [("rating", "Phạm Thu Hà")]
    assert kinds(w.secretary.user, kind="amendment") == [("amendment", "Trần Thị Mai")]
    assert kinds(w.provincial, unit=w.g2) == []


def test_a_report_one_submitted_oneself_waits_for_another_manager(w):
    district = CadreFactory(unit=w.d1, role=PositionRole.SECRETARY, full_name="Huỳnh Văn Huyện")
    deputy = CadreFactory(unit=w.d1, role=PositionRole.DEPUTY_SECRETARY, full_name="Mai Văn Phó")
    submitted_report(w, w.g1, district.user)  # a district manager may write a sub-unit's report
    assert ("unit_report", "Đoàn xã Mỹ Hội Đông") not in kinds(district.user)
    assert ("unit_report", "Đoàn xã Mỹ Hội Đông") in kinds(deputy.user)


def test_a_closed_cycle_leaves_nothing_to_do(w):
    submitted_registration(w)
    w.cycle.status = CycleStatus.CLOSED
    w.cycle.save(update_fields=["status"])
    assert inbox_count(w.secretary.user) == 0


def _items(html: str) -> str:
    """The inbox's list of items, without the messages above it."""
    return html.split('class="link-list card inbox-list"')[1].split("</ul>")[0] if "inbox-list" in html else ""


def _count_in(html: str) -> int:
    match = re.search(r"(\d+) việc chờ duyệt", html)
    return int(match.group(1)) if match else 0


def test_the_reviewer_walks_from_the_menu_to_the_form_and_back(client, w):
    registration = submitted_registration(w)
    client.force_login(w.secretary.user)
    home = client.get(reverse("home")).content.decode()
    assert _count_in(home) == 1
    menu = home.split('class="mainnav"')[1].split("</nav>")[0]
    assert "Cần duyệt" in menu and f'href="{reverse("inbox")}"' in menu

    inbox = client.get(reverse("inbox")).content.decode()
    assert "Việc cần làm" in inbox and "Trần Thị Mai" in inbox and "Bản đăng ký cần duyệt" in inbox
    link = reverse("registration_detail", args=[registration.pk])
    assert f'href="{link}"' in inbox
    detail = client.get(link).content.decode()
    assert "Duyệt" in detail
    client.post(reverse("registration_approve", args=[registration.pk]), {"version": registration.lock_version})

    inbox = client.get(reverse("inbox")).content.decode()
    assert "Trần Thị Mai" not in _items(inbox) and "Không có việc nào đang chờ bạn." in inbox
    assert _count_in(client.get(reverse("home")).content.decode()) == 0


def test_the_bi_thu_proposes_and_the_parent_committee_finalises_from_the_inbox(client, w):
    form = submitted_self_assessment(w, w.secretary, reviewer=w.g1_secretary)
    district = CadreFactory(unit=w.d1, role=PositionRole.SECRETARY, full_name="Huỳnh Văn Huyện")
    client.force_login(w.g1_secretary.user)
    inbox = client.get(reverse("inbox")).content.decode()
    link = reverse("self_assessment_detail", args=[form.pk])
    assert "Bản tự đánh giá: đề xuất xếp loại" in inbox and f'href="{link}"' in inbox
    assert "Đề xuất" in client.get(link).content.decode()
    client.post(reverse("self_assessment_propose", args=[form.pk]),
                {"propose-rating": "good", "version": form.lock_version})
    form.refresh_from_db()
    assert form.state == "proposed"

    client.force_login(district.user)
    assert _count_in(client.get(reverse("home")).content.decode()) == 1
    inbox = client.get(reverse("inbox")).content.decode()
    assert "Xếp loại cần quyết định" in inbox and "Lê Văn Bình" in inbox and f'href="{link}"' in inbox
    client.post(reverse("self_assessment_finalise", args=[form.pk]),
                {"finalise-rating": "good", "version": form.lock_version})
    form.refresh_from_db()
    assert form.state == "finalised"
    assert "Lê Văn Bình" not in _items(client.get(reverse("inbox")).content.decode())


def test_the_district_accepts_a_report_and_the_bi_thu_confirms_a_join_request(client, w):
    district = CadreFactory(unit=w.d1, role=PositionRole.SECRETARY, full_name="Huỳnh Văn Huyện")
    report = submitted_report(w, w.g1, w.g1_secretary.user)
    client.force_login(district.user)
    inbox = client.get(reverse("inbox")).content.decode()
    assert "Báo cáo đơn vị cần tiếp nhận" in inbox
    link = f"{reverse('unit_report', args=['a', 'G1'])}?cycle={w.cycle.year}"
    assert f'href="{link}"' in inbox
    assert "Tiếp nhận" in client.get(link).content.decode()
    client.post(reverse("unit_report_accept", args=[report.pk]), {"version": report.lock_version})
    assert "Đoàn xã Mỹ Hội Đông" not in _items(client.get(reverse("inbox")).content.decode())

    pending = join_request(w)
    client.force_login(w.secretary.user)
    inbox = client.get(reverse("inbox")).content.decode()
    assert f'href="{reverse("join_request_list")}#join-{pending.pk}"' in inbox
    assert f'id="join-{pending.pk}"' in client.get(reverse("join_request_list")).content.decode()
    client.post(reverse("join_request_approve", args=[pending.pk]))
    assert "Nguyễn Văn Mới" not in _items(client.get(reverse("inbox")).content.decode())


def test_tampered_filters_are_ignored_with_a_message(client, w):
    submitted_registration(w)
    client.force_login(w.secretary.user)
    response = client.get(reverse("inbox"), {"kind": "bogus", "unit": str(w.foreign.pk), "page": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đã bỏ qua một bộ lọc không có trong danh sách." in page and "Trần Thị Mai" in page
    page = client.get(reverse("inbox"), {"kind": "join_request", "unit": str(w.b1.pk)}).content.decode()
    assert "Trần Thị Mai" not in _items(page) and "Đã bỏ qua" not in page


def test_the_inbox_is_only_for_those_who_decide(client, w):
    client.force_login(w.member.user)
    assert client.get(reverse("inbox")).status_code == 404
    assert "việc chờ duyệt" not in client.get(reverse("home")).content.decode()


def test_a_page_costs_the_same_queries_whatever_the_number_of_items(client, w, django_assert_max_num_queries):
    """One query per kind on the page at most: measured with one item of each kind, then
    with six of each."""
    submitted_registration(w)
    submitted_self_assessment(w, w.deputy)
    join_request(w)
    client.force_login(w.secretary.user)
    client.get(reverse("inbox"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("inbox"))
    for index in range(5):
        cadre = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name=f"Cán bộ {index}")
        submitted_registration(w, cadre)
        submitted_self_assessment(w, CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER,
                                                  full_name=f"Tự đánh giá {index}"), reviewer=w.deputy)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("inbox")).content.decode()
    assert "Cán bộ 4" in page and "Tự đánh giá 4" in page


def test_the_menu_count_is_kept_until_something_changes_anywhere(client, w):
    """The count is a province-wide query for provincial staff: a second page does not repeat
    it, and any decision or submission, by anyone, makes the next page count again."""
    submitted_registration(w)
    client.force_login(w.secretary.user)
    assert _count_in(client.get(reverse("home")).content.decode()) == 1
    with CaptureQueriesContext(connection) as again:
        assert _count_in(client.get(reverse("home")).content.decode()) == 1
    assert not any("UNION ALL" in query["sql"] for query in again.captured_queries)
    submitted_registration(w, w.deputy)  # someone else submits: no action of the Bí thư's
    assert _count_in(client.get(reverse("home")).content.decode()) == 2


def test_past_the_cap_the_menu_says_more_and_stops_counting(client, w, monkeypatch):
    """A province's staff may have 20,000 forms waiting: the menu counts up to the cap and says
    "99+" (here a cap of 2), while the inbox itself lists them all."""
    monkeypatch.setattr("portal.selectors.INBOX_COUNT_CAP", 2)
    for cadre in (None, w.deputy, CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER)):
        submitted_registration(w, cadre)
    client.force_login(w.secretary.user)
    with CaptureQueriesContext(connection) as counting:
        home = client.get(reverse("home")).content.decode()
    assert "Hơn 2 việc chờ duyệt" in home
    assert 'aria-label="Hơn 2 việc đang chờ">2+</span>' in home
    # The registrations fill the cap: counted no further, and no other kind is read.
    limited = [query["sql"] for query in counting.captured_queries if "LIMIT 3" in query["sql"]]
    assert len(limited) == 1 and "UNION ALL" not in limited[0]
    inbox = client.get(reverse("inbox")).content.decode()
    assert _items(inbox).count("<li") == 3
    assert ">2+</span>" in inbox  # the inbox's full count does not undo the cap in the menu


def test_a_kind_nobody_in_reach_can_have_is_not_even_built(w):
    """A cold menu count is mostly Django building eleven kinds' querysets: a kind the
    person's access cannot reach is left out (the other tests prove each still reaches who
    acts on it)."""
    def built(user) -> set[str]:
        return {kind.key for kind in Inbox(user).kinds}

    below = {"unit_registration", "unit_assessment", "unit_report"}
    # A chi đoàn has no unit below it: nothing of a sub-unit, and no erasure, can await its Bí thư.
    assert {"registration", "rating", "initiative", "join_request", "data_correction"} <= built(w.secretary.user)
    assert not built(w.secretary.user) & (below | {"data_erasure"})
    assert below <= built(w.g1_secretary.user) and "data_erasure" not in built(w.g1_secretary.user)
    assert below | {"data_erasure"} <= built(w.provincial)


def test_a_province_that_is_only_its_root_still_has_its_managers_decide_for_it():
    # The root's own forms go to its other managers (evaluations.rules): the root counts as
    # having units below it even before it has any.
    root_secretary = CadreFactory(unit=TenantFactory().root_unit, role=PositionRole.SECRETARY)
    assert access_for(root_secretary.user).manages_below
    assert {"unit_registration", "unit_assessment", "unit_report"} <= {kind.key for kind in Inbox(root_secretary.user).kinds}
