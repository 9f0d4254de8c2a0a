"""An evaluation world built through the services: a tenant A (root → D1 → G1 → B1, and
D2 → G2), a programme of the root with one qualitative and two quantitative criteria,
cadres in each role, an open cycle; and a foreign tenant B."""

import datetime
from types import SimpleNamespace

import factory
from django.utils import timezone

from cadres.models import GrantRole, PositionRole
from evaluations.models import Cycle
from evaluations.services import unit_forms
from evaluations.services.registrations import registration_autosave, registration_start
from evaluations.workflow import registration_approve, registration_submit
from models_registry.models import Criterion
from tests.cadres.factories import CadreFactory, GrantFactory, UserFactory, province_pair
from tests.models_registry.factories import ProgrammeFactory, qualitative, quantitative

YEAR = timezone.localdate().year
RESPONSIBILITY = "Trách nhiệm"
HOURS = "Giờ tình nguyện mỗi tuần"
MEETINGS = "Hoạt động hoặc sinh hoạt chi đoàn mỗi tháng"

GROUPS = [
    dict(title="Ba trọng tâm", criteria=[qualitative(RESPONSIBILITY, "Hoàn thành nhiệm vụ được giao")]),
    dict(title="Chỉ tiêu định lượng", criteria=[
        quantitative(HOURS, 2, measure="hours", period="week", kinds=["volunteer_hours"]),
        quantitative(MEETINGS, 3, measure="activities", period="month",
                     kinds=["volunteer_activity", "branch_meeting"]),
    ]),
]


class CycleFactory(factory.django.DjangoModelFactory):
    """An open cycle whose deadlines all lie ahead."""

    class Meta:
        model = Cycle

    year = YEAR
    registration_closes = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    self_assessment_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=40))
    review_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=50))
    unit_report_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


# One criterion of each kind answered by an outcome (Cần Thơ's seed 002): `world(groups=WITH_OUTCOMES)`.
UNIFORM = "Mặc áo Thanh niên vào thứ Hai"
ALCOHOL = "Uống rượu, bia trong giờ làm việc"
WITH_OUTCOMES = [*GROUPS, dict(title="Nền nếp", criteria=[
    dict(title=UNIFORM, kind="yes_no", guidance="Thứ Hai hằng tuần và khi dự họp."),
    dict(title=ALCOHOL, kind="prohibition"),
])]


def world(groups=GROUPS) -> SimpleNamespace:
    tree = province_pair()
    programme = ProgrammeFactory(owner_unit=tree["root"], start_year=YEAR, end_year=YEAR, groups=groups,
                                 publish=True)
    criteria = {c.title: c for c in Criterion.objects.filter(group__programme=programme)}
    member = CadreFactory(unit=tree["b1"], role=PositionRole.EXECUTIVE_MEMBER, full_name="Trần Thị Mai")
    secretary = CadreFactory(unit=tree["b1"], role=PositionRole.SECRETARY, full_name="Lê Văn Bình")
    deputy = CadreFactory(unit=tree["b1"], role=PositionRole.DEPUTY_SECRETARY, full_name="Phạm Thu Hà")
    GrantFactory(unit=tree["b1"], user=deputy.user, role=GrantRole.REVIEWER)
    g1_secretary = CadreFactory(unit=tree["g1"], role=PositionRole.SECRETARY, full_name="Võ Minh Tâm")
    sibling = CadreFactory(unit=tree["g2"], role=PositionRole.SECRETARY, full_name="Đỗ Văn Khác")
    foreign = CadreFactory(unit=tree["foreign"], role=PositionRole.SECRETARY, full_name="Ngô Văn Ngoại")
    provincial = GrantFactory(unit=tree["root"], role=GrantRole.PROVINCIAL_STAFF).user
    cycle = CycleFactory(tenant=tree["root"].tenant)
    return SimpleNamespace(**tree, programme=programme, criteria=criteria, cycle=cycle, member=member,
                           secretary=secretary, deputy=deputy, g1_secretary=g1_secretary, sibling=sibling,
                           foreign_cadre=foreign, provincial=provincial)


# The people of a permission matrix on `world()`, after "anonymous".
WORLD_PERSONAS = ["anonymous", "outsider", "member", "secretary", "deputy", "manager", "sibling", "provincial",
                  "foreign"]


def world_people(w) -> dict:
    """One account per persona of `WORLD_PERSONAS`: B1's member, Bí thư and deputy (a reviewer),
    G1's Bí thư (the manager), G2's, provincial staff, B's D1 Bí thư and an outsider."""
    return {"outsider": UserFactory(), "member": w.member.user, "secretary": w.secretary.user,
            "deputy": w.deputy.user, "manager": w.g1_secretary.user, "sibling": w.sibling.user,
            "provincial": w.provincial, "foreign": w.foreign_cadre.user}


