"""What the evaluations app does when the apps below it change (connected in `apps`)."""

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from cadres.models import Cadre
from cadres.services.erasure import scrub_json
from cadres.transitions import User
from evaluations.models import Activity, EvidenceFile, FormEvent, Initiative, Registration, SelfAssessment
from evaluations.services.programme_changes import programme_change_apply
from models_registry.models import Programme


def programme_changed(sender: object, programme: Programme, acting_user: User, **kwargs: Any) -> None:
    programme_change_apply(programme=programme, acting_user=acting_user)


def cadre_deidentifying(sender: object, cadre: Cadre, placeholder: str, **kwargs: Any) -> None:
    """The forms keep their content, counts and reviews; their copies of the person's name and
    birth date, and the evidence files, are replaced (`cadres.services.erasure`); the
    transitions the person made name the placeholder once their account is deleted."""
    if cadre.user_id is not None:
        FormEvent.objects.with_scopes_disabled().filter(actor_id=cadre.user_id).update(actor_label=placeholder)
    forms = Registration.objects.with_scopes_disabled().filter(cadre=cadre)
    forms.update(full_name=placeholder, birth_date=None)
    assessments = SelfAssessment.objects.with_scopes_disabled().filter(cadre=cadre)
    events = FormEvent.objects.with_scopes_disabled().filter(
        Q(registration__in=forms.values("pk")) | Q(selfassessment__in=assessments.values("pk")),
        snapshot__isnull=False)
    for event in events.only("pk", "snapshot"):
        # The snapshot's values lose the person's identity; its labels stay.
        stored = event.snapshot or {}
        snapshot = {**stored, "fields": scrub_json(stored.get("fields", {}), [cadre.full_name])}
        FormEvent.objects.with_scopes_disabled().filter(pk=event.pk).update(snapshot=snapshot)
    for evidence in EvidenceFile.objects.with_scopes_disabled().filter(result__self_assessment__cadre=cadre):
        old = evidence.file.name
        evidence.file.save(f"{placeholder}.txt", ContentFile(REMOVED_FILE), save=False)
        evidence.original_name, evidence.content_type, evidence.size = "an-danh.txt", "text/plain", len(REMOVED_FILE)
        evidence.save(update_fields=["file", "original_name", "content_type", "size"])
        _delete_after_commit(evidence.file.storage, old or "")
    for model, field in ((Activity, "photo"), (Initiative, "document")):
        for row in model.objects.with_scopes_disabled().filter(cadre=cadre).exclude(**{field: ""}):
            stored = getattr(row, field)
            _delete_after_commit(stored.storage, stored.name or "")
            model.objects.with_scopes_disabled().filter(pk=row.pk).update(**{field: ""})


# What an evidence file holds once its person is de-identified: the row (and the result it
# backs) stays, the photo or scan does not.
REMOVED_FILE = "Tệp minh chứng đã được xoá khi dữ liệu cá nhân được ẩn danh.\n".encode()


def _delete_after_commit(storage: Any, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))
