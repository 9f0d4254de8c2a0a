"""Reports: rolled-up figures per unit and cycle, the unit report chain (báo cáo kết quả),
generated PDF/Excel files and the reminders sent about deadlines.

Live figures (`UnitFigures`, `CadreFigures`) are written only by `reports.services.rollup`;
a closed cycle's are frozen in a `FiguresSnapshot` (`reports.services.snapshots`); the
other models change through `reports.services`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, QueuedJob, Tenant, Unit, UnitLevel
from cadres.scoping import TenantManager
from evaluations.models import Cycle
from models_registry.models import Criterion

RATING_FIELDS = ("rated_excellent", "rated_good", "rated_completed", "rated_not_completed")


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class FigureColumns(models.Model):
    """One unit's figures over its whole subtree in one cycle (domain §7): what the live
    rows (`UnitFigures`) and a closed cycle's frozen rows (`SnapshotUnit`) both hold.

    Every cadre is counted once, at their home unit (see `reports.rollup`), so a subtree's
    cadre counts are plain sums over the units in it: nobody is counted twice."""

    # Cadres whose home unit lies in the subtree, and what they have filed.
    cadres = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)  # a registration submitted (any state since)
    registrations_approved = models.PositiveIntegerField(default=0)
    self_assessed = models.PositiveIntegerField(default=0)  # the yearly self-assessment submitted
    self_assessments_finalised = models.PositiveIntegerField(default=0)
    registered_and_self_assessed = models.PositiveIntegerField(default=0)  # chỉ tiêu 2
    rated_excellent = models.PositiveIntegerField(default=0)
    rated_good = models.PositiveIntegerField(default=0)
    rated_completed = models.PositiveIntegerField(default=0)
    rated_not_completed = models.PositiveIntegerField(default=0)
    late_registrations = models.PositiveIntegerField(default=0)
    late_self_assessments = models.PositiveIntegerField(default=0)
    grassroots_secretaries = models.PositiveIntegerField(default=0)  # chỉ tiêu 3
    grassroots_secretaries_with_initiative = models.PositiveIntegerField(default=0)
    civil_servants = models.PositiveIntegerField(default=0)  # chỉ tiêu 4
    civil_servants_four_gains = models.PositiveIntegerField(default=0)
    # Units of the subtree (the unit itself included).
    units = models.PositiveIntegerField(default=0)
    units_with_programme = models.PositiveIntegerField(default=0)  # chỉ tiêu 1
    grassroots_units = models.PositiveIntegerField(default=0)
    grassroots_units_complete = models.PositiveIntegerField(default=0)  # every cadre registered
    # {"targets": {criterion_id: [met, total]}, "unit_programmes": [{...}]}: see rollup.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def registration_rate(self) -> float | None:
        return _percent(self.registered, self.cadres)

    @property
    def self_assessment_rate(self) -> float | None:
        return _percent(self.self_assessed, self.cadres)

    @property
    def indicators(self) -> list[tuple[int, int, float | None]]:
        """The 4 chỉ tiêu as (part, whole, percent), in order."""
        pairs = [(self.units_with_programme, self.units), (self.registered_and_self_assessed, self.cadres),
                 (self.grassroots_secretaries_with_initiative, self.grassroots_secretaries),
                 (self.civil_servants_four_gains, self.civil_servants)]
        return [(part, whole, _percent(part, whole)) for part, whole in pairs]

    @property
    def ratings(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in RATING_FIELDS}


class UnitFigures(FigureColumns):
    """The live figures of a unit in an open cycle, kept by `reports.services.rollup`."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        verbose_name = _("unit figures")
        verbose_name_plural = _("unit figures")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="unit_figures_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.cycle}"


class CadreFlags(models.Model):
    """What one cadre counts for in a cycle, at their home unit: 0/1 per figure (so sums
    need no casts on any database)."""

    registered = models.PositiveSmallIntegerField(default=0)
    registration_approved = models.PositiveSmallIntegerField(default=0)
    self_assessed = models.PositiveSmallIntegerField(default=0)
    self_assessment_finalised = models.PositiveSmallIntegerField(default=0)
    rating = models.CharField(max_length=15, blank=True)
    late_registration = models.PositiveSmallIntegerField(default=0)
    late_self_assessment = models.PositiveSmallIntegerField(default=0)
    grassroots_secretary = models.PositiveSmallIntegerField(default=0)
    with_initiative = models.PositiveSmallIntegerField(default=0)
    civil_servant = models.PositiveSmallIntegerField(default=0)
    four_gains = models.PositiveSmallIntegerField(default=0)
    # The home unit's path and depth as they stood when computed.
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True


class CadreFigures(CadreFlags):
    """One in-scope cadre of an open cycle and their home unit: the unit figures are the
    sums of these rows over each subtree, which lets one form change re-roll only its path."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    # None (with depth 0) only inside a re-roll, while the cadre is counted nowhere yet.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    computed_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "cadre"], name="cadre_figures_unique")]
        indexes = [models.Index(fields=["cycle", "path"], name="cadre_figures_path")]


class UnitTargetFigures(models.Model):
    """Per quantitative criterion, the commitments meeting their target and those assessed,
    of the cadres at home in the unit (not its subtree) in an open cycle; kept by
    `reports.services.rollup`, summed over a subtree when read."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    met = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "unit", "criterion"], name="unit_target_figures_unique")]


