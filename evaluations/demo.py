"""Demo evaluations, called once by `portal.demo.seed_demo` after the programmes are loaded.

- Both demo tenants get an open 2026 cycle and a published 2026 programme that applies to
  their demo cadre (canbo.*), who has NO registration yet: the demo walk starts from zero.
- Each demo Bí thư (bithu.*) finds one of each kind of form in their inbox: registrations
  to review, an amendment, a self-assessment to propose and a rating to finalise (the
  join request and the unit report are seeded by `cadres.demo` and `reports.demo`).
- In the same unit, the ratings of one or two more cadres were decided together by the
  BTV above it, after the collective's meeting (the batch page's work, with its minutes).
- An Giang has a CLOSED 2025 cycle in which all 402 cadres of Huyện Đoàn Chợ Mới (41 đoàn
  cơ sở) hold an approved registration, as seed 001 reports (402/402 = 100%).

Idempotent: every step looks for what it would create first.
"""

import datetime

from django.db.models import Q
from django.utils import timezone, translation

from cadres.actors import SYSTEM
from cadres.demo import DemoBuilder
from cadres.models import Cadre, Position, PositionRole, Tenant, Unit, User
from cadres.selectors import cadres_in_subtree, nearest_deciders
from cadres.services.people import position_create
from cadres.transitions import can_act
from evaluations.forms.drafts import GAINS_FIELDS
from evaluations.kinds import YEARLY_SELF_ASSESSMENT
from evaluations.models import (
    AssessmentState,
    Commitment,
    Cycle,
    CycleStatus,
    FormAction,
    FormEvent,
    Rating,
    Registration,
    RegistrationState,
    ResultOutcome,
    SelfAssessment,
)
from evaluations.services.assessments import self_assessment_autosave, self_assessment_start
from evaluations.services.cycles import cycle_close, cycle_open, default_dates
from evaluations.services.ratings import MeetingDetails
from evaluations.services.registrations import registration_autosave, registration_start
from evaluations.workflow import (
    Decision,
    registration_amend,
    registration_approve,
    registration_submit,
    self_assessment_propose,
    self_assessment_submit,
    self_assessments_finalise_batch,
)
from models_registry.content import content_of, write_content
from models_registry.models import CriteriaGroup, CriterionKind, Programme, ProgrammeStatus
from models_registry.selectors import audience_for, criteria_for_audience, deciding_position
from models_registry.services import criterion_create, programme_create, programme_publish

OPEN_YEAR, CLOSED_YEAR = 2026, 2025
AN_GIANG_SEED = "an-giang-2023-3-can-5-quyet-tam"
CAN_THO_SEED = "can-tho-2023-can-bo-doan-trach-nhiem"
NINH_KIEU_KEY = "demo-ninh-kieu-2026"
AN_GIANG_KEY = "demo-cho-moi-2025-2026"
# Commune committee members who also sit in Chi đoàn ấp Mỹ Hòa, so its Bí thư has forms
# to review without adding cadres to Chợ Mới's 402. In `_inbox_for_bi_thu`'s order: two
# registrations, then an amendment, a self-assessment and a proposed rating.
MY_HOA_MEMBERS = [f"ag.cm-x05.{n}@example.com" for n in (4, 5, 6, 7, 8)]
TAN_AN_MEMBERS = [f"ct.q01-p01.uv{n}@example.com" for n in (1, 2, 3, 4, 5)]
# Whose ratings the collective decided at its meeting (`_decided_together`).
MY_HOA_DECIDED = ["ag.cm-x05.3@example.com"]
TAN_AN_DECIDED = [f"ct.q01-p01.uv{n}@example.com" for n in (6, 7)]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _dates(year: int) -> dict:
    """The default dates, moved to within a month from today when they have passed (a demo
    run late in the year must still let the cadre register), never past 31/12."""
    today, last = timezone.localdate(), datetime.date(year, 12, 31)
    soon = min(today + datetime.timedelta(days=30), last)
    return {key: max(value, soon) if today.year == year else value for key, value in default_dates(year).items()}


