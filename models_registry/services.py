"""Actions that change programmes. Keyword-only, atomic, each writes its audit row.

Every change to a programme is a step of `PROGRAMME_FLOW` on the transition engine
(`cadres.transitions`)::

    draft ──publish──▶ published ──archive──▶ archived
      ▲ edits (fields, groups, criteria,          │
      │ audience targets, participants)           │ new version: the next draft, a copy
      └────────────── delete ─────────────────────┘

Drafts are edited with optimistic concurrency: every edit passes the `lock_version` the
editor loaded as `expected_version`; an edit carrying a stale one (another tab saved
first) is refused and nothing is written. Each accepted edit locks the programme row,
bumps its `lock_version` and writes its audit row; the programme instance passed in (or
reached as `obj.programme` / `obj.group.programme`) is updated in place so the caller can
render the new value.

Published programmes are immutable: `programme_new_version` opens the next draft. Who may
act is the owner unit's managers (`can_edit_programme`, the rule the views fetch through;
seeding and demo data act as `cadres.actors.SYSTEM`); these functions also refuse what is
wrong whoever asks: another tenant's objects, a non-draft programme, invalid content.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cadres.actors import System, account_of, is_system
from cadres.models import Tenant, Unit
from cadres.selectors import is_provincial_staff, manages_unit
from cadres.services.audit import audit_record
from cadres.transitions import Flow, Outcome, Step, User, act, allowed_if, require
from models_registry.content import clean_share, content_of, indicators_of, write_content, write_indicators
from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    CriterionKind,
    IndicatorKind,
    Programme,
    ProgrammeIndicator,
    ProgrammeParticipant,
    ProgrammeStatus,
    ProgrammeSubject,
    RegistrySettings,
)
from models_registry.selectors import can_edit_programme, open_draft_of
from models_registry.signals import programme_changed
from models_registry.similarity import SimilarityResult, check_similarity
from models_registry.validation import (
    check_target,
    clean_audience_fields,
    clean_criterion_fields,
    clean_programme_fields,
    clean_text,
)

# Values as a form or a seed file gives them; models_registry.validation cleans them.
RawInt = int | str | None
RawDecimal = Decimal | int | str | None
_Ordered = TypeVar("_Ordered", CriteriaGroup, Criterion)

D, P = ProgrammeStatus.DRAFT, ProgrammeStatus.PUBLISHED
# What changes a draft in place; each is its own audit action ("programme.<edit>").
EDITS = ("update", "group_create", "group_update", "group_delete", "groups_reorder", "criterion_create",
         "criterion_update", "criterion_delete", "criteria_reorder", "audience_set", "audience_delete",
         "participant_add", "participant_remove", "indicator_set", "indicator_delete", "delete_draft")


def _manages_owner(user: User, programme: Programme) -> bool:
    return is_system(user) or (not isinstance(user, System) and can_edit_programme(user, programme))


_MANAGERS_ONLY = gettext_lazy("Only the managers of the programme's unit can change it.")

PROGRAMME_FLOW: Flow[Programme] = Flow(
    name="programme",
    state_field="status",
    steps={
        **{edit: Step({D: D}) for edit in EDITS},
        "publish": Step({D: P}),
        "archive": Step({P: ProgrammeStatus.ARCHIVED},
                        wrong_state=gettext_lazy("Only a published programme can be archived.")),
    },
    checks=(allowed_if(_manages_owner, _MANAGERS_ONLY),),
    stale=gettext_lazy("Someone else (or another tab) changed this programme after you opened it. Reload the page "
                       "to see the latest version; your change was not saved."),
    wrong_state=gettext_lazy("This programme is no longer a draft and cannot be changed. Start a new version to "
                             "change it."),
    wrong_state_code="not_draft",
    related=("owner_unit",),
)


def _same_tenant(programme: Programme, *objects: Unit) -> None:
    if any(obj.tenant_id != programme.tenant_id for obj in objects):
        raise ValidationError(_("This belongs to another province."), code="foreign")


def _check_parent(*, owner_unit: Unit, subject: str, parent: Programme | None, programme: Programme | None) -> None:
    if parent is None:
        return
    if parent.tenant_id != owner_unit.tenant_id:
        raise ValidationError({"parent": _("This belongs to another province.")})
    if not owner_unit.path.startswith(parent.owner_unit.path):
        raise ValidationError({"parent": _("A programme inherits from a programme of its own unit or of a unit above it.")})
    if parent.subject != subject:
        raise ValidationError({"parent": _("A programme inherits from a programme with the same subject.")})
    ancestor: Programme | None = parent
    seen = set()
    while ancestor is not None and ancestor.pk not in seen:
        if programme is not None and (ancestor.pk == programme.pk or ancestor.series == programme.series):
            raise ValidationError({"parent": _("A programme cannot inherit from itself or from a programme that "
                                               "inherits from it.")})
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


@transaction.atomic
def programme_create(
    *, owner_unit: Unit, name: str, start_year: RawInt, end_year: RawInt = None, subject: str = ProgrammeSubject.CADRES,
    description: str = "", sectors: Iterable[str] = (), parent: Programme | None = None, pilot_quota: RawInt = None,
    acting_user: User,
) -> Programme:
    """A new draft. Under a parent, its groups, criteria and audience targets are copied as a
    starting point, each criterion marked as inherited; the unit then makes it its own."""
    require(acting_user, lambda user: manages_unit(user, owner_unit), _MANAGERS_ONLY)
    fields = clean_programme_fields(name=name, start_year=start_year, end_year=end_year, subject=subject,
                                    description=description, sectors=sectors, pilot_quota=pilot_quota)
    _check_parent(owner_unit=owner_unit, subject=fields["subject"], parent=parent, programme=None)
    programme = Programme.objects.create(tenant_id=owner_unit.tenant_id, owner_unit=owner_unit, parent=parent,
                                         created_by=account_of(acting_user), **fields)
    if parent is not None:
        write_content(programme, content_of(parent, inherit=True))
    audit_record(actor=acting_user, action="programme.create", obj=programme,
                 data={"name": programme.name, "owner": owner_unit.code, "parent": parent.pk if parent else None})
    return programme


def programme_update(
    *, programme: Programme, expected_version: object, name: str, start_year: RawInt, end_year: RawInt,
    description: str = "", sectors: Iterable[str] = (), parent: Programme | None = None, pilot_quota: RawInt = None,
    acting_user: User,
) -> Programme:
    """Change a draft's own fields (the subject is fixed at creation). A new parent does not
    copy its content again."""
    fields = clean_programme_fields(name=name, start_year=start_year, end_year=end_year, subject=programme.subject,
                                    description=description, sectors=sectors, pilot_quota=pilot_quota)
    _check_parent(owner_unit=programme.owner_unit, subject=programme.subject, parent=parent, programme=programme)

    def change(locked: Programme) -> Outcome:
        changes: dict[str, list[object]] = {key: [str(getattr(locked, key)), str(value)] for key, value in fields.items()
                   if getattr(locked, key) != value}
        if locked.parent_id != (parent.pk if parent else None):
            changes["parent"] = [locked.parent_id, parent.pk if parent else None]
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.parent = parent
        return Outcome(fields=[*fields, "parent"], data=changes)

    return act(PROGRAMME_FLOW, programme, "update", acting_user=acting_user, expected_version=expected_version,
               change=change)


# --- Groups -------------------------------------------------------------------------------


def group_create(*, programme: Programme, expected_version: object, title: str,
                 acting_user: User) -> CriteriaGroup:
    """A new group at the end of the programme."""
    group = CriteriaGroup(tenant_id=programme.tenant_id, programme=programme,
                          title=clean_text(title, "title", required=True, max_length=200))

    def change(locked: Programme) -> Outcome:
        group.position = CriteriaGroup.objects.filter(programme=locked).count() + 1
        group.save()
        return Outcome(data={"group": group.pk, "title": group.title})

    act(PROGRAMME_FLOW, programme, "group_create", acting_user=acting_user, expected_version=expected_version,
        change=change)
    return group


def group_update(*, group: CriteriaGroup, expected_version: object, title: str,
                 acting_user: User) -> CriteriaGroup:
    title = clean_text(title, "title", required=True, max_length=200)

    def change(locked: Programme) -> Outcome:
        changed = Outcome(data={"group": group.pk, "title": [group.title, title]})
        # A renamed group's title is the province's own, no longer the seed's default.
        group.title_is_default = group.title_is_default and group.title == title
        group.title = title
        group.save(update_fields=["title", "title_is_default"])
        return changed

    act(PROGRAMME_FLOW, group.programme, "group_update", acting_user=acting_user, expected_version=expected_version,
        change=change)
    return group


def group_delete(*, group: CriteriaGroup, expected_version: object, acting_user: User) -> None:
    """Delete a draft's group with its criteria."""
    def change(locked: Programme) -> Outcome:
        deleted = Outcome(data={"group": group.pk, "title": group.title})
        group.delete()
        return deleted

    act(PROGRAMME_FLOW, group.programme, "group_delete", acting_user=acting_user, expected_version=expected_version,
        change=change)


