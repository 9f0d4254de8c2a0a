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
from evaluations.meetings import club_figures, meeting_targets
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
from office.xlsx import write_sheet
from reports.figures import CycleFigures, figures_entry, rate_text, report_figures
from reports.models import RATING_FIELDS, UnitReport, UnitReportState
from reports.services.unit_reports import parent_of

NUMBER_SUFFIX = {UnitLevel.PROVINCE: "TĐTN-TCKT", UnitLevel.DISTRICT: "HĐTN"}


def fraction(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def percent(part: int, whole: int) -> str:
    """"100%", "2,3%" (Vietnamese decimal comma); "–" for nothing to count."""
    if not whole:
        return "–"
    return rate_text(round(100 * part / whole, 1))


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    rate: str = ""


def figure_lines(figures: dict) -> list[Line]:
    """The figures table of one unit, from a JSON entry (`reports.figures.figures_entry`)."""
    f = {key: figures.get(key, 0) for key in (
        "cadres", "registered", "registrations_approved", "self_assessed", "self_assessments_finalised",
        "registered_and_self_assessed", "late_registrations", "late_self_assessments", "grassroots_units",
        "grassroots_units_complete", "units", "units_with_programme", "grassroots_secretaries",
        "grassroots_secretaries_with_initiative", "civil_servants", "civil_servants_four_gains", *RATING_FIELDS)}
    cadres = f["cadres"]
    lines = [
        Line(_("Grassroots units with every cadre registered"),
             fraction(f["grassroots_units_complete"], f["grassroots_units"]),
             percent(f["grassroots_units_complete"], f["grassroots_units"])),
        Line(_("Cadres registered"), fraction(f["registered"], cadres), percent(f["registered"], cadres)),
        Line(_("Registrations approved"), fraction(f["registrations_approved"], cadres),
             percent(f["registrations_approved"], cadres)),
        Line(_("Self-assessments submitted"), fraction(f["self_assessed"], cadres), percent(f["self_assessed"], cadres)),
        Line(_("Self-assessments rated"), fraction(f["self_assessments_finalised"], cadres),
             percent(f["self_assessments_finalised"], cadres)),
        Line(_("Late registrations / self-assessments"), f"{f['late_registrations']} / {f['late_self_assessments']}"),
        Line(_("Target 1: units with a programme of their own"), fraction(f["units_with_programme"], f["units"]),
             percent(f["units_with_programme"], f["units"])),
        Line(_("Target 2: cadres with a registration and a self-assessment"),
             fraction(f["registered_and_self_assessed"], cadres), percent(f["registered_and_self_assessed"], cadres)),
        Line(_("Target 3: grassroots secretaries with a recognised initiative"),
             fraction(f["grassroots_secretaries_with_initiative"], f["grassroots_secretaries"]),
             percent(f["grassroots_secretaries_with_initiative"], f["grassroots_secretaries"])),
        Line(_("Target 4: civil-servant cadres meeting all “4 được”"),
             fraction(f["civil_servants_four_gains"], f["civil_servants"]),
             percent(f["civil_servants_four_gains"], f["civil_servants"])),
    ]
    rated = sum(f[name] for name in RATING_FIELDS)
    for rating, name in zip(Rating, RATING_FIELDS):
        lines.append(Line(str(rating.label), str(f[name]), percent(f[name], rated)))
    lines += result_lines(figures.get("targets", {}))
    for entry in figures.get("unit_programmes", []):
        value = str(entry["participants"])
        rate = ""
        if "districts" in entry and entry.get("quota"):
            rate = _("%(n)s districts meet the quota") % {
                "n": fraction(entry["districts_meeting_quota"], entry["districts"])}
        lines.append(Line(_("Units taking part in “%(name)s”") % {"name": entry["name"]}, value, rate))
    return lines


def result_lines(targets: dict[str, list[int]]) -> list[Line]:
    """Per counted criterion ({criterion id: [met, total]}), by its kind: the cadres meeting
    a quantitative target, those who did a yes/no one, those who broke a prohibition."""
    criteria = {pk: (title, kind) for pk, title, kind in Criterion.objects.filter(
        pk__in=[int(key) for key in targets]).values_list("pk", "title", "kind")}
    lines = []
    for key, (met, total) in targets.items():
        title, kind = criteria.get(int(key), (key, CriterionKind.QUANTITATIVE))
        if kind == CriterionKind.PROHIBITION:
            lines.append(Line(_("Prohibition broken: %(title)s") % {"title": title}, fraction(total - met, total),
                              percent(total - met, total)))
        elif kind == CriterionKind.YES_NO:
            lines.append(Line(_("Done: %(title)s") % {"title": title}, fraction(met, total), percent(met, total)))
        else:
            lines.append(Line(_("Target met: %(title)s") % {"title": title}, fraction(met, total),
                              percent(met, total)))
    return lines


def rating_chart_svg(figures: dict) -> str:
    """The rating distribution as horizontal bars: inline SVG drawn here, no script."""
    counts = [figures.get(name, 0) for name in RATING_FIELDS]
    top = max(counts) or 1
    label_width, bar_width, row = 230, 190, 22
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 50}" '
             f'height="{row * len(counts) + 6}" font-family="{FONT_FAMILY}" font-size="11">']
    for index, (rating, count) in enumerate(zip(Rating, counts)):
        y = index * row + 4
        width = round(bar_width * count / top)
        parts.append(f'<text x="0" y="{y + 13}">{escape(str(rating.label))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{width}" height="16" fill="#555"/>')
        parts.append(f'<text x="{label_width + width + 4}" y="{y + 13}">{count}</text>')
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
                "verdict": _("met") if met else _("not met")}))
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


