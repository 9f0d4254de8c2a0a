"""A unit's forms under a unit-subject programme (seed 003, "Chi đoàn 3 có"): the unit
registers for the programme's criteria and assesses itself against them, its Bí thư acting
for its BCH; the parent unit's Ban Thường vụ reviews and rates. They are forms like a
cadre's (`FormCore`: the same flows engine, kinds, timeline, PDFs), in their own tables so
that no query of cadres' forms ever meets a unit's.

`unit` (from `FormCore`) is the subject, and `role` is always Bí thư: the form is reviewed as
a Bí thư's own form is, by the parent's BTV (`evaluations.rules.unit_form_q`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cadres.models import Cadre, PositionRole
from cadres.scoping import TenantManager
from evaluations.models.forms import (
    AssessmentState,
    CommitmentBase,
    FormCore,
    Rating,
    RegistrationState,
    ResultBase,
    ResultOutcome,
)
from models_registry.models import CriterionKind, Programme


class UnitRegistration(FormCore):
    """What a unit commits to under a unit-subject programme in one cycle."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("programme"))
    state = models.CharField(_("status"), max_length=12, choices=RegistrationState.choices,
                             default=RegistrationState.DRAFT)
    # Who signed for the unit (its Bí thư at the last submission) and the unit's name then.
    signed_by = models.ForeignKey(Cadre, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    objects = TenantManager()

    class Meta:
        verbose_name = _("unit registration")
        verbose_name_plural = _("unit registrations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit", "programme"], name="unit_registration_unique"),
            models.CheckConstraint(condition=models.Q(role=PositionRole.SECRETARY), name="unit_form_role_secretary"),
        ]
        indexes = [models.Index(fields=["cycle", "unit", "state"])]

    def __str__(self) -> str:
        return f"ĐKCT01 {self.unit} {self.cycle}"

    @property
    def is_approved(self) -> bool:
        return self.state == RegistrationState.APPROVED


class UnitCommitment(CommitmentBase):
    registration = models.ForeignKey(UnitRegistration, on_delete=models.CASCADE, related_name="commitments")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["registration", "criterion"], name="unit_commitment_unique")]


class UnitAssessmentState(models.TextChoices):
    """A cadre's self-assessment states without the proposal (the parent's BTV rates at
    once), and closed: still open when its unit was merged, split or archived (`reorganised`)."""

    DRAFT = AssessmentState.DRAFT.value, AssessmentState.DRAFT.label
    SUBMITTED = AssessmentState.SUBMITTED.value, AssessmentState.SUBMITTED.label
    RETURNED = AssessmentState.RETURNED.value, AssessmentState.RETURNED.label
    FINALISED = AssessmentState.FINALISED.value, AssessmentState.FINALISED.label
    CLOSED = "closed", pgettext_lazy("form state", "Closed")


class UnitSelfAssessment(FormCore):
    """A unit's yearly assessment against its approved registration; the parent's BTV rates
    it, and it attains the programme when every result meets its criterion."""

    registration = models.OneToOneField(UnitRegistration, on_delete=models.PROTECT, related_name="self_assessment")
    state = models.CharField(_("status"), max_length=12, choices=UnitAssessmentState.choices,
                             default=UnitAssessmentState.DRAFT)
    signed_by = models.ForeignKey(Cadre, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    remedies = models.TextField(_("remedies"), blank=True)
    collective_comment = models.TextField(_("collective's comment"), blank=True)
    final_rating = models.CharField(_("final rating"), max_length=15, choices=Rating.choices, blank=True)
    # Set when rated: every criterion met (a yes/no done, a prohibition kept, a target reached).
    attained = models.BooleanField(_("attained every criterion"), default=False)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("unit self-assessment")
        verbose_name_plural = _("unit self-assessments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role=PositionRole.SECRETARY),
                                   name="unit_assessment_role_secretary"),
        ]
        indexes = [models.Index(fields=["cycle", "unit", "state"])]

    def __str__(self) -> str:
        return f"KĐCT01 {self.unit} {self.cycle}"

    @property
    def is_finalised(self) -> bool:
        return self.state == UnitAssessmentState.FINALISED


class UnitResult(ResultBase):
    self_assessment = models.ForeignKey(UnitSelfAssessment, on_delete=models.CASCADE, related_name="results")
    commitment = models.ForeignKey(UnitCommitment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["commitment__position", "id"]
        constraints = [models.UniqueConstraint(fields=["self_assessment", "commitment"], name="unit_result_unique")]

    @property
    def is_counted(self) -> bool:  # type: ignore[override]
        """Its criterion counts activity kinds the unit's records hold (`progress.unit_progress`);
        the others are stated by the Bí thư."""
        return bool(self.commitment.criterion.activity_kinds)

    @property
    def meets(self) -> bool:
        """The criterion is met: done or kept, or the target reached."""
        if self.commitment.criterion.kind == CriterionKind.QUANTITATIVE:
            target = self.commitment.target
            return self.actual_value is not None and (target is None or self.actual_value >= target)
        if self.commitment.criterion.kind == CriterionKind.QUALITATIVE:
            return bool(self.result.strip())
        return self.outcome in (ResultOutcome.MET, ResultOutcome.KEPT)
