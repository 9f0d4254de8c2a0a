"""The cadre's activity log and sáng kiến: the list grouped by month with totals and the
progress of their quantitative commitments, logging (with a photo or document checked by
content), deleting their own entries, and the permission-checked file downloads."""

import datetime
from collections import OrderedDict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import own_cadre
from evaluations.forms.assessments import ActivityForm, InitiativeForm
from evaluations.models import Registration, RegistrationState
from evaluations.progress import registration_progress
from evaluations.rules import is_cadre
from evaluations.selectors import (
    activities_of,
    activity_months,
    get_activity_for_user,
    get_initiative_for_user,
    initiatives_of,
)
from evaluations.services.activities import (
    activity_delete as delete_activity,
    activity_log,
    initiative_delete as delete_initiative,
    initiative_log,
)
from models_registry.forms import add_service_errors
from models_registry.models import ActivityKind
from office.files import private_file_response


def _own_cadre_or_404(user):
    """The activity log is the cadre's own: someone without a cadre profile has none."""
    cadre = own_cadre(user)
    if cadre is None:
        raise Http404
    return cadre


def _year(request) -> int:
    today = timezone.localdate()
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= today.year else today.year


def months_of(activities) -> list[dict]:
    """Entries grouped by month, newest first, each month with its count and volunteer hours."""
    months: OrderedDict[tuple[int, int], dict] = OrderedDict()
    for activity in activities:
        month = months.setdefault((activity.date.year, activity.date.month), {
            "month": datetime.date(activity.date.year, activity.date.month, 1), "items": [], "hours": Decimal(0),
        })
        month["items"].append(activity)
        if activity.kind == ActivityKind.VOLUNTEER_HOURS and activity.hours:
            month["hours"] += activity.hours
    return list(months.values())


def progress_of(cadre, year: int) -> list[tuple]:
    """Each approved registration of the year with its quantitative commitments' progress."""
    registrations = Registration.objects.filter(cadre=cadre, cycle__year=year, state=RegistrationState.APPROVED)
    rows = []
    for registration in registrations.select_related("programme", "cycle"):
        progress = [(commitment, found) for commitment, found in registration_progress(registration) if found]
        if progress:
            rows.append((registration, progress))
    return rows


@login_required
def activity_list(request):
    cadre = _own_cadre_or_404(request.user)
    year = _year(request)
    # The year's totals month by month; the entries of one month at a time (the newest by
    # default): a cadre logging every day has hundreds by October.
    summary = activity_months(cadre, year)
    wanted = request.GET.get("month", "")
    shown = next((month for month in summary if str(month["month"].month) == wanted), summary[0] if summary else None)
    entries = list(activities_of(cadre, year).filter(date__month=shown["month"].month)) if shown else []
    this_year = timezone.localdate().year
    return render(request, "evaluations/activities/activity_list.html", {
        "cadre": cadre, "year": year, "years": range(this_year, this_year - 3, -1),
        "summary": summary, "shown": shown, "months": months_of(entries),
        "count": sum(month["count"] for month in summary), "hours": sum((m["hours"] for m in summary), Decimal(0)),
        "initiatives": initiatives_of(cadre, year), "progress": progress_of(cadre, year),
    })


def _log(request, form_class, template: str, service) -> object:
    """GET: the empty form; POST: log through the service, refusals beside their field."""
    cadre = _own_cadre_or_404(request.user)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(cadre=cadre, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved in your activity log."))
            return redirect("activity_list")
    return render(request, template, {"form": form})


@login_required
def activity_create(request):
    return _log(request, ActivityForm, "evaluations/activities/activity_form.html", activity_log)


@login_required
def initiative_create(request):
    return _log(request, InitiativeForm, "evaluations/activities/initiative_form.html", initiative_log)


def _delete(request, entry, service, **kwargs):
    # Others who may see the entry (reviewers, managers) never delete it.
    if not is_cadre(request.user, entry.cadre):
        raise Http404
    try:
        service(acting_user=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Deleted."))
    return redirect("activity_list")


@login_required
@require_POST
def activity_delete(request, pk: int):
    activity = get_activity_for_user(request.user, pk)
    return _delete(request, activity, delete_activity, activity=activity)


@login_required
@require_POST
def initiative_delete(request, pk: int):
    initiative = get_initiative_for_user(request.user, pk)
    return _delete(request, initiative, delete_initiative, initiative=initiative)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1] if "." in name else "bin"


@login_required
def activity_photo(request, pk: int):
    activity = get_activity_for_user(request.user, pk)
    return private_file_response(activity.photo, f"hoat-dong-{activity.pk}.{_extension(activity.photo.name)}",
                                 inline=True)


@login_required
def initiative_document(request, pk: int):
    initiative = get_initiative_for_user(request.user, pk)
    return private_file_response(initiative.document,
                                 f"sang-kien-{initiative.pk}.{_extension(initiative.document.name)}")
