"""Who reaches which registration, review, cycle and PDF URL: every URL of
evaluations/urls/registrations.py, every persona, the status.

A URL added there and missing here fails `test_every_url_is_in_the_matrix`.
Out of reach is a 404 alike (a sibling's or another province's form, someone else's form to
edit, a page for staff only); a reviewer action by someone who may read the form but not
review it does not exist for them (404); anonymous visitors go to the login page.
Every POST carries a valid payload (`PROOFS`): an allowed cell proves the action is in the
database (the form or cycle moved, the row was written), a refused one that nothing changed.
"""

import datetime
from functools import partial

import pytest
from django.utils import timezone

from evaluations.models import Cycle, CycleDeadline, CycleStatus, DeadlineExtension, DeadlineKind, Registration
from evaluations.services.assessments import self_assessment_start
from evaluations.services.cycles import DATE_FIELDS
from evaluations.services.registrations import registration_start
from evaluations.urls.registrations import urlpatterns
from tests.conftest import shared
from tests.evaluations.factories import (
    RESPONSIBILITY,
    WORLD_PERSONAS,
    YEAR,
    CycleFactory,
    approved_registration,
    fill_registration,
    submitted_registration,
    world as evaluation_world,
    world_people,
)
from tests.permissions import Proof, counted, expectations, matrix_tests, moved

pytestmark = pytest.mark.django_db

PERSONAS = WORLD_PERSONAS


@pytest.fixture(scope="module")
def world_once(module_db):
    w = evaluation_world()
    people = world_people(w)
    draft = registration_start(cycle=w.cycle, programme=w.programme, cadre=w.member, acting_user=w.member.user)
    fill_registration(draft, w.member.user)  # complete: submitting it is a valid request
    submitted = submitted_registration(w, w.deputy)
    approved = approved_registration(w, w.secretary, reviewer=w.g1_secretary)
    assessment = self_assessment_start(registration=approved, acting_user=w.secretary.user)
    closed = CycleFactory(tenant=w.root.tenant, year=YEAR - 1, status=CycleStatus.CLOSED)
    return {"w": w, "people": people, "draft": draft, "submitted": submitted, "approved": approved,
            "assessment": assessment, "closed": closed}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)


CYCLE_STAFF = expect(provincial=200)
READERS_OF_SUBMITTED = dict(secretary=200, deputy=200, manager=200, provincial=200)
REVIEW_ACTION = expect(secretary=302)
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
    # One's own data: anyone with a cadre profile.
    ("my_data_json", lambda d: [], "get", expect(member=200, secretary=200, deputy=200, manager=200, sibling=200,
                                                 foreign=200)),
    ("my_data_pdf", lambda d: [], "get", expect(member=200, secretary=200, deputy=200, manager=200, sibling=200,
                                                foreign=200)),
    ("review_queue", lambda d: [], "get", expect(default=200, outsider=404, member=404)),
    ("cycle_list", lambda d: [], "get", expect(default=200, outsider=404, member=404)),
    ("cycle_open", lambda d: ["a"], "get", CYCLE_STAFF),
    ("cycle_open", lambda d: ["a"], "post", expect(provincial=302)),
    ("cycle_edit", lambda d: [d["w"].cycle.pk], "get", CYCLE_STAFF),
    ("cycle_edit", lambda d: [d["w"].cycle.pk], "post", expect(provincial=302)),
    ("cycle_close", lambda d: [d["w"].cycle.pk], "post", expect(provincial=302)),
    ("cycle_reopen", lambda d: [d["closed"].pk], "post", expect(provincial=302)),
    ("cycle_unit", lambda d: [d["w"].cycle.pk, "a", "G1"], "get", expect(**G1_MANAGERS)),
    ("cycle_unit", lambda d: [d["w"].cycle.pk, "a", "B1"], "get", expect(secretary=200, deputy=200, **G1_MANAGERS)),
    ("cycle_deadline_set", lambda d: [d["w"].cycle.pk, "a", "G1"], "post", expect(manager=302, provincial=302)),
    ("deadline_extension_grant", lambda d: [d["w"].cycle.pk, "a", "G1"], "post",
     expect(manager=302, provincial=302)),
]


def _registration(d, key):
    return Registration.objects.get(pk=d[key].pk)


def _version(d, key):
    return {"version": _registration(d, key).lock_version}


def _autosave(d, user):
    key = f"commitment.{d['w'].criteria[RESPONSIBILITY].pk}.text"
    version = _registration(d, "draft").field_versions.get(key, 0)
    return {"field": key, key: "Tôi cam kết hoàn thành mọi việc được giao", f"v:{key}": version}


def _day(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).strftime("%d/%m/%Y")


_moved = partial(moved, Registration)


def _status(cycle):
    return lambda d, user: Cycle.objects.get(pk=cycle(d).pk).status




# A valid request for each POST, as its page sends it, and what it changes.
PROOFS = {
    # Each already has their registration (start finds it): allowed, with nothing to do.
    "registration_start": Proof(lambda d, user: {}, counted(Registration), idle=("member", "secretary", "deputy")),
    "registration_autosave": Proof(_autosave, lambda d, user: _registration(d, "draft").field_versions),
    "registration_submit": Proof(lambda d, user: _version(d, "draft"), _moved("draft")),
    "registration_amend": Proof(lambda d, user: _version(d, "approved"), counted(Registration)),
    "registration_approve": Proof(lambda d, user: _version(d, "submitted"), _moved("submitted")),
    "registration_return": Proof(lambda d, user: {**_version(d, "submitted"), "general_comment": "Bổ sung biện pháp"},
                                 _moved("submitted")),
    "cycle_open": Proof(lambda d, user: {"year": YEAR + 1}, counted(Cycle)),
    # Four dates of the cycle's year (the factory's lie ahead of today, maybe in the next year).
    "cycle_edit": Proof(lambda d, user: {"registration_closes": f"01/03/{YEAR}", "self_assessment_due": f"01/09/{YEAR}",
                                         "review_due": f"01/10/{YEAR}", "unit_report_due": f"02/10/{YEAR}"},
                        lambda d, user: Cycle.objects.values_list(*DATE_FIELDS).get(pk=d["w"].cycle.pk)),
    "cycle_close": Proof(lambda d, user: {}, _status(lambda d: d["w"].cycle)),
    "cycle_reopen": Proof(lambda d, user: {"reason": "Bổ sung ba đoàn cơ sở nộp muộn"}, _status(lambda d: d["closed"])),
    "cycle_deadline_set": Proof(lambda d, user: {"kind": DeadlineKind.REGISTRATION, "date": _day(10)},
                                counted(CycleDeadline)),
    "deadline_extension_grant": Proof(lambda d, user: {"cadre": d["w"].member.pk, "kind": DeadlineKind.REGISTRATION,
                                                       "until": _day(40), "reason": "Ốm"}, counted(DeadlineExtension)),
}


test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix = matrix_tests(
    personas=PERSONAS, matrix=MATRIX, proofs=PROOFS, urlpatterns=urlpatterns)
