"""The person's notices: the list (newest first, unread marked), opening one (marks it
read, then goes where it points inside the app), marking all read, and the choice of
email on the profile page. Each view reaches notices through `cadres.selectors`, so
another person's notice is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres import selectors
from cadres.forms.notices import NoticeEmailForm
from cadres.services import notices as services

NOTICES_PER_PAGE = 20


@login_required
def notice_list(request):
    page = Paginator(selectors.notices_for(request.user), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cadres/notices.html", {"page": page})


@login_required
def notice_open(request, notice_id: int):
    notice = selectors.get_notice_for_user(request.user, notice_id)
    services.notice_read(notice=notice)
    # Only a path inside the app: a notice never sends anyone to another site.
    if notice.link and services.is_local_path(notice.link) and url_has_allowed_host_and_scheme(
            notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notice.link)
    return redirect("notice_list")


@login_required
@require_POST
def notices_read_all(request):
    count = services.notices_read_all(user=request.user)
    if count:
        messages.success(request, _("All notices are marked read."))
    return redirect("notice_list")


@login_required
@require_POST
def notice_email_choose(request):
    form = NoticeEmailForm(request.POST)
    if form.is_valid():
        services.notice_email_choose(user=request.user, choice=form.cleaned_data["notice_email"])
        messages.success(request, _("Your choice of notice emails is saved."))
    else:
        messages.error(request, _("Choose one of the listed options."))
    return redirect("my_profile")
