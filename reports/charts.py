"""The dashboard's charts as inline SVG drawn on the server: no script, no library, no CDN.

Drawn on a viewBox a little narrower than a phone's card (280 units) and scaled to its
width, so labels read at about 14 px on a 360 px screen; the stylesheet caps the width on
a desktop. Each group
is a label on its own line (long unit names keep the bars' full width) with bars below it.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from evaluations.models import Rating
from reports.documents import percent
from reports.models import RATING_FIELDS

WIDTH = 280
VALUE_WIDTH = 66  # room for "402 (100%)" after the longest bar
LABEL_HEIGHT, BAR_HEIGHT, BAR_GAP, GROUP_GAP = 17, 12, 3, 10
MAX_LABEL = 38
TRACK = "#e8eef9"
# The 4 chỉ tiêu in order; the same colours as the legend swatches.
INDICATOR_COLOURS = ["#1f4fa3", "#1b6e30", "#8a5300", "#7b2d8b"]
RATING_COLOURS = ["#1b6e30", "#1f4fa3", "#8a5300", "#b42318"]


@dataclass(frozen=True)
class Bar:
    fraction: float  # 0 … 1 of the bar's full width
    text: str  # printed after the bar
    colour: str


@dataclass(frozen=True)
class Group:
    label: str
    bars: list[Bar]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def bar_chart(groups: list[Group], *, title: str) -> SafeString:
    track = WIDTH - VALUE_WIDTH
    parts, y = [], 0
    for group in groups:
        parts.append(f'<text x="0" y="{y + 13}" font-size="13">{escape(_short(group.label))}</text>')
        y += LABEL_HEIGHT
        for bar in group.bars:
            width = round(track * max(0.0, min(1.0, bar.fraction)), 1)
            parts.append(f'<rect x="0" y="{y}" width="{track}" height="{BAR_HEIGHT}" rx="2" fill="{TRACK}"/>')
            if width:
                parts.append(f'<rect x="0" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="2" fill="{bar.colour}"/>')
            parts.append(f'<text x="{track + 4}" y="{y + 10}" font-size="12">{escape(bar.text)}</text>')
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    height = max(y - GROUP_GAP, 1)
    return mark_safe(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif" fill="#1c2230">'
        f'<title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def rating_chart(ratings: dict[str, int]) -> SafeString:
    """How many cadres got each rating, as bars against the largest count."""
    rated = sum(ratings.get(name, 0) for name in RATING_FIELDS)
    top = max([ratings.get(name, 0) for name in RATING_FIELDS] + [1])
    groups = [Group(str(rating.label), [Bar(ratings.get(name, 0) / top,
                                            f"{ratings.get(name, 0)} ({percent(ratings.get(name, 0), rated)})",
                                            colour)])
              for rating, name, colour in zip(Rating, RATING_FIELDS, RATING_COLOURS)]
    return bar_chart(groups, title=_("Rating distribution"))


def indicators_chart(rows) -> SafeString:
    """The 4 chỉ tiêu of each sub-unit: four bars per unit, in the legend's colours."""
    groups = []
    for row in rows:
        indicators = row.figures.indicators if row.figures else [(0, 0, None)] * 4
        groups.append(Group(row.name, [
            Bar((rate or 0) / 100, percent(part, whole), colour)
            for (part, whole, rate), colour in zip(indicators, INDICATOR_COLOURS)
        ]))
    return bar_chart(groups, title=_("Targets by sub-unit"))