def _reorder(queryset: QuerySet[_Ordered], ids: list[int | str], label: str) -> None:
    rows = {row.pk: row for row in queryset}
    try:
        order = [int(pk) for pk in ids]
    except (TypeError, ValueError):
        order = []
    if sorted(order) != sorted(rows):
        raise ValidationError(_("The list of %(items)s to order does not match the programme; reload the page.")
                              % {"items": label})
    for position, pk in enumerate(order, start=1):
        rows[pk].position = position
    queryset.model.objects.bulk_update(rows.values(), ["position"])


def groups_reorder(*, programme: Programme, expected_version: object, group_ids: list[int | str],
                   acting_user: User) -> None:
    """Put the programme's groups in this order (every group id, once)."""
    def change(locked: Programme) -> Outcome:
        _reorder(CriteriaGroup.objects.filter(programme=locked), group_ids, _("groups"))
        return Outcome(data={"order": group_ids})

    act(PROGRAMME_FLOW, programme, "groups_reorder", acting_user=acting_user, expected_version=expected_version,
        change=change)


# --- Criteria -----------------------------------------------------------------------------


def criterion_create(
    *, group: CriteriaGroup, expected_version: object, title: str, kind: str, guidance: str = "", target: RawDecimal = None,
    measure: str = "", period: str = "", activity_kinds: Iterable[str] = (), acting_user: User,
) -> Criterion:
    """A new criterion at the end of the group, written by the unit (not inherited)."""
    fields = clean_criterion_fields(title=title, kind=kind, guidance=guidance, target=target, measure=measure,
                                    period=period, activity_kinds=activity_kinds)
    criterion = Criterion(tenant_id=group.tenant_id, group=group, **fields)

    def change(locked: Programme) -> Outcome:
        criterion.position = Criterion.objects.filter(group=group).count() + 1
        criterion.save()
        return Outcome(data={"criterion": criterion.pk, "title": criterion.title, "kind": kind})

    act(PROGRAMME_FLOW, group.programme, "criterion_create", acting_user=acting_user,
        expected_version=expected_version, change=change)
    return criterion


