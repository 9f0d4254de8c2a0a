"""Who reaches which URL of a unit's forms (evaluations/urls/unit_forms.py), every persona.

The unit's Bí thư (and its BTV, who manage it) read its forms; the parent's BTV (the xã's
Bí thư, the province above it) decide on them; everyone else gets a 404. A POST on a form's
page by someone who reads it but may not take the action is refused by the service and
writes nothing. A URL added there and missing here fails `test_every_url_is_in_the_matrix`."""

import pytest

from evaluations.models import Rating, UnitRegistration, UnitSelfAssessment
from evaluations.urls.unit_forms import urlpatterns
from tests.conftest import shared
from tests.evaluations.factories import WORLD_PERSONAS, unit_form, unit_programme, world as evaluation_world, world_people
from tests.permissions import Proof, counted, expectations, matrix_tests, moved

pytestmark = pytest.mark.django_db

PERSONAS = WORLD_PERSONAS


@pytest.fixture(scope="module")
def world_once(module_db):
    w = evaluation_world()
    people = world_people(w)
    registration = unit_form(w, "submitted", unit_programme(w.root, "Chi đoàn 3 có"))
    assessment = unit_form(w, "assessment_submitted", unit_programme(w.root, "Chi đoàn 3 có (điểm)"))
    fresh = unit_programme(w.root, "Chi đoàn 3 có (nhân rộng)")
    return {"w": w, "people": people, "registration": registration, "assessment": assessment, "fresh": fresh}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)
READERS = dict(secretary=200, deputy=200, manager=200, provincial=200)
# The form's readers reach its page; the parent's BTV decide (the province is above the parent).
DECIDE = dict(secretary=302, deputy=302, manager=302, provincial=302)


def registration(d):
    return [d["registration"].pk]


def assessment(d):
    return [d["assessment"].pk]


MATRIX = [
    ("unit_form_list", lambda d: [], "get", expect(default=200)),
    ("unit_registration_create", lambda d: [], "post", expect(secretary=302)),
    ("unit_registration_detail", registration, "get", expect(**READERS)),
    ("unit_registration_detail", registration, "post", expect(**DECIDE)),
    ("unit_registration_pdf", registration, "get", expect(**READERS)),
    ("unit_assessment_detail", assessment, "get", expect(**READERS)),
    ("unit_assessment_detail", assessment, "post", expect(**DECIDE)),
    ("unit_assessment_pdf", assessment, "get", expect(**READERS)),
]


def _version(model, key):
    return lambda d: model.objects.get(pk=d[key].pk).lock_version


PROOFS = {
    "unit_registration_create": Proof(lambda d, user: {"unit": d["w"].b1.pk, "programme": d["fresh"].pk},
                                      counted(UnitRegistration)),
    "unit_registration_detail": Proof(
        lambda d, user: {"action": "approve", "version": _version(UnitRegistration, "registration")(d)},
        moved(UnitRegistration, "registration"), refused=("secretary", "deputy")),
    "unit_assessment_detail": Proof(
        lambda d, user: {"action": "rate", "rating": Rating.GOOD,
                         "version": _version(UnitSelfAssessment, "assessment")(d)},
        moved(UnitSelfAssessment, "assessment"), refused=("secretary", "deputy")),
}


def _snapshot():
    return (list(UnitRegistration.objects.order_by("pk").values_list("pk", "state", "lock_version")),
            list(UnitSelfAssessment.objects.order_by("pk").values_list("pk", "state", "lock_version")))


test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix = matrix_tests(
    personas=PERSONAS, matrix=MATRIX, proofs=PROOFS, urlpatterns=urlpatterns, snapshot=_snapshot)
