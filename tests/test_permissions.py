"""One table of who reaches what: every app URL, every persona, the expected status.

A URL added to the app and missing here fails `test_every_url_is_in_the_matrix`.
Out of reach is 404 for an object (another tenant's, a sibling's) and for a role-only
page alike; an anonymous visitor is sent to the login page. A POST carries a valid payload
(`PROOFS`), so an allowed cell proves the change is in the database and a refused one that
nothing changed.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cadres.forms.units import versions_of
from cadres.imports.uploads import save_upload
from cadres.models import (
    AuditEvent,
    Breach,
    DataRequest,
    DataRequestKind,
    ImportJob,
    JoinRequest,
    Notice,
    NoticeEmail,
    NoticeKind,
    Position,
    PositionRole,
    Unit,
    UnitLevel,
)
from cadres.urls import urlpatterns as app_urlpatterns
from tests.cadres.factories import PROVINCE_PERSONAS, CadreFactory, UnitFactory, province_pair, province_people
from tests.cadres.spreadsheets import cadre_row, cadres_file
from tests.conftest import shared
from tests.permissions import Proof, expectations, matrix_tests

pytestmark = pytest.mark.django_db

PERSONAS = PROVINCE_PERSONAS


@pytest.fixture(scope="module")
def world_once(module_db):
    tree = province_pair()
    root, d1, b1, foreign_root = (tree[key] for key in ["root", "d1", "b1", "other"])
    # A sibling of G1 to merge with, and an empty chi đoàn under it to move.
    g3 = UnitFactory(parent=d1, code="G3", name="Đoàn xã Tấn Mỹ")
    UnitFactory(parent=g3, code="B9", name="Chi đoàn Ấp 9")
    member = CadreFactory(unit=b1)
    newcomer = CadreFactory(unit=b1, role=None)
    people = province_people(tree, member)
    member.user.set_unusable_password()  # invitable
    member.user.save()
    join_request = JoinRequest.objects.create(
        tenant=root.tenant, unit=b1, cadre=newcomer, role=PositionRole.EXECUTIVE_MEMBER
    )
    import_job = ImportJob.objects.create(tenant=root.tenant, unit=d1, user=people["manager"], kind="units",
                                          upload_token="x")
    notice = Notice.objects.create(tenant=root.tenant, recipient=member.user, kind=NoticeKind.APPROVED,
                                   subject="Bản đăng ký của bạn đã được duyệt", link="/", email=NoticeEmail.NONE)
    # An unread notice each, in their own province, for "mark all read" to change.
    for persona, tenant in [("secretary", root.tenant), ("manager", root.tenant), ("sibling_manager", root.tenant),
                            ("provincial", root.tenant), ("foreign_provincial", foreign_root.tenant)]:
        Notice.objects.create(tenant=tenant, recipient=people[persona], kind=NoticeKind.APPROVED, subject="Thông báo",
                              link="/", email=NoticeEmail.NONE)
    correction = DataRequest.objects.create(tenant=root.tenant, cadre=member, unit=b1, kind=DataRequestKind.CORRECTION,
                                            body="Ngày sinh của tôi là 09/03/1996.")
    erasure = DataRequest.objects.create(tenant=root.tenant, cadre=member, unit=b1, kind=DataRequestKind.ERASURE,
                                         body="Tôi đã thôi công tác Đoàn.")
    breach = Breach.objects.create(tenant=root.tenant, title="Lộ tệp danh sách", detected_at=timezone.now(),
                                   people_affected=5)
    return {"people": people, "member_cadre": member, "join_request": join_request, "import_job": import_job,
            "notice": notice, "d1": d1, "correction": correction, "erasure": erasure, "breach": breach}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)


EVERYONE = expect(default=200)
MANAGERS_OF_D1 = expect(manager=200, provincial=200)
MANAGED_D1 = expect(manager=302, provincial=302)
UNIT_OF_B1 = dict(manager=200, provincial=200, member=200, secretary=200)

# (url name, args from the world, method, expected status per persona)
MATRIX = [
    ("home", lambda w: [], "get", EVERYONE),
    ("my_profile", lambda w: [], "get", EVERYONE),
    # Help: every role's page for anyone logged in; a role with no page is a 404.
    ("help", lambda w: [], "get", EVERYONE),
    ("help_page", lambda w: ["cadre"], "get", EVERYONE),
    ("help_page", lambda w: ["province"], "get", EVERYONE),
    ("help_page", lambda w: ["superuser"], "get", expect()),
    ("manage", lambda w: [], "get", expect(manager=200, sibling_manager=200, provincial=200,
                                           foreign_provincial=200, secretary=200)),
    # The inbox: whoever decides something (a Bí thư, a manager); out of reach for the rest.
    ("inbox", lambda w: [], "get", expect(manager=200, sibling_manager=200, provincial=200,
                                          foreign_provincial=200, secretary=200)),
    ("unit_list", lambda w: [], "get", expect(manager=200, sibling_manager=200, provincial=200,
                                              foreign_provincial=200, secretary=200)),
    # Anyone logged in may ask; the suggestions are the units within their reach (tests/cadres/test_unit_filter.py).
    ("unit_suggest", lambda w: [], "get", expect(default=200)),
    ("unit_detail", lambda w: ["a", "D1"], "get", MANAGERS_OF_D1),
    ("unit_detail", lambda w: ["a", "B1"], "get", expect(**UNIT_OF_B1)),
    ("unit_children", lambda w: ["a", "D1"], "get", MANAGERS_OF_D1),
    ("unit_cadres", lambda w: ["a", "D1"], "get", MANAGERS_OF_D1),
    ("cadre_detail", lambda w: [w["member_cadre"].pk], "get", expect(**UNIT_OF_B1)),
    # Personal data: one's own access log (a cadre profile needed); a unit's for its managers.
    ("my_access_log", lambda w: [], "get", expect(member=200, secretary=200, manager=200, sibling_manager=200)),
    ("unit_access_log", lambda w: ["a", "D1"], "get", MANAGERS_OF_D1),
    ("my_data_requests", lambda w: [], "get", expect(member=200, secretary=200, manager=200, sibling_manager=200)),
    ("my_data_requests", lambda w: [], "post", expect(member=200, secretary=302, manager=302, sibling_manager=302)),
    # A correction: the cadre and the managers of their unit; an erasure: the cadre and the province's staff.
    ("data_request_detail", lambda w: [w["correction"].pk], "get", expect(**UNIT_OF_B1)),
    ("data_request_detail", lambda w: [w["erasure"].pk], "get", expect(member=200, provincial=200)),
    ("data_request_answer", lambda w: [w["correction"].pk], "post", expect(manager=302, provincial=302,
                                                                            secretary=302)),
    ("data_request_decide", lambda w: [w["erasure"].pk], "post", expect(provincial=302)),
    # The privacy notice: for anyone to read; accepting it and withdrawing, one's own consent.
    ("privacy_notice", lambda w: [], "get", expect(default=200, anonymous=200)),
    ("privacy_notice", lambda w: [], "post", expect(default=302)),
    ("consent_withdraw", lambda w: [], "get", EVERYONE),
    ("consent_withdraw", lambda w: [], "post", expect(default=302)),
    # The breach register: the province's staff.
    ("breach_list", lambda w: ["a"], "get", expect(provincial=200)),
    ("breach_list", lambda w: ["a"], "post", expect(provincial=302)),
    ("breach_detail", lambda w: [w["breach"].pk], "get", expect(provincial=200)),
    ("breach_detail", lambda w: [w["breach"].pk], "post", expect(provincial=302)),
    ("breach_pdf", lambda w: [w["breach"].pk], "get", expect(provincial=200)),
    ("join", lambda w: [], "get", expect(default=200, anonymous=200)),
    ("join_register", lambda w: [], "get", expect(default=302, anonymous=302)),
    ("join_request_list", lambda w: [], "get", expect(manager=200, sibling_manager=200, provincial=200,
                                                      foreign_provincial=200, secretary=200)),
    ("join_request_approve", lambda w: [w["join_request"].pk], "post", expect(manager=302, provincial=302,
                                                                                 secretary=302)),
    ("join_request_reject", lambda w: [w["join_request"].pk], "post", expect(manager=302, provincial=302,
                                                                                secretary=302)),
    ("unit_join_code", lambda w: ["a", "D1"], "get", MANAGERS_OF_D1),
    ("unit_join_code", lambda w: ["a", "D1"], "post", MANAGED_D1),  # a new code
    ("unit_invite", lambda w: ["a", "D1"], "get", MANAGERS_OF_D1),
    ("unit_invite", lambda w: ["a", "D1"], "post", MANAGED_D1),  # "Mời tất cả"
    ("cadre_invite", lambda w: [w["member_cadre"].pk], "post", expect(manager=302, provincial=302, secretary=302)),
    ("import_list", lambda w: [], "get", expect(manager=200, sibling_manager=200, provincial=200,
                                                foreign_provincial=200, secretary=200)),
    ("import_template", lambda w: ["cadres"], "get", expect(manager=200, sibling_manager=200, provincial=200,
                                                            foreign_provincial=200, secretary=200)),
    ("import_upload", lambda w: ["a", "D1", "cadres"], "get", MANAGERS_OF_D1),
    ("import_confirm", lambda w: ["a", "D1", "cadres"], "post", expect(manager=302, provincial=302)),
    ("import_export", lambda w: ["a", "D1", "cadres"], "get", MANAGERS_OF_D1),
    ("import_job_detail", lambda w: [w["import_job"].pk], "get", expect(manager=200)),
    # Notices: one's own list; one's own notice only (anyone else's is a 404).
    ("notice_list", lambda w: [], "get", EVERYONE),
    ("notice_open", lambda w: [w["notice"].pk], "get", expect(member=302)),
    ("notices_read_all", lambda w: [], "post", expect(default=302)),
    ("notice_email_choose", lambda w: [], "post", expect(default=302)),
    # Reorganising: the managers of the unit's subtree (the services also check the parent is theirs).
    # A POST confirms the change the page previewed, with the versions of the units it showed.
    ("unit_new", lambda w: ["a", "D1"], "get", MANAGERS_OF_D1),
    ("unit_new", lambda w: ["a", "D1"], "post", MANAGED_D1),
    ("unit_edit", lambda w: ["a", "G1"], "get", MANAGERS_OF_D1),
    ("unit_edit", lambda w: ["a", "G1"], "post", MANAGED_D1),
    ("unit_move", lambda w: ["a", "G1"], "get", MANAGERS_OF_D1),
    ("unit_move", lambda w: ["a", "B9"], "post", MANAGED_D1),  # from G3 to G1
    ("unit_merge", lambda w: ["a", "G1"], "get", MANAGERS_OF_D1),
    ("unit_merge", lambda w: ["a", "G1"], "post", MANAGED_D1),  # G3 into G1
    ("unit_split", lambda w: ["a", "G1"], "get", MANAGERS_OF_D1),
    ("unit_split", lambda w: ["a", "G1"], "post", MANAGED_D1),
    ("unit_archive", lambda w: ["a", "G1"], "get", MANAGERS_OF_D1),
    ("unit_archive", lambda w: ["a", "G1"], "post", MANAGED_D1),
]


def _join_state(w, user):
    request = JoinRequest.objects.get(pk=w["join_request"].pk)
    return request.status, request.decided_by_id, Position.objects.filter(cadre=request.cadre).count()


def _upload(w, user):
    """A file previewed by this person (as the upload page stores it): a valid confirm."""
    data = cadres_file(cadre_row(email="moi@example.vn", phone="0987654321"))
    token = save_upload(user=user, kind="cadres", unit_id=w["d1"].pk, data=data, filename="can-bo.xlsx") if user else ""
    return {"token": token}


def _unit(code) -> Unit:
    return Unit.objects.get(tenant__slug="a", code=code)


def _units(w, user):
    """The province's tree: what a reorganisation changes."""
    return list(Unit.objects.filter(tenant__slug="a").order_by("pk").values_list(
        "pk", "path", "code", "name", "archived_at", "lock_version"))


