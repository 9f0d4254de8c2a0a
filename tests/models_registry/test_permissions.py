"""Who reaches which programme page: every models_registry URL, every persona, the status.

A URL added to models_registry.urls and missing here fails `test_every_url_is_in_the_matrix`.
Out of reach is 404 alike (another tenant's programme, a sibling's draft, a page for
managers only); an anonymous visitor is sent to the login page. Every POST carries a valid
payload (`PROOFS`): an editor's changes the programme (its version, content and audit
trail), anyone else's changes nothing.
"""

import pytest

from cadres.models import AuditEvent, PositionRole
from cadres.selectors import managed_roots
from models_registry.models import (
    AudienceTarget,
    Criterion,
    IndicatorKind,
    Programme,
    ProgrammeIndicator,
    ProgrammeParticipant,
    ProgrammeSubject,
    RegistrySettings,
)
from models_registry.urls import urlpatterns as programme_urlpatterns
from tests.cadres.factories import PROVINCE_PERSONAS, province_pair, province_people
from tests.conftest import shared
from tests.models_registry.factories import HUYEN_GROUPS, OWN_GROUPS, ProgrammeFactory
from tests.permissions import Proof, expectations, matrix_tests

pytestmark = pytest.mark.django_db

PERSONAS = PROVINCE_PERSONAS


@pytest.fixture(scope="module")
def world_once(module_db):
    tree = province_pair()
    d1, b1, foreign = (tree[key] for key in ["d1", "b1", "foreign"])
    people = province_people(tree)
    d1_draft = ProgrammeFactory(owner_unit=d1, groups=HUYEN_GROUPS)
    criterion = Criterion.objects.filter(group__programme=d1_draft, kind="quantitative").first()
    audience = AudienceTarget.objects.create(tenant=d1.tenant, criterion=criterion, role=PositionRole.SECRETARY,
                                             target=criterion.target)
    units_draft = ProgrammeFactory(owner_unit=d1, subject=ProgrammeSubject.UNITS)
    ProgrammeParticipant.objects.create(tenant=d1.tenant, programme=units_draft, unit=b1)
    indicator = ProgrammeIndicator.objects.create(tenant=d1.tenant, programme=d1_draft,
                                                  kind=IndicatorKind.UNITS_WITH_PROGRAMME, target_percent=100,
                                                  text="100% các cấp bộ Đoàn xây dựng mô hình")
    return {
        "indicator": indicator,
        "people": people,
        "d1_draft": d1_draft,
        "units_draft": units_draft,
        "b1": b1,
        "d1_published": ProgrammeFactory(owner_unit=d1, groups=OWN_GROUPS, publish=True),
        "foreign": ProgrammeFactory(owner_unit=foreign, groups=OWN_GROUPS, publish=True),
        "group": d1_draft.groups.first(),
        "criterion": criterion,
        "audience": audience,
    }


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)


EVERYONE = expect(default=200)
ANY_MANAGER = expect(manager=200, sibling_manager=200, provincial=200, foreign_provincial=200, secretary=200)
# Drafts of D1: only those who manage D1 (its Bí thư, the province's staff).
EDIT_D1 = expect(manager=302, provincial=302)
READ_D1_DRAFT = expect(manager=200, provincial=200)
# A published programme of D1: everyone in D1's subtree, and the province's staff.
READ_D1_PUBLISHED = expect(manager=200, provincial=200, member=200, secretary=200)


def draft(w):
    return [w["d1_draft"].pk]


MATRIX = [
    ("programme_list", lambda w: [], "get", EVERYONE),
    ("programme_create", lambda w: [], "get", ANY_MANAGER),
    ("programme_create", lambda w: [], "post", expect(manager=302, sibling_manager=302, provincial=302,
                                                      foreign_provincial=302, secretary=302)),
    ("programme_coverage", lambda w: [], "get", ANY_MANAGER),
    ("programme_settings", lambda w: [], "get", expect(provincial=200, foreign_provincial=200)),
    ("programme_settings", lambda w: [], "post", expect(provincial=302, foreign_provincial=302)),
    ("programme_detail", draft, "get", READ_D1_DRAFT),
    ("programme_detail", lambda w: [w["d1_published"].pk], "get", READ_D1_PUBLISHED),
    ("programme_detail", lambda w: [w["foreign"].pk], "get", expect(foreign_provincial=200)),
    ("programme_preview", draft, "get", READ_D1_DRAFT),
    ("programme_preview", lambda w: [w["d1_published"].pk], "get", READ_D1_PUBLISHED),
    ("programme_publish", draft, "get", READ_D1_DRAFT),
    ("programme_publish", draft, "post", EDIT_D1),
    ("programme_new_version", lambda w: [w["d1_published"].pk], "post", EDIT_D1),
    ("programme_archive", lambda w: [w["d1_published"].pk], "post", EDIT_D1),
    ("programme_delete", draft, "post", EDIT_D1),
    ("programme_edit", draft, "get", READ_D1_DRAFT),
    ("programme_update", draft, "post", EDIT_D1),
    ("programme_group_create", draft, "post", EDIT_D1),
    ("programme_group_update", lambda w: [w["d1_draft"].pk, w["group"].pk], "post", EDIT_D1),
    ("programme_group_delete", lambda w: [w["d1_draft"].pk, w["group"].pk], "post", EDIT_D1),
    ("programme_group_move", lambda w: [w["d1_draft"].pk, w["group"].pk], "post", EDIT_D1),
    ("programme_criterion_create", lambda w: [w["d1_draft"].pk, w["group"].pk], "post", EDIT_D1),
    ("programme_criterion_update", lambda w: [w["d1_draft"].pk, w["criterion"].pk], "post", EDIT_D1),
    ("programme_criterion_form", lambda w: [w["d1_draft"].pk, w["criterion"].pk], "get", READ_D1_DRAFT),
    ("programme_criterion_delete", lambda w: [w["d1_draft"].pk, w["criterion"].pk], "post", EDIT_D1),
    ("programme_criterion_move", lambda w: [w["d1_draft"].pk, w["criterion"].pk], "post", EDIT_D1),
    ("programme_audience_set", lambda w: [w["d1_draft"].pk, w["criterion"].pk], "post", EDIT_D1),
    ("programme_audience_delete", lambda w: [w["d1_draft"].pk, w["audience"].pk], "post", EDIT_D1),
    ("programme_participant_add", lambda w: [w["units_draft"].pk], "post", EDIT_D1),
    ("programme_participant_remove", lambda w: [w["units_draft"].pk, w["b1"].pk], "post", EDIT_D1),
    ("programme_indicator_set", draft, "post", EDIT_D1),
    ("programme_indicator_delete", lambda w: [w["d1_draft"].pk, w["indicator"].pk], "post", EDIT_D1),
]


