"""Progress of quantitative commitments, computed from the activity log.

What counts is the **counted period** (`counted_period`, the one rule): from the later of
the form's period start (1 January, or a quarter's first day), the day the registration
was first approved and the day the cadre's position started, to today or the period's
end. It is cut into period buckets (Monday-to-Sunday weeks, calendar months, quarters, or
the whole year), clipped to it. A bucket is met when the logged value in it (hours summed
for an hours target, entries counted otherwise) reaches the committed target. Only
buckets that have ended count toward "met/elapsed"; the running one is reported apart, so
a week that has just begun is not a failure.

A target's actual is one number, `Progress.actual` (the year's total for a yearly target,
the mean per ended week/month/quarter otherwise), in `Progress.unit`: the progress bar,
the pre-filled actual value of the KĐCT01 and its PDF all print it.

A unit's self-assessment (`unit_progress`) is counted the same way from the unit's records
(`unit_entries`: the meetings it held, its cadres' activities) over the cycle's year.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _, pgettext

from cadres.models import Position, Unit
from evaluations.meetings import PURPOSE_OF_KIND, meetings_held
from evaluations.models import (
    Activity,
    AssessmentPeriod,
    Commitment,
    Cycle,
    Initiative,
    InitiativeState,
    RatingMeeting,
    Registration,
    UnitCommitment,
    UnitRegistration,
)
from evaluations.models.forms import CommitmentBase
from evaluations.templatetags.assessment_ui import amount
from models_registry.models import ActivityKind, CriterionKind, MeasureUnit, Period


@dataclass(frozen=True)
class Bucket:
    start: datetime.date
    end: datetime.date
    value: Decimal
    met: bool


@dataclass(frozen=True)
class Progress:
    target: Decimal
    measure: str
    period: str
    buckets: list[Bucket]  # ended buckets
    current: Bucket | None  # the running one, if any
    since: datetime.date | None = None  # the counted period's first day

    @property
    def elapsed(self) -> int:
        return len(self.buckets)

    @property
    def met(self) -> int:
        return sum(bucket.met for bucket in self.buckets)

    @property
    def total(self) -> Decimal:
        return sum((b.value for b in self.buckets), Decimal(0)) + (self.current.value if self.current else 0)

    @property
    def average(self) -> Decimal | None:
        """Mean value per ended bucket (the running one when none has ended yet)."""
        counted = self.buckets or ([self.current] if self.current else [])
        if not counted:
            return None
        return (sum((b.value for b in counted), Decimal(0)) / len(counted)).quantize(Decimal("0.01"))

    @property
    def actual(self) -> Decimal | None:
        """The one figure comparable with the target: the total for a yearly target, the
        mean per period otherwise (None before a period has begun)."""
        if self.period == Period.YEAR:
            return self.total if self.buckets or self.current else None
        return self.average

    @property
    def unit(self) -> str:
        """"giờ/tuần" for a weekly hours target: the unit `actual` is in."""
        measure = MeasureUnit(self.measure).label if self.measure in MeasureUnit.values else self.measure
        if self.period not in Period.values or self.period == Period.YEAR:
            return str(measure)
        return f"{measure}/{pgettext('per period', Period(self.period).label)}"

    @property
    def actual_text(self) -> str:
        """E.g. "2,75 giờ/tuần, tính từ 12/11/2026"."""
        value = f"{amount(self.actual) if self.actual is not None else '0'} {self.unit}"
        if self.since is None:
            return value
        return _("%(value)s, counted from %(date)s") % {"value": value, "date": self.since.strftime("%d/%m/%Y")}

    @property
    def label(self) -> str:
        """E.g. "2 giờ/tuần: 7/8 tuần đạt"."""
        period = pgettext("per period", Period(self.period).label) if self.period in Period.values else self.period
        measure = MeasureUnit(self.measure).label if self.measure in MeasureUnit.values else self.measure
        return _("%(target)s %(measure)s/%(period)s: %(met)d/%(elapsed)d %(period)s met") % {
            "target": format(self.target.normalize(), "f"), "measure": measure, "period": period,
            "met": self.met, "elapsed": self.elapsed,
        }


def period_window(year: int, period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a form's period: the year, or one of its quarters."""
    if period == AssessmentPeriod.YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    quarter = int(period[1])
    start = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + quarter // 4, (3 * quarter) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def counted_period(registration: Registration, period: str = AssessmentPeriod.YEAR,
                   today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The days whose log counts for a registration's targets over a form's period (module
    docstring): from the latest of the period's start, the first approval of the
    registration (any revision: an amendment does not restart the count) and the start of
    the position it was filed under, to the earlier of today and the period's end. Empty
    (start after end) before it begins."""
    start, end = period_window(registration.cycle.year, period)
    approved = Registration.objects.filter(
        cycle_id=registration.cycle_id, cadre_id=registration.cadre_id, programme_id=registration.programme_id,
        approved_at__isnull=False).aggregate(first=Min("approved_at"))["first"]
    position = (Position.objects.filter(cadre_id=registration.cadre_id, unit_id=registration.unit_id,
                                        role=registration.role, start_date__lte=end)
                .order_by("-start_date").values_list("start_date", flat=True).first())
    starts = [start, *([timezone.localdate(approved)] if approved else []), *([position] if position else [])]
    return max(starts), min(end, today or timezone.localdate())


def period_buckets(period: str, start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive (first day, last day) buckets covering start..end, clipped to it."""
    buckets = []
    day = start
    while day <= end:
        if period == Period.WEEK:
            last = day + datetime.timedelta(days=6 - day.weekday())
        elif period == Period.MONTH:
            following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            last = following - datetime.timedelta(days=1)
        elif period == Period.QUARTER:
            quarter_end_month = ((day.month - 1) // 3 + 1) * 3
            following = datetime.date(day.year + quarter_end_month // 12, quarter_end_month % 12 + 1, 1)
            last = following - datetime.timedelta(days=1)
        else:
            last = datetime.date(day.year, 12, 31)
        last = min(last, end)
        buckets.append((day, last))
        day = last + datetime.timedelta(days=1)
    return buckets


def entries(cadre_id: int, kinds: Iterable[str], start: datetime.date, end: datetime.date,
            hours: bool) -> list[tuple[datetime.date, Decimal]]:
    """(date, value) of each logged entry that counts: hours for an hours target, 1 otherwise.
    Recognised initiatives count for criteria that count initiatives."""
    kinds = list(kinds)
    rows = Activity.objects.filter(cadre_id=cadre_id, kind__in=kinds, date__gte=start, date__lte=end)
    found = [(date, (value or Decimal(0)) if hours else Decimal(1)) for date, value in rows.values_list("date", "hours")]
    if ActivityKind.INITIATIVE in kinds and not hours:
        initiatives = Initiative.objects.filter(cadre_id=cadre_id, date__gte=start, date__lte=end,
                                                state=InitiativeState.RECOGNISED)
        found += [(date, Decimal(1)) for date in initiatives.values_list("date", flat=True)]
    return found


def compute_progress(*, target: Decimal, measure: str, period: str, logged: list[tuple[datetime.date, Decimal]],
                     start: datetime.date, end: datetime.date, today: datetime.date) -> Progress:
    """Pure: bucket the logged entries between start and end as seen on `today` (a bucket
    ending on `end` has ended once `end` is before today)."""
    ended, current = [], None
    for first, last in period_buckets(period, start, end):
        if first > today:
            break
        value = sum((v for date, v in logged if first <= date <= last), Decimal(0))
        bucket = Bucket(first, last, value, value >= target)
        if last < today:
            ended.append(bucket)
        else:
            current = bucket
    return Progress(target=target, measure=measure, period=period, buckets=ended, current=current, since=start)


# What a form's subject logged of some kinds between two days, as `entries` gives it.
Logged = Callable[[list[str], datetime.date, datetime.date, bool], list[tuple[datetime.date, Decimal]]]


def commitment_progress(commitment: CommitmentBase, counted: tuple[datetime.date, datetime.date], logged: Logged,
                        today: datetime.date | None = None) -> Progress | None:
    """Progress of a quantitative commitment over its counted period, from what `logged`
    gives of its criterion's activity kinds; None for other kinds or without a target."""
    criterion = commitment.criterion
    if criterion.kind != CriterionKind.QUANTITATIVE or commitment.target is None:
        return None
    start, end = counted
    today = today or timezone.localdate()
    hours = criterion.measure == MeasureUnit.HOURS
    period = criterion.period or Period.YEAR
    return compute_progress(target=commitment.target, measure=criterion.measure, period=period,
                            logged=logged(list(criterion.activity_kinds), start, end, hours),
                            start=start, end=end, today=today)


def registration_progress(registration: Registration, period: str = AssessmentPeriod.YEAR,
                          today: datetime.date | None = None) -> list[tuple[Commitment, Progress | None]]:
    """(commitment, Progress or None) for each commitment over the counted period of the
    form's `period`, e.g. "2 giờ/tuần: 7/8 tuần đạt"."""
    counted = counted_period(registration, period, today)
    commitments = registration.commitments.select_related("criterion", "registration__cycle")
    logged = partial(entries, registration.cadre_id)
    return [(commitment, commitment_progress(commitment, counted, logged, today)) for commitment in commitments]


def unit_entries(unit: Unit, cycle: Cycle, kinds: list[str], start: datetime.date, end: datetime.date,
                 hours: bool) -> list[tuple[datetime.date, Decimal]]:
    """What a unit's records give a criterion counting `kinds`: each meeting of the matching
    purpose it held ("2 giao", "1 liên kết", a club's: `meetings.meetings_held`); for another kind, each
    day a cadre of the unit logged such an activity (its members log the same meeting each),
    or their hours summed for an hours target."""
    found = []
    purposes = {PURPOSE_OF_KIND[kind] for kind in kinds if kind in PURPOSE_OF_KIND}
    if purposes:
        held = meetings_held(cycle, unit.tenant_id, Q(unit_id=unit.pk))
        meetings = set().union(*(held.get((unit.pk, purpose), set()) for purpose in purposes))
        found = [(day, Decimal(1)) for day in RatingMeeting.objects.filter(
            pk__in=meetings, held_on__gte=start, held_on__lte=end).values_list("held_on", flat=True)]
    logged = Activity.objects.filter(
        kind__in=[kind for kind in kinds if kind not in PURPOSE_OF_KIND], date__gte=start, date__lte=end,
        cadre__positions__unit_id=unit.pk, cadre__positions__start_date__lte=F("date"),
    ).filter(Q(cadre__positions__end_date__isnull=True) | Q(cadre__positions__end_date__gte=F("date"))).distinct()
    if hours:
        return found + [(day, value or Decimal(0)) for _pk, day, value in logged.values_list("pk", "date", "hours")]
    return found + [(day, Decimal(1)) for day in logged.order_by().values_list("date", flat=True).distinct()]


def unit_progress(registration: UnitRegistration, today: datetime.date | None = None
                  ) -> list[tuple[UnitCommitment, Progress | None]]:
    """(commitment, Progress or None) for each commitment of a unit's registration: counted
    from the unit's records over the cycle's year to today, for the criteria that count
    activity kinds (`UnitResult.is_counted`); the others are the Bí thư's to state."""
    today = today or timezone.localdate()
    start, end = period_window(registration.cycle.year, AssessmentPeriod.YEAR)
    logged = partial(unit_entries, registration.unit, registration.cycle)
    return [(commitment, commitment_progress(commitment, (start, min(end, today)), logged, today)
             if commitment.criterion.activity_kinds else None)
            for commitment in registration.commitments.select_related("criterion")]