def _open_cycle(tenant: Tenant, year: int, staff: User) -> Cycle:
    existing = Cycle.objects.filter(tenant=tenant, year=year).first()
    return existing or cycle_open(tenant=tenant, year=year, acting_user=staff, **_dates(year))


def _an_giang_programme(tenant: Tenant) -> Programme:
    """Seed 001 renewed by Huyện Đoàn Chợ Mới for 2025–2026: the 2023 text in a programme of
    its own (the 2023 document stays published as it was)."""
    existing = Programme.objects.filter(tenant=tenant, seed_key=AN_GIANG_KEY).first()
    if existing is not None:
        return existing
    seed = Programme.objects.get(tenant=tenant, seed_key=AN_GIANG_SEED, status=ProgrammeStatus.PUBLISHED)
    programme = programme_create(owner_unit=seed.owner_unit, name=seed.name, start_year=CLOSED_YEAR,
                                 end_year=OPEN_YEAR, description=seed.description, sectors=seed.sectors, acting_user=SYSTEM)
    programme.seed_key = AN_GIANG_KEY
    programme.save(update_fields=["seed_key"])
    write_content(programme, content_of(seed, inherit=False))
    programme_publish(programme=programme, expected_version=programme.lock_version, enforce_similarity=False, acting_user=SYSTEM)
    return programme


def _ninh_kieu_programme(tenant: Tenant) -> Programme:
    """Quận Đoàn Ninh Kiều's 2026 programme for every khối, inheriting seed 002 (khối CCVC)
    and adding a criterion of its own (không rập khuôn)."""
    existing = Programme.objects.filter(tenant=tenant, seed_key=NINH_KIEU_KEY).first()
    if existing is not None:
        return existing
    parent = Programme.objects.get(tenant=tenant, seed_key=CAN_THO_SEED, status=ProgrammeStatus.PUBLISHED)
    owner = Unit.objects.get(tenant=tenant, code="Q01")
    programme = programme_create(owner_unit=owner, name="Cán bộ Đoàn trách nhiệm – Quận Đoàn Ninh Kiều",
                                 start_year=OPEN_YEAR, end_year=OPEN_YEAR, parent=parent,
                                 description="Triển khai mô hình của Thành đoàn tại Quận Ninh Kiều, mọi khối.",
                                 acting_user=SYSTEM)
    programme.seed_key = NINH_KIEU_KEY
    programme.save(update_fields=["seed_key"])
    group = CriteriaGroup.objects.filter(programme=programme).order_by("position").first()
    criterion_create(group=group, expected_version=programme.lock_version,
                     title="Sâu sát khu vực: dự sinh hoạt chi đoàn khu vực", kind=CriterionKind.QUANTITATIVE,
                     guidance="Dự ít nhất một buổi sinh hoạt của chi đoàn khu vực mỗi tháng, ghi nhận ý kiến.",
                     target=1, measure="meetings", period="month", activity_kinds=["branch_meeting"], acting_user=SYSTEM)
    programme.refresh_from_db()
    programme_publish(programme=programme, expected_version=programme.lock_version, enforce_similarity=False, acting_user=SYSTEM)
    return programme


def _submitted(cycle: Cycle, programme: Programme, cadre: Cadre) -> None:
    """A complete registration submitted through the services, as the cadre would."""
    registration = registration_start(cycle=cycle, programme=programme, cadre=cadre, acting_user=cadre.user)
    if registration.state != RegistrationState.DRAFT:
        return
    for commitment in registration.commitments.select_related("criterion"):
        key = f"commitment.{commitment.criterion_id}"
        for name, value in (("text", f"Tôi cam kết: {commitment.criterion.title.rstrip('.')}."),
                            ("measures", "Lập kế hoạch từng tháng, báo cáo kết quả với Bí thư.")):
            registration_autosave(registration=registration, field=f"{key}.{name}", value=value,
                                  expected_version=registration.field_versions.get(f"{key}.{name}", 0),
                                  acting_user=cadre.user)
    registration.refresh_from_db()
    registration_submit(registration=registration, acting_user=cadre.user, expected_version=registration.lock_version)


