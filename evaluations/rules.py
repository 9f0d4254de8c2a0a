"""Who acts on a form (domain §3), as querysets so one rule serves the single form and the
review queue alike.

- The cadre (owner) fills, submits and amends their own forms.
- Reviewer (approve / return a registration; return / propose a rating on a
  self-assessment): the Bí thư of the form's unit, or whoever holds a reviewer grant on
  it (a Phó Bí thư the Bí thư delegated to). A Bí thư's own form (the deciding position
  is Bí thư of that unit) goes to the Ban Thường vụ of the parent unit: anyone managing a
  subtree that contains the parent.
- BTV (finalise the rating): whoever manages a subtree containing the form's unit (its
  Ban Thường vụ, office staff, higher levels); for a Bí thư's own form, containing the
  parent unit.
- A unit with nobody to review (its Bí thư left and no reviewer grant) does not stall its
  members' forms: the parent unit's BTV reviews them, as it does the Bí thư's own.
- A sáng kiến is recognised by the cadre's reviewer or their unit's BTV: whoever reviews or
  rates one of the cadre's forms of that year, or would review a form of a position the
  cadre holds now (before they have any form).
- Nobody reviews or rates their own form, nor recognises their own sáng kiến. At the tenant's root unit, whose Bí thư has no
  parent, the root's other managers (provincial staff) act as the parent BTV.
"""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

from cadres.models import AnyUser, Cadre, Grant, GrantRole, Position, PositionRole, Unit
from cadres.selectors import access_for
from evaluations.models import Registration, SelfAssessment


def _strictly_below(paths, prefix: str = "unit__") -> Q:
    """Units inside a managed subtree but not its top: their parent is managed too."""
    clauses = [Q(**{f"{prefix}path__startswith": path, f"{prefix}depth__gt": len(path) // Unit.steplen})
               for path in paths]
    return reduce(or_, clauses, Q(pk__in=[]))


def _within(paths, prefix: str = "unit__") -> Q:
    return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths), Q(pk__in=[]))


def _secretary_form_reviewable(paths) -> Q:
    """A Bí thư's own form: the parent unit's BTV (or, at the root, the root's managers)."""
    root_managed = [path for path in paths if len(path) == Unit.steplen]
    at_root = Q(unit__depth=1, unit__path__in=root_managed) if root_managed else Q(pk__in=[])
    return Q(role=PositionRole.SECRETARY) & (_strictly_below(paths) | at_root)


def _reviewer_vacant() -> Q:
    """The form's unit has no active Bí thư and no reviewer grant.

    Archived cadres are excluded by their (few) ids rather than joined: the join read all of
    a province's cadres for every cold menu count (`position_secretary` and `cadre_archived`
    serve this: a fifth of the time for provincial staff at 100,000 cadres)."""
    archived = Cadre.objects.filter(archived_at__isnull=False).values("pk")
    secretary = (Position.objects.active().filter(unit_id=OuterRef("unit_id"), role=PositionRole.SECRETARY)
                 .exclude(cadre_id__in=archived))
    delegate = Grant.objects.filter(unit_id=OuterRef("unit_id"), role=GrantRole.REVIEWER)
    return Q(~Exists(secretary), ~Exists(delegate))


def _in_reach(access) -> Q:
    """The form's unit is one the user reviews or inside a subtree they manage, which every
    rule below narrows. Said as a list of units, the planner reads those units' forms by
    index instead of testing every form of the tenant (a chi đoàn Bí thư's queue scanned all
    20,000 registrations of a province)."""
    units = Unit.objects.filter(Q(pk__in=access.reviewed_unit_ids) | _within(access.managed_paths, prefix=""))
    return Q(unit_id__in=units.values("pk"))


def _not_own(user) -> Q:
    access = access_for(user)
    return Q(tenant_id__in=access.tenant_ids) & ~Q(cadre_id=access.cadre_id or 0)


