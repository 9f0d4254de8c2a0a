"""The documents a unit sends up: the unit report and the summary of every unit, as PDF in
the official format (`office.pdf`) and as Excel. Both read stored figures, never compute
them: a submitted report's own, else the cycle's (`reports.figures`: live while the cycle
is open, its snapshot once closed)."""

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cadres.models import Position, PositionRole, Unit, UnitLevel
from cadres.selectors import place_of
from evaluations.models import Cycle, Rating
from evaluations.selectors import commendations_in, rating_meetings_for_report
from models_registry.models import (
    Criterion,
    CriterionKind,
    IndicatorKind,
    Programme,
    ProgrammeStatus,
    ProgrammeSubject,
)
from office.pdf import FONT_FAMILY, OfficialHeader, render_pdf
from office.xlsx import Percent, write_sheet
from reports.figures import CycleFigures, figures_entry, rate_text, report_figures
from reports.models import RATING_FIELDS, UnitReport, UnitReportState
from reports.services.unit_reports import parent_of
from reports.trends import previous_by_unit, trend_context

NUMBER_SUFFIX = {UnitLevel.PROVINCE: "TĐTN-TCKT", UnitLevel.DISTRICT: "HĐTN"}


def fraction(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def percent(part: int, whole: int) -> str:
    """"100%", "2,3%" (Vietnamese decimal comma); "–" for nothing to count."""
    if not whole:
        return "–"
    return rate_text(round(100 * part / whole, 1))


def share(part: int, whole: int) -> Percent | None:
    """The rate as a number for a spreadsheet; None (an empty cell) for nothing to count."""
    return Percent(part / whole) if whole else None


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    rate: str = ""
    # The same figure as numbers, for a spreadsheet: `count` of `total` (None: a count alone).
    count: int = 0
    total: int | None = None
    is_rating: bool = False

    @property
    def cells(self) -> list:
        """Figure, number, out of, rate: numeric cells a spreadsheet can sum."""
        if self.total is None:
            return [self.label, self.count, None, None]
        return [self.label, self.count, self.total, share(self.count, self.total)]


def ratio(label: str, part: int, whole: int) -> Line:
    return Line(label, fraction(part, whole), percent(part, whole), part, whole)


def figure_lines(figures: dict) -> list[Line]:
    """The figures table of one unit, from a JSON entry (`reports.figures.figures_entry`)."""
    f = {key: figures.get(key, 0) for key in (
        "cadres", "registered", "registrations_approved", "self_assessed", "self_assessments_finalised",
        "registered_and_self_assessed", "late_registrations", "late_self_assessments", "grassroots_units",
        "grassroots_units_complete", "units", "units_with_programme", "grassroots_secretaries",
        "grassroots_secretaries_with_initiative", "civil_servants", "civil_servants_four_gains", *RATING_FIELDS)}
    cadres = f["cadres"]
    lines = [
        ratio(_("Grassroots units with every cadre registered"), f["grassroots_units_complete"], f["grassroots_units"]),
        ratio(_("Cadres registered"), f["registered"], cadres),
        ratio(_("Registrations approved"), f["registrations_approved"], cadres),
        ratio(_("Self-assessments submitted"), f["self_assessed"], cadres),
        ratio(_("Self-assessments rated"), f["self_assessments_finalised"], cadres),
        Line(_("Late registrations"), str(f["late_registrations"]), count=f["late_registrations"]),
        Line(_("Late self-assessments"), str(f["late_self_assessments"]), count=f["late_self_assessments"]),
        ratio(_("Target 1: units with a programme of their own"), f["units_with_programme"], f["units"]),
        ratio(_("Target 2: cadres with a registration and a self-assessment"), f["registered_and_self_assessed"], cadres),
        ratio(_("Target 3: grassroots secretaries with a recognised initiative"),
              f["grassroots_secretaries_with_initiative"], f["grassroots_secretaries"]),
        ratio(_("Target 4: civil-servant cadres meeting all “4 được”"),
              f["civil_servants_four_gains"], f["civil_servants"]),
    ]
    rated = sum(f[name] for name in RATING_FIELDS)
    for rating, name in zip(Rating, RATING_FIELDS):
        lines.append(Line(str(rating.label), str(f[name]), percent(f[name], rated), f[name], rated, is_rating=True))
    lines += result_lines(figures.get("targets", {}))
    for entry in figures.get("unit_programmes", []):
        value = str(entry["participants"])
        rate = ""
        if "districts" in entry and entry.get("quota"):
            rate = _("%(n)s districts meet the quota") % {
                "n": fraction(entry["districts_meeting_quota"], entry["districts"])}
        lines.append(Line(_("Units taking part in “%(name)s”") % {"name": entry["name"]}, value, rate,
                          count=entry["participants"]))
    return lines + attainment_lines(figures)


def attainment_lines(figures: dict) -> list[Line]:
    """Per unit programme: the units of the subtree rated as attaining every criterion, of
    those taking part ("số chi đoàn đạt 3 có / tổng"); for a huyện, its pilots against the quota."""
    lines = []
    for entry in figures.get("unit_programmes", []):
        attained, taking = entry.get("attained", 0), entry.get("taking_part", 0)
        lines.append(Line(_("Units attaining “%(name)s”") % {"name": entry["name"]}, fraction(attained, taking),
                          percent(attained, taking), attained, taking))
        if entry.get("is_district") and entry.get("quota"):
            lines.append(_pilot_line(_("Pilot units of “%(name)s” (quota %(quota)d)") % {
                "name": entry["name"], "quota": entry["quota"]}, entry))
    return lines


def _pilot_line(label: str, entry: dict) -> Line:
    """The huyện's units taking part (listed participants and approved registrations)."""
    pilots = entry.get("taking_part", 0)
    return Line(label, fraction(pilots, entry["quota"]), _("quota met") if pilots >= entry["quota"]
                else _("quota not met"), pilots, entry["quota"])


def district_pilot_lines(entries: list[dict]) -> list[Line]:
    """Per huyện among the given sub-units: its pilot units of each unit programme with a
    quota, against it (seed 003: at least 5 chi đoàn per huyện)."""
    return [_pilot_line(_("%(unit)s: pilot units of “%(name)s”") % {"unit": row["name"], "name": entry["name"]}, entry)
            for row in entries for entry in row.get("unit_programmes", [])
            if entry.get("is_district") and entry.get("quota")]


def result_lines(targets: dict[str, list[int]]) -> list[Line]:
    """Per counted criterion ({criterion id: [met, total]}), by its kind: the cadres meeting
    a quantitative target, those who did a yes/no one, those who broke a prohibition."""
    criteria = {pk: (title, kind) for pk, title, kind in Criterion.objects.filter(
        pk__in=[int(key) for key in targets]).values_list("pk", "title", "kind")}
    lines = []
    for key, (met, total) in targets.items():
        title, kind = criteria.get(int(key), (key, CriterionKind.QUANTITATIVE))
        if kind == CriterionKind.PROHIBITION:
            lines.append(ratio(_("Prohibition broken: %(title)s") % {"title": title}, total - met, total))
        elif kind == CriterionKind.YES_NO:
            lines.append(ratio(_("Done: %(title)s") % {"title": title}, met, total))
        else:
            lines.append(ratio(_("Target met: %(title)s") % {"title": title}, met, total))
    return lines


def rating_chart_svg(figures: dict) -> str:
    """The rating distribution as horizontal bars: inline SVG drawn here, no script."""
    counts = [figures.get(name, 0) for name in RATING_FIELDS]
    rated, top = sum(counts), max(counts) or 1
    # In CSS px (96 to the inch): 15 px is the 11 pt of the tables around it.
    label_width, bar_width, row = 250, 180, 26
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 100}" '
             f'height="{row * len(counts) + 6}" font-family="{FONT_FAMILY}" font-size="15">']
    for index, (rating, count) in enumerate(zip(Rating, counts)):
        y = index * row + 4
        width = round(bar_width * count / top)
        parts.append(f'<text x="0" y="{y + 15}">{escape(str(rating.label))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{width}" height="19" fill="#555"/>')
        parts.append(f'<text x="{label_width + width + 5}" y="{y + 15}">{count} ({percent(count, rated)})</text>')
    parts.append("</svg>")
    return "".join(parts)


