"""The cadre's activity log and initiatives. A cadre logs their own; a closed cycle's year
is read-only."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from cadres.services.audit import audit_record
from cadres.transitions import Refusal
from evaluations.checks import check_cycle_open
from evaluations.models import Activity, Cycle, Initiative
from evaluations.rules import is_cadre
from evaluations.selectors import file_in_use
from evaluations.uploads import check_document, check_image, stored_name
from models_registry.models import ActivityKind

MAX_HOURS = Decimal("24")


def _check_writable(*, cadre: Cadre, date: object, acting_user: User) -> datetime.date:
    if not is_cadre(acting_user, cadre):
        raise Refusal(_("Cadres log their own activities."), "forbidden")
    if not isinstance(date, datetime.date):
        raise ValidationError({"date": _("Choose a date.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    cycle = Cycle.objects.filter(tenant_id=cadre.tenant_id, year=date.year).first()
    if cycle is not None:
        check_cycle_open(cycle)
    return date


def _clean_hours(kind: str, hours: object) -> Decimal | None:
    if kind != ActivityKind.VOLUNTEER_HOURS:
        return None
    try:
        value = Decimal(str(hours).strip().replace(",", "."))
    except (InvalidOperation, TypeError):
        value = Decimal(-1)
    if not value.is_finite() or not 0 < value <= MAX_HOURS:
        raise ValidationError({"hours": _("Enter the hours, between 0,5 and 24.")})
    return value.quantize(Decimal("0.01"))


def _text(value: str | None, field: str, max_length: int, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationError({field: _("This field cannot be empty.")})
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return text


@transaction.atomic
def activity_log(*, cadre: Cadre, kind: str, date: datetime.date, hours: Decimal | str | None = None,
                 description: str = "", photo: "UploadedFile[bytes] | None" = None,
                 acting_user: User) -> Activity:
    """Log one activity; volunteer hours need the number of hours. The optional photo must
    be a JPEG, PNG or WebP image of at most 5 MB (checked by content)."""
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Choose one of the listed options.")})
    _check_writable(cadre=cadre, date=date, acting_user=acting_user)
    activity = Activity(tenant_id=cadre.tenant_id, cadre=cadre, kind=kind, date=date,
                        hours=_clean_hours(kind, hours), description=_text(description, "description", 500),
                        created_by=acting_user)
    if photo:
        try:
            checked = check_image(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from None
        activity.photo.save(stored_name(checked), File(photo), save=False)
    activity.save()
    audit_record(actor=acting_user, action="activity.log", obj=activity,
                 data={"kind": kind, "date": date.isoformat(), "hours": str(activity.hours or "")})
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, acting_user: User) -> None:
    _check_writable(cadre=activity.cadre, date=activity.date, acting_user=acting_user)
    audit_record(actor=acting_user, action="activity.delete", obj=activity,
                 data={"kind": activity.kind, "date": activity.date.isoformat()})
    name = activity.photo.name
    activity.delete()
    # A photo picked as evidence stays with the self-assessment.
    if name and not file_in_use(name):
        transaction.on_commit(lambda: Activity._meta.get_field("photo").storage.delete(name))


@transaction.atomic
def initiative_log(*, cadre: Cadre, title: str, date: datetime.date, recognised_by: str = "",
                   document: "UploadedFile[bytes] | None" = None,
                   acting_user: User) -> Initiative:
    """Record a sáng kiến, awaiting recognition by the cadre's reviewer or BTV
    (`evaluations.services.initiatives`); `recognised_by` is the body the cadre names. The
    optional document is a photo, PDF or .docx of at most 5 MB."""
    _check_writable(cadre=cadre, date=date, acting_user=acting_user)
    initiative = Initiative(tenant_id=cadre.tenant_id, cadre=cadre, title=_text(title, "title", 300, required=True),
                            recognised_by=_text(recognised_by, "recognised_by", 300), date=date,
                            created_by=acting_user)
    if document:
        try:
            checked = check_document(document)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from None
        initiative.document.save(stored_name(checked), File(document), save=False)
    initiative.save()
    audit_record(actor=acting_user, action="initiative.log", obj=initiative, data={"title": initiative.title})
    return initiative


@transaction.atomic
def initiative_delete(*, initiative: Initiative, acting_user: User) -> None:
    """Delete one's own sáng kiến, unless it was recognised: that decision stays on record."""
    _check_writable(cadre=initiative.cadre, date=initiative.date, acting_user=acting_user)
    if initiative.is_recognised:
        raise Refusal(_("This initiative has been recognised: it can no longer be deleted."), "state")
    audit_record(actor=acting_user, action="initiative.delete", obj=initiative, data={"title": initiative.title})
    name = initiative.document.name
    initiative.delete()
    if name and not file_in_use(name):
        transaction.on_commit(lambda: Initiative._meta.get_field("document").storage.delete(name))