def reviewer_q(user: AnyUser | None) -> Q:
    """Forms this user reviews (whatever their state)."""
    access = access_for(user)
    not_secretary = ~Q(role=PositionRole.SECRETARY)
    members = not_secretary & Q(unit_id__in=access.reviewed_unit_ids)
    orphans = not_secretary & _strictly_below(access.managed_paths) & _reviewer_vacant()
    return _not_own(user) & _in_reach(access) & (members | orphans | _secretary_form_reviewable(access.managed_paths))


def btv_q(user) -> Q:
    """Forms whose final rating this user may decide as the BTV collective."""
    access = access_for(user)
    members = ~Q(role=PositionRole.SECRETARY) & _within(access.managed_paths)
    return _not_own(user) & _in_reach(access) & (members | _secretary_form_reviewable(access.managed_paths))


def visible_q(user) -> Q:
    """Own forms, forms of cadres one reviews, forms in the subtrees one manages."""
    access = access_for(user)
    return Q(tenant_id__in=access.tenant_ids) & (
        Q(cadre_id=access.cadre_id or 0) | Q(unit_id__in=access.reviewed_unit_ids) | _within(access.managed_paths)
    )


def is_cadre(user: AnyUser | None, cadre: Cadre) -> bool:
    """Whether this user is that cadre (their own profile)."""
    access = access_for(user)
    return access.cadre_id is not None and access.cadre_id == cadre.pk


def is_owner(user, form) -> bool:
    access = access_for(user)
    return access.cadre_id is not None and access.cadre_id == form.cadre_id


def can_review(user, form) -> bool:
    return type(form).objects.filter(reviewer_q(user), pk=form.pk).exists()


def can_finalise(user, form) -> bool:
    return type(form).objects.filter(btv_q(user), pk=form.pk).exists()


def can_recognise(user, initiative) -> bool:
    """Whether this user may recognise (or refuse) the cadre's sáng kiến (module docstring):
    the same reviewer and BTV rules, asked of the cadre's forms of the initiative's year
    and of the positions they hold."""
    decides = reviewer_q(user) | btv_q(user)
    theirs = Q(tenant_id=initiative.tenant_id, cadre_id=initiative.cadre_id)
    return (Registration.objects.filter(decides, theirs, cycle__year=initiative.date.year).exists()
            or SelfAssessment.objects.filter(decides, theirs, cycle__year=initiative.date.year).exists()
            or Position.objects.active().filter(decides, theirs).exists())


# --- Units' forms (`evaluations.models.unit_forms`) ---------------------------------------


def _units_led_by(user) -> Q:
    """Units whose Bí thư this user is now (they act for its BCH)."""
    access = access_for(user)
    return Q(unit_id__in=Position.objects.active().filter(
        cadre_id=access.cadre_id or 0, role=PositionRole.SECRETARY, cadre__archived_at__isnull=True,
    ).values("unit_id"))


def acts_for_unit_q(user) -> Q:
    """A unit's forms its Bí thư fills in and submits."""
    return Q(tenant_id__in=access_for(user).tenant_ids) & _units_led_by(user)


def unit_form_q(user) -> Q:
    """A unit's forms this user reviews and rates: the parent unit's Ban Thường vụ (anyone
    managing a subtree that contains the parent), as for a Bí thư's own form; never the
    unit's own Bí thư."""
    access = access_for(user)
    return (Q(tenant_id__in=access.tenant_ids) & _in_reach(access)
            & _secretary_form_reviewable(access.managed_paths) & ~_units_led_by(user))


def unit_forms_visible_q(user) -> Q:
    access = access_for(user)
    return Q(tenant_id__in=access.tenant_ids) & (_units_led_by(user) | _within(access.managed_paths))


def acts_for_unit(user, form) -> bool:
    return type(form).objects.filter(acts_for_unit_q(user), pk=form.pk).exists()


def can_review_unit_form(user, form) -> bool:
    return type(form).objects.filter(unit_form_q(user), pk=form.pk).exists()