def programme_of(cycle: Cycle, unit: Unit) -> Programme | None:
    """The cadre programme the unit works under: its own, else the nearest one above."""
    ancestors = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    return (Programme.objects.filter(
        tenant_id=unit.tenant_id, status=ProgrammeStatus.PUBLISHED, subject=ProgrammeSubject.CADRES,
        start_year__lte=cycle.year, end_year__gte=cycle.year, owner_unit__path__in=ancestors,
    ).order_by("-owner_unit__depth", "name").prefetch_related("indicators").first())


def programme_name(cycle: Cycle, unit: Unit) -> str:
    programme = programme_of(cycle, unit)
    return programme.name if programme else ""


# Each indicator's figure: (the count reaching it, the count it is a share of).
INDICATOR_FIGURES = {
    IndicatorKind.UNITS_WITH_PROGRAMME: ("units_with_programme", "units"),
    IndicatorKind.REGISTERED_AND_SELF_ASSESSED: ("registered_and_self_assessed", "cadres"),
    IndicatorKind.SECRETARIES_WITH_INITIATIVE: ("grassroots_secretaries_with_initiative", "grassroots_secretaries"),
    IndicatorKind.CIVIL_SERVANTS_FOUR_GAINS: ("civil_servants_four_gains", "civil_servants"),
}


