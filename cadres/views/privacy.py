"""Personal data pages (Law 91/2025/QH15): who read my file, a unit's access log, requests
about one's data (correction, erasure) and their answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres import privacy, selectors
from cadres.forms.privacy import DataRequestAnswerForm, DataRequestDecideForm, DataRequestForm
from cadres.models import AccessKind
from cadres.services import consent as consent_service, data_requests
from cadres.services.access_log import access_record_request

RECORDS_PER_PAGE = 50


@login_required
def my_access_log(request):
    """"Ai đã xem hồ sơ của tôi": every read of the cadre's data by someone else."""
    cadre = selectors.own_cadre(request.user)
    if cadre is None:
        raise Http404
    page = Paginator(selectors.access_records_about(cadre), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cadres/privacy/my_access_log.html", {"cadre": cadre, "page": page})


@login_required
def unit_access_log(request, tenant_slug: str, code: str):
    """Reads of the data of the subtree's cadres, for its managers (the root's: the tenant's)."""
    unit = selectors.get_managed_unit_for_user(request.user, tenant_slug, code)
    page = Paginator(selectors.unit_access_records(unit), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    access_record_request(request, AccessKind.LIST, selectors.access_record_viewers(unit, page.object_list),
                          tenant_id=unit.tenant_id, obj=unit)
    return render(request, "cadres/privacy/unit_access_log.html", {
        "unit": unit, "tenant_slug": tenant_slug, "page": page,
        "ancestors": [*selectors.visible_ancestors(request.user, unit), unit],
    })


@login_required
def my_data_requests(request):
    """The cadre's requests about their data, and the form to make one."""
    cadre = selectors.own_cadre(request.user)
    if cadre is None:
        raise Http404
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_requests.data_request_create(cadre=cadre, kind=form.cleaned_data["kind"],
                                              body=form.cleaned_data["body"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your request was sent. You will find the answer here."))
            return redirect("my_data_requests")
    return render(request, "cadres/privacy/my_data_requests.html", {
        "form": form, "requests": selectors.own_data_requests(cadre)})


@login_required
def data_request_detail(request, pk: int):
    data_request = selectors.get_data_request_for_user(request.user, pk)
    decides = selectors.decides_data_request(request.user, data_request)
    access_record_request(request, AccessKind.PROFILE, [data_request.cadre_id], tenant_id=data_request.tenant_id,
                          obj=data_request)
    return render(request, "cadres/privacy/data_request.html", {
        "data_request": data_request, "decides": decides and data_request.is_pending,
        "answer_form": DataRequestAnswerForm(), "decide_form": DataRequestDecideForm()})


def _decided_request(request, pk: int):
    data_request = selectors.get_data_request_for_user(request.user, pk)
    if not selectors.decides_data_request(request.user, data_request):
        raise Http404
    return data_request


@login_required
@require_POST
def data_request_answer(request, pk: int):
    data_request = _decided_request(request, pk)
    form = DataRequestAnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the answer the cadre will read."))
        data_requests.data_request_answer(request=data_request, answer=form.cleaned_data["answer"],
                                          acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The answer was sent to the cadre."))
    return redirect("data_request_detail", pk=pk)


@login_required
@require_POST
def data_request_decide(request, pk: int):
    data_request = _decided_request(request, pk)
    form = DataRequestDecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the listed options."))
        approve = form.cleaned_data["decision"] == "approve"
        data_requests.data_request_decide(request=data_request, approve=approve, reason=form.cleaned_data["reason"],
                                          acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The person's data was de-identified.") if approve
                         else _("The request was refused; the cadre reads your reason."))
    return redirect("data_request_detail", pk=pk)


def privacy_notice(request):
    """The privacy notice, for anyone (linked from the invitation and the join page); a
    logged-in person accepts it here."""
    consent = privacy.current_consent(request.user) if request.user.is_authenticated else None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        consent_service.consent_give(user=request.user, acting_user=request.user)
        request.session[privacy.SESSION_KEY] = privacy.VERSION
        messages.success(request, _("Thank you: your consent was recorded."))
        after = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
            return redirect(after)
        return redirect("my_profile" if selectors.own_cadre(request.user) else "home")
    return render(request, "cadres/privacy/notice.html", {
        **privacy.notice_context(), "consent": consent, "next": request.GET.get("next", ""),
        # Sent here by the middleware: nothing else opens before the person answers.
        "asked": request.user.is_authenticated and not privacy.answered(request.user)})


@login_required
def consent_withdraw(request):
    """What withdrawing means, and the button that does it."""
    if request.method == "POST":
        consent_service.consent_withdraw(user=request.user, acting_user=request.user)
        request.session[privacy.SESSION_KEY] = privacy.VERSION  # read, and answered
        messages.success(request, _("Your consent was withdrawn and your optional details were cleared."))
        return redirect("privacy_notice")
    return render(request, "cadres/privacy/consent_withdraw.html", {
        "consent": privacy.current_consent(request.user), "contact_email": privacy.notice_context()["contact_email"]})
