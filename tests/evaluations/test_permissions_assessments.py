"""Who reaches which activity-log, self-assessment and feedback URL: every URL of
evaluations/urls/assessments.py, every persona, the status.

A URL added there and missing here fails `test_every_assessment_url_is_in_the_matrix`.
Out of reach is a 404 alike (a sibling's or another province's form or file, someone
else's form to edit, a review action by someone who does not review); anonymous visitors
go to the login page, except on the public feedback form. POSTs carry no data: they are
refused with a message and nothing is written (the owner's evidence removal excepted).
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from evaluations.models import Activity, FeedbackSource, SelfAssessment
from evaluations.services.activities import activity_log, initiative_log
from evaluations.services.assessments import evidence_add, self_assessment_start
from evaluations.services.feedback import feedback_request_create
from evaluations.urls.assessments import urlpatterns
from models_registry.models import ActivityKind
from tests.cadres.factories import UserFactory
from tests.conftest import shared
from tests.evaluations.factories import HOURS, YEAR, approved_registration, world as evaluation_world
from tests.permissions import expectations, url_names

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "member", "secretary", "deputy", "manager", "sibling", "provincial", "foreign"]


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG")
    return SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(scope="module")
def world_once(module_db):
    w = evaluation_world()
    people = {"outsider": UserFactory(), "member": w.member.user, "secretary": w.secretary.user,
              "deputy": w.deputy.user, "manager": w.g1_secretary.user, "sibling": w.sibling.user,
              "provincial": w.provincial, "foreign": w.foreign_cadre.user}
    registration = approved_registration(w)
    draft = self_assessment_start(registration=registration, acting_user=w.member.user)
    day = min(datetime.date(YEAR, 1, 5), timezone.localdate())
    activity = activity_log(cadre=w.member, kind=ActivityKind.VOLUNTEER_ACTIVITY, date=day, photo=png(),
                            acting_user=w.member.user)
    initiative = initiative_log(cadre=w.member, title="Sáng kiến", date=day, document=png(),
                                acting_user=w.member.user)
    evidence = evidence_add(self_assessment=draft, criterion_id=w.criteria[HOURS].pk, upload=png(),
                            acting_user=w.member.user)
    _request, token = feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.MEMBER,
                                              acting_user=w.secretary.user, build_link=lambda token: token)
    return {"w": w, "people": people, "registration": registration, "draft": draft, "activity": activity,
            "initiative": initiative, "evidence": evidence, "token": token}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)


CADRES = expect(default=200, outsider=404, provincial=404)
OWN = expect(member=200)
READERS = expect(member=200, secretary=200, deputy=200, manager=200, provincial=200)
REVIEWERS = dict(secretary=200, deputy=200)
BTV = dict(secretary=200, deputy=200, manager=200, provincial=200)


def draft(d):
    return [d["draft"].pk]


MATRIX = [
    ("activity_list", lambda d: [], "get", CADRES),
    ("activity_create", lambda d: [], "get", CADRES),
    ("initiative_create", lambda d: [], "get", CADRES),
    ("activity_delete", lambda d: [d["activity"].pk], "post", expect(member=302)),
    ("activity_photo", lambda d: [d["activity"].pk], "get", READERS),
    ("initiative_delete", lambda d: [d["initiative"].pk], "post", expect(member=302)),
    ("initiative_document", lambda d: [d["initiative"].pk], "get", READERS),
    ("self_assessment_start", lambda d: [d["registration"].pk], "get", OWN),
    ("self_assessment_detail", draft, "get", READERS),
    ("self_assessment_edit", draft, "get", OWN),
    ("self_assessment_autosave", draft, "post", OWN),
    ("self_assessment_submit", draft, "post", expect(member=302)),
    ("evidence_upload", draft, "post", expect(member=302)),
    ("evidence_download", lambda d: [d["evidence"].pk], "get", READERS),
    ("evidence_remove", lambda d: [d["evidence"].pk], "post", expect(member=302)),
    ("evidence_pick", draft, "post", expect(member=302)),
    # A draft is not reviewable yet: a reviewer is sent back with the workflow's message.
    ("self_assessment_return", draft, "post", expect(secretary=302, deputy=302)),
    ("self_assessment_propose", draft, "post", expect(**REVIEWERS)),
    ("self_assessment_finalise", draft, "post", expect(**BTV)),
    # The batch page of a unit's ratings: its managers (nothing awaits them here, so nothing is written).
    ("ratings_finalise_batch", lambda d: [d["w"].b1.tenant.slug, d["w"].b1.code], "get", expect(**BTV)),
    ("ratings_finalise_batch", lambda d: [d["w"].b1.tenant.slug, d["w"].b1.code], "post", expect(**BTV)),
    ("feedback_request_create", draft, "get", expect(**REVIEWERS)),
    ("feedback_form", lambda d: [d["token"]], "get", expect(default=200, anonymous=200)),
    ("feedback_form", lambda d: ["made-up"], "get", expect(anonymous=404)),
]
PUBLIC = {"feedback_form"}


def _state():
    return (list(SelfAssessment.objects.order_by("pk").values_list("pk", "state", "lock_version", "field_versions")),
            Activity.objects.count())


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, args, method, expected", MATRIX, ids=[f"{row[0]}-{i}" for i, row in enumerate(MATRIX)])
def test_assessment_permission_matrix(client, world, persona, name, args, method, expected):
    if persona != "anonymous":
        client.force_login(world["people"][persona])
    before = _state()
    response = getattr(client, method)(reverse(name, args=args(world)))
    assert response.status_code == expected[persona], f"{persona} {method.upper()} {name}"
    if persona == "anonymous" and name not in PUBLIC:
        assert response.url.startswith(reverse("account_login"))
    if name not in ("activity_delete", "evidence_remove"):
        # Empty POSTs and reads change nothing, whoever sends them.
        assert _state() == before


def test_every_assessment_url_is_in_the_matrix():
    untested = set(url_names(urlpatterns)) - {row[0] for row in MATRIX}
    assert not untested, f"Some assessment URLs are untested in the permission matrix: {sorted(untested)}"
