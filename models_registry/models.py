"""Programmes ("mô hình rèn luyện") a unit defines, their criteria and per-audience targets.

A published programme is immutable: a change makes a new draft version (same `series`,
`version + 1`, `derived_from` the published one), so forms filed against a version keep
pointing at exactly what their cadre saw. State changes go through `services.py`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cadres.models import PositionRole, Tenant, Unit, UnitLevel
from cadres.scoping import TenantManager


class ProgrammeSubject(models.TextChoices):
    CADRES = "cadres", _("Cadres")
    UNITS = "units", _("Units")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class CriterionKind(models.TextChoices):
    QUALITATIVE = "qualitative", _("Qualitative commitment")
    QUANTITATIVE = "quantitative", _("Quantitative target")
    YES_NO = "yes_no", _("Done or not")
    PROHIBITION = "prohibition", _("Prohibition")


class MeasureUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    ACTIVITIES = "activities", _("activities")
    MEETINGS = "meetings", _("meetings")
    VISITS = "visits", _("visits")
    INITIATIVES = "initiatives", _("initiatives")
    PROJECTS = "projects", _("youth projects")
    ITEMS = "items", _("items")


class Period(models.TextChoices):
    WEEK = "week", pgettext_lazy("per period", "week")
    MONTH = "month", pgettext_lazy("per period", "month")
    QUARTER = "quarter", pgettext_lazy("per period", "quarter")
    YEAR = "year", pgettext_lazy("per period", "year")


class ActivityKind(models.TextChoices):
    """Kinds of logged activity; a criterion names the kinds that count toward it."""

    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours")
    VOLUNTEER_ACTIVITY = "volunteer_activity", _("Volunteer activity")
    BRANCH_MEETING = "branch_meeting", _("Youth Union branch meeting")
    GRASSROOTS_VISIT = "grassroots_visit", _("Visit to a grassroots unit")
    INITIATIVE = "initiative", _("Initiative")
    SONG_DANCE_SPORT = "song_dance_sport", _("Song, collective dance or sport learned")
    YOUTH_PROJECT = "youth_project", _("Youth project")
    BRIEFING = "briefing", _("Briefing with branch secretaries")
    INTER_BRANCH_MEETING = "inter_branch_meeting", _("Joint inter-branch meeting")
    CLUB_MEETING = "club_meeting", _("Club meeting")


class TriState(models.TextChoices):
    """An audience condition on a yes/no attribute; "" matches everyone."""

    ANY = "", _("Any")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class Programme(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+", verbose_name=_("tenant"))
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("owner unit")
    )
    name = models.CharField(_("name"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    subject = models.CharField(_("subject"), max_length=10, choices=ProgrammeSubject.choices,
                               default=ProgrammeSubject.CADRES)
    status = models.CharField(_("status"), max_length=10, choices=ProgrammeStatus.choices,
                              default=ProgrammeStatus.DRAFT)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent programme"),
    )
    description = models.TextField(_("description"), blank=True)
    # Sector values (cadres.Sector); empty means every khối.
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    # Unit-subject pilots: at least this many participating units per huyện (None: no quota).
    pilot_quota = models.PositiveSmallIntegerField(_("participants per district"), null=True, blank=True)
    series = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    derived_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="later_versions",
        verbose_name=_("derived from"),
    )
    lock_version = models.PositiveIntegerField(default=0)
    # The similarity check run at publishing, as shown to the publisher.
    similarity_report = models.JSONField(default=dict, blank=True)
    # Fixture key of a seed programme (load_seed_programmes), so loading twice adds nothing.
    seed_key = models.CharField(max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_year", "name", "version"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="programme_period_order"),
            models.UniqueConstraint(fields=["series", "version"], name="programme_version_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "status", "start_year", "end_year"])]

    def __str__(self) -> str:
        return self.name

    @property
    def period_label(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"

    @property
    def is_draft(self) -> bool:
        return self.status == ProgrammeStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == ProgrammeStatus.PUBLISHED

    @property
    def is_for_units(self) -> bool:
        return self.subject == ProgrammeSubject.UNITS

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class CriteriaGroup(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    # A title the seed document does not give (the fixture named the group): shown as a
    # default the province may change; renaming the group clears it.
    # db_default: rows inserted by code that predates the column (old migrations' states) still fit.
    title_is_default = models.BooleanField(_("title is a default"), default=False, db_default=False)

    objects = TenantManager()

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(CriteriaGroup, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("guidance for cadres"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    # Quantitative only: the default minimum, overridden per audience by AudienceTarget.
    target = models.DecimalField(_("target"), max_digits=7, decimal_places=2, null=True, blank=True)
    measure = models.CharField(_("unit of measure"), max_length=20, choices=MeasureUnit.choices, blank=True)
    # Quantitative and yes/no: the period the target (or "done") is counted over.
    period = models.CharField(pgettext_lazy("counting period", "period"), max_length=10, choices=Period.choices,
                              blank=True)
    # ActivityKind values whose logged activities count toward this criterion.
    activity_kinds = models.JSONField(_("activities that count"), default=list, blank=True)
    inherited_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
        verbose_name=_("inherited from"),
    )
    modified_since_copy = models.BooleanField(default=False)
    # DEFAULTABLE fields this criterion has as a default rather than from its source document
    # (a seed that states no threshold): shown as such in the editor; editing one clears it.
    defaults = models.JSONField(_("defaults the province may change"), default=list, blank=True,
                                db_default=models.Value("[]"))

    objects = TenantManager()

    DEFAULTABLE = ("title", "guidance", "target")

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_inherited(self) -> bool:
        return self.inherited_from_id is not None

    @property
    def title_is_default(self) -> bool:
        return "title" in self.defaults

    @property
    def guidance_is_default(self) -> bool:
        return "guidance" in self.defaults

    @property
    def target_is_default(self) -> bool:
        return "target" in self.defaults


class AudienceTarget(models.Model):
    """A criterion's target for one audience. See `selectors.audience_target_for` for which
    row wins when several match; a criterion without rows applies to everyone."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="audience_targets")
    unit_level = models.CharField(_("unit level"), max_length=20, choices=UnitLevel.choices, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=PositionRole.choices, blank=True)
    full_time = models.CharField(_("full-time cadre"), max_length=3, choices=TriState.choices, blank=True)
    civil_servant = models.CharField(_("civil servant"), max_length=3, choices=TriState.choices, blank=True)
    applies = models.BooleanField(_("applies"), default=True)
    # None: the criterion's own target (or, for non-quantitative criteria, no number at all).
    target = models.DecimalField(_("target"), max_digits=7, decimal_places=2, null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("audience target")
        verbose_name_plural = _("audience targets")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "unit_level", "role", "full_time", "civil_servant"], name="audience_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion} / {self.audience_key}"

    @property
    def audience_key(self) -> tuple[str, str, str, str]:
        return (self.unit_level, self.role, self.full_time, self.civil_servant)


