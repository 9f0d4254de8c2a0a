"""Recognising a sáng kiến (chỉ tiêu 3): what the cadre logs is their claim, awaiting
recognition; their reviewer or their unit's BTV (`rules.can_recognise`) recognises it,
naming the body that did and that decision's number and date, or records that it is not
recognised (which also withdraws a recognition given by mistake). Only recognised ones
count — toward criteria that count initiatives and the rollup's chỉ tiêu 3.

    pending ──recognise──▶ recognised
       │                    │  ▲
       └──refuse──▶ not recognised ──recognise──┘   (refuse from recognised: withdrawn)

A closed cycle's figures are frozen in its snapshot, and the year is read-only like its
forms and its activity log: a sáng kiến of a closed year is neither recognised nor refused
(reopening the cycle, as for any late correction, lets it through and the next snapshot
version shows the difference).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _, gettext_lazy

from cadres.models import NoticeKind, User
from cadres.services.notices import notify
from cadres.transitions import Flow, Outcome, Step, act, allowed_if
from evaluations.checks import check_cycle_open
from evaluations.models import Cycle, Initiative, InitiativeState
from evaluations.rules import can_recognise

S = InitiativeState
RECOGNISE, REFUSE = "recognise", "refuse"
CLOSED_YEAR = gettext_lazy("The %(year)d evaluation cycle is closed: its figures are final and its initiatives can no "
                           "longer be recognised or refused.")


def _year_open(user: object, initiative: Initiative) -> None:
    cycle = Cycle.objects.filter(tenant_id=initiative.tenant_id, year=initiative.date.year).first()
    if cycle is not None:
        check_cycle_open(cycle, CLOSED_YEAR)


_deciders = allowed_if(can_recognise, gettext_lazy(
    "Only the cadre's reviewer or their unit's Standing Committee can decide on this initiative."))

INITIATIVE_FLOW: Flow[Initiative] = Flow(
    name="initiative",
    steps={
        RECOGNISE: Step({S.PENDING: S.RECOGNISED, S.NOT_RECOGNISED: S.RECOGNISED}, checks=(_deciders,),
                        wrong_state=gettext_lazy("This initiative is already “%(state)s”.")),
        REFUSE: Step({S.PENDING: S.NOT_RECOGNISED, S.RECOGNISED: S.NOT_RECOGNISED}, checks=(_deciders,),
                     wrong_state=gettext_lazy("This initiative is already “%(state)s”.")),
    },
    checks=(_year_open,),
    stale=gettext_lazy("Someone decided on this initiative after you opened the page; it is now “%(state)s”. "
                       "Reload the page: nothing was changed."),
    wrong_state=gettext_lazy("This initiative is “%(state)s”: there is nothing to decide."),
    related=("cadre",),
)


def _text(value: object, field: str, max_length: int, message: str = "") -> str:
    text = " ".join(str(value or "").split())
    if message and not text:
        raise ValidationError({field: message}, code="invalid")
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}}, code="invalid")
    return text


def _tell_cadre(initiative: Initiative, actor: User) -> None:
    """The cadre learns the decision on their activity log's page, where the entry is."""
    cadre = initiative.cadre
    if cadre.user is None:
        return
    context = {"initiative": initiative, "cadre": cadre}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("evaluations/email/initiative_subject.txt", context).split())
        body = render_to_string("evaluations/email/initiative_body.txt", context).strip()
    notify(recipients=[cadre.user], tenant_id=initiative.tenant_id, kind=NoticeKind.INITIATIVE, subject=subject,
           body=body, link=f"{reverse('activity_list')}?year={initiative.date.year}", actor=actor)


@transaction.atomic
def initiative_recognise(*, initiative: Initiative, recognised_by: str, decision_number: str,
                         decision_date: datetime.date | None, acting_user: User,
                         expected_version: object) -> Initiative:
    """pending / not recognised → recognised, with the body that recognised it (the
    cadre's entry, confirmed or corrected) and the decision's number and date; the cadre
    is told."""
    def change(locked: Initiative) -> Outcome:
        errors = {}
        try:
            locked.recognised_by = _text(recognised_by, "recognised_by", 300,
                                         _("Name the body that recognised this initiative."))
        except ValidationError as error:
            errors.update(error.message_dict)
        try:
            locked.decision_number = _text(decision_number, "decision_number", 100,
                                           _("Enter the number of the recognition decision."))
        except ValidationError as error:
            errors.update(error.message_dict)
        if not isinstance(decision_date, datetime.date):
            errors["decision_date"] = [_("Enter the date of the recognition decision.")]
        elif decision_date > timezone.localdate():
            errors["decision_date"] = [_("The date cannot be in the future.")]
        elif decision_date < locked.date:
            errors["decision_date"] = [_("The decision cannot come before the initiative (%(date)s).")
                                       % {"date": locked.date.strftime("%d/%m/%Y")}]
        if errors:
            raise ValidationError(errors, code="invalid")
        assert isinstance(decision_date, datetime.date)
        locked.decision_date = decision_date
        locked.decision_comment = ""
        locked.decided_by, locked.decided_at = acting_user, timezone.now()
        return Outcome(fields=["recognised_by", "decision_number", "decision_date", "decision_comment",
                               "decided_by", "decided_at"],
                       data={"recognised_by": locked.recognised_by, "decision_number": locked.decision_number,
                             "decision_date": decision_date.isoformat()})

    done = act(INITIATIVE_FLOW, initiative, RECOGNISE, acting_user=acting_user, expected_version=expected_version,
               change=change)
    _tell_cadre(done, acting_user)
    return done


@transaction.atomic
def initiative_refuse(*, initiative: Initiative, comment: str, acting_user: User,
                      expected_version: object) -> Initiative:
    """pending / recognised → not recognised, with the reason the cadre reads; a
    recognition withdrawn clears its decision. The cadre's own text stays."""
    def change(locked: Initiative) -> Outcome:
        locked.decision_comment = _text(comment, "comment", 1000,
                                        _("Say why this initiative is not recognised: the cadre reads it."))
        locked.decision_number, locked.decision_date = "", None
        locked.decided_by, locked.decided_at = acting_user, timezone.now()
        return Outcome(fields=["decision_comment", "decision_number", "decision_date", "decided_by", "decided_at"],
                       data={"decision_comment": locked.decision_comment})

    done = act(INITIATIVE_FLOW, initiative, REFUSE, acting_user=acting_user, expected_version=expected_version,
               change=change)
    _tell_cadre(done, acting_user)
    return done