def _approved(cycle: Cycle, programme: Programme, cadre: Cadre, reviewer: User) -> Registration:
    _submitted(cycle, programme, cadre)
    registration = Registration.objects.get(cycle=cycle, cadre=cadre, programme=programme, revision=1)
    if registration.state == RegistrationState.SUBMITTED:
        registration_approve(registration=registration, acting_user=reviewer,
                             expected_version=registration.lock_version)
        registration.refresh_from_db()
    return registration


def _amended(registration: Registration) -> None:
    """The approved registration amended (one more measure) and sent for review again."""
    user = registration.cadre.user
    amendment = Registration.objects.filter(previous=registration).first()
    if amendment is None:
        amendment = registration_amend(registration=registration, acting_user=user,
                                       expected_version=registration.lock_version)
        commitment = amendment.commitments.order_by("position").first()
        if commitment is not None:
            key = f"commitment.{commitment.criterion_id}.measures"
            registration_autosave(registration=amendment, field=key, value="Thêm một buổi sinh hoạt mỗi quý.",
                                  expected_version=amendment.field_versions.get(key, 0), acting_user=user)
            amendment.refresh_from_db()
    if amendment.state == RegistrationState.DRAFT:
        registration_submit(registration=amendment, acting_user=user, expected_version=amendment.lock_version)


def _self_assessed(registration: Registration) -> SelfAssessment:
    """The yearly self-assessment filled and submitted, as the cadre would."""
    user = registration.cadre.user
    form = self_assessment_start(registration=registration, acting_user=user)
    if form.state != AssessmentState.DRAFT:
        return form
    answers = {}
    for result in form.results.select_related("commitment__criterion"):
        key, kind = f"result.{result.commitment.criterion_id}", result.commitment.criterion.kind
        # A yes/no criterion done, a prohibition kept (nothing to tell), the rest in the cadre's words.
        if kind == CriterionKind.YES_NO:
            answers[f"{key}.outcome"] = ResultOutcome.MET
        elif kind == CriterionKind.PROHIBITION:
            answers[f"{key}.outcome"] = ResultOutcome.KEPT
            continue
        answers[f"{key}.result"] = "Đã thực hiện đầy đủ, có minh chứng trong sổ."
    answers.update(strengths="Nhiệt tình, sâu sát đoàn viên.", weaknesses="Chưa chủ động báo cáo định kỳ.",
                   self_rating=Rating.GOOD)
    if registration.cadre.is_civil_servant:
        answers.update({name: "yes" for name in GAINS_FIELDS})
    for field, value in answers.items():
        self_assessment_autosave(self_assessment=form, field=field, value=value,
                                 expected_version=form.field_versions.get(field, 0), acting_user=user)
        form.refresh_from_db()
    self_assessment_submit(self_assessment=form, acting_user=user, expected_version=form.lock_version)
    form.refresh_from_db()
    return form


def _member(unit: Unit, email: str) -> Cadre:
    """The cadre, sitting in the unit as a UV BCH too."""
    cadre = Cadre.objects.get(tenant=unit.tenant, email=email)
    if not Position.objects.active().filter(cadre=cadre, unit=unit).exists():
        position_create(cadre=cadre, unit=unit, role=PositionRole.EXECUTIVE_MEMBER, start_date=datetime.date(2024, 1, 1),
                        acting_user=SYSTEM)
    return cadre


def _bi_thu(unit: Unit) -> User:
    return Position.objects.active().get(unit=unit, role=PositionRole.SECRETARY).cadre.user