def indicator_lines(programme: Programme | None, figures: dict) -> list[Line]:
    """The programme's own targets (its chỉ tiêu, in its words) with the share reached and
    whether it meets the target: "40/40", "100% / 100%: đạt"."""
    lines = []
    for indicator in programme.indicators.all() if programme else []:
        part_name, whole_name = INDICATOR_FIGURES[IndicatorKind(indicator.kind)]
        part, whole = figures.get(part_name, 0), figures.get(whole_name, 0)
        met = bool(whole) and part * 100 >= indicator.target_percent * whole
        lines.append(Line(
            _("Target of the programme: %(text)s") % {"text": indicator.text}, fraction(part, whole),
            _("%(reached)s of %(target)s%%: %(verdict)s") % {
                "reached": percent(part, whole), "target": indicator.target_percent,
                "verdict": _("met") if met else _("not met")}, part, whole))
    return lines


def _header(cycle: Cycle, unit: Unit, report: UnitReport | None) -> OfficialHeader:
    parent = parent_of(unit)
    secretary = (Position.objects.active().filter(unit=unit, role=PositionRole.SECRETARY,
                                                  cadre__archived_at__isnull=True)
                 .select_related("cadre").order_by("id").first())
    when = report.submitted_at if report and report.submitted_at else timezone.now()
    number = report.document_number if report and report.document_number else "…"
    recipients = [_("Standing Committee of %(unit)s") % {"unit": parent.name}] if parent else []
    recipients.append(_("Units under %(unit)s") % {"unit": unit.name})
    return OfficialHeader(
        superior=parent.name if parent else "", issuer=f"BCH {unit.name}",
        number=f"Số: {number}-BC/{NUMBER_SUFFIX.get(unit.level, 'ĐTN')}",
        place=place_of(unit), date=timezone.localtime(when).date(), recipients=recipients,
        signer_name=secretary.cadre.full_name if secretary else "",
    )


