"""Keep the figures fresh without the evaluations code knowing about reports: every form
transition writes a FormEvent; once its transaction commits, the form's unit and the
cadre's home unit, with their ancestors, are recomputed."""

from evaluations.models import FormEvent
from reports.services.rollup import rollup_enqueue_for_unit


def form_event_saved(sender, instance: FormEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    form = instance.registration if instance.registration_id else instance.self_assessment
    rollup_enqueue_for_unit(form.unit, form.cycle, cadre_id=form.cadre_id)
