"""The forms and their timeline. What each kind of form does (its flow, snapshot, notices,
PDF, reminder, place in the figures) is declared in `evaluations.kinds`.

Both forms carry `lock_version` (bumped by every transition: a reviewer acting on a page
loaded before another one acted is refused) and `field_versions` (one counter per draft
field, bumped by autosave: a stale tab cannot overwrite newer text).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cadres.models import Cadre, PositionRole, Tenant, Unit
from cadres.scoping import TenantManager
from evaluations.models.cycles import Cycle
from models_registry.models import Criterion, CriterionKind, Programme


class RegistrationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    # An approved revision replaced by an approved amendment.
    SUPERSEDED = "superseded", _("Superseded")
    # A draft whose programme no longer applies to the cadre (their unit published its own
    # mid-cycle, or it was withdrawn), or a unit's registration still open when the unit was
    # merged, split or archived; the reason is its last event's comment.
    CLOSED = "closed", pgettext_lazy("form state", "Closed")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    PROPOSED = "proposed", _("Rating proposed")
    FINALISED = "finalised", _("Finalised")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellently completed duties")
    GOOD = "good", _("Well completed duties")
    COMPLETED = "completed", _("Completed duties")
    NOT_COMPLETED = "not_completed", _("Did not complete duties")


class AssessmentPeriod(models.TextChoices):
    YEAR = "year", pgettext_lazy("assessment period", "Whole year")
    Q1 = "q1", _("Quarter 1")
    Q2 = "q2", _("Quarter 2")
    Q3 = "q3", _("Quarter 3")
    Q4 = "q4", _("Quarter 4")


class ResultOutcome(models.TextChoices):
    """The result of a yes/no criterion (met or not) or a prohibition (kept or broken);
    blank for the other kinds and until the cadre answers."""

    MET = "met", pgettext_lazy("yes/no result", "Done")
    NOT_MET = "not_met", pgettext_lazy("yes/no result", "Not done")
    KEPT = "kept", pgettext_lazy("prohibition result", "Kept")
    BROKEN = "broken", pgettext_lazy("prohibition result", "Broken")

    @classmethod
    def for_kind(cls, kind: str) -> list["ResultOutcome"]:
        """The answers a criterion of this kind takes, the met one first ([] for the others)."""
        answers: dict[str, list[ResultOutcome]] = {CriterionKind.YES_NO: [cls.MET, cls.NOT_MET],
                                                   CriterionKind.PROHIBITION: [cls.KEPT, cls.BROKEN]}
        return answers.get(kind, [])


class FormAction(models.TextChoices):
    CREATE = "create", _("Created")
    SUBMIT = "submit", _("Submitted")
    RESUBMIT = "resubmit", _("Resubmitted")
    RETURN = "return", _("Returned for changes")
    APPROVE = "approve", _("Approved")
    AMEND = "amend", _("Amendment opened")
    PROPOSE = "propose", _("Rating proposed")
    FINALISE = "finalise", _("Rating finalised")
    CLOSE = "close", _("Closed: the programme no longer applies")
    REOPEN = "reopen", _("Reopened")
    WITHDRAW = "withdraw", _("Closed: the unit was merged, split or archived")


class FormCore(models.Model):
    """What every form has, whoever its subject: a cadre's forms (`FormBase`) and a unit's
    (`evaluations.models.unit_forms`) run on the same flows, kinds, timeline and PDFs."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle"))
    # The deciding position's unit and role (refreshed at each submission): who reviews.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=30, choices=PositionRole.choices)
    lock_version = models.PositiveIntegerField(default=0)
    field_versions = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Its timeline; `FormEvent.objects.filter(registration=…)` (the model's name) reads it too.
    events = GenericRelation("evaluations.FormEvent", content_type_field="form_type", object_id_field="form_id",
                             related_query_name="%(class)s")
    # A field of each form, with its own choices; both share draft, submitted and returned.
    state: str

    class Meta:
        abstract = True

    @property
    def is_draft(self) -> bool:
        return self.state == RegistrationState.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state == RegistrationState.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.state == RegistrationState.RETURNED


class FormBase(FormCore):
    """A cadre's form (a1 ĐKCT01, a2 KĐCT01)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre"))

    class Meta:
        abstract = True


class Registration(FormBase):
    """a1 ĐKCT01: what a cadre commits to under one programme version in one cycle. An
    amendment is a new revision; the approved one it amends stays valid until it is approved."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("programme"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="amendment")
    state = models.CharField(_("status"), max_length=12, choices=RegistrationState.choices,
                             default=RegistrationState.DRAFT)
    # Identity header (domain §5), captured at submission.
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    union_position = models.CharField(_("Youth Union position"), max_length=300, blank=True)
    job_title = models.CharField(_("professional position"), max_length=200, blank=True)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    planned_initiative = models.CharField(_("planned initiative"), max_length=300, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    objects = TenantManager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "cadre", "programme", "revision"], name="registration_revision"),
        ]
        indexes = [models.Index(fields=["cycle", "unit", "state"])]

    def __str__(self) -> str:
        return f"ĐKCT01 {self.cadre} {self.cycle}"

    @property
    def is_approved(self) -> bool:
        return self.state == RegistrationState.APPROVED

    @property
    def is_closed(self) -> bool:
        return self.state == RegistrationState.CLOSED

    @property
    def was_approved(self) -> bool:
        """Approved, now or before an approved amendment superseded it."""
        return self.state in (RegistrationState.APPROVED, RegistrationState.SUPERSEDED)