def meeting_lines(source: CycleFigures, unit: Unit) -> list[Line]:
    """The meetings unit programmes count ("2 giao", "1 liên kết") and the subtree's clubs,
    as the cycle reads them (frozen once it is closed)."""
    targets, clubs = source.meetings(unit)
    lines = [Line(_("Units meeting “%(title)s”") % {"title": target["title"]},
                  fraction(target["meeting_it"], target["units"]), percent(target["meeting_it"], target["units"]),
                  target["meeting_it"], target["units"])
             for target in targets]
    for club in clubs:
        lines.append(Line(
            _("%(club)s (%(unit)s): %(members)d members, meetings held") % {
                "club": club["name"], "unit": club["unit"], "members": club["members"]},
            str(club["meetings"]), _("attendance %(rate)s") % {"rate": percent(club["attended"], club["seats"])},
            club["meetings"]))
    return lines


def commendation_lines(cycle: Cycle, unit: Unit) -> list[Line]:
    """How many cadres and units the unit and its subtree commended in the cycle."""
    decided = list(commendations_in(cycle, unit))
    cadres = sum(1 for item in decided if item.cadre_id)
    units = len(decided) - cadres
    return [Line(_("Cadres commended"), str(cadres), count=cadres), Line(_("Units commended"), str(units), count=units)]


def unit_report_context(cycle: Cycle, unit: Unit, source: CycleFigures | None = None) -> dict:
    """A submitted report prints the figures it was submitted with; a draft (or no report),
    the cycle's."""
    report = UnitReport.objects.filter(cycle=cycle, unit=unit).first()
    frozen = report is not None and report.state != UnitReportState.DRAFT and bool(report.figures)
    source = source or CycleFigures(cycle)
    snapshot = report.figures if frozen else report_figures(source, unit)
    earlier = _earlier_cycles(cycle)
    lines = (figure_lines(snapshot["unit"]) + district_pilot_lines(snapshot["children"])
             + indicator_lines(programme_of(cycle, unit), snapshot["unit"])
             + meeting_lines(source, unit) + commendation_lines(cycle, unit))
    context = {
        "header": _header(cycle, unit, report), "unit": unit, "cycle": cycle, "report": report,
        "programme": programme_name(cycle, unit), "lines": lines,
        "commendations": list(commendations_in(cycle, unit)),
        "chart": rating_chart_svg(snapshot["unit"]), "table_lines": _without_ratings(lines),
        "children": [dict(child, cells=_child_cells(child)) for child in snapshot["children"]],
        "meetings": list(rating_meetings_for_report(cycle, unit)),
        **_trend(cycle, unit, snapshot["unit"], earlier),
    }
    context["previous_year"] = with_previous_rates(cycle, earlier, context["children"])
    return context


def _earlier_cycles(cycle: Cycle) -> list[Cycle]:
    """The tenant's cycles before this one: read once for a document's trend and its units' column."""
    return list(Cycle.objects.filter(tenant_id=cycle.tenant_id, year__lt=cycle.year))


def _trend(cycle: Cycle, unit: Unit, current: dict, earlier: list[Cycle]) -> dict:
    """This year against the years before, the chart in the documents' font."""
    return trend_context(unit, cycle, earlier, current, font_family=FONT_FAMILY, size="110mm")


def with_previous_rates(cycle: Cycle, earlier: list[Cycle], rows: list[dict]) -> int | None:
    """Each row (a unit's figures entry, by its code) gets `previous`: its registration rate
    the year before, read as that year reads it (a closed year: its snapshot). Returns the
    year, None when there is no earlier cycle."""
    units = {u.code: u for u in Unit.objects.filter(tenant_id=cycle.tenant_id,
                                                    code__in=[row["code"] for row in rows])}
    year, before = previous_by_unit(cycle, earlier, list(units.values()))
    for row in rows:
        figures = before.get(units[row["code"]].pk) if row["code"] in units else None
        row["previous"] = rate_text(figures.registration_rate) if figures else "–"
    return year


