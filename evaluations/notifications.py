"""The notices a form's transitions give (`kinds.FormKind.notices`), each written through
`cadres.services.notices.notify` in the transition's transaction and emailed after it
commits: submitted → the reviewer; returned, approved, rated → the cadre; a rating
proposed → the BTV; a draft closed because its programme no longer applies → the cadre.
Who the reviewer and the BTV are is the flow's own rule (`can_act` on the step they take
next), asked of the people of the form's unit, then of the units above
(`cadres.selectors.nearest_deciders`). Texts live in
`templates/evaluations/email/<name>_subject.txt` and `<name>_body.txt`.

A feedback request goes to an address outside the app: email only, by the worker after
the commit (`cadres.tasks.enqueue_email`)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cadres.models import NoticeKind, Position, PositionRole, User
from cadres.selectors import nearest_deciders
from cadres.services.notices import notify
from cadres.tasks import enqueue_email
from cadres.transitions import can_act
from evaluations.models import FormAction


def _render(name: str, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"evaluations/email/{name}_subject.txt", context).split())
        body = render_to_string(f"evaluations/email/{name}_body.txt", context).strip()
    return subject, body


def _tell(kind, form, recipients, notice_kind: str, name: str, actor, **extra) -> None:
    subject, body = _render(name, {"form": form, "kind": kind, "cadre": form.cadre, "cycle": form.cycle, **extra})
    notify(recipients=recipients, tenant_id=form.tenant_id, kind=notice_kind, subject=subject, body=body,
           link=kind.link(form), actor=actor)


def _cadre(form) -> list:
    cadre = form.cadre
    return [cadre.user] if cadre.user_id else []


def _deciders(kind, form, action: str, actor) -> list:
    """Who may take `action` next on the form, at the nearest level that can."""
    return nearest_deciders(form.unit, lambda user: can_act(kind.flow, form, action, user), exclude=actor)


def form_submitted(kind, form, actor) -> None:
    decision = FormAction.APPROVE if kind.is_registration else FormAction.PROPOSE
    _tell(kind, form, _deciders(kind, form, decision, actor), NoticeKind.SUBMITTED, "submitted", actor)


def form_returned(kind, form, actor) -> None:
    event = form.events.filter(action="return").order_by("-created_at", "-id").first()
    comments = []
    if event is not None:
        titles = dict(kind.commitments(form).values_list("criterion_id", "criterion__title"))
        comments = [(titles.get(int(key), key), text) for key, text in event.criterion_comments.items()]
    _tell(kind, form, _cadre(form), NoticeKind.RETURNED, "returned", actor,
          general_comment=event.comment if event else "", comments=comments)


def form_approved(kind, form, actor) -> None:
    _tell(kind, form, _cadre(form), NoticeKind.APPROVED, "approved", actor)


def form_proposed(kind, form, actor) -> None:
    _tell(kind, form, _deciders(kind, form, FormAction.FINALISE, actor), NoticeKind.PROPOSED, "proposed", actor)


def form_rated(kind, form, actor) -> None:
    _tell(kind, form, _cadre(form), NoticeKind.RATED, "rated", actor)


def form_closed(kind, form, actor) -> None:
    """The draft's programme no longer applies: the notice leads to the cadre's registrations,
    where they register under the one that does (carrying their commitments over)."""
    event = form.events.filter(action=FormAction.CLOSE).order_by("-created_at", "-id").first()
    subject, body = _render("closed", {"form": form, "cycle": form.cycle, "reason": event.comment if event else ""})
    notify(recipients=_cadre(form), tenant_id=form.tenant_id, kind=NoticeKind.PROGRAMME_CHANGED, subject=subject,
           body=body, link=reverse("registration_list"), actor=actor)


def _secretaries(form) -> list:
    """Who acts for a unit's form: the unit's Bí thư now."""
    return list(User.objects.filter(cadre__positions__in=Position.objects.active().filter(
        unit_id=form.unit_id, role=PositionRole.SECRETARY, cadre__archived_at__isnull=True)).distinct())


def _tell_unit(kind, form, recipients, notice_kind: str, name: str, actor, **extra) -> None:
    subject, body = _render(name, {"form": form, "kind": kind, "cycle": form.cycle, **extra})
    notify(recipients=recipients, tenant_id=form.tenant_id, kind=notice_kind, subject=subject, body=body,
           link=kind.link(form), actor=actor)


def unit_form_submitted(kind, form, actor) -> None:
    decision = FormAction.APPROVE if kind.is_registration else FormAction.FINALISE
    _tell_unit(kind, form, _deciders(kind, form, decision, actor), NoticeKind.SUBMITTED, "unit_submitted", actor)


def unit_form_returned(kind, form, actor) -> None:
    event = form.events.filter(action="return").order_by("-created_at", "-id").first()
    _tell_unit(kind, form, _secretaries(form), NoticeKind.RETURNED, "unit_returned", actor,
               general_comment=event.comment if event else "")


def unit_form_decided(kind, form, actor) -> None:
    notice = NoticeKind.APPROVED if kind.is_registration else NoticeKind.RATED
    _tell_unit(kind, form, _secretaries(form), notice, "unit_decided", actor)


def feedback_requested(request, link: str) -> None:
    subject, body = _render("feedback_request", {"request": request, "cadre": request.cadre, "link": link,
                                                 "cycle": request.cycle})
    enqueue_email(subject=subject, body=body, to=request.email)