def _version(w, key="d1_draft"):
    return {"lock_version": Programme.objects.get(pk=w[key].pk).lock_version}


def _criterion(w, **changes):
    criterion = w["criterion"]
    return {**_version(w), "title": criterion.title, "kind": criterion.kind, "target": str(criterion.target),
            "measure": criterion.measure, "period": criterion.period, "activity_kinds": list(criterion.activity_kinds),
            "guidance": criterion.guidance, **changes}


def programme_state(w=None, user=None):
    """What an editing action changes: the programmes' versions and states, and the audit trail."""
    return (list(Programme.objects.order_by("pk").values_list("pk", "status", "lock_version")),
            AuditEvent.objects.count())


def _edit(payload) -> Proof:
    """An editing action: its payload, and the programme's state it changes."""
    return Proof(lambda w, user: payload(w), programme_state)


def _new_programme(w, user):
    """A draft of the top unit this person manages (whoever posts: nobody's for a visitor)."""
    roots = list(managed_roots(user)) if user else []
    return {"owner_unit": roots[0].pk if roots else "", "subject": ProgrammeSubject.CADRES,
            "name": "Cán bộ Đoàn sâu sát cơ sở", "start_year": 2026, "end_year": 2026}


def _settings(w, user):
    return list(RegistrySettings.objects.order_by("tenant_id").values_list("tenant_id", "similarity_threshold",
                                                                          "block_similar"))


# A valid form for each POST, as the editor page would send it.
PROOFS = {
    "programme_create": Proof(_new_programme, programme_state),
    "programme_settings": Proof(lambda w, user: {"similarity_threshold": "0,55", "block_similar": "on"}, _settings),
    "programme_publish": _edit(_version),
    "programme_new_version": _edit(lambda w: {}),
    "programme_archive": _edit(lambda w: {}),
    "programme_delete": _edit(_version),
    "programme_update": _edit(lambda w: {**_version(w), "name": "Mô hình đổi tên", "start_year": 2026,
                                         "end_year": 2026}),
    "programme_group_create": _edit(lambda w: {**_version(w), "title": "Nhóm mới"}),
    "programme_group_update": _edit(lambda w: {**_version(w), "title": "Nhóm đổi tên"}),
    "programme_group_delete": _edit(_version),
    "programme_group_move": _edit(lambda w: {**_version(w), "direction": "down"}),
    "programme_criterion_create": _edit(lambda w: {**_version(w), "title": "Lắng nghe đoàn viên",
                                                   "kind": "qualitative"}),
    "programme_criterion_update": _edit(lambda w: _criterion(w, title="Giờ tình nguyện mỗi tuần (sửa)")),
    "programme_criterion_delete": _edit(_version),
    "programme_criterion_move": _edit(lambda w: {**_version(w), "direction": "down"}),
    "programme_audience_set": _edit(lambda w: {**_version(w), "unit_level": "grassroots", "role": "", "full_time": "",
                                               "civil_servant": "", "applies": "no"}),
    "programme_audience_delete": _edit(_version),
    "programme_participant_add": _edit(lambda w: {**_version(w, "units_draft"), "code": "G1"}),
    "programme_participant_remove": _edit(lambda w: _version(w, "units_draft")),
    "programme_indicator_set": _edit(lambda w: {**_version(w), "kind": "registered_and_self_assessed",
                                                "target_percent": "100", "text": "100% cán bộ Đoàn có bản đăng ký"}),
    "programme_indicator_delete": _edit(_version),
}


test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix = matrix_tests(
    personas=PERSONAS, matrix=MATRIX, proofs=PROOFS, urlpatterns=programme_urlpatterns, snapshot=programme_state)
