"""Templated Vietnamese emails about a form, sent once the transaction that caused them
commits (a rolled-back transition sends nothing). Templates live in
`templates/evaluations/email/<name>_subject.txt` and `<name>_body.txt`."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(name: str, recipient: str, context: dict) -> None:
    """Queue one email for after the commit; nothing when there is no address."""
    if not recipient:
        return

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string(f"evaluations/email/{name}_subject.txt", context).split())
            body = render_to_string(f"evaluations/email/{name}_body.txt", context)
        send_mail(subject, body, None, [recipient])

    transaction.on_commit(send)


def _cadre_email(form) -> str:
    cadre = form.cadre
    return cadre.email or (cadre.user.email if cadre.user_id and cadre.user.email else "")


def _context(form, **extra) -> dict:
    from evaluations.models import Registration

    kind = "registration" if isinstance(form, Registration) else "self_assessment"
    return {"form": form, "kind": kind, "cadre": form.cadre, "cycle": form.cycle, **extra}


def form_returned(form) -> None:
    event = form.events.filter(action="return").order_by("-created_at", "-id").first()
    comments = []
    if event is not None:
        titles = dict(form_criteria(form))
        comments = [(titles.get(int(key), key), text) for key, text in event.criterion_comments.items()]
    send_templated("returned", _cadre_email(form),
                   _context(form, general_comment=event.comment if event else "", comments=comments))


def form_approved(form) -> None:
    send_templated("approved", _cadre_email(form), _context(form))


def form_rated(form) -> None:
    send_templated("rated", _cadre_email(form), _context(form))


def feedback_requested(request, link: str) -> None:
    send_templated("feedback_request", request.email, {"request": request, "cadre": request.cadre, "link": link,
                                                       "cycle": request.cycle})


def form_criteria(form):
    from evaluations.models import Commitment, Registration

    registration = form if isinstance(form, Registration) else form.registration
    return Commitment.objects.filter(registration=registration).values_list("criterion_id", "criterion__title")
