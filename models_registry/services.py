"""Actions that change programmes. Keyword-only, atomic, each writes its audit row.

Drafts are edited with optimistic concurrency: every edit passes the `lock_version` the
editor loaded; an edit carrying a stale one (another tab saved first) is refused and
nothing is written. Each accepted edit bumps the programme's `lock_version`; the
programme instance passed in (or reached as `obj.programme` / `obj.group.programme`) is
updated in place so the caller can render the new value.

Published programmes are immutable: `programme_new_version` opens the next draft.
Permission is checked by the caller through the selectors; these functions refuse what is
wrong whoever asks: another tenant's objects, a non-draft programme, invalid content.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Tenant, Unit
from cadres.services.audit import audit_record
from models_registry.content import content_of, write_content
from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    CriterionKind,
    Programme,
    ProgrammeParticipant,
    ProgrammeStatus,
    ProgrammeSubject,
    RegistrySettings,
)
from models_registry.selectors import open_draft_of
from models_registry.similarity import SimilarityResult, check_similarity
from models_registry.validation import (
    check_target,
    clean_audience_fields,
    clean_criterion_fields,
    clean_programme_fields,
    clean_text,
)


def _not_draft_error() -> ValidationError:
    return ValidationError(_("This programme is no longer a draft and cannot be changed. Start a new version "
                             "to change it."), code="not_draft")


def _lock_draft(programme: Programme, expected_lock_version) -> Programme:
    """Check-and-bump the draft's lock_version in one UPDATE, so two concurrent saves
    cannot both pass; the transaction's rollback undoes the bump if the edit then fails."""
    try:
        expected = int(expected_lock_version)
    except (TypeError, ValueError):
        expected = -1
    bumped = Programme.objects.filter(pk=programme.pk, status=ProgrammeStatus.DRAFT, lock_version=expected).update(
        lock_version=F("lock_version") + 1, updated_at=timezone.now()
    )
    if not bumped:
        current = Programme.objects.filter(pk=programme.pk).values_list("status", flat=True).first()
        if current != ProgrammeStatus.DRAFT:
            raise _not_draft_error()
        raise ValidationError(_("Someone else (or another tab) changed this programme after you opened it. "
                                "Reload the page to see the latest version; your change was not saved."),
                              code="stale")
    programme.lock_version = expected + 1
    return programme


def _same_tenant(programme: Programme, *objects) -> None:
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
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if programme is not None and (ancestor.pk == programme.pk or ancestor.series == programme.series):
            raise ValidationError({"parent": _("A programme cannot inherit from itself or from a programme that "
                                               "inherits from it.")})
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


@transaction.atomic
def programme_create(
    *, owner_unit: Unit, name: str, start_year, end_year=None, subject: str = ProgrammeSubject.CADRES,
    description: str = "", sectors=(), parent: Programme | None = None, pilot_quota=None, acting_user=None,
) -> Programme:
    """A new draft. Under a parent, its groups, criteria and audience targets are copied as a
    starting point, each criterion marked as inherited; the unit then makes it its own."""
    fields = clean_programme_fields(name=name, start_year=start_year, end_year=end_year, subject=subject,
                                    description=description, sectors=sectors, pilot_quota=pilot_quota)
    _check_parent(owner_unit=owner_unit, subject=fields["subject"], parent=parent, programme=None)
    programme = Programme.objects.create(tenant_id=owner_unit.tenant_id, owner_unit=owner_unit, parent=parent,
                                         created_by=_user(acting_user), **fields)
    if parent is not None:
        write_content(programme, content_of(parent, inherit=True))
    audit_record(actor=acting_user, action="programme.create", obj=programme,
                 data={"name": programme.name, "owner": owner_unit.code, "parent": parent.pk if parent else None})
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, expected_lock_version, name: str, start_year, end_year, description: str = "",
    sectors=(), parent: Programme | None = None, pilot_quota=None, acting_user=None,
) -> Programme:
    """Change a draft's own fields (the subject is fixed at creation). A new parent does not
    copy its content again."""
    fields = clean_programme_fields(name=name, start_year=start_year, end_year=end_year, subject=programme.subject,
                                    description=description, sectors=sectors, pilot_quota=pilot_quota)
    _check_parent(owner_unit=programme.owner_unit, subject=programme.subject, parent=parent, programme=programme)
    _lock_draft(programme, expected_lock_version)
    changes = {key: [str(getattr(programme, key)), str(value)] for key, value in fields.items()
               if getattr(programme, key) != value}
    if programme.parent_id != (parent.pk if parent else None):
        changes["parent"] = [programme.parent_id, parent.pk if parent else None]
    for key, value in fields.items():
        setattr(programme, key, value)
    programme.parent = parent
    programme.save(update_fields=[*fields, "parent", "updated_at"])
    audit_record(actor=acting_user, action="programme.update", obj=programme, data=changes)
    return programme


