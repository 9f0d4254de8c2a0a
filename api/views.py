"""The pages where managers (provincial staff for the province, a unit's managers for its
subtree) create, list, rotate and revoke API clients. A token is shown once, in the response
to the POST that made it, and kept nowhere."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import selectors, services
from api.forms import ApiClientForm
from cadres.models import Unit
from cadres.selectors import get_managed_unit_for_user


def _page(request: HttpRequest, unit: Unit, form: ApiClientForm, token: str = "", status: int = 200) -> HttpResponse:
    clients = selectors.clients_for(unit)
    return render(request, "api/clients.html", {"unit": unit, "form": form, "clients": clients, "token": token},
                  status=status)


@login_required
def api_clients(request: HttpRequest, tenant_slug: str, code: str) -> HttpResponse:
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    form = ApiClientForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            expires = form.cleaned_data["expires"]
            expires_at = (timezone.make_aware(datetime.datetime.combine(expires, datetime.time.min))
                          if expires else None)
            try:
                client, token = services.api_client_create(
                    unit=unit, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                    expires_at=expires_at, acting_user=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The client %(name)s was created. Copy its token now: it is shown only once.")
                                 % {"name": client.name})
                return _page(request, unit, ApiClientForm(), token)
        return _page(request, unit, form, status=400)
    return _page(request, unit, form)


@login_required
@require_POST
def api_client_action(request: HttpRequest, tenant_slug: str, code: str, client_id: int, action: str) -> HttpResponse:
    unit = get_managed_unit_for_user(request.user, tenant_slug, code)
    client = selectors.get_client_for_manager(unit, client_id)
    try:
        if action == "rotate":
            client, token = services.api_client_rotate(client=client, acting_user=request.user)  # type: ignore[arg-type]
            messages.success(request, _("A new token was made for %(name)s; the old one no longer works. "
                                        "Copy it now: it is shown only once.") % {"name": client.name})
            return _page(request, unit, ApiClientForm(), token)
        services.api_client_revoke(client=client, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The client %(name)s was revoked.") % {"name": client.name})
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("api_clients", tenant_slug=tenant_slug, code=code)