class FiguresSnapshot(models.Model):
    """The figures of a cycle frozen when it was closed: every unit as it stood and the
    cadres counted. Reopening and closing again makes the next version; earlier ones stay."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveSmallIntegerField()
    reference_date = models.DateField()  # positions were read as they stood on this day
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    reopen_reason = models.CharField(max_length=500, blank=True)  # why the previous version was reopened

    objects = TenantManager()

    class Meta:
        verbose_name = _("figures snapshot")
        verbose_name_plural = _("figures snapshots")
        ordering = ["cycle", "-version"]
        constraints = [models.UniqueConstraint(fields=["cycle", "version"], name="figures_snapshot_version")]

    def __str__(self) -> str:
        return f"{self.cycle} v{self.version}"


class SnapshotUnit(FigureColumns):
    """A unit of a snapshot: its figures and its place in the tree as it stood."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    snapshot = models.ForeignKey(FiguresSnapshot, on_delete=models.PROTECT, related_name="units_frozen")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    parent_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=UnitLevel.choices)
    sector = models.CharField(max_length=20, blank=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "unit"], name="snapshot_unit_unique")]
        indexes = [models.Index(fields=["snapshot", "path"], name="snapshot_unit_path")]


class SnapshotCadre(CadreFlags):
    """A cadre counted in a snapshot, at the home unit they had then."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    snapshot = models.ForeignKey(FiguresSnapshot, on_delete=models.PROTECT, related_name="cadres_frozen")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # {criterion id: [commitments meeting their target, commitments assessed]}
    targets = models.JSONField(default=dict, blank=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "cadre"], name="snapshot_cadre_unique")]
        indexes = [models.Index(fields=["snapshot", "path"], name="snapshot_cadre_path")]


class UnitReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")


class UnitReport(models.Model):
    """A unit's báo cáo kết quả for one cycle, submitted to the parent unit."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("status"), max_length=12, choices=UnitReportState.choices,
                             default=UnitReportState.DRAFT)
    document_number = models.CharField(_("document number"), max_length=20, blank=True)
    achievements = models.TextField(_("results achieved"), blank=True)
    limitations = models.TextField(_("limitations"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    # The figures at the last submission (`reports.figures.report_figures`): what the parent
    # reviews and accepts, whatever happens to the live figures afterwards.
    figures = models.JSONField(default=dict, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    return_comment = models.TextField(_("comment"), blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="unit_report_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.cycle}"

    def get_absolute_url(self) -> str:
        """The report's page at the cycle it belongs to (the inbox's and the notices' link)."""
        return f"{reverse('unit_report', args=[self.unit.tenant.slug, self.unit.code])}?cycle={self.cycle.year}"

    @property
    def is_draft(self) -> bool:
        return self.state == UnitReportState.DRAFT

    @property
    def is_returned(self) -> bool:
        return self.state == UnitReportState.RETURNED

    @property
    def is_locked(self) -> bool:
        return self.state == UnitReportState.ACCEPTED

    @property
    def awaits_decision(self) -> bool:
        return self.state in (UnitReportState.SUBMITTED, UnitReportState.RESUBMITTED)


class ReportFileKind(models.TextChoices):
    UNIT_PDF = "unit_pdf", _("Unit report (PDF)")
    SUMMARY_PDF = "summary_pdf", _("Summary of every unit (PDF)")
    SUMMARY_XLSX = "summary_xlsx", _("Summary of every unit (Excel)")


class ReportFileStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def _report_file_path(instance, filename: str) -> str:
    # Random and unlisted: the file is served only by a permission-checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"reports/{instance.tenant_id}/{secrets.token_urlsafe(24)}.{extension}"


class ReportFile(QueuedJob):
    """A PDF or Excel file generated by a worker on request, with its progress."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ReportFileKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    # The unit's other managers read the file too: it outlives its requester's account.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ReportFileStatus.choices,
                              default=ReportFileStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to=_report_file_path, max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)  # offered to the browser
    error = models.CharField(max_length=500, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def is_failed(self) -> bool:
        return self.status == ReportFileStatus.FAILED


class PendingRollup(models.Model):
    """A cycle whose figures missed a rollup because the job queue was not answering: the
    sweep (`reports.tasks.resend_unsent`) queues a full run of it once the queue is back and
    then drops the row, so the figures catch up within minutes, not the next night."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField()  # the last miss: a miss after the sweep read the row keeps it

    objects = TenantManager()


class ReportFileDownload(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    report_file = models.ForeignKey(ReportFile, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]


class ReminderKind(models.TextChoices):
    DIGEST = "digest", _("Reminder before a deadline")
    ESCALATION = "escalation", _("Late list after a deadline")
    NUDGE = "nudge", _("Reminder sent by a manager")


class ReminderLog(models.Model):
    """One reminder sent to one person on one day: the row makes a second one that day a no-op."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    items = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day", "kind"], name="reminder_once_a_day")]
