"""The breach register for the province's staff: the list with each incident's 72-hour clock,
recording and updating an incident, and its PDF for the authority."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cadres import selectors
from cadres.forms.breaches import BreachForm
from cadres.services import breaches
from office.pdf import OfficialHeader, render_pdf


def _save(request, form, save):
    try:
        return save(**form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
def breach_list(request, tenant_slug: str):
    tenant = selectors.get_provincial_tenant_for_user(request.user, tenant_slug)
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        breach = _save(request, form, lambda **values: breaches.breach_record(tenant=tenant, acting_user=request.user,
                                                                             **values))
        if breach is not None:
            messages.success(request, _("The breach was recorded. Notify the authority within 72 hours."))
            return redirect("breach_detail", pk=breach.pk)
    return render(request, "cadres/breaches/list.html", {"tenant": tenant, "form": form,
                                                         "breaches": selectors.breaches_of(tenant.pk)})


@login_required
def breach_detail(request, pk: int):
    breach = selectors.get_breach_for_user(request.user, pk)
    # A posted form is validated apart from the row: the service changes it, with its checks.
    form = BreachForm(request.POST) if request.method == "POST" else BreachForm(instance=breach)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, lambda **values: breaches.breach_update(breach=breach, acting_user=request.user,
                                                                       **values)) is not None:
            messages.success(request, _("The breach was updated."))
            return redirect("breach_detail", pk=breach.pk)
    return render(request, "cadres/breaches/detail.html", {"breach": breach, "form": form})


@login_required
def breach_pdf(request, pk: int):
    breach = selectors.get_breach_for_user(request.user, pk)
    header = OfficialHeader(superior="ĐOÀN TNCS HỒ CHÍ MINH", issuer=breach.tenant.name if breach.tenant else "",
                            number="Số: …-TB/TĐTN", date=timezone.localdate(), recipients=[
                                "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an",
                                "Lưu VP"])
    with translation.override("vi"):
        content = render_pdf("cadres/pdf/breach.html", {"header": header, "breach": breach})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="su-co-du-lieu-{breach.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
