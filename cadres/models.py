"""Tenants, the unit tree, people and what they may do.

Tenant-owned models use a scoped manager (django-scopes): a query outside an active
`scope(tenant=...)` raises instead of leaking another province's rows.
"""

import datetime
import secrets
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager

from cadres.scoping import TenantManager, scoped_by_tenant
from cadres.text import cadre_search_text, canonical_phone, display_phone, fold, person_sort_key

if TYPE_CHECKING:
    from cadres.scoping import TenantScoped


class UserManager(DjangoUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str | None, password: str | None, **extra_fields: Any) -> "User":
        email = self.normalize_email(email) or None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    # Accounts have no username, so these drop Django's first parameter.
    def create_user(  # type: ignore[override]
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class NoticeEmail(models.TextChoices):
    """How a person wants their notices by email (their choice on their profile)."""

    IMMEDIATE = "immediate", _("At once, one email per notice")
    DIGEST = "digest", _("Once a day, all of the day's notices in one email")
    NONE = "none", _("No email: in the app only")


class User(AbstractUser):
    """An account. Logs in by email or by phone; a superuser is a platform admin
    and sees no tenant data unless granted a role there."""

    # The stubs type AbstractUser's columns as always there; this model drops three and lets
    # email be empty (an account may log in by phone).
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)  # type: ignore[assignment]
    # E.164 ("+84912345678"), so one number has one spelling and the unique index holds;
    # shown in the national format (cadres.text.display_phone).
    phone = models.CharField(_("phone"), max_length=16, unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    notice_email = models.CharField(_("email me my notices"), max_length=10, choices=NoticeEmail.choices,
                                    default=NoticeEmail.IMMEDIATE)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email or display_phone(self.phone or "") or f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One spelling per address and per number: lookups stay exact and use the unique index.
        self.email = self.email.strip().lower() or None if self.email else None
        self.phone = canonical_phone(self.phone) or None if self.phone else None
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else ""


# Who `request.user` may be: an account, or a visitor who is not logged in.
AnyUser = User | AnonymousUser


class Tenant(models.Model):
    """One tỉnh/thành đoàn."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def root_unit(self):
        return Unit.objects.with_scopes_disabled().get(tenant=self, depth=1)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial Youth Union")
    DISTRICT = "district", _("District Youth Union or equivalent")
    GRASSROOTS = "grassroots", _("Grassroots Youth Union")
    INTER_BRANCH = "inter_branch", _("Inter-branch")
    BRANCH = "branch", _("Youth Union branch")

    @classmethod
    def rank(cls, level: str) -> int:
        return _LEVEL_RANKS[level]

    @classmethod
    def is_at_least(cls, level: str, other: str) -> bool:
        """Whether `level` is `other` or higher: "huyện and above" whatever the unit's depth."""
        return cls.rank(level) <= cls.rank(other)


# Highest first; read once per unit by the rollup (34,000 calls for a province).
_LEVEL_RANKS = {level: index for index, level in enumerate(UnitLevel.values)}


class Sector(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    CIVIL_SERVICE = "civil_service", _("Civil servants")
    SCHOOL = "school", _("Schools")
    ENTERPRISE = "enterprise", _("Enterprises")
    ARMED_FORCES = "armed_forces", _("Armed forces")


def new_join_code() -> str:
    # No 0/O or 1/I: people read these codes aloud at meetings.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


if TYPE_CHECKING:

    class UnitManager(TenantScoped["Unit"], MP_NodeManager["Unit"]): ...

else:

    class UnitManager(scoped_by_tenant(MP_NodeManager)):
        pass


class Unit(MP_Node):
    """A Đoàn unit in its tenant's tree. The materialized path makes a subtree one
    indexed prefix query (`path LIKE 'prefix%'`). Units are archived, never deleted."""

    steplen = 4
    node_order_by = []

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="units", verbose_name=_("tenant"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    sector = models.CharField(pgettext_lazy("unit sector", "sector"), max_length=20, choices=Sector.choices, blank=True)
    search_text = models.CharField(max_length=250, editable=False, db_index=True)
    join_code = models.CharField(_("join code"), max_length=8, unique=True, default=new_join_code)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # Bumped by every reorganisation, so a page loaded before another manager's change is refused.
    # A database default too: code written against the tree before this column still inserts.
    lock_version = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UnitManager] = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="unit_code_unique_in_tenant")]
        indexes = [models.Index(fields=["tenant", "updated_at"], name="unit_tenant_updated")]  # the API's `updated_since`

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Units are archived, never deleted."))

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def subtree_filter(self, prefix: str = "") -> Q:
        """Q matching this unit and everything below it, for a relation reached via `prefix`."""
        return Q(**{f"{prefix}path__startswith": self.path})

    def clean(self) -> None:
        super().clean()
        parent = Unit.objects.get_parent(self) if self.path and self.depth > 1 else None
        if parent is not None and UnitLevel.rank(self.level) <= UnitLevel.rank(parent.level):
            raise ValidationError({"level": _("A unit must sit under a unit of a higher level.")})


class UnitChangeKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("unit history", "Created")
    RENAMED = "renamed", pgettext_lazy("unit history", "Renamed")
    RELABELLED = "relabelled", pgettext_lazy("unit history", "Level or sector changed")
    MOVED = "moved", pgettext_lazy("unit history", "Moved")
    MERGED_FROM = "merged_from", pgettext_lazy("unit history", "Merged from")
    MERGED_INTO = "merged_into", pgettext_lazy("unit history", "Merged into")
    SPLIT_FROM = "split_from", pgettext_lazy("unit history", "Split from")
    SPLIT_INTO = "split_into", pgettext_lazy("unit history", "Split into")
    ARCHIVED = "archived", pgettext_lazy("unit history", "Archived")


class UnitChange(models.Model):
    """One line of a unit's history: its past names, levels and parents, and the units it
    was merged from or split into. `before` and `after` hold what changed ({"name": …},
    {"parent": code, "parent_name": …}); `related` the other units, as they were named then."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=20, choices=UnitChangeKind.choices)
    date = models.DateField(_("date"))
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    # [{"id": …, "code": …, "name": …}, …]
    related = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind} {self.date}"

    @property
    def detail(self) -> str:
        """The line the unit's history page prints after the kind."""
        before, after = self.before, self.after
        if self.kind == UnitChangeKind.RENAMED:
            return f"“{before.get('name', '')}” → “{after.get('name', '')}”"
        if self.kind == UnitChangeKind.RELABELLED:
            labels = {"level": (_("Level"), dict(UnitLevel.choices)), "sector": (_("Sector"), dict(Sector.choices))}
            return "; ".join(f"{labels[key][0]}: {labels[key][1].get(before[key], '—')} → "
                             f"{labels[key][1].get(after[key], '—')}" for key in after if key in labels)
        if self.kind in (UnitChangeKind.CREATED, UnitChangeKind.MOVED):
            moved = _("from %(from)s to %(to)s") % {"from": before.get("parent_name"), "to": after.get("parent_name")}
            return moved if before else _("under %(parent)s") % {"parent": after.get("parent_name")}
        return ", ".join(f"{unit['name']} ({unit['code']})" for unit in self.related)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")


class Cadre(models.Model):
    """A cán bộ Đoàn: the profile behind a user account."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("tenant"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cadre"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)  # E.164, as User.phone
    email = models.EmailField(_("email"), blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    job_title = models.CharField(_("professional position"), max_length=200, blank=True)
    is_full_time = models.BooleanField(_("full-time cadre"), default=False)
    is_civil_servant = models.BooleanField(_("civil servant"), default=False)
    is_party_member = models.BooleanField(_("party member"), default=False)
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_text = models.CharField(max_length=250, editable=False, db_index=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # Set when the person's identifying data was replaced by placeholders (`cadres.services.erasure`).
    deidentified_at = models.DateTimeField(_("de-identified at"), null=True, blank=True)
    # When provincial staff were told the retention job will de-identify this person.
    retention_noticed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["tenant", "sort_key"]),
            # How an import recognises a cadre it already knows (`CadrePlan._find_cadres`).
            models.Index("tenant", Lower("email"), name="cadre_tenant_email_lower"),
            models.Index(fields=["tenant", "phone"], name="cadre_tenant_phone"),
            # The API's `updated_since` (incremental sync).
            models.Index(fields=["tenant", "updated_at"], name="cadre_tenant_updated"),
            # The few archived cadres, which whether a unit has a Bí thư excludes (`evaluations.rules`).
            models.Index(fields=["id"], condition=Q(archived_at__isnull=False), name="cadre_archived"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Fill the columns computed from the profile; `save` does, and so must a bulk insert."""
        self.full_name = " ".join(self.full_name.split())
        self.sort_key = person_sort_key(self.full_name)
        self.phone = canonical_phone(self.phone)
        self.search_text = cadre_search_text(self.full_name, self.phone, self.email)


class PositionRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy Secretary")
    STANDING_MEMBER = "standing_member", _("Standing Committee member")
    EXECUTIVE_MEMBER = "executive_member", _("Executive Committee member")
    FULL_TIME_STAFF = "full_time_staff", _("Full-time staff")

    @classmethod
    def leadership(cls) -> list[str]:
        """Roles that sit on a unit's Ban Thường vụ and so manage its subtree."""
        return [cls.SECRETARY, cls.DEPUTY_SECRETARY, cls.STANDING_MEMBER]


class PositionQuerySet(models.QuerySet["Position"]):
    def active(self, on: datetime.date | None = None) -> Self:
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))

    def held(self, on: datetime.date | None = None) -> Self:
        """Active on `on` or starting after it: what a cadre holds or has already been appointed to."""
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


_PositionManagerBase = models.Manager.from_queryset(PositionQuerySet)

if TYPE_CHECKING:

    class PositionManager(TenantScoped["Position"], _PositionManagerBase["Position"]): ...

else:

    class PositionManager(scoped_by_tenant(_PositionManagerBase)):
        pass


class Position(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="positions", verbose_name=_("cadre"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=30, choices=PositionRole.choices)
    # Never empty: a position without a start would count on every date, so a closed year's
    # figures would change when next year's cadres are imported.
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    # What the API's `updated_since` reads (a cadre changed when a position of theirs did).
    updated_at = models.DateTimeField(auto_now=True)

    objects = PositionManager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["unit", "role"]),
                   models.Index(fields=["tenant", "updated_at"], name="position_tenant_updated"),
                   # Which units have a Bí thư, read from the index alone (`evaluations.rules`).
                   models.Index(fields=["unit", "start_date", "end_date", "cadre"],
                                condition=Q(role=PositionRole.SECRETARY), name="position_secretary")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.unit}"


class GrantRole(models.TextChoices):
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    REVIEWER = "reviewer", _("Reviewer")
    PROVINCIAL_STAFF = "provincial_staff", _("Provincial staff")


class Grant(models.Model):
    """An explicit role on a unit, beside what positions give (e.g. the unit's office staff)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=30, choices=GrantRole.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="grant_unique")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.unit}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    APPROVED = "approved", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class JoinRequest(models.Model):
    """A cadre who registered with a unit's join code, until its Bí thư confirms."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="join_requests")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="join_requests")
    role = models.CharField(_("role"), max_length=30, choices=PositionRole.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]

    def get_absolute_url(self) -> str:
        return f"{reverse('join_request_list')}#join-{self.pk}"


