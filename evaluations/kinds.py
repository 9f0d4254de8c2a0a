"""The kinds of form, each declared once: a cadre's registration (a1 ĐKCT01), yearly
self-assessment and quarterly check-in (both a2 KĐCT01), and a unit's registration and
self-assessment under a unit-subject programme (the same codes, its Bí thư signing).

A kind says what its form is: its model (two kinds may share one, told apart by the
period), the flow its transitions follow (`flows`), how its snapshot and diff are taken
(`snapshots`), which e-mail each transition sends (`notifications`), its PDF, the deadline
its first submission is held to and reminded of, and whether it counts in the unit figures
(`reports.rollup` reads its rows with `sql_where`). Code asks `kind_of(form)` instead of
testing the model or the period; a form no kind declares raises `UnknownKind`, so a new
model never falls into another kind's branch.

Adding a kind: its model on `FormCore` (a cadre's: `FormBase`), its flow in `flows`, one `FormKind` in `KINDS`
(`tests/evaluations/test_kinds.py` checks it declares everything).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cadres.transitions import Flow
from evaluations import notifications
from evaluations.flows import ASSESSMENT_FLOW, REGISTRATION_FLOW, UNIT_ASSESSMENT_FLOW, UNIT_REGISTRATION_FLOW
from evaluations.models import (
    AssessmentPeriod,
    Cycle,
    DeadlineKind,
    FormAction,
    Registration,
    RegistrationState,
    SelfAssessment,
    UnitRegistration,
    UnitSelfAssessment,
)
from evaluations.models.forms import FormCore
from evaluations.snapshots import (
    FieldChange,
    Snapshot,
    diff_snapshots,
    registration_snapshot,
    self_assessment_snapshot,
    unit_registration_snapshot,
    unit_self_assessment_snapshot,
)

F = TypeVar("F", bound=FormCore)
QUARTERS = frozenset(AssessmentPeriod.values) - {AssessmentPeriod.YEAR}


class UnknownKind(LookupError):
    """A form of a model, or a period, that no kind declares."""


@dataclass(frozen=True)
class Reminder:
    """Before the kind's deadline the cadres who owe it are reminded; the day after, the
    parent unit's managers get the list of those still owing it (`reports.services.reminders`)."""

    digest: Promise  # to the cadre, with %(date)s
    escalation: Promise  # per unit, with %(unit)s, %(n)d and %(names)s
    # The cadres who owe the form in a cycle; None: every cadre the cycle counts.
    owed_by: Callable[[Cycle], set[int]] | None = None


@dataclass(frozen=True, eq=False)
class FormKind(Generic[F]):
    key: str
    code: str  # the official form's code
    model: type[F]
    flow: Flow[F]
    snapshot: Callable[[F], Snapshot]
    pdf_template: str
    pdf_name: str  # the file name's prefix (ASCII)
    detail_view: str  # the URL name of a form's page, where every notice about it leads
    # The notice a transition gives (to the cadre, the reviewer or the BTV), by action:
    # each takes the kind, the form and the acting user.
    notices: Mapping[str, Callable[[Any, Any, Any], None]]
    # Which of the model's rows are this kind, by their `period`; None: all of them.
    periods: frozenset[str] | None = None
    # The deadline its first submission is held to and reminded of; None: it has none.
    deadline: str | None = None
    reminder: Reminder | None = None
    # Whether its rows count in the unit figures (a transition re-rolls the cadre's).
    in_figures: bool = False
    # The registration whose commitments the form reports on (a registration: itself).
    registration_of: Callable[[F], Any] = field(default=lambda form: form)
    # The fields that differ between two of its snapshots (a resubmission's changes).
    diff: Callable[[Snapshot | None, Snapshot | None], list[FieldChange]] = diff_snapshots
    # A unit's form (its subject is `form.unit`, its Bí thư signs): a transition re-rolls
    # the unit programmes' figures (`reports.signals`).
    for_units: bool = False

    def __str__(self) -> str:
        return self.key

    @property
    def is_registration(self) -> bool:
        return self.model in (Registration, UnitRegistration)

    @property
    def is_yearly(self) -> bool:
        """A self-assessment of the whole year: the full content, the rating that counts."""
        return self.periods == {AssessmentPeriod.YEAR}

    def holds(self, form: object) -> bool:
        return type(form) is self.model and (self.periods is None or getattr(form, "period") in self.periods)

    @property
    def rows(self) -> Q:
        """The model's rows that are this kind."""
        return Q() if self.periods is None else Q(period__in=sorted(self.periods))

    def forms(self, **filters: Any) -> QuerySet[F]:
        return self.model._default_manager.filter(self.rows, **filters)

    def sql_where(self, alias: str) -> str:
        """`rows` in SQL, for the set-based rollup; the values are the model's choices, not input."""
        if self.periods is None:
            return "1 = 1"
        values = ", ".join(f"'{period}'" for period in sorted(self.periods))
        return f"{alias}.period IN ({values})"

    def commitments(self, form: F) -> QuerySet[Any]:
        registration: Any = self.registration_of(form)
        return registration.commitments.all()

    def link(self, form: F) -> str:
        return reverse(self.detail_view, args=[form.pk])

    def notify(self, form: F, action: str, actor: Any) -> None:
        notice = self.notices.get(action)
        if notice is not None:
            notice(self, form, actor)