def _inbox_for_bi_thu(cycle: Cycle, programme: Programme, unit: Unit, emails: list[str]) -> None:
    """The unit's Bí thư finds one of each kind of form waiting for them."""
    reviewer = _bi_thu(unit)
    *to_review, to_amend, to_propose, to_rate = [_member(unit, email) for email in emails]
    for cadre in to_review:
        _submitted(cycle, programme, cadre)
    _amended(_approved(cycle, programme, to_amend, reviewer))
    _self_assessed(_approved(cycle, programme, to_propose, reviewer))
    rated = _self_assessed(_approved(cycle, programme, to_rate, reviewer))
    if rated.state == AssessmentState.SUBMITTED:
        self_assessment_propose(self_assessment=rated, rating=Rating.GOOD, comment="Hoàn thành tốt nhiệm vụ.",
                                acting_user=reviewer, expected_version=rated.lock_version)


def _decided_together(cycle: Cycle, programme: Programme, unit: Unit, emails: list[str]) -> None:
    """The cadres' yearly ratings, proposed by the unit's Bí thư, decided at once by the BTV
    told of them (the nearest who may finalise) after the collective's kiểm điểm meeting."""
    reviewer = _bi_thu(unit)
    waiting = []
    for email in emails:
        form = _self_assessed(_approved(cycle, programme, _member(unit, email), reviewer))
        if form.state == AssessmentState.SUBMITTED:
            form = self_assessment_propose(self_assessment=form, rating=Rating.GOOD, comment="Hoàn thành tốt nhiệm vụ.",
                                           acting_user=reviewer, expected_version=form.lock_version)
        if form.state == AssessmentState.PROPOSED:
            waiting.append(form)
    if not waiting:
        return
    btv = nearest_deciders(unit, lambda user: can_act(YEARLY_SELF_ASSESSMENT.flow, waiting[0], FormAction.FINALISE,
                                                      user), exclude=reviewer)[0]
    meeting = MeetingDetails(held_on=min(timezone.localdate(), datetime.date(cycle.year, 11, 28)),
                             minutes_number="04-BB/ĐTN", members_present=7, members_agreeing=7)
    self_assessments_finalise_batch(
        unit=unit, meeting=meeting, acting_user=btv,
        decisions=[Decision(form.pk, form.lock_version, Rating.GOOD, "Tập thể thống nhất mức đề xuất.")
                   for form in waiting])


def _approved_2025(cycle: Cycle, programme: Programme, district: Unit, reviewer: User) -> int:
    """Every cadre of the district holds an approved 2025 registration.

    Written in bulk (four statements, not ~20,000 service calls) so `make run` stays fast:
    the rows are what the services would have left, with their timeline; this is seeded
    history, so it carries no audit rows of its own."""
    cadres = [c for c in cadres_in_subtree(district) if not Registration.objects.filter(cycle=cycle, cadre=c).exists()]
    submitted = timezone.make_aware(datetime.datetime(CLOSED_YEAR, 3, 10, 9, 0))
    approved = submitted + datetime.timedelta(days=7)
    criteria_by_audience, forms, plans = {}, [], []
    with translation.override("vi"):
        for cadre in cadres:
            position = deciding_position(programme, cadre)
            audience_key = (position.unit.level, position.role, cadre.is_full_time, cadre.is_civil_servant)
            if audience_key not in criteria_by_audience:
                criteria_by_audience[audience_key] = criteria_for_audience(programme, audience_for(programme, cadre))
            forms.append(Registration(
                tenant_id=cycle.tenant_id, cycle=cycle, cadre=cadre, programme=programme, unit=position.unit,
                role=position.role, state=RegistrationState.APPROVED, lock_version=2, full_name=cadre.full_name,
                birth_date=cadre.birth_date, union_position=f"{position.get_role_display()} {position.unit.name}",
                job_title=cadre.job_title, unit_name=position.unit.name, submitted_at=submitted,
                approved_at=approved, approved_by=reviewer))
            plans.append(criteria_by_audience[audience_key])
    Registration.objects.bulk_create(forms)
    Commitment.objects.bulk_create(
        Commitment(tenant_id=cycle.tenant_id, registration=form, criterion=item.criterion, position=index,
                   text=f"Tôi cam kết: {item.criterion.title.rstrip('.')}.", minimum=item.target, target=item.target,
                   measures="Lập kế hoạch từng tháng, báo cáo kết quả với Bí thư.")
        for form, applicable in zip(forms, plans) for index, item in enumerate(applicable, start=1)
    )
    FormEvent.objects.bulk_create(
        [FormEvent(tenant_id=cycle.tenant_id, form=form, actor=form.cadre.user, action=FormAction.SUBMIT,
                   from_state=RegistrationState.DRAFT, to_state=RegistrationState.SUBMITTED) for form in forms]
        + [FormEvent(tenant_id=cycle.tenant_id, form=form, actor=reviewer, action=FormAction.APPROVE,
                     from_state=RegistrationState.SUBMITTED, to_state=RegistrationState.APPROVED) for form in forms]
    )
    # auto_now_add stamped today: put the history back in March 2025.
    ids = [form.pk for form in forms]
    Registration.objects.filter(pk__in=ids).update(created_at=submitted)
    FormEvent.objects.filter(registration__in=ids, action=FormAction.SUBMIT).update(created_at=submitted)
    FormEvent.objects.filter(registration__in=ids, action=FormAction.APPROVE).update(created_at=approved)
    return len(forms)