def figure_changes(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for every line of the figures table that differs."""
    old = {line.label: line.value for line in figure_lines(before)}
    return [(line.label, old.get(line.label, "–"), line.value) for line in figure_lines(after)
            if old.get(line.label) != line.value]


def _child_cells(figures: dict) -> list[str]:
    g = figures.get
    return [fraction(g("registered", 0), g("cadres", 0)), percent(g("registered", 0), g("cadres", 0)),
            fraction(g("self_assessed", 0), g("cadres", 0)),
            fraction(g("grassroots_units_complete", 0), g("grassroots_units", 0)),
            *[str(g(name, 0)) for name in RATING_FIELDS]]


def summary_rows(cycle: Cycle, unit: Unit) -> list[dict]:
    """A row per unit of the subtree down to đoàn cơ sở level, in tree order, as the cycle
    reads them (the tree as it stood for a closed cycle)."""
    source = CycleFigures(cycle)
    nodes = source.subtree(unit)
    source.with_targets(nodes[:1])  # only the top unit's attainment is printed
    rows = []
    for node in nodes:
        row = {"unit": node.unit, "code": node.code, "indent": node.depth - nodes[0].depth, **figures_entry(node)}
        row["cells"] = _child_cells(row)
        rows.append(row)
    return rows


def summary_context(cycle: Cycle, unit: Unit) -> dict:
    rows = summary_rows(cycle, unit)
    top = rows[0] if rows else {}
    lines = (figure_lines(top) + district_pilot_lines(rows[1:]) + indicator_lines(programme_of(cycle, unit), top)
             + meeting_lines(CycleFigures(cycle), unit) + commendation_lines(cycle, unit))
    earlier = _earlier_cycles(cycle)
    return {"header": _header(cycle, unit, None), "unit": unit, "cycle": cycle,
            "previous_year": with_previous_rates(cycle, earlier, rows),
            "programme": programme_name(cycle, unit), "lines": lines,
            "table_lines": _without_ratings(lines), "chart": rating_chart_svg(top), "rows": rows,
            **_trend(cycle, unit, top, earlier)}


def _without_ratings(lines: list[Line]) -> list[Line]:
    """The PDFs' figures table: the rating distribution is printed once, as the chart."""
    return [line for line in lines if not line.is_rating]


def unit_report_pdf(cycle: Cycle, unit: Unit) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("reports/pdf/unit_report.html", unit_report_context(cycle, unit))


def summary_pdf(cycle: Cycle, unit: Unit) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("reports/pdf/province_summary.html", summary_context(cycle, unit))


def _sheet_headers() -> list[str]:
    return [_("Code"), _("Unit"), _("Cadres"), _("Registered"), _("Rate"), _("Self-assessed"),
            _("Grassroots units"), _("Grassroots units complete"), *[str(rating.label) for rating in Rating]]


def _sheet_cells(row: dict) -> list:
    """A unit's row of the spreadsheet: counts as integers, the rate as a number."""
    g = row.get
    return [row["code"], row["name"], g("cadres", 0), g("registered", 0), share(g("registered", 0), g("cadres", 0)),
            g("self_assessed", 0), g("grassroots_units", 0), g("grassroots_units_complete", 0),
            *[g(name, 0) for name in RATING_FIELDS]]


def summary_xlsx(cycle: Cycle, unit: Unit) -> bytes:
    """Two sheets: the unit's figures, and a row per unit. Text a spreadsheet would read as
    a formula stays text (`office.xlsx`)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = summary_context(cycle, unit)
        book = Workbook(write_only=True)
        write_sheet(book, _("Summary"), [_("Figure"), _("Value"), _("Out of"), _("Rate")],
                    [line.cells for line in context["lines"]], [60, 12, 12, 12])
        write_sheet(book, _("Units"), _sheet_headers(), [_sheet_cells(row) for row in context["rows"]],
                    [14, 50, 10, 12, 10, 12, 12, 14, 12, 12, 12, 12])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