def fill_registration(registration, user) -> None:
    """Write every field a complete registration needs, through autosave."""
    for commitment in registration.commitments.select_related("criterion"):
        key = f"commitment.{commitment.criterion_id}"
        for name, value in (("text", f"Tôi cam kết: {commitment.criterion.title}"), ("measures", "Lập kế hoạch")):
            version = registration.field_versions.get(f"{key}.{name}", 0)
            registration_autosave(registration=registration, field=f"{key}.{name}", value=value,
                                  expected_version=version, acting_user=user)


def submitted_registration(w, cadre=None):
    cadre = cadre or w.member
    registration = registration_start(cycle=w.cycle, programme=w.programme, cadre=cadre, acting_user=cadre.user)
    fill_registration(registration, cadre.user)
    registration.refresh_from_db()
    return registration_submit(registration=registration, acting_user=cadre.user,
                               expected_version=registration.lock_version)


def approved_registration(w, cadre=None, reviewer=None, on: datetime.date | None = None):
    """Approved by the reviewer, dated `on` (1 January of the cycle's year unless given): the
    activity log counts from the approval, and the tests log from January on."""
    registration = submitted_registration(w, cadre)
    registration = registration_approve(registration=registration, acting_user=(reviewer or w.secretary).user,
                                        expected_version=registration.lock_version)
    registration.approved_at = timezone.make_aware(datetime.datetime.combine(on or datetime.date(YEAR, 1, 1),
                                                                             datetime.time(9)))
    type(registration).objects.filter(pk=registration.pk).update(approved_at=registration.approved_at)
    return registration


# --- A unit's forms (seed 003's "Chi đoàn 3 có") ------------------------------------------

THREE_HAVES = [dict(title="3 có", criteria=[
    dict(title="Chi đoàn có cán bộ Đoàn", kind="yes_no"),
    quantitative("Chi đoàn có sinh hoạt Đoàn", 1, measure="meetings", period="month", kinds=["branch_meeting"]),
])]
UNIT_STAGES = ("draft", "filled", "submitted", "approved", "assessment", "assessment_filled", "assessment_submitted")


def unit_programme(owner, name: str = "Chi đoàn 3 có"):
    return ProgrammeFactory(owner_unit=owner, name=name, subject="units", start_year=YEAR, end_year=YEAR,
                            groups=THREE_HAVES, publish=True)


def unit_form(w, stage: str, programme=None):
    """B1's form under a unit programme, taken to `stage` by its Bí thư (`w.secretary`) and
    G1's Bí thư (the parent's BTV): a registration up to "approved", then its self-assessment."""
    services = unit_forms
    programme = programme or unit_programme(w.root)
    secretary, btv = w.secretary.user, w.g1_secretary.user
    form = services.unit_registration_start(cycle=w.cycle, programme=programme, unit=w.b1, acting_user=secretary)
    reached = UNIT_STAGES.index(stage)
    if reached >= 1:
        entries = {c.criterion_id: {"text": "Kiện toàn BCH", "measures": "Họp chi đoàn hằng tháng", "target": c.target}
                   for c in form.commitments.all()}
        form = services.unit_registration_save(registration=form, entries=entries, acting_user=secretary,
                                               expected_version=form.lock_version)
    if reached >= 2:
        services.unit_registration_submit(registration=form, acting_user=secretary, expected_version=form.lock_version)
        form.refresh_from_db()
    if reached >= 3:
        services.unit_registration_approve(registration=form, acting_user=btv, expected_version=form.lock_version)
        form.refresh_from_db()
    if reached < 4:
        return form
    assessment = services.unit_assessment_start(registration=form, acting_user=secretary)
    if reached >= 5:
        entries = {}
        for result in assessment.results.select_related("commitment__criterion"):
            quantitative_ = result.commitment.criterion.kind == "quantitative"
            entries[result.commitment.criterion_id] = (
                {"actual_value": 1, "change_reason": "Theo sổ sinh hoạt chi đoàn", "result": "Sinh hoạt đều"}
                if quantitative_ else {"outcome": "met", "result": "Có"})
        assessment = services.unit_assessment_save(assessment=assessment, entries=entries, acting_user=secretary,
                                                   expected_version=assessment.lock_version)
    if reached >= 6:
        services.unit_assessment_submit(assessment=assessment, acting_user=secretary,
                                        expected_version=assessment.lock_version)
        assessment.refresh_from_db()
    return assessment
