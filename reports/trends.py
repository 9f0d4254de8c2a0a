"""This cycle against the ones before, for one unit: the registration and self-assessment
rates and the rating distribution of each year, for the dashboard, the unit report and the
summary (page and PDF), as an SVG chart drawn here with its numbers in a table.

A closed year is read from its latest frozen snapshot (`SnapshotUnit`), never recomputed;
an open one from its stored live row. The year shown comes from the page's own figures (so a
snapshot version asked for is the one compared). Two queries whatever the number of years.

The SVG carries presentation attributes only (fill, x, width…): the pages' CSP allows no
`style` attribute, and WeasyPrint reads the same markup for the PDFs.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cadres.models import Unit
from evaluations.models import Cycle, Rating
from reports.models import RATING_FIELDS, FigureColumns, SnapshotUnit, UnitFigures

YEARS = 5  # the shown year and up to four before it
RATE_COLOURS = ("#0e6e7e", "#6b3fa0")  # registration, self-assessment: apart from the ratings'
RATING_COLOURS = ("#1b6e30", "#1f4fa3", "#8a5300", "#b42318")  # the four ratings, best first


@dataclass(frozen=True)
class YearFigures:
    year: int
    cadres: int | None = None  # None: no figures that year (no snapshot, no row)
    registered: int = 0
    self_assessed: int = 0
    ratings: tuple[int, ...] = (0, 0, 0, 0)
    frozen: bool = False

    @property
    def has_figures(self) -> bool:
        return self.cadres is not None

    @property
    def registration_rate(self) -> float | None:
        return round(100 * self.registered / self.cadres, 1) if self.cadres else None

    @property
    def self_assessment_rate(self) -> float | None:
        return round(100 * self.self_assessed / self.cadres, 1) if self.cadres else None

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def rating_cells(self) -> list[tuple[int, float | None]]:
        """(count, share of those rated) per rating, best first."""
        rated = self.rated
        return [(count, round(100 * count / rated, 1) if rated else None) for count in self.ratings]


def _year(year: int, figures: FigureColumns | dict | None, frozen: bool) -> YearFigures:
    """From stored figures, or from their JSON entry (`reports.figures.figures_entry`)."""
    if isinstance(figures, dict):
        if "cadres" not in figures:
            return YearFigures(year, frozen=frozen)
        return YearFigures(year, figures["cadres"], figures.get("registered", 0), figures.get("self_assessed", 0),
                           tuple(figures.get(name, 0) for name in RATING_FIELDS), frozen)
    if figures is None:
        return YearFigures(year, frozen=frozen)
    return YearFigures(year, figures.cadres, figures.registered, figures.self_assessed,
                       tuple(getattr(figures, name) for name in RATING_FIELDS), frozen)


def unit_trend(unit: Unit, cycle: Cycle, cycles: list[Cycle], current: FigureColumns | dict | None
               ) -> list[YearFigures]:
    """The unit's figures in `cycle` (`current`, as the page reads them) and in the cycles
    of the years before it, oldest first; empty when there is no earlier cycle."""
    earlier = sorted((c for c in cycles if c.tenant_id == cycle.tenant_id and c.year < cycle.year),
                     key=lambda c: c.year)[-(YEARS - 1):]
    if not earlier:
        return []
    closed = [c.pk for c in earlier if not c.is_open]
    frozen: dict[int, SnapshotUnit] = {}
    # Every version's row of the unit, newest last: the latest version of each year wins.
    for row in (SnapshotUnit.objects.filter(unit=unit, snapshot__cycle_id__in=closed)
                .select_related("snapshot").order_by("snapshot__version")):
        frozen[row.snapshot.cycle_id] = row
    live = {row.cycle_id: row for row in UnitFigures.objects.filter(
        unit=unit, cycle_id__in=[c.pk for c in earlier if c.is_open])}
    years = [_year(c.year, frozen.get(c.pk) if not c.is_open else live.get(c.pk), not c.is_open) for c in earlier]
    return [*years, _year(cycle.year, current, not cycle.is_open)]


def previous_by_unit(cycle: Cycle, cycles: list[Cycle], units: list[Unit]) -> tuple[int | None, dict[int, YearFigures]]:
    """Each unit's figures in the cycle of the year before (`cycles` holds it, or there is
    none): (that year, {unit id: figures}); one query for any number of units."""
    before = max((c for c in cycles if c.tenant_id == cycle.tenant_id and c.year < cycle.year),
                 key=lambda c: c.year, default=None)
    if before is None or not units:
        return None, {}
    if before.is_open:
        rows: dict[int, FigureColumns] = {row.unit_id: row for row in UnitFigures.objects.filter(
            cycle=before, unit__in=units)}
    else:
        rows = {}
        for row in SnapshotUnit.objects.filter(snapshot__cycle=before, unit__in=units).order_by("snapshot__version"):
            rows[row.unit_id] = row  # the latest version wins
    return before.year, {unit.pk: _year(before.year, rows.get(unit.pk), not before.is_open) for unit in units}


# --- The chart --------------------------------------------------------------------------

WIDTH, LABEL, VALUE = 300, 44, 46
BAR, GAP, YEAR_GAP = 11, 2, 9


def _rate_text(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:g}".replace(".", ",") + "%"


def trend_chart(years: list[YearFigures], *, font_family: str = "system-ui, sans-serif",
                size: str = "100%") -> SafeString:
    """Per year, two bars (registered, self-assessed, in % of the cadres) and a bar split in
    the four ratings' shares; the year on the left, the rates printed after the bars."""
    track = WIDTH - LABEL - VALUE
    title = _("Figures by year")
    parts, y = [], 0
    for point in years:
        parts.append(f'<text x="0" y="{y + 2 * BAR}" font-size="13" font-weight="600">{point.year}</text>')
        for rate, colour in zip((point.registration_rate, point.self_assessment_rate), RATE_COLOURS):
            width = round(track * min(rate or 0, 100) / 100, 1)
            parts.append(f'<rect x="{LABEL}" y="{y}" width="{track}" height="{BAR}" fill="#e8eef9"/>')
            if width:
                parts.append(f'<rect x="{LABEL}" y="{y}" width="{width}" height="{BAR}" fill="{colour}"/>')
            parts.append(f'<text x="{LABEL + track + 4}" y="{y + BAR - 2}" font-size="11">{_rate_text(rate)}</text>')
            y += BAR + GAP
        x = float(LABEL)
        for (count, _share), colour in zip(point.rating_cells, RATING_COLOURS):
            width = round(track * count / point.rated, 1) if point.rated else 0
            if width:
                parts.append(f'<rect x="{x}" y="{y}" width="{width}" height="{BAR}" fill="{colour}"/>')
            x += width
        if not point.rated:
            parts.append(f'<rect x="{LABEL}" y="{y}" width="{track}" height="{BAR}" fill="#e8eef9"/>')
        parts.append(f'<text x="{LABEL + track + 4}" y="{y + BAR - 2}" font-size="11">{point.rated}</text>')
        y += BAR + YEAR_GAP
    height = max(y - YEAR_GAP, 1)
    return mark_safe(
        f'<svg class="chart trend-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{size}" role="img" aria-label="{escape(title)}" font-family="{escape(font_family)}" fill="#1c2230">'
        f'<title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def legend() -> list[tuple[str, str]]:
    """(label, colour) of each bar of the chart, in its order."""
    return [(_("Registered"), RATE_COLOURS[0]), (_("Self-assessed"), RATE_COLOURS[1]),
            *[(str(rating.label), colour) for rating, colour in zip(Rating, RATING_COLOURS)]]


@dataclass(frozen=True)
class Compared:
    """A sub-unit this year against the year before."""

    name: str
    before: YearFigures
    now: YearFigures


def compare_children(cycle: Cycle, cycles: list[Cycle], children: list) -> tuple[int | None, list[Compared]]:
    """The sub-units shown (nodes with `unit`, `name`, `figures`) against the year before."""
    year, before = previous_by_unit(cycle, cycles, [child.unit for child in children])
    if year is None:
        return None, []
    return year, [Compared(child.name, before[child.unit.pk], _year(cycle.year, child.figures, not cycle.is_open))
                  for child in children]


def trend_context(unit: Unit, cycle: Cycle, cycles: list[Cycle], current: FigureColumns | dict | None,
                  children: list | None = None, **chart) -> dict:
    """The unit's years (chart and table) and, given the sub-units shown, each against the
    year before."""
    years = unit_trend(unit, cycle, cycles, current)
    if not years:
        return {"trend": []}
    previous_year, compared = compare_children(cycle, cycles, children or [])
    return {"trend": years, "trend_chart": trend_chart(years, **chart), "trend_legend": legend(),
            "compared_year": previous_year, "compared": compared,
            # (name, abbreviation as the units tables print it) per rating, best first.
            "rating_labels": list(zip([str(rating.label) for rating in Rating],
                                      [_("Exc."), _("Good"), _("Done"), _("Not done")]))}