def criterion_update(
    *, criterion: Criterion, expected_version: object, title: str, kind: str, guidance: str = "", target: RawDecimal = None,
    measure: str = "", period: str = "", activity_kinds: Iterable[str] = (), acting_user: User,
) -> Criterion:
    """Edit a criterion; an inherited one is then marked as changed since copying."""
    fields = clean_criterion_fields(title=title, kind=kind, guidance=guidance, target=target, measure=measure,
                                    period=period, activity_kinds=activity_kinds)
    for row in criterion.audience_targets.exclude(target=None):
        if fields["kind"] != CriterionKind.QUANTITATIVE:
            raise ValidationError({"kind": _("Remove the audience targets before making this criterion "
                                             "non-quantitative.")})
        check_target(row.target, fields["measure"], fields["period"])  # type: ignore[arg-type]  # target=None excluded

    def change(locked: Programme) -> Outcome:
        changes = {key: [str(getattr(criterion, key)), str(value)] for key, value in fields.items()
                   if getattr(criterion, key) != value}
        for key, value in fields.items():
            setattr(criterion, key, value)
        criterion.modified_since_copy = criterion.modified_since_copy or (criterion.is_inherited and bool(changes))
        # What the province changed is its own from now on, no longer a default (a target
        # is its number and the period it is counted over).
        edited = set(changes) | ({"target"} if {"period", "measure"} & set(changes) else set())
        criterion.defaults = [name for name in criterion.defaults if name not in edited]
        criterion.save()
        return Outcome(data={"criterion": criterion.pk, "changes": changes})

    act(PROGRAMME_FLOW, criterion.group.programme, "criterion_update", acting_user=acting_user,
        expected_version=expected_version, change=change)
    return criterion