def _approved_cadres(cycle: Cycle) -> set[int]:
    return set(Registration.objects.filter(cycle=cycle, state=RegistrationState.APPROVED)
               .values_list("cadre_id", flat=True))


def _registration_of(form: SelfAssessment) -> Registration:
    return form.registration


REGISTRATION: FormKind[Registration] = FormKind(
    key="registration", code="ĐKCT01", model=Registration, flow=REGISTRATION_FLOW, snapshot=registration_snapshot,
    pdf_template="evaluations/pdf/registration.html", pdf_name="DKCT01", detail_view="registration_detail",
    notices={FormAction.SUBMIT: notifications.form_submitted, FormAction.RETURN: notifications.form_returned,
             FormAction.APPROVE: notifications.form_approved, FormAction.CLOSE: notifications.form_closed},
    deadline=DeadlineKind.REGISTRATION,
    reminder=Reminder(digest=_("Register your commitments (ĐKCT01) by %(date)s."),
                      escalation=_("%(unit)s: %(n)d cadres have not registered: %(names)s.")),
    in_figures=True,
)

_ASSESSMENT: dict[str, Any] = dict(
    code="KĐCT01", model=SelfAssessment, flow=ASSESSMENT_FLOW, snapshot=self_assessment_snapshot,
    pdf_template="evaluations/pdf/self_assessment.html", pdf_name="KDCT01", registration_of=_registration_of,
    detail_view="self_assessment_detail",
    notices={FormAction.SUBMIT: notifications.form_submitted, FormAction.RETURN: notifications.form_returned,
             FormAction.PROPOSE: notifications.form_proposed, FormAction.FINALISE: notifications.form_rated},
)

YEARLY_SELF_ASSESSMENT: FormKind[SelfAssessment] = FormKind(
    key="yearly_self_assessment", periods=frozenset({AssessmentPeriod.YEAR}), **_ASSESSMENT,
    deadline=DeadlineKind.SELF_ASSESSMENT,
    reminder=Reminder(digest=_("File your self-assessment (KĐCT01) by %(date)s."),
                      escalation=_("%(unit)s: %(n)d cadres have not filed their self-assessment: %(names)s."),
                      owed_by=_approved_cadres),
    in_figures=True,
)

# A check-in during the year: no deadline, no reminder, not in the figures.
QUARTERLY_SELF_ASSESSMENT: FormKind[SelfAssessment] = FormKind(
    key="quarterly_self_assessment", periods=QUARTERS, **_ASSESSMENT,
)

_UNIT_NOTICES: dict[str, Callable[[Any, Any, Any], None]] = {FormAction.SUBMIT: notifications.unit_form_submitted,
                                                             FormAction.RETURN: notifications.unit_form_returned}

UNIT_REGISTRATION: FormKind[UnitRegistration] = FormKind(
    key="unit_registration", code="ĐKCT01", model=UnitRegistration, flow=UNIT_REGISTRATION_FLOW,
    snapshot=unit_registration_snapshot, pdf_template="evaluations/pdf/unit_registration.html", pdf_name="DKCT01-DV",
    detail_view="unit_registration_detail", for_units=True,
    notices={**_UNIT_NOTICES, FormAction.APPROVE: notifications.unit_form_decided},
)


def _unit_registration_of(form: UnitSelfAssessment) -> UnitRegistration:
    return form.registration


UNIT_SELF_ASSESSMENT: FormKind[UnitSelfAssessment] = FormKind(
    key="unit_self_assessment", code="KĐCT01", model=UnitSelfAssessment, flow=UNIT_ASSESSMENT_FLOW,
    snapshot=unit_self_assessment_snapshot, pdf_template="evaluations/pdf/unit_self_assessment.html",
    pdf_name="KDCT01-DV", detail_view="unit_assessment_detail", for_units=True,
    notices={**_UNIT_NOTICES, FormAction.FINALISE: notifications.unit_form_decided},
    registration_of=_unit_registration_of,
)

KINDS: tuple[FormKind[Any], ...] = (REGISTRATION, YEARLY_SELF_ASSESSMENT, QUARTERLY_SELF_ASSESSMENT,
                                    UNIT_REGISTRATION, UNIT_SELF_ASSESSMENT)


def kind_of(form: object) -> FormKind[Any]:
    for kind in KINDS:
        if kind.holds(form):
            return kind
    raise UnknownKind(f"No form kind declares {type(form).__name__} {getattr(form, 'period', '')}".strip())