class IndicatorKind(models.TextChoices):
    """The province-wide figures a programme may set a target share for (Cần Thơ's 4 chỉ
    tiêu, domain §7); the rollup computes each of them for every unit."""

    UNITS_WITH_PROGRAMME = "units_with_programme", _("Units with a programme of their own")
    REGISTERED_AND_SELF_ASSESSED = "registered_and_self_assessed", _("Cadres with a registration and a self-assessment")
    SECRETARIES_WITH_INITIATIVE = ("grassroots_secretaries_with_initiative",
                                   _("Grassroots secretaries with a recognised initiative"))
    CIVIL_SERVANTS_FOUR_GAINS = "civil_servants_four_gains", _("Civil-servant cadres meeting all “4 được”")


class ProgrammeIndicator(models.Model):
    """A target share the programme sets for one of the computed figures, in its own words
    (e.g. "100% các cấp bộ Đoàn xây dựng mô hình…"); reports print the share reached."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("figure"), max_length=40, choices=IndicatorKind.choices)
    target_percent = models.PositiveSmallIntegerField(_("target share (%)"))
    text = models.TextField(_("wording"))
    # DEFAULTABLE fields set by the product rather than quoted from the source document:
    # shown as such in the editor; the province's own edit clears the mark.
    defaults = models.JSONField(_("defaults the province may change"), default=list, blank=True,
                                db_default=models.Value("[]"))

    objects = TenantManager()

    DEFAULTABLE = ("target_percent", "text")

    class Meta:
        verbose_name = _("programme indicator")
        verbose_name_plural = _("programme indicators")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="indicator_unique"),
            models.CheckConstraint(condition=Q(target_percent__lte=100), name="indicator_percent_range"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def target_is_default(self) -> bool:
        return "target_percent" in self.defaults

    @property
    def text_is_default(self) -> bool:
        return "text" in self.defaults


class ProgrammeParticipant(models.Model):
    """A unit taking part in a unit-subject programme (e.g. a "Chi đoàn 3 có" pilot)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="programme_participations")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("participating unit")
        verbose_name_plural = _("participating units")
        constraints = [models.UniqueConstraint(fields=["programme", "unit"], name="participant_unique")]


class RegistrySettings(models.Model):
    """A tenant's programme settings; `services.registry_settings_for` creates it on demand."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="registry_settings")
    similarity_threshold = models.DecimalField(_("similarity threshold"), max_digits=3, decimal_places=2,
                                               default=Decimal("0.70"))
    block_similar = models.BooleanField(_("refuse publishing a programme too similar to another"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")
