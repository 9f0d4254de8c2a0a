"""Everything the platform holds about one cadre, for "Tải dữ liệu của tôi" (Law 91/2025/QH15:
the data subject's right of access): the profile and account, positions, every form with
its timeline, activities, sáng kiến, the evidence list and who read their data.

Evaluations sits above cadres, so this is the lowest layer that sees all of it. The same
dict becomes the JSON file and the PDF; values are plain (str, int, bool, None, lists)."""

from typing import Any

from django.db import models
from django.utils import timezone

from cadres.models import Cadre
from cadres.selectors import access_records_about, positions_of
from evaluations.models import Activity, EvidenceFile, FormEvent, Initiative, Registration, SelfAssessment

PROFILE_FIELDS = ["full_name", "birth_date", "gender", "phone", "email", "ethnicity", "job_title", "is_full_time",
                  "is_civil_servant", "is_party_member", "created_at", "updated_at"]


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
            value = timezone.localtime(value)
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _row(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _person(user) -> str:
    return str(user) if user is not None else ""


def _timeline(events: list[FormEvent]) -> list[dict[str, Any]]:
    return [{"at": _plain(e.created_at), "action": e.get_action_display(), "from": e.from_state, "to": e.to_state,
             "by": _person(e.actor) or e.actor_label, "comment": e.comment} for e in events]


def _events_by_form(forms: list, model: type[models.Model]) -> dict[int, list[FormEvent]]:
    found: dict[int, list[FormEvent]] = {}
    if not forms:
        return found
    events = (FormEvent.objects.filter(form_type__app_label=model._meta.app_label,
                                       form_type__model=model._meta.model_name,
                                       form_id__in=[form.pk for form in forms])
              .select_related("actor").order_by("created_at", "id"))
    for event in events:
        found.setdefault(event.form_id, []).append(event)
    return found


def personal_data_of(cadre: Cadre) -> dict[str, Any]:
    """The whole file, in a fixed number of queries (one per kind of row)."""
    account = cadre.user
    registrations = list(Registration.objects.filter(cadre=cadre).select_related("programme", "cycle", "approved_by")
                         .prefetch_related("commitments__criterion").order_by("cycle__year", "id"))
    assessments = list(SelfAssessment.objects.filter(cadre=cadre).select_related("cycle", "registration__programme")
                       .prefetch_related("results__commitment__criterion").order_by("cycle__year", "id"))
    registration_events = _events_by_form(registrations, Registration)
    assessment_events = _events_by_form(assessments, SelfAssessment)
    evidence = (EvidenceFile.objects.filter(result__self_assessment__cadre=cadre)
                .select_related("result__commitment__criterion").order_by("created_at", "id"))
    return {
        "generated_at": _plain(timezone.now()),
        "profile": _row(cadre, PROFILE_FIELDS),
        "account": ({"email": account.email, "phone": account.phone, "full_name": account.full_name,
                     "date_joined": _plain(account.date_joined), "last_login": _plain(account.last_login)}
                    if account is not None else None),
        "positions": [{"unit": p.unit.name, "role": p.get_role_display(), "from": _plain(p.start_date),
                       "to": _plain(p.end_date)} for p in positions_of(cadre)],
        "registrations": [{
            "year": form.cycle.year, "programme": form.programme.name, "revision": form.revision,
            "state": form.get_state_display(), "full_name": form.full_name, "birth_date": _plain(form.birth_date),
            "union_position": form.union_position, "job_title": form.job_title, "unit": form.unit_name,
            "planned_initiative": form.planned_initiative, "submitted_at": _plain(form.submitted_at),
            "approved_at": _plain(form.approved_at), "approved_by": _person(form.approved_by),
            "commitments": [{"criterion": c.criterion.title, "commitment": c.text, "target": _plain(c.target),
                             "measures": c.measures} for c in form.commitments.all()],
            "timeline": _timeline(registration_events.get(form.pk, [])),
        } for form in registrations],
        "self_assessments": [{
            "year": form.cycle.year, "period": form.get_period_display(),
            "programme": form.registration.programme.name, "state": form.get_state_display(),
            "strengths": form.strengths, "weaknesses": form.weaknesses, "causes": form.causes,
            "remedies": form.remedies, "self_rating": form.get_self_rating_display(),
            "reviewer_comment": form.reviewer_comment, "proposed_rating": form.get_proposed_rating_display(),
            "collective_comment": form.collective_comment, "final_rating": form.get_final_rating_display(),
            "results": [{"criterion": r.commitment.criterion.title, "result": r.result} for r in form.results.all()],
            "timeline": _timeline(assessment_events.get(form.pk, [])),
        } for form in assessments],
        "activities": [{"date": _plain(a.date), "kind": a.get_kind_display(), "hours": _plain(a.hours),
                        "description": a.description, "photo": bool(a.photo)}
                       for a in Activity.objects.filter(cadre=cadre).order_by("date", "id")],
        "initiatives": [{"date": _plain(i.date), "title": i.title, "recognised_by": i.recognised_by,
                         "state": i.get_state_display(), "document": bool(i.document)}
                        for i in Initiative.objects.filter(cadre=cadre).order_by("date", "id")],
        "evidence": [{"criterion": e.result.commitment.criterion.title, "file": e.original_name, "size": e.size,
                      "uploaded_at": _plain(e.created_at)} for e in evidence],
        "access_log": [{"at": _plain(r.created_at), "viewer": r.viewer_label, "role": r.role_display,
                        "what": r.get_kind_display(), "people": r.subject_count}
                       for r in access_records_about(cadre)],
    }
