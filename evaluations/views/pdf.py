"""The filled forms as official-format PDFs (domain §8), for the paper file. Served only
here, after the same scoped fetch as the pages: out of reach is a 404."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone, translation

from cadres.models import AccessKind, Cadre, Unit
from cadres.selectors import place_of
from cadres.services.access_log import access_record_request
from evaluations.kinds import kind_of
from evaluations.models import EvidenceFile, Registration
from evaluations.progress import counted_period, registration_progress
from evaluations.selectors import get_registration_for_user, get_self_assessment_for_user, initiatives_of
from office.pdf import OfficialHeader, render_pdf


def _header(form) -> OfficialHeader:
    """The form's unit issues it under its parent; dated the day it was submitted."""
    unit = form.unit
    parent = Unit.objects.get_parent(unit) if unit.depth > 1 else None
    date = timezone.localtime(form.submitted_at).date() if form.submitted_at else None
    return OfficialHeader(superior=parent.name if parent else unit.tenant.name, issuer=unit.name, number="",
                          place=place_of(unit), date=date)


def pdf_response(form, context: dict) -> HttpResponse:
    """The form in its kind's official layout."""
    kind = kind_of(form)
    # The paper form is Vietnamese whatever language the reader's screen uses.
    with translation.override("vi"):
        content = render_pdf(kind.pdf_template, {"header": _header(form), "form": form, "kind": kind, **context})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{kind.pdf_name}-{form.cycle.year}-{form.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _commitments(registration: Registration) -> list:
    return list(registration.commitments.select_related("criterion"))


def signer_name(user) -> str:
    """Who signs as reviewer: their cadre name, else their account's; blank until someone acts."""
    if user is None:
        return ""
    cadre = Cadre.objects.filter(user=user).first()
    return cadre.full_name if cadre else user.full_name


@login_required
def registration_pdf(request, pk: int):
    registration = get_registration_for_user(request.user, pk)
    access_record_request(request, AccessKind.FORM_PDF, [registration.cadre_id], tenant_id=registration.tenant_id,
                          obj=registration)
    counted_from = counted_period(registration)[0] if registration.was_approved else None
    return pdf_response(registration, {"commitments": _commitments(registration), "counted_from": counted_from,
                                        "reviewer_name": signer_name(registration.approved_by)})


@login_required
def self_assessment_pdf(request, pk: int):
    assessment = get_self_assessment_for_user(request.user, pk)
    access_record_request(request, AccessKind.FORM_PDF, [assessment.cadre_id], tenant_id=assessment.tenant_id,
                          obj=assessment)
    results = assessment.results.select_related("commitment__criterion").order_by("commitment__position", "id")
    # The same progress, over the same counted period, as the form's pages.
    progress = dict((commitment.pk, found) for commitment, found
                    in registration_progress(assessment.registration, assessment.period))
    rows = [(result, progress.get(result.commitment_id)) for result in results]
    evidence = (EvidenceFile.objects.filter(result__self_assessment=assessment)
                .select_related("result__commitment__criterion", "activity", "initiative")
                .order_by("result__commitment__position", "created_at", "id"))
    return pdf_response(assessment, {"registration": assessment.registration, "rows": rows,
                                      "evidence": evidence, "reviewer_name": signer_name(assessment.proposed_by),
                                      "initiatives": initiatives_of(assessment.cadre, assessment.cycle.year)})