def criterion_delete(*, criterion: Criterion, expected_version: object, acting_user: User) -> None:
    def change(locked: Programme) -> Outcome:
        deleted = Outcome(data={"criterion": criterion.pk, "title": criterion.title})
        criterion.delete()
        return deleted

    act(PROGRAMME_FLOW, criterion.group.programme, "criterion_delete", acting_user=acting_user,
        expected_version=expected_version, change=change)


def criteria_reorder(*, group: CriteriaGroup, expected_version: object, criterion_ids: list[int | str],
                     acting_user: User) -> None:
    """Put the group's criteria in this order (every criterion id of the group, once)."""
    def change(locked: Programme) -> Outcome:
        _reorder(Criterion.objects.filter(group=group), criterion_ids, _("criteria"))
        return Outcome(data={"group": group.pk, "order": criterion_ids})

    act(PROGRAMME_FLOW, group.programme, "criteria_reorder", acting_user=acting_user,
        expected_version=expected_version, change=change)


# --- Audience targets ---------------------------------------------------------------------


def audience_target_set(
    *, criterion: Criterion, expected_version: object, unit_level: str = "", role: str = "", full_time: str = "",
    civil_servant: str = "", applies: bool = True, target: RawDecimal = None, acting_user: User,
) -> AudienceTarget:
    """Create or replace the criterion's row for this audience (level, role, chuyên trách,
    CCVC; "" = any): its own target, the criterion's (target=None), or "does not apply"."""
    programme = criterion.group.programme
    fields = clean_audience_fields(criterion=criterion, subject=programme.subject, unit_level=unit_level, role=role,
                                   full_time=full_time, civil_servant=civil_servant, applies=applies, target=target)
    key = {name: fields.pop(name) for name in ("unit_level", "role", "full_time", "civil_servant")}
    row: AudienceTarget | None = None

    def change(locked: Programme) -> Outcome:
        nonlocal row
        row, created = AudienceTarget.objects.update_or_create(
            criterion=criterion, **key, defaults={"tenant_id": criterion.tenant_id, **fields}
        )
        if criterion.is_inherited and not criterion.modified_since_copy:
            criterion.modified_since_copy = True
            criterion.save(update_fields=["modified_since_copy"])
        return Outcome(data={"criterion": criterion.pk, **key, "applies": row.applies,
                             "target": None if row.target is None else str(row.target), "created": created})

    act(PROGRAMME_FLOW, programme, "audience_set", acting_user=acting_user, expected_version=expected_version,
        change=change)
    assert row is not None
    return row


def audience_target_delete(*, audience_target: AudienceTarget, expected_version: object,
                           acting_user: User) -> None:
    def change(locked: Programme) -> Outcome:
        deleted = Outcome(data={"criterion": audience_target.criterion_id,
                                "audience": list(audience_target.audience_key)})
        audience_target.delete()
        return deleted

    act(PROGRAMME_FLOW, audience_target.criterion.group.programme, "audience_delete", acting_user=acting_user,
        expected_version=expected_version, change=change)


# --- Participants (unit-subject programmes) -----------------------------------------------


def participant_add(*, programme: Programme, expected_version: object, unit: Unit, acting_user: User) -> None:
    """Enrol a unit of the owner's subtree in a unit-subject programme (e.g. a pilot chi đoàn)."""
    _same_tenant(programme, unit)
    if programme.subject != ProgrammeSubject.UNITS:
        raise ValidationError(_("Only a programme for units has participating units."))
    if not unit.path.startswith(programme.owner_unit.path) or unit.is_archived:
        raise ValidationError(_("A participating unit must be an active unit under the programme's owner."))

    def change(locked: Programme) -> Outcome:
        ProgrammeParticipant.objects.get_or_create(programme=locked, unit=unit,
                                                   defaults={"tenant_id": locked.tenant_id})
        return Outcome(data={"unit": unit.code})

    act(PROGRAMME_FLOW, programme, "participant_add", acting_user=acting_user, expected_version=expected_version,
        change=change)