class AuditEvent(models.Model):
    """What changed, by whom, written by the service that changed it, in its transaction.

    `unit` and `cadre` say whose trail the row belongs to (the unit it happened in, the
    cadre it is about), so a unit's subtree or a cadre's history is one indexed query.
    Either may be empty: a tenant's cycle has neither, a cadre's profile no unit."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who acted once their account is gone (de-identified: "(đã ẩn danh)"); empty with an
    # actor, and for the system.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    # Never in the way of a change (like `object_id`, which is no foreign key at all).
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


class ImportKind(models.TextChoices):
    UNITS = "units", _("Units")
    CADRES = "cadres", _("Cadres")


class QueuedJob(models.Model):
    """A job done by the Celery worker (an import, a report file), recorded before it is
    handed over: a broker that does not answer leaves it queued with `sent_at` empty, and
    the sweep (`reports.tasks.resend_unsent`) hands it over once the broker is back. Runs
    claim it one at a time (`cadres.services.jobs`)."""

    # The values every job's status choices share (`ImportJobStatus`, `ReportFileStatus`).
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

    status = models.CharField(max_length=10, default=QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # handed to the broker
    started_at = models.DateTimeField(null=True, blank=True)  # claimed by a run
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)

    @property
    def is_queued(self) -> bool:
        return self.status == self.QUEUED

    @property
    def awaits_broker(self) -> bool:
        """Queued while the job queue was not answering: the sweep will hand it over."""
        return self.is_queued and self.sent_at is None

    @property
    def is_running(self) -> bool:
        return self.status == self.RUNNING

    @property
    def is_done(self) -> bool:
        return self.status == self.DONE


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Saved")
    FAILED = "failed", _("Not saved")


class ImportJob(QueuedJob):
    """A confirmed spreadsheet import, applied by a Celery worker so a large file never
    holds a web request; its page shows progress, then what was written or why not."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="import_jobs")
    # Who confirmed it: a person, or an API client (a program, no account: the job runs as the
    # system, confined to the unit the client still reaches). Exactly one of the two. Only its
    # own person reads a job (`get_import_job_for_user`): it goes with their account.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs",
                             null=True, blank=True)
    api_client = models.ForeignKey("api.ApiClient", on_delete=models.PROTECT, related_name="import_jobs",
                                   null=True, blank=True)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    filename = models.CharField(max_length=255, blank=True)
    upload_token = models.CharField(max_length=64)
    # A preview of a file too large to check inside the request: writes nothing, and its page
    # shows the rows with the button that confirms them (which starts the real job).
    preview = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    # {"counts": {...}, "summary": "...", "problems": ["Dòng 5, cột …", ...]} once finished; a preview
    # adds "rows" (those shown: number, label, status, changes) and "has_errors".
    result = models.JSONField(default=dict, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False, api_client__isnull=True)
                                   | Q(user__isnull=True, api_client__isnull=False), name="import_job_one_principal"),
        ]

    @property
    def principal(self) -> models.Model:
        """Who the upload belongs to and the job is recorded against: the person or the client."""
        principal = self.user if self.user_id is not None else self.api_client
        assert principal is not None
        return principal

    @property
    def audit_data(self) -> dict[str, Any]:
        """What an audit row of the job adds to name a client (its actor is the system)."""
        if self.api_client_id is None:
            return {}
        return {"api_client": {"id": self.api_client_id, "name": str(self.api_client)}}


class NoticeKind(models.TextChoices):
    SUBMITTED = "submitted", _("Form to review")
    RETURNED = "returned", _("Form returned")
    APPROVED = "approved", _("Registration approved")
    PROPOSED = "proposed", _("Rating proposed")
    RATED = "rated", _("Final rating")
    REPORT_SUBMITTED = "report_submitted", _("Unit report submitted")
    REPORT_RETURNED = "report_returned", _("Unit report returned")
    REPORT_ACCEPTED = "report_accepted", _("Unit report accepted")
    JOIN_REQUEST = "join_request", _("Join request")
    LATE = "late", _("Deadline passed")
    PROGRAMME_CHANGED = "programme_changed", _("Programme changed")
    REMINDER = "reminder", _("Reminder")
    INITIATIVE = "initiative", _("Initiative decided")
    RETENTION = "retention", _("Personal data retention")


