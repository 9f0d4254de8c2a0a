"""Multi-source feedback (seed 004): a reviewer asks the cấp ủy (by email) or đoàn viên
(by an anonymous link) for comments on a cadre. Links are random, stored only hashed,
work once and expire."""

import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from cadres.models import AnyUser, Cadre, User
from cadres.services.audit import audit_record
from cadres.transitions import Refusal
from evaluations import notifications
from evaluations.checks import check_cycle_open, check_same_tenant
from evaluations.models import Cycle, Feedback, FeedbackRequest, FeedbackSource, Registration
from evaluations.rules import reviewer_q

LINK_DAYS = 14


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reviews_cadre(user: AnyUser | None, cadre: Cadre, cycle: Cycle) -> bool:
    """Whether the user reviews one of the cadre's registrations in this cycle."""
    return Registration.objects.filter(reviewer_q(user), cycle=cycle, cadre=cadre).exists()


@transaction.atomic
def feedback_request_create(*, cycle: Cycle, cadre: Cadre, source: str, acting_user: User, email: str = "",
                            build_link: Callable[[str], str]) -> tuple[FeedbackRequest, str]:
    """A one-time link for comments on the cadre; returns the request and the raw token
    (shown once: only its hash is stored). For the cấp ủy the link is emailed to `email`
    after the commit; a đoàn viên link is handed out by the reviewer. `build_link(token)`
    turns the token into the absolute URL of the page that takes the comment."""
    check_same_tenant(cycle, cadre)
    if not reviews_cadre(acting_user, cadre, cycle):
        raise Refusal(_("Only the cadre's reviewer can ask for comments on them."), "forbidden")
    check_cycle_open(cycle)
    if source not in FeedbackSource.values:
        raise ValidationError({"source": _("Choose one of the listed options.")})
    email = (email or "").strip().lower()
    if source == FeedbackSource.COMMITTEE:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid email address.")}) from None
    token = secrets.token_urlsafe(32)
    request = FeedbackRequest.objects.create(
        tenant_id=cycle.tenant_id, cycle=cycle, cadre=cadre, source=source, email=email,
        token_hash=hash_token(token), expires_at=timezone.now() + datetime.timedelta(days=LINK_DAYS),
        requested_by=acting_user,
    )
    audit_record(actor=acting_user, action="feedback.request", obj=request, data={"cadre": cadre.pk, "source": source})
    if source == FeedbackSource.COMMITTEE:
        notifications.feedback_requested(request, build_link(token))
    return request, token


def open_request_for_token(token: str) -> FeedbackRequest | None:
    """The unused, unexpired request behind a link, or None."""
    # The person giving feedback has no account and so no tenant scope; the token (random,
    # single use) is what selects the tenant.
    with scopes_disabled():
        return (FeedbackRequest.objects.filter(token_hash=hash_token(token or ""), used_at__isnull=True,
                                               expires_at__gt=timezone.now())
                .select_related("cadre", "cycle", "tenant").first())


def _invalid_link() -> ValidationError:
    return Refusal(_("This link has already been used or has expired."), "invalid")


@transaction.atomic
def feedback_submit(*, token: str, text: str) -> Feedback:
    """Store the comment given through a link and spend the link."""
    request = open_request_for_token(token)
    if request is None:
        raise _invalid_link()
    with scopes_disabled():
        check_cycle_open(request.cycle)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("This field cannot be empty.")})
    if len(text) > 4000:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": 4000}})
    with scopes_disabled():
        # Spend the link in one conditional UPDATE: of two submissions at once, one wins.
        spent = FeedbackRequest.objects.filter(pk=request.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not spent:
            raise _invalid_link()
        feedback = Feedback.objects.create(tenant_id=request.tenant_id, request=request, text=text)
        audit_record(actor=None, action="feedback.give", obj=request, data={"source": request.source})
    return feedback