class CommitmentBase(models.Model):
    """One applicable criterion of a registration (a cadre's or a unit's), in its words."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("commitment"), blank=True)
    # The programme's minimum for this cadre's audience (quantitative only), kept with the form.
    minimum = models.DecimalField(_("minimum"), max_digits=7, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=7, decimal_places=2, null=True, blank=True)
    measures = models.TextField(_("measures"), blank=True)

    objects = TenantManager()

    class Meta:
        abstract = True


class Commitment(CommitmentBase):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="commitments")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["registration", "criterion"], name="commitment_unique")]


class MeetingPurpose(models.TextChoices):
    """Why a unit's collective met. A rating meeting decides the yearly ratings; the others are
    the meetings unit programmes count (seed 003): "2 giao" (the xã BCH with the chi đoàn
    secretaries, twice a year), "1 liên kết" (the monthly inter-branch meeting, rotating among
    the chi đoàn) and a club's meeting (CLB Bí thư Chi đoàn)."""

    RATING = "rating", _("Rating meeting")
    BRIEFING = "briefing", _("Briefing with branch secretaries (2 giao)")
    INTER_BRANCH = "inter_branch", _("Joint inter-branch meeting (1 liên kết)")
    CLUB = "club", _("Club meeting")


class RatingMeeting(models.Model):
    """A meeting of a unit's collective, as its minutes give it. For `RATING` (the BCH/BTV
    deciding yearly ratings) every detail is optional and the ratings it decided point at
    it; the programme meetings (`MeetingPurpose`) also carry place, topic, minutes and who
    attended (`evaluations.services.meetings`), and count toward the unit programmes'
    criteria of the matching activity kind."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    # The unit whose cadres' ratings were decided.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("meeting date"), null=True, blank=True)
    minutes_number = models.CharField(_("minutes number"), max_length=50, blank=True)
    members_present = models.PositiveSmallIntegerField(_("members present"), null=True, blank=True)
    members_agreeing = models.PositiveSmallIntegerField(_("members agreeing"), null=True, blank=True)
    # db_default: rows written by code that predates these columns (rating meetings) still fit.
    purpose = models.CharField(_("purpose"), max_length=15, choices=MeetingPurpose.choices,
                               default=MeetingPurpose.RATING, db_default=MeetingPurpose.RATING)
    place = models.CharField(_("place"), max_length=200, blank=True, db_default="")
    topic = models.CharField(_("topic"), max_length=300, blank=True, db_default="")
    minutes = models.TextField(_("minutes"), blank=True, db_default="")
    attendees = models.ManyToManyField(Cadre, blank=True, related_name="meetings_attended",
                                       verbose_name=_("participants"))
    # A club's meeting: the club (of `unit`) that met.
    club = models.ForeignKey("evaluations.Club", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="meetings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("rating meeting")
        verbose_name_plural = _("rating meetings")
        ordering = ["held_on", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(members_agreeing__isnull=True) | Q(members_present__isnull=True)
            | Q(members_agreeing__lte=models.F("members_present")), name="rating_meeting_agreeing_le_present"),
            models.CheckConstraint(condition=Q(club__isnull=True) | Q(purpose="club"), name="meeting_club_only_for_clubs"),
        ]
        indexes = [models.Index(fields=["cycle", "purpose", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.held_on or ''} {self.minutes_number}".strip()


class SelfAssessment(FormBase):
    """a2 KĐCT01 against an approved registration: yearly (required) or a quarterly check-in."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="self_assessments")
    period = models.CharField(_("period"), max_length=4, choices=AssessmentPeriod.choices,
                              default=AssessmentPeriod.YEAR)
    state = models.CharField(_("status"), max_length=12, choices=AssessmentState.choices,
                             default=AssessmentState.DRAFT)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    remedies = models.TextField(_("remedies"), blank=True)
    # The "4 được" of CCVC cadres; None: not answered.
    gains_people = models.BooleanField(_("won people's trust"), null=True, blank=True)
    gains_work = models.BooleanField(_("got the work done"), null=True, blank=True)
    gains_organisation = models.BooleanField(_("trusted by the organisation"), null=True, blank=True)
    gains_public = models.BooleanField(_("won the public's support"), null=True, blank=True)
    self_rating = models.CharField(_("self-rating"), max_length=15, choices=Rating.choices, blank=True)
    reviewer_comment = models.TextField(_("reviewer's comment"), blank=True)
    proposed_rating = models.CharField(_("proposed rating"), max_length=15, choices=Rating.choices, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    collective_comment = models.TextField(_("collective's comment"), blank=True)
    final_rating = models.CharField(_("final rating"), max_length=15, choices=Rating.choices, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    # The collective's meeting that decided the final rating, when it was recorded.
    rating_meeting = models.ForeignKey(RatingMeeting, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="self_assessments", verbose_name=_("rating meeting"))

    objects = TenantManager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["registration", "period"], name="assessment_period_unique")]
        # The second: one cadre's forms when their figures are re-rolled.
        indexes = [models.Index(fields=["cycle", "unit", "state"]), models.Index(fields=["cycle", "cadre"])]

    def __str__(self) -> str:
        return f"KĐCT01 {self.cadre} {self.cycle}"

    @property
    def is_finalised(self) -> bool:
        return self.state == AssessmentState.FINALISED