def _confirmed(fields):
    """A reorganisation confirmed, with the versions of the units the page showed (all of them)."""
    return lambda w, user: {**fields(), "versions": versions_of(list(Unit.objects.filter(tenant__slug="a"))),
                            "confirm": "1"}


def _invited(w, user):
    return AuditEvent.objects.filter(action__in=["cadre.invite", "unit.invite_all"]).count()


def _requests_of(user):
    return DataRequest.objects.filter(cadre__user=user).count() if user else None


def _status(key):
    return lambda w, user: DataRequest.objects.get(pk=w[key].pk).status


def _breach_payload(title):
    when = f"{timezone.localtime():%d/%m/%Y %H:%M}"
    return lambda w, user: {"title": title, "detected_at": when, "people_affected": "5"}


PROOFS = {
    "breach_list": Proof(_breach_payload("Mất điện thoại có dữ liệu"), lambda w, user: Breach.objects.count()),
    "breach_detail": Proof(_breach_payload("Lộ tệp danh sách (đã xác minh)"),
                           lambda w, user: Breach.objects.get(pk=w["breach"].pk).title),
    # The world's people accepted the notice already: accepting again is recorded all the same.
    "privacy_notice": Proof(lambda w, user: {}, lambda w, user: AuditEvent.objects.filter(
        action="consent.give", actor=user).count() if user else None),
    "consent_withdraw": Proof(lambda w, user: {}, lambda w, user: AuditEvent.objects.filter(
        action="consent.withdraw", actor=user).count() if user else None),
    # The member already has a correction waiting: refused, with the message on the page.
    "my_data_requests": Proof(lambda w, user: {"kind": DataRequestKind.CORRECTION, "body": "Sửa số điện thoại."},
                              lambda w, user: _requests_of(user), refused=("member",)),
    "data_request_answer": Proof(lambda w, user: {"answer": "Đã sửa ngày sinh."}, _status("correction")),
    "data_request_decide": Proof(lambda w, user: {"decision": "refuse", "reason": "Hồ sơ còn phục vụ kỳ đánh giá."},
                                 _status("erasure")),
    "unit_join_code": Proof(lambda w, user: {}, lambda w, user: _unit("D1").join_code),
    "unit_invite": Proof(lambda w, user: {}, _invited),
    "unit_new": Proof(lambda w, user: {"code": "G9", "name": "Đoàn xã Mới Lập", "level": UnitLevel.GRASSROOTS,
                                       "sector": ""}, _units),
    "unit_edit": Proof(lambda w, user: {"name": "Đoàn xã Mỹ Hội", "level": UnitLevel.GRASSROOTS, "sector": "",
                                        "versions": versions_of([_unit("G1")])}, _units),
    "unit_move": Proof(_confirmed(lambda: {"parent": _unit("G1").pk}), _units),
    "unit_merge": Proof(_confirmed(lambda: {"others": [_unit("G3").pk], "into": "this"}), _units),
    "unit_split": Proof(_confirmed(lambda: {"parts": 2, "part_1_code": "G1A", "part_1_name": "Đoàn xã Mỹ Hội A",
                                            "part_2_code": "G1B", "part_2_name": "Đoàn xã Mỹ Hội B",
                                            f"unit_{_unit('B1').pk}": "1"}), _units),
    "unit_archive": Proof(_confirmed(lambda: {}), _units),
    "join_request_approve": Proof(lambda w, user: {}, _join_state),
    "join_request_reject": Proof(lambda w, user: {}, _join_state),
    "cadre_invite": Proof(lambda w, user: {}, lambda w, user: AuditEvent.objects.filter(
        action="cadre.invite", cadre=w["member_cadre"]).count()),
    "import_confirm": Proof(_upload, lambda w, user: ImportJob.objects.filter(kind="cadres").count()),
    # People of no province have no notices to mark.
    "notices_read_all": Proof(lambda w, user: {}, lambda w, user: Notice.objects.filter(
        recipient=user, read_at__isnull=True).count() if user else None, idle=("outsider", "platform_admin")),
    "notice_email_choose": Proof(lambda w, user: {"notice_email": NoticeEmail.DIGEST}, lambda w, user: (
        get_user_model().objects.get(pk=user.pk).notice_email if user else None)),
}

# The health endpoint and the service worker are public by design, tested in test_infrastructure
# and tests/portal/test_offline.
UNGATED = {"healthz", "service_worker"}
# Pages for people who have no account yet (the privacy notice is read by anyone, but only a
# signed-in person accepts it: an anonymous POST goes to the login page).
PUBLIC = {"join", "join_register"}


test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix = matrix_tests(
    personas=PERSONAS, matrix=MATRIX, proofs=PROOFS, urlpatterns=app_urlpatterns, public=PUBLIC, ungated=UNGATED)