def participant_remove(*, programme: Programme, expected_version: object, unit: Unit,
                       acting_user: User) -> None:
    def change(locked: Programme) -> Outcome:
        ProgrammeParticipant.objects.filter(programme=locked, unit=unit).delete()
        return Outcome(data={"unit": unit.code})

    act(PROGRAMME_FLOW, programme, "participant_remove", acting_user=acting_user, expected_version=expected_version,
        change=change)


# --- Indicators (a programme's target shares of computed figures) ------------------------


def indicator_set(*, programme: Programme, expected_version: object, kind: str, target_percent: RawInt,
                  text: str, acting_user: User) -> ProgrammeIndicator:
    """Create or change the programme's target for one computed figure (Cần Thơ's 4 chỉ
    tiêu). What the province changes is its own from then on, no longer a default."""
    if kind not in IndicatorKind.values:
        raise ValidationError({"kind": _("Choose one of the figures the reports compute.")})
    fields = {"target_percent": clean_share(target_percent),
              "text": clean_text(text, "text", required=True, max_length=2000)}
    row: ProgrammeIndicator | None = None

    def change(locked: Programme) -> Outcome:
        nonlocal row
        row = ProgrammeIndicator.objects.filter(programme=locked, kind=kind).first()
        created = row is None
        if row is None:
            position = locked.indicators.count() + 1
            row = ProgrammeIndicator(tenant_id=locked.tenant_id, programme=locked, kind=kind, position=position)
        changes = {} if created else {name: [str(getattr(row, name)), str(value)] for name, value in fields.items()
                                      if getattr(row, name) != value}
        for name, value in fields.items():
            setattr(row, name, value)
        row.defaults = [name for name in row.defaults if name not in changes]
        row.save()
        return Outcome(data={"kind": kind, "created": created, "changes": changes})

    act(PROGRAMME_FLOW, programme, "indicator_set", acting_user=acting_user, expected_version=expected_version,
        change=change)
    assert row is not None
    return row


def indicator_delete(*, indicator: ProgrammeIndicator, expected_version: object, acting_user: User) -> None:
    def change(locked: Programme) -> Outcome:
        deleted = Outcome(data={"kind": indicator.kind, "text": indicator.text})
        indicator.delete()
        return deleted

    act(PROGRAMME_FLOW, indicator.programme, "indicator_delete", acting_user=acting_user,
        expected_version=expected_version, change=change)


# --- Lifecycle ----------------------------------------------------------------------------


@transaction.atomic
def programme_publish(
    *, programme: Programme, expected_version: object, acting_user: User, enforce_similarity: bool = True,
) -> SimilarityResult:
    """Publish a draft after the "không rập khuôn" check. Returns the check result: when the
    tenant blocks near-copies, a near-copy raises a ValidationError with its message
    instead; otherwise the result carries the warning. The version it replaces, if any,
    is archived. `enforce_similarity=False` is for loading published seed documents."""
    if not Criterion.objects.filter(group__programme=programme).exists():
        raise ValidationError(_("Add at least one criterion before publishing."))
    if programme.parent is not None and programme.parent.status == ProgrammeStatus.DRAFT:
        raise ValidationError(_("The parent programme is still a draft: it must be published first."))
    result: SimilarityResult | None = None

    def change(locked: Programme) -> Outcome:
        nonlocal result
        result = check_similarity(locked)
        if enforce_similarity and result.blocks:
            raise ValidationError(result.message(), code="too_similar")
        now = timezone.now()
        superseded = Programme.objects.filter(series=locked.series, status=ProgrammeStatus.PUBLISHED)
        for old in superseded:
            audit_record(actor=acting_user, action="programme.archive", obj=old, data={"superseded_by": locked.pk})
        superseded.update(status=ProgrammeStatus.ARCHIVED, archived_at=now)
        locked.published_at, locked.published_by, locked.similarity_report = now, account_of(acting_user), result.as_report()
        return Outcome(fields=["published_at", "published_by", "similarity_report"], data=locked.similarity_report)

    act(PROGRAMME_FLOW, programme, "publish", acting_user=acting_user, expected_version=expected_version,
        change=change)
    programme_changed.send(sender=Programme, programme=programme, acting_user=acting_user)
    assert result is not None
    return result