class Notice(models.Model):
    """A hand-off told to one person: in the app (unread until opened) and by email, at once
    or in the daily digest as they chose when it was made (`email`). Written in the
    transaction of the action it tells of; the email goes out after the commit
    (`cadres.tasks`), so a mail server that is down never undoes the action."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # An in-app path ("/evaluations/…"), never a full URL: opening the notice redirects there.
    link = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=10, choices=NoticeEmail.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Handed to the broker (immediate emails): empty while the queue was not answering, for the sweep.
    email_queued_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread"),
            models.Index(fields=["email", "emailed_at"], name="notice_email_pending"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class AccessKind(models.TextChoices):
    """What was read of a person (Law 91/2025: the data subject may know who accessed their data)."""

    PROFILE = "profile", _("Profile")
    FORM = "form", _("Form")
    FORM_PDF = "form_pdf", _("Form PDF")
    LIST = "list", _("List of cadres")
    EXPORT = "export", _("Export")
    REPORT = "report", _("Report naming cadres")
    MY_DATA = "my_data", _("Download of one's data")
    API = "api", _("API response")


class AccessRecord(models.Model):
    """One reading of cadres' personal data: who read it, in which role, when, what, and of
    how many people (`AccessSubject` rows name them). A list page or an export is one record
    with all the people it showed, written in the request by `cadres.services.access_log`.

    `viewer` is empty for an API client (its `viewer_label` names it) and once the viewer's
    account is gone; `viewer_label` and `viewer_role`/`viewer_unit` keep who they were then."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    viewer_label = models.CharField(max_length=200, blank=True)
    # A PositionRole or GrantRole value ("" for a cadre reading as themselves or an API client).
    viewer_role = models.CharField(max_length=30, blank=True)
    viewer_unit = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    path = models.CharField(max_length=300, blank=True)
    subject_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.viewer_label} ({self.subject_count})"

    @property
    def role_display(self) -> str:
        roles = dict(PositionRole.choices) | dict(GrantRole.choices)
        role = str(roles.get(self.viewer_role, ""))
        return " – ".join(part for part in (role, self.viewer_unit) if part)


class AccessSubject(models.Model):
    """A cadre whose data an access record read: "who viewed my file" is one indexed query."""

    record = models.ForeignKey(AccessRecord, on_delete=models.CASCADE, related_name="subjects")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["cadre", "record"], name="access_subject_cadre")]


# What replaces a de-identified person's name wherever it was held.
DEIDENTIFIED = "(đã ẩn danh)"


class DataRequestKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    ERASURE = "erasure", _("Erasure")


class DataRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class DataRequest(models.Model):
    """A cadre's request about their own data (Law 91/2025/QH15): a correction, answered by
    a manager of their unit in the app; an erasure, decided by the province's staff, with a
    reason when refused. `unit` is the cadre's unit when they asked: whose inbox it is in."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="data_requests")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=DataRequestKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=DataRequestStatus.choices,
                              default=DataRequestStatus.PENDING)
    body = models.TextField(_("request"))
    answer = models.TextField(_("answer"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "status", "kind"], name="data_request_pending")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == DataRequestStatus.PENDING

    def get_absolute_url(self) -> str:
        return reverse("data_request_detail", args=[self.pk])


class Consent(models.Model):
    """A person's acceptance of one version of the privacy notice (`cadres.privacy`), and its
    withdrawal. A new version of the notice asks again: nobody has accepted it yet."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(max_length=20)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="consent_once_per_version")]

    def __str__(self) -> str:
        return f"{self.user_id} v{self.version}"


# Decree 356/2025/NĐ-CP: the controller notifies the specialised authority within 72 hours.
BREACH_NOTIFY_HOURS = 72


class Breach(models.Model):
    """A personal-data breach: what happened, when it was detected, how many people it
    touched, what was done, and when the authority was notified (within 72 hours of its
    detection). Recorded by the province's staff; platform admins see every tenant's, and
    record platform-wide ones (no tenant)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("what happened"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    data_categories = models.CharField(_("data concerned"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"))
    people_affected = models.PositiveIntegerField(_("people affected"), default=0)
    measures = models.TextField(_("measures taken"), blank=True)
    notified_at = models.DateTimeField(_("authority notified at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data breach")
        verbose_name_plural = _("data breaches")
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def notify_by(self) -> datetime.datetime:
        return self.detected_at + datetime.timedelta(hours=BREACH_NOTIFY_HOURS)

    @property
    def is_notified(self) -> bool:
        return self.notified_at is not None

    @property
    def hours_left(self) -> int:
        """Whole hours to the deadline (negative once it passed); 0 once notified."""
        if self.is_notified:
            return 0
        return int((self.notify_by - timezone.now()).total_seconds() // 3600)

    @property
    def is_overdue(self) -> bool:
        return (self.notified_at or timezone.now()) > self.notify_by
