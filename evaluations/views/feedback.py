"""Multi-source feedback: the reviewer asks the cấp ủy (the link is emailed) or đoàn viên
(an anonymous one-time link shown once, to pass on by Zalo or by hand); the public form
behind the link takes one comment, without an account, rate-limited per link and, for
links that do not exist, per address."""

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from evaluations.forms.assessments import FeedbackForm, FeedbackRequestForm
from evaluations.models import FeedbackSource
from evaluations.rules import can_review
from evaluations.selectors import get_self_assessment_for_user
from evaluations.services.feedback import feedback_request_create as create_request, feedback_submit, open_request_for_token
from models_registry.forms import add_service_errors

# Per window: a link's own limit (one person, a few tries) and, for links that do not exist,
# one per address, so a chi đoàn meeting sharing one wifi is never held back by its own
# valid links while guessing stays far too slow.
RATE_LIMIT = 30
LINK_RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 10 * 60


@login_required
def feedback_request_create(request, pk: int):
    """From a self-assessment the user reviews: a new link for comments on its cadre."""
    form = get_self_assessment_for_user(request.user, pk)
    if not can_review(request.user, form):
        raise Http404
    request_form = FeedbackRequestForm(request.POST or None)
    created = link = None
    if request.method == "POST" and request_form.is_valid():
        data = request_form.cleaned_data
        try:
            created, token = create_request(
                cycle=form.cycle, cadre=form.cadre, source=data["source"], email=data["email"],
                acting_user=request.user,
                build_link=lambda token: request.build_absolute_uri(reverse("feedback_form", args=[token])))
        except ValidationError as error:
            add_service_errors(request_form, error)
        else:
            # Shown on this page only: the token is stored hashed and cannot be shown again.
            link = request.build_absolute_uri(reverse("feedback_form", args=[token]))
            request_form = FeedbackRequestForm()
    return render(request, "evaluations/feedback/request.html", {
        "form": form, "request_form": request_form, "created": created, "link": link,
        "is_member_link": created is not None and created.source == FeedbackSource.MEMBER,
    })


def _over_limit(key: str, limit: int) -> bool:
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > limit


def _limited(request):
    return render(request, "evaluations/feedback/form.html", {"limited": True}, status=429)


@never_cache
def feedback_form(request, token: str):
    """Public: no account. The link works once; a used, expired or made-up one says so."""
    # The address as allauth reads it (REMOTE_ADDR, or X-Forwarded-For behind trusted proxies).
    address_key = f"feedback-rate:ip:{get_account_adapter(request).get_client_ip(request)}"
    if (cache.get(address_key) or 0) >= RATE_LIMIT:
        return _limited(request)
    link = open_request_for_token(token)
    if link is None:
        _over_limit(address_key, RATE_LIMIT)
        return render(request, "evaluations/feedback/form.html", {"invalid": True}, status=404)
    if _over_limit(f"feedback-rate:link:{link.pk}", LINK_RATE_LIMIT):
        return _limited(request)
    comment_form = FeedbackForm(request.POST or None)
    if request.method == "POST" and comment_form.is_valid():
        try:
            feedback_submit(token=token, text=comment_form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(comment_form, error)
        else:
            return render(request, "evaluations/feedback/form.html", {"thanks": True})
    return render(request, "evaluations/feedback/form.html", {"link": link, "comment_form": comment_form})
