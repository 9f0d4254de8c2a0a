"""The unit report (báo cáo kết quả) pages: the unit's managers start it, write the
narrative and submit it; the parent unit's managers accept it or return it with a comment.
Every view first fetches the unit or the report through a selector (404 for anyone out of
reach); transitions are services, which check the version, the state and the cycle: a
refused action shows their Vietnamese message and writes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.models import AccessKind
from cadres.services.access_log import access_record_rows
from cadres.transitions import can_act
from evaluations.models import CycleStatus
from reports import documents, trends
from reports.forms import ReturnForm, UnitReportForm, VersionForm
from reports.models import ReportFileKind, UnitReport
from reports.selectors import (
    get_dashboard_unit_for_user,
    get_unit_report_for_user,
    report_files_for,
    report_timeliness,
)
from reports.services import unit_reports as services
from reports.views.common import pick_cycle, pick_figures

RECENT_FILES = 5


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page_url(report_or_unit, cycle) -> str:
    unit = getattr(report_or_unit, "unit", report_or_unit)
    return f"{reverse('unit_report', args=[unit.tenant.slug, unit.code])}?cycle={cycle.year}"


def _short_cells(cells: list[str]) -> list[tuple[str, str]]:
    """A sub-unit's line of the PDF table (`documents._child_cells`) in a phone's width."""
    registered, rate, self_assessed, grassroots, *ratings = cells
    return [(_("Registered"), f"{registered} ({rate})"), (_("Self-assessed"), self_assessed),
            (_("Grassroots units complete"), grassroots),
            *zip([_("Exc."), _("Good"), _("Done"), _("Not done")], ratings)]


@login_required
def unit_report(request, tenant_slug: str, code: str):
    unit = get_dashboard_unit_for_user(request.user, tenant_slug, code)
    cycle, cycles = pick_cycle(request, unit)
    return _render(request, unit, cycle, cycles)


def _render(request, unit, cycle, cycles, form=None, status=200):
    context = {"unit": unit, "cycle": cycle, "cycles": cycles}
    if cycle is not None:
        report = UnitReport.objects.filter(cycle=cycle, unit=unit).first()
        parent = services.parent_of(unit)
        is_open = cycle.status == CycleStatus.OPEN
        editable = bool(report and can_act(services.UNIT_REPORT_FLOW, report, "update", request.user))
        if editable and form is None:
            form = UnitReportForm(initial={
                "version": report.lock_version, **{name: getattr(report, name) for name in UnitReportForm.NARRATIVE}})
        source, frozen = pick_figures(request, cycle, unit)
        due = services.report_due(cycle, unit) if parent is not None else None
        can_submit = bool(report and can_act(services.UNIT_REPORT_FLOW, report, "submit", request.user))
        context.update(frozen)
        document = documents.unit_report_context(cycle, unit, source)
        # The commendations name the cadres honoured: showing them is a read of those people.
        access_record_rows(request, AccessKind.REPORT, document["commendations"], obj=unit)
        for child in document["children"]:
            child["labelled"] = _short_cells(child["cells"])
        if document["trend"]:  # the page's chart in the page's font (the document's is the PDF's serif)
            document["trend_chart"] = trends.trend_chart(document["trend"])
        context.update(
            document, report=report, parent=parent, is_open=is_open,
            editable=editable, form=form if editable else None,
            can_start=report is None and is_open,
            can_submit=can_submit,
            low_rates=services.low_rates(source, unit) if can_submit else None,
            can_decide=bool(report and can_act(services.UNIT_REPORT_FLOW, report, "accept", request.user)),
            return_form=ReturnForm(initial={"version": report.lock_version}) if report else None,
            files=report_files_for(request.user, unit, cycle).filter(kind=ReportFileKind.UNIT_PDF)[:RECENT_FILES],
            pdf_buttons=[(ReportFileKind.UNIT_PDF, _("Download the report PDF"))],
            due=due,
            timeliness=report_timeliness(report, due, timezone.localdate()) if due else None,
        )
    return render(request, "reports/unit_report.html", context, status=status)


@login_required
@require_POST
def unit_report_start(request, tenant_slug: str, code: str):
    unit = get_dashboard_unit_for_user(request.user, tenant_slug, code)
    cycle, _cycles = pick_cycle(request, unit, strict=True)
    if cycle is None:
        return redirect("reports_unit_dashboard", tenant_slug=tenant_slug, code=code)
    try:
        services.unit_report_get_or_create(cycle=cycle, unit=unit, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _message(error))
    return redirect(_page_url(unit, cycle))


@login_required
@require_POST
def unit_report_edit(request, pk: int):
    """Save the narrative; with "submit", save and send it to the parent unit."""
    report = get_unit_report_for_user(request.user, pk)
    form = UnitReportForm(request.POST)
    if not form.is_valid():
        return _render(request, report.unit, report.cycle, pick_cycle(request, report.unit)[1], form)
    try:
        report = services.unit_report_update(report=report, acting_user=request.user,
                                             expected_version=form.cleaned_data["version"], **form.narrative())
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.error(request, _message(error))
        # The page again with what was typed: a refused save must not lose the text.
        return _render(request, report.unit, report.cycle, pick_cycle(request, report.unit)[1], form)
    if request.POST.get("action") != "submit":
        messages.success(request, _("The report was saved."))
        return redirect(_page_url(report, report.cycle))
    try:
        report = services.unit_report_submit(report=report, acting_user=request.user,
                                             expected_version=report.lock_version,
                                             confirm_low_rates=form.cleaned_data["confirm_low_rates"])
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            messages.error(request, _("The report was saved but not submitted: %(reason)s")
                           % {"reason": _message(error)})
            return redirect(_page_url(report, report.cycle))
        # Saved, not submitted: the page again at the saved version, with what to confirm or fix.
        form = UnitReportForm({**request.POST.dict(), "version": report.lock_version})
        form.is_valid()
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        messages.warning(request, _("The report was saved but not submitted: see the message above the buttons."))
        return _render(request, report.unit, report.cycle, pick_cycle(request, report.unit)[1], form, status=400)
    if report.is_late:
        messages.warning(request, _("The report was submitted after the due date: it is marked late."))
    else:
        messages.success(request, _("The report was submitted to the higher unit."))
    return redirect(_page_url(report, report.cycle))


@login_required
@require_POST
def unit_report_accept(request, pk: int):
    report = get_unit_report_for_user(request.user, pk)
    form = VersionForm(request.POST)
    try:
        services.unit_report_accept(report=report, acting_user=request.user, expected_version=form.version_or_stale())
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The report was accepted; it can no longer be changed."))
    return redirect(_page_url(report, report.cycle))


@login_required
@require_POST
def unit_report_return(request, pk: int):
    report = get_unit_report_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_page_url(report, report.cycle))
    try:
        services.unit_report_return(report=report, comment=form.cleaned_data["comment"], acting_user=request.user,
                                    expected_version=form.version_or_stale())
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The report was returned to the unit with your comment."))
    return redirect(_page_url(report, report.cycle))
