"""Who reaches which activity-log, self-assessment and feedback URL: every URL of
evaluations/urls/assessments.py, every persona, the status.

A URL added there and missing here fails `test_every_url_is_in_the_matrix`.
Out of reach is a 404 alike (a sibling's or another province's form or file, someone
else's form to edit, a review action by someone who does not review); anonymous visitors
go to the login page, except on the public feedback form. Every POST carries a valid
payload (`PROOFS`), on a form in the state its action starts from: an allowed cell proves
the change is in the database (the form moved, the row was written or removed), a refused
one that nothing changed.
"""

import datetime
import io
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cadres.models import PositionRole
from evaluations.models import (
    Activity,
    Club,
    ClubMember,
    Commendation,
    CommendationGround,
    EvidenceFile,
    Feedback,
    FeedbackRequest,
    FeedbackSource,
    Initiative,
    Rating,
    RatingMeeting,
    SelfAssessment,
)
from evaluations.services.activities import activity_log, initiative_log
from evaluations.services.assessments import evidence_add, self_assessment_start
from evaluations.services.feedback import feedback_request_create
from evaluations.urls.assessments import urlpatterns
from evaluations.workflow import self_assessment_propose
from models_registry.models import ActivityKind
from tests.cadres.factories import CadreFactory
from tests.conftest import shared
from tests.evaluations.factories import (
    HOURS,
    WORLD_PERSONAS,
    YEAR,
    approved_registration,
    world as evaluation_world,
    world_people,
)
from tests.evaluations.test_self_assessment import complete, submitted
from tests.permissions import Proof, counted, expectations, matrix_tests, moved

pytestmark = pytest.mark.django_db

PERSONAS = WORLD_PERSONAS


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG")
    return SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(scope="module")
def world_once(module_db):
    w = evaluation_world()
    people = world_people(w)
    registration = approved_registration(w)
    draft = self_assessment_start(registration=registration, acting_user=w.member.user)
    day = min(datetime.date(YEAR, 1, 5), timezone.localdate())
    activity = activity_log(cadre=w.member, kind=ActivityKind.VOLUNTEER_ACTIVITY, date=day, photo=png(),
                            acting_user=w.member.user)
    initiative = initiative_log(cadre=w.member, title="Sáng kiến", date=day, document=png(),
                                acting_user=w.member.user)
    evidence = evidence_add(self_assessment=draft, criterion_id=w.criteria[HOURS].pk, upload=png(),
                            acting_user=w.member.user)
    complete(w, draft, w.member.user)  # every field filled: submitting it is a valid request
    _request, token = feedback_request_create(cycle=w.cycle, cadre=w.member, source=FeedbackSource.MEMBER,
                                              acting_user=w.secretary.user, build_link=lambda token: token)
    # Two more cadres of Chi đoàn B1: a form awaiting its reviewer, one awaiting the BTV.
    waiting = submitted(w, CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name="Nguyễn Văn An"))
    to_rate = submitted(w, CadreFactory(unit=w.b1, role=PositionRole.EXECUTIVE_MEMBER, full_name="Lý Thị Bảo"))
    proposed = self_assessment_propose(self_assessment=to_rate, rating=Rating.GOOD, comment="Đề xuất",
                                       acting_user=w.secretary.user, expected_version=to_rate.lock_version)
    proposal = Commendation.objects.create(tenant=w.root.tenant, cycle=w.cycle, unit=w.g1, cadre=w.deputy,
                                           ground=CommendationGround.RATING)
    club = Club.objects.create(tenant=w.root.tenant, unit=w.g1, name="CLB Bí thư Chi đoàn")
    old_club = Club.objects.create(tenant=w.root.tenant, unit=w.g1, name="CLB Bí thư Chi đoàn khóa trước")
    membership = ClubMember.objects.create(tenant=w.root.tenant, club=old_club, cadre=w.secretary, joined_on=day)
    return {"w": w, "people": people, "proposal": proposal, "club": club, "membership": membership,
            "registration": registration, "draft": draft, "activity": activity, "initiative": initiative,
            "evidence": evidence, "token": token, "submitted": waiting,
            "proposed": proposed}


@pytest.fixture
def world(world_once, db):
    return shared(world_once)


expect = expectations(PERSONAS)


CADRES = expect(default=200, outsider=404, provincial=404)
CADRES_ACT = expect(default=302, outsider=404, provincial=404)
OWN = expect(member=200)
READERS = expect(member=200, secretary=200, deputy=200, manager=200, provincial=200)
REVIEWERS = dict(secretary=200, deputy=200)
BTV = dict(secretary=200, deputy=200, manager=200, provincial=200)
BTV_ACT = dict(secretary=302, deputy=302, manager=302, provincial=302)


def draft(d):
    return [d["draft"].pk]


def b1(d):
    return [d["w"].b1.tenant.slug, d["w"].b1.code]


def g1(d):
    return [d["w"].g1.tenant.slug, d["w"].g1.code]