def _user(acting_user):
    return acting_user if acting_user is not None and acting_user.is_authenticated else None


# --- Groups -------------------------------------------------------------------------------


@transaction.atomic
def group_create(*, programme: Programme, expected_lock_version, title: str, acting_user=None) -> CriteriaGroup:
    """A new group at the end of the programme."""
    title = clean_text(title, "title", required=True, max_length=200)
    _lock_draft(programme, expected_lock_version)
    position = CriteriaGroup.objects.filter(programme=programme).count() + 1
    group = CriteriaGroup.objects.create(tenant_id=programme.tenant_id, programme=programme, position=position,
                                         title=title)
    audit_record(actor=acting_user, action="programme.group_create", obj=programme, data={"group": group.pk,
                                                                                          "title": title})
    return group


@transaction.atomic
def group_update(*, group: CriteriaGroup, expected_lock_version, title: str, acting_user=None) -> CriteriaGroup:
    title = clean_text(title, "title", required=True, max_length=200)
    _lock_draft(group.programme, expected_lock_version)
    audit_record(actor=acting_user, action="programme.group_update", obj=group.programme,
                 data={"group": group.pk, "title": [group.title, title]})
    group.title = title
    group.save(update_fields=["title"])
    return group


@transaction.atomic
def group_delete(*, group: CriteriaGroup, expected_lock_version, acting_user=None) -> None:
    """Delete a draft's group with its criteria."""
    _lock_draft(group.programme, expected_lock_version)
    audit_record(actor=acting_user, action="programme.group_delete", obj=group.programme,
                 data={"group": group.pk, "title": group.title})
    group.delete()


def _reorder(queryset, ids, label: str) -> None:
    rows = {row.pk: row for row in queryset}
    try:
        ids = [int(pk) for pk in ids]
    except (TypeError, ValueError):
        ids = []
    if sorted(ids) != sorted(rows):
        raise ValidationError(_("The list of %(items)s to order does not match the programme; reload the page.")
                              % {"items": label})
    for position, pk in enumerate(ids, start=1):
        rows[pk].position = position
    queryset.model.objects.bulk_update(rows.values(), ["position"])


@transaction.atomic
def groups_reorder(*, programme: Programme, expected_lock_version, group_ids: list, acting_user=None) -> None:
    """Put the programme's groups in this order (every group id, once)."""
    _lock_draft(programme, expected_lock_version)
    _reorder(CriteriaGroup.objects.filter(programme=programme), group_ids, _("groups"))
    audit_record(actor=acting_user, action="programme.groups_reorder", obj=programme, data={"order": group_ids})


# --- Criteria -----------------------------------------------------------------------------


@transaction.atomic
def criterion_create(
    *, group: CriteriaGroup, expected_lock_version, title: str, kind: str, guidance: str = "", target=None,
    measure: str = "", period: str = "", activity_kinds=(), acting_user=None,
) -> Criterion:
    """A new criterion at the end of the group, written by the unit (not inherited)."""
    fields = clean_criterion_fields(title=title, kind=kind, guidance=guidance, target=target, measure=measure,
                                    period=period, activity_kinds=activity_kinds)
    _lock_draft(group.programme, expected_lock_version)
    position = Criterion.objects.filter(group=group).count() + 1
    criterion = Criterion.objects.create(tenant_id=group.tenant_id, group=group, position=position, **fields)
    audit_record(actor=acting_user, action="programme.criterion_create", obj=group.programme,
                 data={"criterion": criterion.pk, "title": criterion.title, "kind": kind})
    return criterion