@transaction.atomic
def programme_archive(*, programme: Programme, acting_user: User) -> Programme:
    """Withdraw a published programme, as the caller loaded it; it stays readable, with the
    forms filed against it."""
    def change(locked: Programme) -> Outcome:
        locked.archived_at = timezone.now()
        return Outcome(fields=["archived_at"])

    archived = act(PROGRAMME_FLOW, programme, "archive", acting_user=acting_user,
                   expected_version=programme.lock_version, change=change)
    programme_changed.send(sender=Programme, programme=archived, acting_user=acting_user)
    return archived


@transaction.atomic
def programme_new_version(*, programme: Programme, acting_user: User) -> Programme:
    """The next draft version of a published (or archived) programme, with its content; the
    published version stays as it is until the draft is published."""
    require(acting_user, lambda user: can_edit_programme(user, programme), _MANAGERS_ONLY)
    if programme.status == ProgrammeStatus.DRAFT:
        raise ValidationError(_("This programme is still a draft: edit it directly."))
    draft = open_draft_of(programme)
    if draft is not None:
        raise ValidationError(_("Version %(n)d of this programme is already being drafted.") % {"n": draft.version})
    latest = Programme.objects.filter(series=programme.series).order_by("-version").values_list("version", flat=True)
    new = Programme.objects.create(
        tenant_id=programme.tenant_id, owner_unit=programme.owner_unit, parent=programme.parent, name=programme.name,
        start_year=programme.start_year, end_year=programme.end_year, subject=programme.subject,
        description=programme.description, sectors=list(programme.sectors), pilot_quota=programme.pilot_quota,
        series=programme.series, version=latest[0] + 1, derived_from=programme, seed_key=programme.seed_key,
        created_by=account_of(acting_user),
    )
    write_content(new, content_of(programme, inherit=False))
    write_indicators(new, indicators_of(programme))
    ProgrammeParticipant.objects.bulk_create(
        ProgrammeParticipant(tenant_id=new.tenant_id, programme=new, unit_id=unit_id)
        for unit_id in programme.participants.values_list("unit_id", flat=True)
    )
    audit_record(actor=acting_user, action="programme.new_version", obj=new,
                 data={"derived_from": programme.pk, "version": new.version})
    return new


def programme_delete_draft(*, programme: Programme, expected_version: object, acting_user: User) -> None:
    """Discard a draft (nothing was ever filed against it) that no programme inherits from."""
    if programme.children.exists():
        raise ValidationError(_("Other programmes inherit from this draft: it cannot be deleted."))
    act(PROGRAMME_FLOW, programme, "delete_draft", acting_user=acting_user, expected_version=expected_version,
        change=lambda locked: Outcome(data={"name": locked.name}))
    programme.delete()


# --- Settings -----------------------------------------------------------------------------


def registry_settings_for(tenant: Tenant) -> RegistrySettings:
    """The tenant's programme settings, created with the defaults on first use."""
    settings, _created = RegistrySettings.objects.get_or_create(tenant=tenant)
    return settings


@transaction.atomic
def registry_settings_update(
    *, tenant: Tenant, similarity_threshold: RawDecimal, block_similar: bool, acting_user: User
) -> RegistrySettings:
    """Set the similarity threshold (0.30–1.00) and whether a near-copy blocks publishing."""
    require(acting_user, lambda user: is_provincial_staff(user, tenant.pk),
            _("Only provincial staff change the province's programme settings."))
    try:
        threshold = Decimal(str(similarity_threshold).replace(",", "."))
    except ArithmeticError:
        threshold = Decimal(-1)
    if not threshold.is_finite() or not Decimal("0.30") <= threshold <= Decimal("1.00"):
        raise ValidationError({"similarity_threshold": _("Enter a share between 0.30 and 1.00, such as 0.70.")})
    settings = registry_settings_for(tenant)
    settings.similarity_threshold, settings.block_similar = threshold.quantize(Decimal("0.01")), bool(block_similar)
    settings.save()
    audit_record(actor=acting_user, action="registry_settings.update", obj=settings, tenant=tenant,
                 data={"similarity_threshold": str(settings.similarity_threshold), "block": settings.block_similar})
    return settings
