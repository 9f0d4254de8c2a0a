"""Every page that lists named cadres writes one access record per request naming each of
them: the review queue, the inbox, join requests, the managers' search, a unit's meetings,
commendations and deadline extensions, the ratings batch, the audit trails and their
exports, a unit's access log (its readers), the unregistered report and a unit report (the
cadres commended); the cadre list and the export in test_access_log."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.models import AccessKind, AccessRecord, AccessSubject, Cadre, JoinRequest, PositionRole
from cadres.services.data_requests import data_request_create
from evaluations.models import CommendationGround, Cycle
from evaluations.services.commendations import commendation_decide, commendation_propose
from portal.demo import seed_demo
from reports.services.rollup import rollup_cycle
from tests.cadres.factories import CadreFactory
from tests.evaluations.factories import submitted_registration, world as evaluation_world
from tests.evaluations.test_collective_ratings import proposed
from tests.evaluations.test_commendations import binh_duong  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _new_records(client, url: str) -> tuple[list[AccessRecord], str, list[str]]:
    before = AccessRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT") and "access" in q["sql"]]
    body = response.content.decode() if response["Content-Type"].startswith("text/html") else ""
    return list(AccessRecord.objects.filter(id__gt=before)), " ".join(re.sub(r"<[^>]+>", " ", body).split()), inserts


def _subjects(record: AccessRecord) -> set[int]:
    return set(AccessSubject.objects.filter(record=record).values_list("cadre_id", flat=True))


@pytest.fixture
def w():
    return evaluation_world()


def test_the_review_queue_names_the_forms_cadres_in_one_record(client, w):
    submitted_registration(w)
    submitted_registration(w, w.deputy)
    client.force_login(w.secretary.user)
    [record], page, inserts = _new_records(client, reverse("review_queue"))
    assert (record.kind, record.viewer, record.subject_count) == (AccessKind.LIST, w.secretary.user, 2)
    assert _subjects(record) == {w.member.pk, w.deputy.pk}
    assert "Trần Thị Mai" in page and "Phạm Thu Hà" in page
    assert len(inserts) == 2  # the record and all its subjects


def test_the_inbox_names_whoever_awaits_a_decision(client, w):
    submitted_registration(w)
    joiner = CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name="Hồ Văn Mới")
    JoinRequest.objects.create(tenant=w.b1.tenant, unit=w.b1, cadre=joiner, role=PositionRole.EXECUTIVE_MEMBER)
    client.force_login(w.secretary.user)
    [record], page, _ = _new_records(client, reverse("inbox"))
    assert _subjects(record) == {w.member.pk, joiner.pk} and record.kind == AccessKind.LIST
    assert "Trần Thị Mai" in page and "Hồ Văn Mới" in page
    [listed], page, _ = _new_records(client, reverse("join_request_list"))
    assert _subjects(listed) == {joiner.pk} and "Hồ Văn Mới" in page


def test_a_request_about_ones_data_is_recorded_when_someone_else_reads_it(client, w):
    asked = data_request_create(cadre=w.member, kind="correction", body="Sửa ngày sinh", acting_user=w.member.user)
    client.force_login(w.member.user)
    assert _new_records(client, reverse("data_request_detail", args=[asked.pk]))[0] == []  # one's own
    client.force_login(w.secretary.user)
    [record], page, _ = _new_records(client, reverse("data_request_detail", args=[asked.pk]))
    assert _subjects(record) == {w.member.pk} and record.object_type == "cadres.datarequest"


def test_an_empty_page_writes_nothing(client, w):
    client.force_login(w.secretary.user)
    for name in ("review_queue", "inbox", "join_request_list"):
        assert _new_records(client, reverse(name))[0] == []


def test_a_search_for_people_names_those_found(client, w):
    client.force_login(w.provincial)
    [record], page, _ = _new_records(client, reverse("manage") + "?q=Trần Thị Mai")
    assert _subjects(record) == {w.member.pk} and "Trần Thị Mai" in page
    assert _new_records(client, reverse("manage"))[0] == []


def test_an_audit_trail_and_its_export_name_the_cadres_of_their_rows(client, w):
    submitted_registration(w)
    client.force_login(w.g1_secretary.user)
    [record], _, _ = _new_records(client, reverse("unit_audit", args=["a", "G1"]))
    assert w.member.pk in _subjects(record) and record.kind == AccessKind.LIST
    [exported], _, _ = _new_records(client, reverse("unit_audit_export", args=["a", "G1"]))
    assert w.member.pk in _subjects(exported) and exported.kind == AccessKind.EXPORT
    [own], _, _ = _new_records(client, reverse("cadre_audit", args=[w.member.pk]))
    assert _subjects(own) == {w.member.pk}


# Pages of the demo's managers that list people (the demo holds meetings, clubs,
# commendation candidates and extensions): each request one record, everyone it names shown.
DEMO_PAGES = [
    ("huyen.angiang@example.com", "unit_meetings", lambda: ["an-giang", "CM"]),
    ("huyen.angiang@example.com", "cycle_unit", lambda: [Cycle.objects.get(
        tenant__slug="an-giang", year=2026).pk, "an-giang", "CM"]),
    ("bithu.angiang@example.com", "review_queue", lambda: []),
    ("bithu.angiang@example.com", "inbox", lambda: []),
    ("huyen.angiang@example.com", "unit_cadres", lambda: ["an-giang", "CM"]),
    ("huyen.angiang@example.com", "unit_audit", lambda: ["an-giang", "CM"]),
]


def test_every_demo_page_listing_people_is_one_record_of_those_it_shows(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo()
    for email, name, args in DEMO_PAGES:
        user = get_user_model().objects.get(email=email)
        client.force_login(user)
        records, page, inserts = _new_records(client, reverse(name, args=args()))
        assert len(records) == 1, name
        names = Cadre.objects.filter(pk__in=_subjects(records[0])).values_list("full_name", flat=True)
        assert records[0].subject_count == len(names) > 0, name
        assert [full_name for full_name in names if full_name not in page] == [], name
        assert len(inserts) == 2, name


def test_the_ratings_batch_names_the_cadres_to_rate(client, w):
    assert _new_records(client.force_login(w.g1_secretary.user) or client,
                        reverse("ratings_finalise_batch", args=["a", "B1"]))[0] == []  # nobody to rate yet
    forms = [proposed(w, w.member), proposed(w, w.deputy)]
    [record], page, _ = _new_records(client, reverse("ratings_finalise_batch", args=["a", "B1"]))
    assert _subjects(record) == {form.cadre_id for form in forms}
    assert "Trần Thị Mai" in page and "Phạm Thu Hà" in page


def test_the_commendations_page_names_the_candidates_and_those_proposed(client, binh_duong):  # noqa: F811
    w = binh_duong
    client.force_login(w["manager"])
    url = reverse("commendations_unit", args=[w["tenant"].slug, w["huyen"].code])
    [record], page, _ = _new_records(client, url)
    assert _subjects(record) == {w["excellent"].pk} and "Nguyễn Thị Ngọc Xuân" in page
    client.post(reverse("commendation_propose", args=[w["tenant"].slug, w["huyen"].code]),
                {"subject": f"cadre:{w['excellent'].pk}", "ground": "rating", "grounds": "Gương mẫu"})
    [record], page, _ = _new_records(client, url)  # now among the proposals
    assert _subjects(record) == {w["excellent"].pk} and "Nguyễn Thị Ngọc Xuân" in page


def test_a_units_access_log_names_the_cadres_who_read(client, w):
    for reader in (w.secretary.user, w.g1_secretary.user, w.provincial):  # provincial staff: no cadre
        client.force_login(reader)
        client.get(reverse("cadre_detail", args=[w.member.pk]))
    client.force_login(w.provincial)
    [record], page, inserts = _new_records(client, reverse("unit_access_log", args=["a", "G1"]))
    assert (record.kind, record.object_type, record.object_id) == (AccessKind.LIST, "cadres.unit", str(w.g1.pk))
    assert _subjects(record) == {w.secretary.pk, w.g1_secretary.pk}
    assert "Lê Văn Bình" in page and "Võ Minh Tâm" in page
    assert len(inserts) == 2


def test_the_unregistered_report_names_the_cadres_it_lists(client, w):
    rollup_cycle(cycle=w.cycle)
    client.force_login(w.g1_secretary.user)
    [record], page, _ = _new_records(client, reverse("reports_unregistered", args=["a", "G1"]))
    assert (record.kind, record.object_id) == (AccessKind.REPORT, str(w.g1.pk))
    assert _subjects(record) == {w.member.pk, w.secretary.pk, w.deputy.pk}  # not the reader's own
    assert "Trần Thị Mai" in page and "Phạm Thu Hà" in page


def test_a_unit_report_names_the_cadres_it_shows_commended(client, binh_duong):  # noqa: F811
    w = binh_duong
    url = reverse("unit_report", args=[w["tenant"].slug, w["huyen"].code])
    client.force_login(w["manager"])
    assert _new_records(client, url)[0] == []  # no commendation decided yet: nobody named
    proposal = commendation_propose(cycle=w["cycle"], unit=w["huyen"], ground=CommendationGround.RATING,
                                    cadre=w["excellent"], acting_user=w["manager"])
    commendation_decide(commendation=proposal, decision_number="15-QĐ/TĐTN", decision_date=timezone.localdate(),
                        expected_version=proposal.lock_version, acting_user=w["manager"])
    [record], page, _ = _new_records(client, url)
    assert (record.kind, record.object_id) == (AccessKind.REPORT, str(w["huyen"].pk))
    assert _subjects(record) == {w["excellent"].pk} and "Nguyễn Thị Ngọc Xuân" in page