@transaction.atomic
def criterion_update(
    *, criterion: Criterion, expected_lock_version, title: str, kind: str, guidance: str = "", target=None,
    measure: str = "", period: str = "", activity_kinds=(), acting_user=None,
) -> Criterion:
    """Edit a criterion; an inherited one is then marked as changed since copying."""
    fields = clean_criterion_fields(title=title, kind=kind, guidance=guidance, target=target, measure=measure,
                                    period=period, activity_kinds=activity_kinds)
    for row in criterion.audience_targets.exclude(target=None):
        if fields["kind"] != CriterionKind.QUANTITATIVE:
            raise ValidationError({"kind": _("Remove the audience targets before making this criterion "
                                             "non-quantitative.")})
        check_target(row.target, fields["measure"], fields["period"])
    programme = criterion.group.programme
    _lock_draft(programme, expected_lock_version)
    changes = {key: [str(getattr(criterion, key)), str(value)] for key, value in fields.items()
               if getattr(criterion, key) != value}
    for key, value in fields.items():
        setattr(criterion, key, value)
    criterion.modified_since_copy = criterion.modified_since_copy or (criterion.is_inherited and bool(changes))
    criterion.save()
    audit_record(actor=acting_user, action="programme.criterion_update", obj=programme,
                 data={"criterion": criterion.pk, "changes": changes})
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, expected_lock_version, acting_user=None) -> None:
    programme = criterion.group.programme
    _lock_draft(programme, expected_lock_version)
    audit_record(actor=acting_user, action="programme.criterion_delete", obj=programme,
                 data={"criterion": criterion.pk, "title": criterion.title})
    criterion.delete()


@transaction.atomic
def criteria_reorder(*, group: CriteriaGroup, expected_lock_version, criterion_ids: list, acting_user=None) -> None:
    """Put the group's criteria in this order (every criterion id of the group, once)."""
    _lock_draft(group.programme, expected_lock_version)
    _reorder(Criterion.objects.filter(group=group), criterion_ids, _("criteria"))
    audit_record(actor=acting_user, action="programme.criteria_reorder", obj=group.programme,
                 data={"group": group.pk, "order": criterion_ids})


# --- Audience targets ---------------------------------------------------------------------


@transaction.atomic
def audience_target_set(
    *, criterion: Criterion, expected_lock_version, unit_level: str = "", role: str = "", full_time: str = "",
    civil_servant: str = "", applies: bool = True, target=None, acting_user=None,
) -> AudienceTarget:
    """Create or replace the criterion's row for this audience (level, role, chuyên trách,
    CCVC; "" = any): its own target, the criterion's (target=None), or "does not apply"."""
    programme = criterion.group.programme
    fields = clean_audience_fields(criterion=criterion, subject=programme.subject, unit_level=unit_level, role=role,
                                   full_time=full_time, civil_servant=civil_servant, applies=applies, target=target)
    _lock_draft(programme, expected_lock_version)
    key = {name: fields.pop(name) for name in ("unit_level", "role", "full_time", "civil_servant")}
    row, created = AudienceTarget.objects.update_or_create(
        criterion=criterion, **key, defaults={"tenant_id": criterion.tenant_id, **fields}
    )
    if criterion.is_inherited and not criterion.modified_since_copy:
        criterion.modified_since_copy = True
        criterion.save(update_fields=["modified_since_copy"])
    audit_record(actor=acting_user, action="programme.audience_set", obj=programme,
                 data={"criterion": criterion.pk, **key, "applies": row.applies,
                       "target": None if row.target is None else str(row.target), "created": created})
    return row


@transaction.atomic
def audience_target_delete(*, audience_target: AudienceTarget, expected_lock_version, acting_user=None) -> None:
    programme = audience_target.criterion.group.programme
    _lock_draft(programme, expected_lock_version)
    audit_record(actor=acting_user, action="programme.audience_delete", obj=programme,
                 data={"criterion": audience_target.criterion_id, "audience": list(audience_target.audience_key)})
    audience_target.delete()


# --- Participants (unit-subject programmes) -----------------------------------------------


@transaction.atomic
def participant_add(*, programme: Programme, expected_lock_version, unit: Unit, acting_user=None) -> None:
    """Enrol a unit of the owner's subtree in a unit-subject programme (e.g. a pilot chi đoàn)."""
    _same_tenant(programme, unit)
    if programme.subject != ProgrammeSubject.UNITS:
        raise ValidationError(_("Only a programme for units has participating units."))
    if not unit.path.startswith(programme.owner_unit.path) or unit.is_archived:
        raise ValidationError(_("A participating unit must be an active unit under the programme's owner."))
    _lock_draft(programme, expected_lock_version)
    ProgrammeParticipant.objects.get_or_create(programme=programme, unit=unit,
                                               defaults={"tenant_id": programme.tenant_id})
    audit_record(actor=acting_user, action="programme.participant_add", obj=programme, data={"unit": unit.code})