def _proposal_state(d, user):
    return Commendation.objects.filter(pk=d["proposal"].pk).values_list("state", "lock_version").get()


def _proposal_version(d, user):
    return Commendation.objects.get(pk=d["proposal"].pk).lock_version


def initiative(d):
    return [d["draft"].pk, d["initiative"].pk]


MATRIX = [
    ("activity_list", lambda d: [], "get", CADRES),
    ("activity_create", lambda d: [], "get", CADRES),
    ("activity_create", lambda d: [], "post", CADRES_ACT),  # each cadre logs in their own log
    ("initiative_create", lambda d: [], "get", CADRES),
    ("initiative_create", lambda d: [], "post", CADRES_ACT),
    ("activity_delete", lambda d: [d["activity"].pk], "post", expect(member=302)),
    ("activity_photo", lambda d: [d["activity"].pk], "get", READERS),
    ("initiative_delete", lambda d: [d["initiative"].pk], "post", expect(member=302)),
    ("initiative_document", lambda d: [d["initiative"].pk], "get", READERS),
    ("self_assessment_start", lambda d: [d["registration"].pk], "get", OWN),
    ("self_assessment_start", lambda d: [d["registration"].pk], "post", expect(member=302)),  # a check-in
    ("self_assessment_detail", draft, "get", READERS),
    ("self_assessment_edit", draft, "get", OWN),
    ("self_assessment_autosave", draft, "post", OWN),
    ("self_assessment_submit", draft, "post", expect(member=302)),
    ("evidence_upload", draft, "post", expect(member=302)),
    ("evidence_download", lambda d: [d["evidence"].pk], "get", READERS),
    ("evidence_remove", lambda d: [d["evidence"].pk], "post", expect(member=302)),
    ("evidence_pick", draft, "post", expect(member=302)),
    ("self_assessment_return", lambda d: [d["submitted"].pk], "post", expect(secretary=302, deputy=302)),
    ("self_assessment_propose", lambda d: [d["submitted"].pk], "post", expect(secretary=302, deputy=302)),
    ("self_assessment_finalise", lambda d: [d["proposed"].pk], "post", expect(**BTV_ACT)),
    # The batch page of a unit's ratings: its managers decide the proposed ones at once.
    ("ratings_finalise_batch", b1, "get", expect(**BTV)),
    ("ratings_finalise_batch", b1, "post", expect(**BTV_ACT)),
    # The cadre's sáng kiến, decided on their self-assessment page by its reviewers and BTV;
    # the cadre and everyone else get a 404.
    ("initiative_recognise", initiative, "post", expect(**BTV_ACT)),
    ("initiative_refuse", initiative, "post", expect(**BTV_ACT)),
    # A unit's commendations: its managers (the xã's Bí thư, the province) propose and decide.
    ("commendations_unit", g1, "get", expect(manager=200, provincial=200)),
    ("commendation_propose", g1, "post", expect(manager=302, provincial=302)),
    ("commendation_decide", lambda d: [*g1(d), d["proposal"].pk], "post", expect(manager=302, provincial=302)),
    ("commendation_decline", lambda d: [*g1(d), d["proposal"].pk], "post", expect(manager=302, provincial=302)),
    # A unit's meetings and clubs: its managers record them.
    ("unit_meetings", g1, "get", expect(manager=200, provincial=200)),
    ("unit_meeting_create", g1, "post", expect(manager=302, provincial=302)),
    ("club_create", g1, "post", expect(manager=302, provincial=302)),
    ("club_member_add", lambda d: [*g1(d), d["club"].pk], "post", expect(manager=302, provincial=302)),
    ("club_member_leave", lambda d: [*g1(d), d["membership"].pk], "post", expect(manager=302, provincial=302)),
    ("feedback_request_create", draft, "get", expect(**REVIEWERS)),
    ("feedback_request_create", draft, "post", expect(**REVIEWERS)),  # the new link, shown once
    ("feedback_form", lambda d: [d["token"]], "get", expect(default=200, anonymous=200)),
    ("feedback_form", lambda d: [d["token"]], "post", expect(default=200, anonymous=200)),  # thanks
    ("feedback_form", lambda d: ["made-up"], "get", expect(anonymous=404)),
]
PUBLIC = {"feedback_form"}


def _form(d, key):
    return SelfAssessment.objects.get(pk=d[key].pk)


_form_state = partial(moved, SelfAssessment)


def _version(key):
    return lambda d, user: {"version": _form(d, key).lock_version}


def _autosave(d, user):
    version = _form(d, "draft").field_versions.get("strengths", 0)
    return {"field": "strengths", "strengths": "Luôn đi đầu trong phong trào tình nguyện", "v:strengths": version}




def _evidence(d, user):
    return EvidenceFile.objects.filter(result__self_assessment_id=d["draft"].pk).count()


def _proposed_rating(d, user):
    form = _form(d, "proposed")
    return {f"rating.{form.pk}": Rating.GOOD, f"version.{form.pk}": form.lock_version, f"comment.{form.pk}": "Nhất trí"}


