"""evaluations 0003–0005: each form event moves from its two foreign keys (registration or
self_assessment) to the one relation (form_type, form_id) without loss, and back when
migrated back; the timeline of each form still shows every event."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import scopes_disabled

from evaluations.models import FormEvent, Registration, SelfAssessment
from evaluations.selectors import form_timeline
from tests.historical import historical_cycle, migrate_to, migrate_to_latest

BEFORE = [("evaluations", "0002_cycle_reopen_reason_assessment_cadre_index")]
AFTER = [("evaluations", "0005_formevent_one_relation")]


def _old_forms(apps) -> dict[str, object]:
    """Two registrations and a self-assessment under the old schema, with their events."""
    tenant, unit, cycle = historical_cycle(apps)
    programme = apps.get_model("models_registry", "Programme").objects.create(
        tenant=tenant, owner_unit=unit, name="Mô hình", start_year=2025, end_year=2025)
    Cadre, Registration = apps.get_model("cadres", "Cadre"), apps.get_model("evaluations", "Registration")
    SelfAssessment, Event = apps.get_model("evaluations", "SelfAssessment"), apps.get_model("evaluations", "FormEvent")
    forms, events = {}, {}
    for name in ("An", "Bình"):
        cadre = Cadre.objects.create(tenant=tenant, full_name=name, sort_key=name, search_text=name)
        forms[name] = Registration.objects.create(tenant=tenant, cycle=cycle, cadre=cadre, unit=unit, role="secretary",
                                                  programme=programme, state="approved")
    forms["An's year"] = SelfAssessment.objects.create(tenant=tenant, cycle=cycle, cadre=forms["An"].cadre, unit=unit,
                                                       role="secretary", registration=forms["An"], period="year")
    for name, form in forms.items():
        link = {"self_assessment": form} if name.endswith("year") else {"registration": form}
        events[name] = [Event.objects.create(tenant=tenant, action=action, to_state=state, comment=f"{name} {action}",
                                             **link).pk
                        for action, state in (("create", "draft"), ("submit", "submitted"))]
    return {"forms": {name: form.pk for name, form in forms.items()}, "events": events}


# Schema changes must run outside a transaction on SQLite.
@pytest.mark.django_db(transaction=True)
def test_form_events_keep_their_form_both_ways(latest_schema_after):
    old = _old_forms(migrate_to(BEFORE))
    forms, events = old["forms"], old["events"]

    migrate_to(AFTER)
    # The checks read through today's models: the later migrations (new columns) go on too.
    migrate_to_latest()
    ContentType.objects.clear_cache()
    with scopes_disabled():
        assert FormEvent.objects.count() == 6
        for name, pk in forms.items():
            form = (SelfAssessment if name.endswith("year") else Registration).objects.get(pk=pk)
            timeline = form_timeline(form)
            assert [event.pk for event in timeline] == events[name]
            assert [event.comment for event in timeline] == [f"{name} create", f"{name} submit"]
            assert all(event.form == form for event in timeline)
        assert list(FormEvent.objects.filter(registration=forms["Bình"]).values_list("pk", flat=True)) == events["Bình"]

    Event = migrate_to(BEFORE).get_model("evaluations", "FormEvent")
    links = {pk: (registration, assessment) for pk, registration, assessment
             in Event.objects.values_list("pk", "registration_id", "self_assessment_id")}
    assert links == {
        **{pk: (forms["An"], None) for pk in events["An"]},
        **{pk: (forms["Bình"], None) for pk in events["Bình"]},
        **{pk: (None, forms["An's year"]) for pk in events["An's year"]},
    }
