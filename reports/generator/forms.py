"""The forms and activity log of a generated province, written cadre chunk by cadre chunk.

Rows are what the evaluation services would have left (states, timestamps, timelines,
late flags, identity headers, results against targets), written in bulk: a hundred
thousand cadres through the services would take hours. Shares, over all cadres:
- registration (a1): none 1%, draft 1%, submitted 1.5%, returned 1%, an approved
  amendment (revision 1 superseded, revision 2 approved) 1%, approved the rest;
- yearly self-assessment (a2) of the approved ones: none 1%, draft 6%, submitted 10%,
  returned 4%, rating proposed 12%, finalised the rest (in all four ratings); one in ten
  with quarterly check-ins;
every state at least once whenever there are enough cadres.
"""

import datetime
import random
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone, translation

from cadres.models import PositionRole, UnitLevel
from evaluations.kinds import YEARLY_SELF_ASSESSMENT
from evaluations.models import (
    Activity,
    AssessmentPeriod,
    AssessmentState as A,
    Commitment,
    CommitmentResult,
    Cycle,
    FormAction as F,
    FormEvent,
    Initiative,
    InitiativeState,
    Rating,
    Registration,
    RegistrationState as R,
    ResultOutcome,
    SelfAssessment,
)
from models_registry.models import ActivityKind as K, CriterionKind
from reports.generator import names as N
from reports.generator.people import Person
from reports.generator.programmes import ProgrammeSet

NONE, AMENDED, REOPENED = "none", "amended", "reopened"
# A closed draft was filed under the tỉnh's programme before the huyện published its own; a
# reopened one was closed so and picked up again when the programme applied once more.
REGISTRATION_SHARES = [(NONE, 0.01), (R.DRAFT, 0.01), (R.SUBMITTED, 0.015), (R.RETURNED, 0.01), (AMENDED, 0.01),
                       (R.CLOSED, 0.003), (REOPENED, 0.001), (R.APPROVED, None)]
ASSESSMENT_SHARES = [(NONE, 0.01), (A.DRAFT, 0.06), (A.SUBMITTED, 0.10), (A.RETURNED, 0.04), (A.PROPOSED, 0.12),
                     (A.FINALISED, None)]
RATING_SHARES = [(Rating.EXCELLENT, 0.17), (Rating.GOOD, 0.55), (Rating.COMPLETED, 0.24), (Rating.NOT_COMPLETED, None)]
QUARTERLY_SHARE = 0.10
LATE_REGISTRATION, LATE_ASSESSMENT = 0.06, 0.05
TARGET_MET = 0.65
# Yes/no criteria done, prohibitions broken (what happened is then told).
DONE, BROKEN = 0.85, 0.04
CHUNK = 2000
STAMPED = (Registration, SelfAssessment, FormEvent, Activity, Initiative)


def quotas(rng: random.Random, n: int, shares) -> list[str]:
    """`n` labels in these shares (None: the rest), each at least once when n allows, shuffled."""
    counts = [max(1, round(n * share)) if share is not None else 0 for _label, share in shares]
    rest = n - sum(counts)
    if rest < 1:
        labels = [shares[i % len(shares)][0] for i in range(n)]
    else:
        counts = [count if share is not None else rest for count, (_label, share) in zip(counts, shares)]
        labels = [label for (label, _share), count in zip(shares, counts) for _ in range(count)]
    rng.shuffle(labels)
    return labels


@contextmanager
def own_timestamps(*models):
    """bulk_create stamps auto_now_add fields with now(); generated history brings its own."""
    fields = [model._meta.get_field("created_at") for model in models]
    for model_field in fields:
        model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field in fields:
            model_field.auto_now_add = True


class Clock:
    """Days and moments of the cycle's year, never after now."""

    def __init__(self, rng: random.Random, year: int, now: datetime.datetime, reference: datetime.date):
        self.rng, self.year, self.now, self.reference = rng, year, now, reference
        self.tz = timezone.get_current_timezone()

    def day(self, first: tuple[int, int], last: tuple[int, int]) -> datetime.date:
        start = datetime.date(self.year, *first)
        span = (datetime.date(self.year, *last) - start).days
        return start + datetime.timedelta(days=self.rng.randint(0, span))

    def at(self, day: datetime.date) -> datetime.datetime:
        moment = datetime.datetime(day.year, day.month, day.day, tzinfo=self.tz) + datetime.timedelta(
            seconds=self.rng.randint(7 * 3600, 21 * 3600))
        return min(moment, self.now)

    def after(self, moment: datetime.datetime, low: int, high: int) -> datetime.datetime:
        later = moment + datetime.timedelta(days=self.rng.randint(low, high), seconds=self.rng.randint(0, 36000))
        return min(later, self.now)