def _initiative_state(d, user):
    return Initiative.objects.filter(pk=d["initiative"].pk).values_list("state", "lock_version").get()


def _decision(**fields):
    def payload(d, user):
        initiative = Initiative.objects.get(pk=d["initiative"].pk)
        return {**{f"initiative-{initiative.pk}-{name}": value for name, value in fields.items()},
                "version": initiative.lock_version}
    return payload


PROOFS = {
    "activity_create": Proof(lambda d, user: {"kind": ActivityKind.BRANCH_MEETING, "date": d["activity"].date},
                             counted(Activity)),
    "initiative_create": Proof(lambda d, user: {"title": "Sổ tay điện tử cho chi đoàn", "recognised_by": "Huyện Đoàn",
                                                "date": d["initiative"].date}, counted(Initiative)),
    "activity_delete": Proof(lambda d, user: {}, counted(Activity)),
    "initiative_delete": Proof(lambda d, user: {}, counted(Initiative)),
    "initiative_recognise": Proof(_decision(recognised_by="Ban Thường vụ Huyện Đoàn Một", decision_number="15-QĐ/HĐT",
                                            decision_date=timezone.localdate().isoformat()), _initiative_state),
    "initiative_refuse": Proof(_decision(comment="Chưa có quyết định công nhận"), _initiative_state),
    "self_assessment_start": Proof(lambda d, user: {"period": "q1"}, counted(SelfAssessment)),
    "self_assessment_autosave": Proof(_autosave, lambda d, user: _form(d, "draft").field_versions),
    "self_assessment_submit": Proof(_version("draft"), _form_state("draft")),
    "evidence_upload": Proof(lambda d, user: {"criterion": d["w"].criteria[HOURS].pk, "file": png()}, _evidence),
    "evidence_remove": Proof(lambda d, user: {}, _evidence),
    "evidence_pick": Proof(lambda d, user: {"criterion": d["w"].criteria[HOURS].pk,
                                            "source": f"activity:{d['activity'].pk}"}, _evidence),
    "self_assessment_return": Proof(lambda d, user: {**_version("submitted")(d, user),
                                                     "general_comment": "Bổ sung minh chứng giờ tình nguyện"},
                                    _form_state("submitted")),
    "self_assessment_propose": Proof(lambda d, user: {**_version("submitted")(d, user), "propose-rating": Rating.GOOD,
                                                      "propose-comment": "Hoàn thành tốt"}, _form_state("submitted")),
    "self_assessment_finalise": Proof(lambda d, user: {**_version("proposed")(d, user),
                                                       "finalise-rating": Rating.GOOD, "meeting-minutes_number": "03-BB"},
                                      _form_state("proposed")),
    "ratings_finalise_batch": Proof(_proposed_rating, _form_state("proposed")),
    "commendation_propose": Proof(lambda d, user: {"subject": f"cadre:{d['w'].member.pk}", "ground": "other",
                                                   "grounds": "Xung kích tình nguyện"}, counted(Commendation)),
    "commendation_decide": Proof(lambda d, user: {"version": _proposal_version(d, user), "decision_number": "15-QĐ/ĐTN",
                                                  "decision_date": timezone.localdate().isoformat()}, _proposal_state),
    "commendation_decline": Proof(lambda d, user: {"version": _proposal_version(d, user), "comment": "Chưa đủ"},
                                  _proposal_state),
    "unit_meeting_create": Proof(lambda d, user: {"purpose": "briefing", "held_on": timezone.localdate().isoformat(),
                                                  "place": "Hội trường xã", "attendees": [d["w"].secretary.pk]},
                                 counted(RatingMeeting)),
    "club_create": Proof(lambda d, user: {"name": "CLB Bí thư Chi đoàn mới"}, counted(Club)),
    "club_member_add": Proof(lambda d, user: {"cadre": d["w"].secretary.pk},
                             counted(ClubMember, club__name="CLB Bí thư Chi đoàn")),
    "club_member_leave": Proof(lambda d, user: {}, counted(ClubMember, left_on__isnull=True)),
    "feedback_request_create": Proof(lambda d, user: {"source": FeedbackSource.MEMBER, "email": ""},
                                     counted(FeedbackRequest)),
    "feedback_form": Proof(lambda d, user: {"text": "Anh chị luôn nhiệt tình với đoàn viên."}, counted(Feedback)),
}


def _snapshot():
    return (list(SelfAssessment.objects.order_by("pk").values_list("pk", "state", "lock_version", "field_versions")),
            Activity.objects.count(), FeedbackRequest.objects.count(), Feedback.objects.count())


test_permission_matrix, test_every_post_cell_carries_a_payload, test_every_url_is_in_the_matrix = matrix_tests(
    personas=PERSONAS, matrix=MATRIX, proofs=PROOFS, urlpatterns=urlpatterns, snapshot=_snapshot, public=PUBLIC)