def seed_evaluations() -> None:
    """Run inside seed_demo's transaction, with scopes disabled."""
    an_giang, can_tho = Tenant.objects.get(slug="an-giang"), Tenant.objects.get(slug="can-tho")
    ag_staff, ct_staff = _user("tinh.angiang@example.com"), _user("tinh.cantho@example.com")

    ag_programme = _an_giang_programme(an_giang)
    ag_cycle = _open_cycle(an_giang, OPEN_YEAR, ag_staff)
    my_hoa = Unit.objects.get(tenant=an_giang, code="CM-X05-A1")
    _inbox_for_bi_thu(ag_cycle, ag_programme, my_hoa, MY_HOA_MEMBERS)
    _decided_together(ag_cycle, ag_programme, my_hoa, MY_HOA_DECIDED)
    if not Cycle.objects.filter(tenant=an_giang, year=CLOSED_YEAR).exists():
        closed = cycle_open(tenant=an_giang, year=CLOSED_YEAR, acting_user=ag_staff)
        cho_moi = Unit.objects.get(tenant=an_giang, code="CM")
        _approved_2025(closed, ag_programme, cho_moi, _user("huyen.angiang@example.com"))
        cycle_close(cycle=closed, acting_user=ag_staff)

    ct_programme = _ninh_kieu_programme(can_tho)
    ct_cycle = _open_cycle(can_tho, OPEN_YEAR, ct_staff)
    tan_an = Unit.objects.get(tenant=can_tho, code="Q01-P01")
    _add_can_tho_members(can_tho)
    _inbox_for_bi_thu(ct_cycle, ct_programme, tan_an, TAN_AN_MEMBERS)
    _decided_together(ct_cycle, ct_programme, tan_an, TAN_AN_DECIDED)
    assert not Registration.objects.filter(
        Q(cadre__email="canbo.angiang@example.com") | Q(cadre__email="canbo.cantho@example.com"),
        cycle__status=CycleStatus.OPEN).exists()


def _add_can_tho_members(tenant: Tenant) -> None:
    """Seven UV BCH of Đoàn phường Tân An (Cần Thơ has no fixed head count to keep)."""
    emails = TAN_AN_MEMBERS + TAN_AN_DECIDED
    if Cadre.objects.filter(tenant=tenant, email__in=emails).count() == len(emails):
        return
    builder = DemoBuilder(tenant, "example.com", rng_seed=26)
    for email in emails:
        builder.cadre("Q01-P01", PositionRole.EXECUTIVE_MEMBER, email)