class FormWriter:
    def __init__(self, rng: random.Random, cycle: Cycle, programmes: ProgrammeSet, batch_size: int, tally):
        self.rng, self.cycle, self.programmes = rng, cycle, programmes
        self.tenant_id, self.batch_size, self.tally = cycle.tenant_id, batch_size, tally
        reference = min(timezone.localdate(), datetime.date(cycle.year, 12, 31))
        self.clock = Clock(rng, cycle.year, timezone.now(), reference)
        self.quarters = [q for q in (1, 2, 3, 4) if datetime.date(cycle.year, 3 * q - 2, 1) <= reference]
        with translation.override("vi"):
            self.role_labels = {role: str(label) for role, label in PositionRole.choices}
            self.amend_comment = str(translation.gettext("Amends revision %(n)d.") % {"n": 1})
            self.close_comment = str(translation.gettext("The programme “%(old)s” no longer applies to you.")
                                     % {"old": programmes.province.programme.name})
            self.kind_labels = {kind: str(label) for kind, label in K.choices}
        self.events: list[tuple[Registration | SelfAssessment, FormEvent]] = []  # the current chunk's timeline
        self.kinds = {criterion.pk: criterion.kind for plan in programmes.cadre_programmes
                      for group in plan.groups for criterion in group.criteria.all()}

    def write(self, people: list[Person], progress) -> None:
        rng = self.rng
        registration_states = quotas(rng, len(people), REGISTRATION_SHARES)
        approved = [i for i, state in enumerate(registration_states) if state in (R.APPROVED, AMENDED)]
        assessment_states = dict(zip(approved, quotas(rng, len(approved), ASSESSMENT_SHARES)))
        finalised = [i for i in approved if assessment_states[i] == A.FINALISED]
        ratings = dict(zip(finalised, quotas(rng, len(finalised), RATING_SHARES)))
        assessed = [i for i in approved if assessment_states[i] != NONE]
        quarterly = set(rng.sample(assessed, round(len(assessed) * QUARTERLY_SHARE)))
        with own_timestamps(*STAMPED):
            for start in range(0, len(people), CHUNK):
                indexes = range(start, min(start + CHUNK, len(people)))
                self._chunk([(people[i], registration_states[i], assessment_states.get(i, NONE), ratings.get(i),
                              i in quarterly) for i in indexes])
                progress(start + len(indexes))

    def _insert(self, label: str, model, rows: list) -> list:
        with self.tally.timed(label, len(rows)):
            return model.objects.bulk_create(rows, batch_size=self.batch_size)

    # --- one chunk ------------------------------------------------------------------------

    def _chunk(self, plans) -> None:
        self.events = []
        # (person, revision 1, the live revision, applicable criteria, yearly assessment state, rating, quarterly)
        filed = []
        firsts, amendments = [], []
        for person, state, assessment, rating, quarterly in plans:
            if state == NONE:
                continue
            plan = self.programmes.province if state == R.CLOSED else self.programmes.for_node(person.node)
            applicable = plan.applicable(person.node.level, person.role, person.is_full_time,
                                         person.is_civil_servant)
            first = self._registration(person, state, applicable, plan.programme)
            firsts.append(first)
            live = first
            if state == AMENDED:
                live = self._amendment(first)
                amendments.append(live)
            filed.append((person, first, live, applicable, assessment, rating, quarterly))
        self._insert("registrations", Registration, firsts)
        for amendment in amendments:
            amendment.previous_id = amendment.previous.pk
        self._insert("registrations", Registration, amendments)
        commitments = {}
        rows = []
        for _person, first, live, applicable, *_rest in filed:
            for form in dict.fromkeys([first, live]):
                commitments[form] = self._commitments(form, applicable)
                rows.extend(commitments[form])
        self._insert("commitments", Commitment, rows)
        assessments = []
        for person, _first, live, _applicable, state, rating, quarterly in filed:
            if state != NONE:
                assessments.append(self._assessment(person, live, AssessmentPeriod.YEAR, state, rating))
            if quarterly:
                for q in self.quarters[: self.rng.randint(1, len(self.quarters))]:
                    last = q == self.quarters[-1]
                    quarter_state = self.rng.choice([A.SUBMITTED, A.FINALISED, A.FINALISED, A.PROPOSED]
                                                    + ([A.DRAFT] if last else []))
                    assessments.append(self._assessment(person, live, f"q{q}", quarter_state, None))
        self._insert("self-assessments", SelfAssessment, assessments)
        self._insert("results", CommitmentResult,
                     [row for form in assessments for row in self._results(form, commitments[form.registration])])
        # Each event's form was inserted above: its new id is known now.
        for form, event in self.events:
            event.form = form
        self._insert("form events", FormEvent, [event for _form, event in self.events])
        activities, initiatives = [], []
        for person, *_rest in plans:
            activities.extend(self._activities(person))
            initiatives.extend(self._initiatives(person))
        self._insert("activities", Activity, activities)
        self._insert("initiatives", Initiative, initiatives)

    # --- registrations --------------------------------------------------------------------

    def _event(self, form, action: str, from_state: str, to_state: str, at, actor=None, **extra) -> None:
        self.events.append((form, FormEvent(tenant_id=self.tenant_id, actor=actor, action=action,
                                            from_state=from_state, to_state=to_state,
                                            is_late=form.is_late and action != F.CREATE, created_at=at, **extra)))

    def _return_comments(self, applicable) -> dict:
        picked = self.rng.sample(applicable, min(len(applicable), self.rng.randint(1, 2)))
        return {str(item.criterion.pk): self.rng.choice(N.RETURN_COMMENTS) for item in picked}

    def _registration(self, person: Person, state: str, applicable, programme) -> Registration:
        rng, clock, node = self.rng, self.clock, person.node
        late = state not in (R.DRAFT, R.CLOSED, REOPENED) and rng.random() < LATE_REGISTRATION
        created = clock.at(clock.day((1, 5), (3, 20)))
        leads = person.role in (PositionRole.SECRETARY, PositionRole.DEPUTY_SECRETARY)
        planned = rng.choice(N.INITIATIVES) if leads else ""
        form = Registration(
            tenant_id=self.tenant_id, cycle=self.cycle, cadre_id=person.pk, unit_id=node.pk, role=person.role,
            programme=programme, revision=1, is_late=late, created_at=created, planned_initiative=planned,
            state={AMENDED: R.SUPERSEDED, REOPENED: R.DRAFT}.get(state, state),
        )
        user = person.user
        self._event(form, F.CREATE, "", R.DRAFT, created, user)
        if state in (R.CLOSED, REOPENED):
            closed = clock.after(created, 5, 40)
            self._event(form, F.CLOSE, R.DRAFT, R.CLOSED, closed, comment=self.close_comment)
            if state == REOPENED:
                self._event(form, F.REOPEN, R.CLOSED, R.DRAFT, clock.after(closed, 1, 10), user)
            form.lock_version = 1 if state == R.CLOSED else 2
            return form
        if state == R.DRAFT:
            return form
        form.full_name, form.birth_date = person.full_name, person.profile["birth_date"]
        form.job_title = person.profile["job_title"]
        form.union_position, form.unit_name = f"{self.role_labels[person.role]} {node.name}", node.name
        submitted = clock.at(clock.day((4, 1), (4, 30))) if late else clock.after(created, 1, 10)
        self._event(form, F.SUBMIT, R.DRAFT, R.SUBMITTED, submitted, user)
        transitions = 1
        bounced = state == R.RETURNED or rng.random() < (0.3 if state == R.SUBMITTED else 0.15)
        if bounced:
            returned = clock.after(submitted, 2, 7)
            self._event(form, F.RETURN, R.SUBMITTED, R.RETURNED, returned, comment="Đề nghị đồng chí bổ sung.",
                        criterion_comments=self._return_comments(applicable))
            transitions += 1
            if state != R.RETURNED:
                submitted = clock.after(returned, 1, 5)
                self._event(form, F.RESUBMIT, R.RETURNED, R.SUBMITTED, submitted, user)
                transitions += 1
        form.submitted_at = submitted
        if state in (R.APPROVED, AMENDED):
            form.approved_at = clock.after(submitted, 1, 10)
            self._event(form, F.APPROVE, R.SUBMITTED, R.APPROVED, form.approved_at)
            transitions += 1 + (2 if state == AMENDED else 0)  # amend opened, then superseded
        form.lock_version = transitions
        return form

    def _amendment(self, first: Registration) -> Registration:
        clock = self.clock
        opened = clock.at(clock.day((6, 1), (8, 31)))
        fields = ("cycle", "cadre_id", "programme", "unit_id", "role", "full_name", "birth_date", "union_position",
                  "job_title", "unit_name", "planned_initiative", "is_late")
        form = Registration(tenant_id=self.tenant_id, revision=2, previous=first, state=R.APPROVED, created_at=opened,
                            lock_version=2, **{name: getattr(first, name) for name in fields})
        self._event(form, F.AMEND, R.APPROVED, R.DRAFT, opened, comment=self.amend_comment)
        form.submitted_at = clock.after(opened, 1, 5)
        self._event(form, F.SUBMIT, R.DRAFT, R.SUBMITTED, form.submitted_at)
        form.approved_at = clock.after(form.submitted_at, 1, 7)
        self._event(form, F.APPROVE, R.SUBMITTED, R.APPROVED, form.approved_at)
        return form

    def _commitments(self, form: Registration, applicable) -> list[Commitment]:
        rng, rows = self.rng, []
        for position, (criterion, minimum) in enumerate(applicable, start=1):
            target = minimum
            if minimum is not None and rng.random() < 0.2:
                target = minimum + (1 if minimum >= 2 else Decimal("0.5"))
            text = rng.choice(N.COMMITMENT_TEXTS).format(title=criterion.title,
                                                          title_lower=criterion.title[0].lower() + criterion.title[1:])
            rows.append(Commitment(tenant_id=self.tenant_id, registration_id=form.pk, criterion_id=criterion.pk,
                                   position=position, text=text, minimum=minimum, target=target,
                                   measures=rng.choice(N.MEASURES)))
        return rows

    # --- self-assessments -----------------------------------------------------------------

    def _assessment(self, person: Person, registration: Registration, period: str, state: str,
                    rating: str | None) -> SelfAssessment:
        rng, clock = self.rng, self.clock
        yearly = period in YEARLY_SELF_ASSESSMENT.periods
        if yearly:
            created = clock.at(clock.day((8, 1), (9, 20)))
        else:
            quarter_end = datetime.date(self.cycle.year + int(period[1]) // 4, 3 * int(period[1]) % 12 + 1, 1)
            created = clock.at(quarter_end + datetime.timedelta(days=rng.randint(0, 10)))
        late = yearly and state != A.DRAFT and rng.random() < LATE_ASSESSMENT
        form = SelfAssessment(tenant_id=self.tenant_id, cycle=self.cycle, cadre_id=person.pk, unit_id=person.node.pk,
                              role=person.role, registration=registration, period=period, state=state, is_late=late,
                              created_at=created)
        user = person.user
        self._event(form, F.CREATE, "", A.DRAFT, created, user)
        written = state != A.DRAFT or rng.random() < 0.5
        if yearly and written:
            form.strengths, form.weaknesses = rng.choice(N.STRENGTHS), rng.choice(N.WEAKNESSES)
            form.causes, form.remedies = rng.choice(N.CAUSES), rng.choice(N.REMEDIES)
            if person.is_civil_servant:
                gains = [True] * 4
                if rng.random() < 0.15:
                    gains[rng.randrange(4)] = False
                form.gains_people, form.gains_work, form.gains_organisation, form.gains_public = gains
            form.self_rating = rng.choices(Rating.values, weights=[25, 55, 18, 2])[0]
        if state == A.DRAFT:
            return form
        submitted = clock.at(clock.day((10, 1), (10, 20))) if late else clock.after(created, 1, 10)
        self._event(form, F.SUBMIT, A.DRAFT, A.SUBMITTED, submitted, user)
        transitions = 1
        if state == A.RETURNED or (state == A.SUBMITTED and rng.random() < 0.25):
            returned = clock.after(submitted, 2, 6)
            self._event(form, F.RETURN, A.SUBMITTED, A.RETURNED, returned, comment="Bổ sung minh chứng.")
            transitions += 1
            if state == A.SUBMITTED:
                submitted = clock.after(returned, 1, 4)
                self._event(form, F.RESUBMIT, A.RETURNED, A.SUBMITTED, submitted, user)
                transitions += 1
        form.submitted_at = submitted
        if state in (A.PROPOSED, A.FINALISED):
            final = rating or rng.choices(Rating.values, weights=[20, 55, 22, 3])[0]
            form.proposed_rating = final if rng.random() < 0.9 else form.self_rating or final
            form.reviewer_comment = "Đồng ý với tự đánh giá của đồng chí." if yearly else ""
            proposed = clock.after(submitted, 2, 8)
            self._event(form, F.PROPOSE, A.SUBMITTED, A.PROPOSED, proposed, comment=form.reviewer_comment)
            transitions += 1
            if state == A.FINALISED:
                form.final_rating, form.finalised_at = final, clock.after(proposed, 2, 10)
                form.collective_comment = "Tập thể Ban Chấp hành thống nhất." if yearly else ""
                self._event(form, F.FINALISE, A.PROPOSED, A.FINALISED, form.finalised_at)
                transitions += 1
        form.lock_version = transitions
        return form

    def _results(self, form: SelfAssessment, commitments: list[Commitment]) -> list[CommitmentResult]:
        rng, rows = self.rng, []
        for commitment in commitments:
            text = rng.choice(N.RESULTS) if form.state != A.DRAFT or rng.random() < 0.5 else ""
            computed = actual = None
            reason = outcome = ""
            kind = self.kinds[commitment.criterion_id]
            if kind == CriterionKind.YES_NO and text:
                outcome = ResultOutcome.MET if rng.random() < DONE else ResultOutcome.NOT_MET
            elif kind == CriterionKind.PROHIBITION and text:
                outcome = ResultOutcome.BROKEN if rng.random() < BROKEN else ResultOutcome.KEPT
            if kind == CriterionKind.QUANTITATIVE and commitment.target is not None:
                factor = rng.uniform(1.0, 1.8) if rng.random() < TARGET_MET else rng.uniform(0.3, 0.95)
                actual = Decimal(round(float(commitment.target) * factor * 2) / 2).quantize(Decimal("0.01"))
                computed = actual
                if rng.random() < 0.08 and actual >= 1:
                    computed, reason = actual - 1, rng.choice(N.CHANGE_REASONS)
            rows.append(CommitmentResult(tenant_id=self.tenant_id, self_assessment_id=form.pk,
                                         commitment_id=commitment.pk, result=text, computed_value=computed,
                                         actual_value=actual, change_reason=reason, outcome=outcome))
        return rows

    # --- activity log ---------------------------------------------------------------------

    def _log_day(self) -> datetime.date:
        start = datetime.date(self.cycle.year, 1, 1)
        return start + datetime.timedelta(days=self.rng.randint(0, (self.clock.reference - start).days))

    def _activity(self, person: Person, kind: str, description: str, hours=None) -> Activity:
        day = self._log_day()
        return Activity(tenant_id=self.tenant_id, cadre_id=person.pk, kind=kind, date=day, hours=hours,
                        description=description, created_by=person.user, created_at=self.clock.at(day))

    def _activities(self, person: Person) -> list[Activity]:
        rng, level = self.rng, person.node.level
        leader = person.role == PositionRole.SECRETARY
        rows = [self._activity(person, K.VOLUNTEER_HOURS, rng.choice(N.VOLUNTEER_TASKS),
                               Decimal(rng.choice(["1", "1.5", "2", "2.5", "3", "4"])))
                for _ in range(rng.randint(0, 6) + (2 if leader else 0))]
        kinds = [K.VOLUNTEER_ACTIVITY, K.BRANCH_MEETING, K.SONG_DANCE_SPORT, K.YOUTH_PROJECT]
        if level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.GRASSROOTS):
            kinds.append(K.GRASSROOTS_VISIT)
        for _ in range(rng.randint(0, 4)):
            kind = rng.choices(kinds, weights=[40, 40, 5, 5, 10][: len(kinds)])[0]
            rows.append(self._activity(person, kind, rng.choice(N.VOLUNTEER_TASKS) if kind == K.VOLUNTEER_ACTIVITY
                                       else self.kind_labels[kind]))
        if leader and level == UnitLevel.GRASSROOTS:
            rows.append(self._activity(person, K.BRIEFING, "Giao ban Bí thư chi đoàn"))
        if leader and level == UnitLevel.INTER_BRANCH:
            rows.append(self._activity(person, K.INTER_BRANCH_MEETING, "Sinh hoạt liên chi đoàn luân phiên"))
        return rows

    def _initiatives(self, person: Person) -> list[Initiative]:
        """Most đoàn cơ sở secretaries have a sáng kiến the level above recognised (chỉ tiêu 3)."""
        rng, node = self.rng, person.node
        grassroots_secretary = person.role == PositionRole.SECRETARY and node.level == UnitLevel.GRASSROOTS
        if not rng.random() < (0.7 if grassroots_secretary else 0.05):
            return []
        recognised = rng.random() < (0.85 if grassroots_secretary else 0.5)
        above = node.parent.name if node.parent is not None else node.name
        day = self._log_day()
        decision = dict(state=InitiativeState.RECOGNISED, recognised_by=f"Ban Thường vụ {above}",
                        decision_number=f"{rng.randint(1, 300)}-QĐ/ĐTN", decision_date=day,
                        decided_at=self.clock.at(day)) if recognised else {}
        return [Initiative(tenant_id=self.tenant_id, cadre_id=person.pk, title=rng.choice(N.INITIATIVES), date=day,
                           created_by=person.user, created_at=self.clock.at(day), **decision)]
