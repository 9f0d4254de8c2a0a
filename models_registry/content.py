"""A programme's content (groups, criteria, audience targets) as plain data, and back.

One format serves three uses: copying a parent's content into a child (marked inherited),
carrying a published version into its next draft, and loading the seed fixtures. Writing
validates every criterion and audience row with the same rules as the editor's services.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from models_registry.models import (
    AudienceTarget,
    CriteriaGroup,
    Criterion,
    IndicatorKind,
    Programme,
    ProgrammeIndicator,
)
from models_registry.selectors import programme_groups
from models_registry.validation import clean_audience_fields, clean_criterion_fields, clean_text

AUDIENCE_FIELDS = ("unit_level", "role", "full_time", "civil_servant", "applies", "target")


def content_of(programme: Programme, *, inherit: bool) -> list[dict]:
    """The programme's groups as data. `inherit=True` (copying into a child programme) marks
    each criterion as copied from this one; otherwise (a new version) the criteria keep the
    inheritance they had."""
    groups = []
    for group in programme_groups(programme):
        criteria = []
        for criterion in group.criteria.all():
            criteria.append(dict(
                title=criterion.title, kind=criterion.kind, guidance=criterion.guidance, target=criterion.target,
                measure=criterion.measure, period=criterion.period, activity_kinds=list(criterion.activity_kinds),
                inherited_from=criterion.pk if inherit else criterion.inherited_from_id,
                modified_since_copy=False if inherit else criterion.modified_since_copy,
                defaults=list(criterion.defaults),
                audiences=[{name: getattr(row, name) for name in AUDIENCE_FIELDS}
                           for row in criterion.audience_targets.all()],
            ))
        groups.append(dict(title=group.title, title_is_default=group.title_is_default, criteria=criteria))
    return groups


def write_content(programme: Programme, groups: list[dict]) -> tuple[int, int]:
    """Append the groups after the programme's existing ones; returns (groups, criteria) written.
    Raises a ValidationError naming the group and criterion at fault."""
    position = CriteriaGroup.objects.filter(programme=programme).count()
    criteria_count = 0
    for group_index, group_data in enumerate(groups, start=1):
        title = clean_text(group_data.get("title"), "title", required=True, max_length=200)
        group = CriteriaGroup.objects.create(
            tenant_id=programme.tenant_id, programme=programme, position=position + group_index, title=title,
            title_is_default=bool(group_data.get("title_is_default")),
        )
        for index, data in enumerate(group_data.get("criteria") or [], start=1):
            try:
                _write_criterion(programme, group, index, data)
            except ValidationError as error:
                raise ValidationError(_("Group “%(group)s”, criterion %(n)d: %(errors)s") % {
                    "group": title, "n": index, "errors": " ".join(error.messages)}) from error
            criteria_count += 1
    return len(groups), criteria_count


def _write_criterion(programme: Programme, group: CriteriaGroup, position: int, data: dict) -> Criterion:
    fields = clean_criterion_fields(
        title=data.get("title"), kind=data.get("kind"), guidance=data.get("guidance", ""),
        target=data.get("target"), measure=data.get("measure", ""), period=data.get("period", ""),
        activity_kinds=data.get("activity_kinds", ()),
    )
    defaults = list(data.get("defaults") or [])
    if not set(defaults) <= set(Criterion.DEFAULTABLE):
        raise ValidationError(_("Only %(fields)s can be marked as defaults.") % {"fields": ", ".join(Criterion.DEFAULTABLE)})
    criterion = Criterion.objects.create(
        tenant_id=programme.tenant_id, group=group, position=position, defaults=defaults,
        inherited_from_id=data.get("inherited_from"), modified_since_copy=data.get("modified_since_copy", False),
        **fields,
    )
    rows = [clean_audience_fields(criterion=criterion, subject=programme.subject, **row)
            for row in data.get("audiences") or []]
    keys = [(row["unit_level"], row["role"], row["full_time"], row["civil_servant"]) for row in rows]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("The same audience is listed twice."))
    AudienceTarget.objects.bulk_create(
        AudienceTarget(tenant_id=programme.tenant_id, criterion=criterion, **row) for row in rows
    )
    return criterion


def indicators_of(programme: Programme) -> list[dict]:
    return [dict(kind=row.kind, target=row.target_percent, text=row.text, defaults=list(row.defaults))
            for row in programme.indicators.all()]


def clean_share(value) -> int:
    """An indicator's target share, 0–100 (%)."""
    try:
        share = int(value)
    except (TypeError, ValueError):
        share = -1
    if not 0 <= share <= 100:
        raise ValidationError({"target_percent": _("An indicator's target is a share between 0 and 100%.")})
    return share


def write_indicators(programme: Programme, rows: list[dict]) -> None:
    """The programme's target shares of computed figures (`indicators_of` gives them back)."""
    objects = []
    for position, row in enumerate(rows, start=1):
        if row.get("kind") not in IndicatorKind.values:
            raise ValidationError(_("Unknown indicator “%(kind)s”.") % {"kind": row.get("kind")})
        defaults = list(row.get("defaults") or [])
        if not set(defaults) <= set(ProgrammeIndicator.DEFAULTABLE):
            raise ValidationError(_("Only %(fields)s can be marked as defaults.") % {
                "fields": ", ".join(ProgrammeIndicator.DEFAULTABLE)})
        objects.append(ProgrammeIndicator(tenant_id=programme.tenant_id, programme=programme, position=position,
                                          kind=row["kind"], target_percent=clean_share(row.get("target", 100)),
                                          text=clean_text(row.get("text"), "text", required=True, max_length=2000),
                                          defaults=defaults))
    ProgrammeIndicator.objects.bulk_create(objects)