def meeting_lines(cycle: Cycle, unit: Unit) -> list[Line]:
    """The meetings unit programmes count ("2 giao", "1 liên kết") and the subtree's clubs."""
    lines = [Line(_("Units meeting “%(title)s”") % {"title": target.criterion.title},
                  fraction(target.meeting_it, target.units), percent(target.meeting_it, target.units))
             for target in meeting_targets(cycle, unit)]
    for club in club_figures(cycle, unit):
        lines.append(Line(
            _("%(club)s (%(unit)s): %(members)d members, meetings held") % {
                "club": club.club.name, "unit": club.club.unit.name, "members": club.members},
            str(club.meetings), _("attendance %(rate)s") % {"rate": percent(*club.attendance)}))
    return lines


def commendation_lines(cycle: Cycle, unit: Unit) -> list[Line]:
    """How many cadres and units the unit and its subtree commended in the cycle."""
    decided = list(commendations_in(cycle, unit))
    cadres = sum(1 for item in decided if item.cadre_id)
    return [Line(_("Cadres commended"), str(cadres)), Line(_("Units commended"), str(len(decided) - cadres))]


def unit_report_context(cycle: Cycle, unit: Unit, source: CycleFigures | None = None) -> dict:
    """A submitted report prints the figures it was submitted with; a draft (or no report),
    the cycle's."""
    report = UnitReport.objects.filter(cycle=cycle, unit=unit).first()
    frozen = report is not None and report.state != UnitReportState.DRAFT and bool(report.figures)
    snapshot = report.figures if frozen else report_figures(source or CycleFigures(cycle), unit)
    return {
        "header": _header(cycle, unit, report), "unit": unit, "cycle": cycle, "report": report,
        "programme": programme_name(cycle, unit),
        "lines": (figure_lines(snapshot["unit"]) + indicator_lines(programme_of(cycle, unit), snapshot["unit"])
                  + meeting_lines(cycle, unit) + commendation_lines(cycle, unit)),
        "commendations": list(commendations_in(cycle, unit)),
        "chart": rating_chart_svg(snapshot["unit"]),
        "children": [dict(child, cells=_child_cells(child)) for child in snapshot["children"]],
        "meetings": list(rating_meetings_for_report(cycle, unit)),
    }


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
    return {"header": _header(cycle, unit, None), "unit": unit, "cycle": cycle,
            "programme": programme_name(cycle, unit),
            "lines": (figure_lines(top) + indicator_lines(programme_of(cycle, unit), top) + meeting_lines(cycle, unit)
                      + commendation_lines(cycle, unit)),
            "chart": rating_chart_svg(top), "rows": rows}


def unit_report_pdf(cycle: Cycle, unit: Unit) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("reports/pdf/unit_report.html", unit_report_context(cycle, unit))


def summary_pdf(cycle: Cycle, unit: Unit) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("reports/pdf/province_summary.html", summary_context(cycle, unit))


def summary_headers() -> list[str]:
    return [_("Unit"), _("Registered"), _("Rate"), _("Self-assessed"), _("Grassroots units complete"),
            *[str(rating.label) for rating in Rating]]


def summary_xlsx(cycle: Cycle, unit: Unit) -> bytes:
    """Two sheets: the unit's figures, and a row per unit. Text a spreadsheet would read as
    a formula stays text (`office.xlsx`)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = summary_context(cycle, unit)
        book = Workbook(write_only=True)
        write_sheet(book, _("Summary"), [_("Figure"), _("Value"), _("Rate")],
                    [[line.label, line.value, line.rate] for line in context["lines"]], [60, 14, 14])
        write_sheet(book, _("Units"), [_("Code"), *summary_headers()],
                    [[row["code"], row["name"], *row["cells"]] for row in context["rows"]],
                    [14, 50, 12, 10, 12, 14, 12, 12, 12, 12])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