class ResultBase(models.Model):
    """A self-assessment's result for one commitment, by its criterion's kind: the account
    (`result`, every kind; for a broken prohibition, what happened); for a quantitative one
    `computed_value`, what the activity log gave, and `actual_value`, what is stated (a
    different value needs a reason); for a yes/no criterion or a prohibition, the `outcome`."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    result = models.TextField(_("result"), blank=True)
    computed_value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    actual_value = models.DecimalField(_("actual value"), max_digits=9, decimal_places=2, null=True, blank=True)
    change_reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ResultOutcome.choices, blank=True)

    objects = TenantManager()
    commitment: "models.ForeignKey[CommitmentBase, CommitmentBase]"

    class Meta:
        abstract = True

    # Its actual is counted from what the app records (the cadre's activity log, always).
    is_counted = True

    @property
    def changed_without_reason(self) -> bool:
        """A counted actual stated other than computed, and no reason given."""
        return self.is_counted and self.actual_value != self.computed_value and not self.change_reason.strip()

    @property
    def takes_outcome(self) -> bool:
        """A yes/no criterion or a prohibition: answered with an `outcome`."""
        return bool(ResultOutcome.for_kind(self.commitment.criterion.kind))

    @property
    def falls_short(self) -> bool:
        """Not done, or broken."""
        return self.outcome in (ResultOutcome.NOT_MET, ResultOutcome.BROKEN)


class CommitmentResult(ResultBase):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="results")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["commitment__position", "id"]
        constraints = [models.UniqueConstraint(fields=["self_assessment", "commitment"], name="result_unique")]


def _private_path(instance, filename: str) -> str:
    from evaluations.uploads import private_upload_path

    return private_upload_path("evidence", filename)


class EvidenceFile(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(CommitmentResult, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=_private_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    # Picked from the cadre's activity log: the same stored file, not a copy.
    activity = models.ForeignKey("evaluations.Activity", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    initiative = models.ForeignKey("evaluations.Initiative", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]


class FormEvent(models.Model):
    """One transition of one form, written by the transition in its transaction. Submissions
    and returns keep a full snapshot of the form so any two can be compared.

    The form is any kind's (`form`: its model and id), so a new kind needs no column; a
    form's timeline is read through the (form_type, form_id) index. Deleting a form deletes
    its events (`FormBase.events`)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    form_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    form_id = models.PositiveBigIntegerField()
    form = GenericForeignKey("form_type", "form_id")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Who acted once their account is gone (de-identified: "(đã ẩn danh)").
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=12, choices=FormAction.choices)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    comment = models.TextField(blank=True)
    # Return: {criterion_id (str): comment}.
    criterion_comments = models.JSONField(default=dict, blank=True)
    # Resubmission: the snapshot keys that differ from the one at the last return.
    changed_fields = models.JSONField(default=list, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["form_type", "form_id", "created_at"], name="form_event_timeline")]

    @property
    def is_first_submission(self) -> bool:
        return self.action == FormAction.SUBMIT