@transaction.atomic
def participant_remove(*, programme: Programme, expected_lock_version, unit: Unit, acting_user=None) -> None:
    _lock_draft(programme, expected_lock_version)
    ProgrammeParticipant.objects.filter(programme=programme, unit=unit).delete()
    audit_record(actor=acting_user, action="programme.participant_remove", obj=programme, data={"unit": unit.code})


# --- Lifecycle ----------------------------------------------------------------------------


@transaction.atomic
def programme_publish(
    *, programme: Programme, expected_lock_version, acting_user=None, enforce_similarity: bool = True,
) -> SimilarityResult:
    """Publish a draft after the "không rập khuôn" check. Returns the check result: when the
    tenant blocks near-copies, a near-copy raises a ValidationError with its message
    instead; otherwise the result carries the warning. The version it replaces, if any,
    is archived. `enforce_similarity=False` is for loading published seed documents."""
    if not Criterion.objects.filter(group__programme=programme).exists():
        raise ValidationError(_("Add at least one criterion before publishing."))
    if programme.parent_id and programme.parent.status == ProgrammeStatus.DRAFT:
        raise ValidationError(_("The parent programme is still a draft: it must be published first."))
    _lock_draft(programme, expected_lock_version)
    result = check_similarity(programme)
    if enforce_similarity and result.blocks:
        raise ValidationError(result.message(), code="too_similar")
    now = timezone.now()
    superseded = Programme.objects.filter(series=programme.series, status=ProgrammeStatus.PUBLISHED)
    for old in superseded:
        audit_record(actor=acting_user, action="programme.archive", obj=old, data={"superseded_by": programme.pk})
    superseded.update(status=ProgrammeStatus.ARCHIVED, archived_at=now)
    programme.status, programme.published_at = ProgrammeStatus.PUBLISHED, now
    programme.published_by, programme.similarity_report = _user(acting_user), result.as_report()
    programme.save(update_fields=["status", "published_at", "published_by", "similarity_report", "updated_at"])
    audit_record(actor=acting_user, action="programme.publish", obj=programme, data=programme.similarity_report)
    return result


@transaction.atomic
def programme_archive(*, programme: Programme, acting_user=None) -> Programme:
    """Withdraw a published programme; it stays readable, with the forms filed against it."""
    if not Programme.objects.filter(pk=programme.pk, status=ProgrammeStatus.PUBLISHED).update(
        status=ProgrammeStatus.ARCHIVED, archived_at=timezone.now()
    ):
        raise ValidationError(_("Only a published programme can be archived."))
    programme.refresh_from_db()
    audit_record(actor=acting_user, action="programme.archive", obj=programme)
    return programme


@transaction.atomic
def programme_new_version(*, programme: Programme, acting_user=None) -> Programme:
    """The next draft version of a published (or archived) programme, with its content; the
    published version stays as it is until the draft is published."""
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
        created_by=_user(acting_user),
    )
    write_content(new, content_of(programme, inherit=False))
    ProgrammeParticipant.objects.bulk_create(
        ProgrammeParticipant(tenant_id=new.tenant_id, programme=new, unit_id=unit_id)
        for unit_id in programme.participants.values_list("unit_id", flat=True)
    )
    audit_record(actor=acting_user, action="programme.new_version", obj=new,
                 data={"derived_from": programme.pk, "version": new.version})
    return new


@transaction.atomic
def programme_delete_draft(*, programme: Programme, expected_lock_version, acting_user=None) -> None:
    """Discard a draft (nothing was ever filed against it) that no programme inherits from."""
    if programme.children.exists():
        raise ValidationError(_("Other programmes inherit from this draft: it cannot be deleted."))
    _lock_draft(programme, expected_lock_version)
    audit_record(actor=acting_user, action="programme.delete_draft", obj=programme, data={"name": programme.name})
    programme.delete()


# --- Settings -----------------------------------------------------------------------------


def registry_settings_for(tenant: Tenant) -> RegistrySettings:
    """The tenant's programme settings, created with the defaults on first use."""
    settings, _created = RegistrySettings.objects.get_or_create(tenant=tenant)
    return settings


@transaction.atomic
def registry_settings_update(
    *, tenant: Tenant, similarity_threshold, block_similar: bool, acting_user=None
) -> RegistrySettings:
    """Set the similarity threshold (0.30–1.00) and whether a near-copy blocks publishing."""
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
