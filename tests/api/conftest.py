import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from cadres.actors import SYSTEM
from cadres.models import PositionRole
from cadres.services.people import position_end
from evaluations.services.assessments import self_assessment_start
from tests.api.factories import api_client
from tests.cadres.factories import CadreFactory
from tests.conftest import shared
from tests.evaluations.factories import GROUPS, YEAR, approved_registration, submitted_registration, world
from tests.models_registry.factories import ProgrammeFactory


@pytest.fixture(scope="module")
def api_world_once(module_db):
    """Tỉnh Đoàn A with forms in D1's subtree (B1) and in D2's (G2), and Tỉnh Đoàn B; a client
    of D1 with every read scope, and the clients that must not reach D1's rows."""
    with scopes_disabled():
        w = world()
        registration = approved_registration(w)
        assessment = self_assessment_start(registration=registration, acting_user=w.member.user)
        sibling_registration = submitted_registration(w, w.sibling)
        d1_programme = ProgrammeFactory(owner_unit=w.d1, start_year=YEAR, end_year=YEAR, groups=GROUPS[:1],
                                        publish=True)
        # A cadre who left G1: a tombstone for D1's client (`cadres/departed/`).
        departed = CadreFactory(unit=w.g1, role=PositionRole.EXECUTIVE_MEMBER, full_name="Hồ Văn Đã Đi")
        position_end(position=departed.positions.get(), end_date=timezone.localdate() - datetime.timedelta(days=1),
                     acting_user=SYSTEM)
    clients = {
        "own": api_client(w.d1),
        "sibling": api_client(w.d2),
        "foreign": api_client(w.other),
        "expired": api_client(w.d1, expired=True),
        "revoked": api_client(w.d1, revoked=True),
    }
    return {"w": w, "registration": registration, "assessment": assessment, "sibling_registration":
            sibling_registration, "d1_programme": d1_programme, "departed": departed, "clients": clients}


@pytest.fixture
def api_world(api_world_once, db):
    return shared(api_world_once)
