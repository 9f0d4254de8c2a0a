"""Progress of quantitative commitments, computed from the activity log.

The cycle year is cut into period buckets (Monday-to-Sunday weeks, calendar months,
quarters, or the whole year), clipped to the counting window. A bucket is met when the
logged value in it (hours summed for an hours target, entries counted otherwise) reaches
the committed target. Only buckets that have ended count toward "met/elapsed"; the
running one is reported apart, so a week that has just begun is not a failure.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _, pgettext

from evaluations.models import Activity, Commitment, Initiative
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
    def label(self) -> str:
        """E.g. "2 giờ/tuần: 7/8 tuần đạt"."""
        period = pgettext("per period", Period(self.period).label) if self.period in Period.values else self.period
        measure = MeasureUnit(self.measure).label if self.measure in MeasureUnit.values else self.measure
        return _("%(target)s %(measure)s/%(period)s: %(met)d/%(elapsed)d %(period)s met") % {
            "target": format(self.target.normalize(), "f"), "measure": measure, "period": period,
            "met": self.met, "elapsed": self.elapsed,
        }


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
        initiatives = Initiative.objects.filter(cadre_id=cadre_id, date__gte=start, date__lte=end).exclude(
            recognised_by="")
        found += [(date, Decimal(1)) for date in initiatives.values_list("date", flat=True)]
    return found


def compute_progress(*, target: Decimal, measure: str, period: str, logged: list[tuple[datetime.date, Decimal]],
                     start: datetime.date, end: datetime.date, today: datetime.date) -> Progress:
    """Pure: bucket the logged entries between start and end as seen on `today`."""
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
    return Progress(target=target, measure=measure, period=period, buckets=ended, current=current)


def commitment_progress(commitment: Commitment, *, today: datetime.date | None = None,
                        start: datetime.date | None = None, end: datetime.date | None = None) -> Progress | None:
    """Progress of a quantitative commitment over its cycle year (or start..end), None for
    other kinds or without a committed target."""
    criterion = commitment.criterion
    if criterion.kind != CriterionKind.QUANTITATIVE or commitment.target is None:
        return None
    year = commitment.registration.cycle.year
    start = start or datetime.date(year, 1, 1)
    end = end or datetime.date(year, 12, 31)
    today = today or timezone.localdate()
    hours = criterion.measure == MeasureUnit.HOURS
    logged = entries(commitment.registration.cadre_id, criterion.activity_kinds, start, end, hours)
    period = criterion.period or Period.YEAR
    return compute_progress(target=commitment.target, measure=criterion.measure, period=period, logged=logged,
                            start=start, end=end, today=today)
