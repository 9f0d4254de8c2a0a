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


def _context(kind, form, **extra) -> dict:
    return {"form": form, "kind": kind, "cadre": form.cadre, "cycle": form.cycle, **extra}


# The notices a kind sends (`kinds.FormKind.notices`): each takes the form's kind and the form.


def form_returned(kind, form) -> None:
    event = form.events.filter(action="return").order_by("-created_at", "-id").first()
    comments = []
    if event is not None:
        titles = dict(kind.commitments(form).values_list("criterion_id", "criterion__title"))
        comments = [(titles.get(int(key), key), text) for key, text in event.criterion_comments.items()]
    send_templated("returned", _cadre_email(form),
                   _context(kind, form, general_comment=event.comment if event else "", comments=comments))


def form_approved(kind, form) -> None:
    send_templated("approved", _cadre_email(form), _context(kind, form))


def form_rated(kind, form) -> None:
    send_templated("rated", _cadre_email(form), _context(kind, form))


def feedback_requested(request, link: str) -> None:
    send_templated("feedback_request", request.email, {"request": request, "cadre": request.cadre, "link": link,
                                                       "cycle": request.cycle})

