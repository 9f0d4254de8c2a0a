"""Who reaches which registration, review, cycle and PDF URL: every URL of
evaluations/urls/registrations.py, every persona, the status.

A URL added there and missing here fails `test_every_registration_url_is_in_the_matrix`.
Out of reach is a 404 alike (a sibling's or another province's form, someone else's form to
edit, a page for staff only); a reviewer action by someone who may read the form but not
review it does not exist for them (404); anonymous visitors go to the login page.
POSTs carry no data: a stale or incomplete request is refused with nothing written.
"""

import pytest
from django.urls import reverse

from evaluations.services.assessments import self_assessment_start
from evaluations.services.registrations import registration_start
from evaluations.urls.registrations import urlpatterns
from tests.cadres.factories import UserFactory
from tests.conftest import shared
from tests.evaluations.factories import approved_registration, submitted_registration, world as evaluation_world
from tests.permissions import expectations, url_names

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "member", "secretary", "deputy", "manager", "sibling", "provincial", "foreign"]


@pytest.fixture(scope="module")
def world_once(module_db):
    w = evaluation_world()
    people = {"outsider": UserFactory(), "member": w.member.user, "secretary": w.secretary.user,
              "deputy": w.deputy.user, "manager": w.g1_secretary.user, "sibling": w.sibling.user,
              "provincial": w.provincial, "foreign": w.foreign_cadre.user}
    draft = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member, acting_user=w.member.user)
    submitted = submitted_registration(w, w.deputy)
    approved = approved_registration(w, w.secretary, reviewer=w.g1_secretary)
    assessment = self_assessment_start(registration=approved, acting_user=w.secretary.user)
    return {"w": w, "people": people, "draft": draft, "submitted": submitted, "approved": approved,
            "assessment": assessment}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)


CYCLE_STAFF = expect(provincial=200)
READERS_OF_SUBMITTED = dict(secretary=200, deputy=200, manager=200, provincial=200)
REVIEW_ACTION = expect(secretary=409)
G1_MANAGERS = dict(manager=200, provincial=200)

MATRIX = [
    ("registration_list", lambda d: [], "get", expect(default=200)),
    ("registration_start", lambda d: [d["w"].programme.pk], "post",
     expect(member=302, secretary=302, deputy=302, manager=302, sibling=302)),
    ("registration_detail", lambda d: [d["submitted"].pk], "get", expect(**READERS_OF_SUBMITTED)),
    ("registration_detail", lambda d: [d["draft"].pk], "get", expect(member=200, secretary=200, deputy=200,
                                                                     manager=200, provincial=200)),
    ("registration_edit", lambda d: [d["draft"].pk], "get", expect(member=200)),
    ("registration_autosave", lambda d: [d["draft"].pk], "post", expect(member=200)),
    ("registration_submit", lambda d: [d["draft"].pk], "post", expect(member=302)),  # stale: no version
    ("registration_amend", lambda d: [d["approved"].pk], "post", expect(secretary=302)),
    ("registration_approve", lambda d: [d["submitted"].pk], "post", REVIEW_ACTION),
    ("registration_return", lambda d: [d["submitted"].pk], "post", REVIEW_ACTION),
    ("registration_pdf", lambda d: [d["submitted"].pk], "get", expect(**READERS_OF_SUBMITTED)),
    ("self_assessment_pdf", lambda d: [d["assessment"].pk], "get",
     expect(secretary=200, deputy=200, manager=200, provincial=200)),
    ("review_queue", lambda d: [], "get", expect(default=200, outsider=404, member=404)),
    ("cycle_list", lambda d: [], "get", expect(default=200, outsider=404, member=404)),
    ("cycle_open", lambda d: ["a"], "get", CYCLE_STAFF),
    ("cycle_edit", lambda d: [d["w"].cycle.pk], "get", CYCLE_STAFF),
    ("cycle_close", lambda d: [d["w"].cycle.pk], "post", expect(provincial=302)),
    ("cycle_reopen", lambda d: [d["w"].cycle.pk], "post", expect(provincial=302)),  # no reason: refused
    ("cycle_unit", lambda d: [d["w"].cycle.pk, "a", "G1"], "get", expect(**G1_MANAGERS)),
    ("cycle_unit", lambda d: [d["w"].cycle.pk, "a", "B1"], "get", expect(secretary=200, deputy=200, **G1_MANAGERS)),
    ("cycle_deadline_set", lambda d: [d["w"].cycle.pk, "a", "G1"], "post", expect(manager=400, provincial=400)),
    ("deadline_extension_grant", lambda d: [d["w"].cycle.pk, "a", "G1"], "post",
     expect(manager=400, provincial=400)),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, args, method, expected", MATRIX, ids=[f"{row[0]}-{i}" for i, row in enumerate(MATRIX)])
def test_permission_matrix(client, world, persona, name, args, method, expected):
    if persona != "anonymous":
        client.force_login(world["people"][persona])
    response = getattr(client, method)(reverse(name, args=args(world)))
    assert response.status_code == expected[persona], f"{persona} {method.upper()} {name}"
    if persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def test_every_registration_url_is_in_the_matrix():
    untested = set(url_names(urlpatterns)) - {row[0] for row in MATRIX}
    assert not untested, f"Some URLs are untested in the permission matrix: {sorted(untested)}"
