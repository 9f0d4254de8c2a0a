"""A cadre's requests about their own data (Law 91/2025/QH15): a correction, answered in the
app by a manager of their unit (it waits in their inbox); an erasure, decided by the
province's staff — approved, the person is de-identified; refused, with the reason."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, DataRequest, DataRequestKind, DataRequestStatus, Position, Unit, User
from cadres.selectors import is_provincial_staff, manages_unit
from cadres.services.audit import audit_record
from cadres.services.erasure import cadre_deidentify
from cadres.transitions import Refusal, require


def _home_unit(cadre: Cadre) -> Unit:
    """The unit of the cadre's lowest active position (whose managers answer them); the
    province's root when they hold none."""
    position = (Position.objects.with_scopes_disabled().active().filter(cadre=cadre, unit__archived_at__isnull=True)
                .select_related("unit").order_by("-unit__depth").first())
    return position.unit if position is not None else cadre.tenant.root_unit


@transaction.atomic
def data_request_create(*, cadre: Cadre, kind: str, body: str, acting_user: User) -> DataRequest:
    """The cadre's own request; nobody asks for someone else."""
    require(acting_user, lambda user: user.pk == cadre.user_id, _("Only the person themselves can make this request."))
    if kind not in DataRequestKind.values:
        raise Refusal(_("Choose one of the listed options."), "invalid")
    body = body.strip()
    if not body:
        raise Refusal(_("Say what should change, or why."), "required")
    if DataRequest.objects.filter(cadre=cadre, kind=kind, status=DataRequestStatus.PENDING).exists():
        raise Refusal(_("You already have a request of this kind waiting for an answer."), "pending")
    request = DataRequest.objects.create(tenant_id=cadre.tenant_id, cadre=cadre, unit=_home_unit(cadre), kind=kind,
                                         body=body[:5000])
    audit_record(actor=acting_user, action="data_request.create", obj=request, data={"kind": kind})
    return request


def _locked_pending(request: DataRequest, kind: str) -> DataRequest:
    request = DataRequest.objects.with_scopes_disabled().select_for_update().get(pk=request.pk)
    if request.kind != kind:
        raise Refusal(_("This request is of another kind."), "invalid")
    if not request.is_pending:
        raise Refusal(_("This request was already answered."), "stale")
    return request


def _decided(request: DataRequest, status: str, answer: str, acting_user: User) -> None:
    request.status, request.answer = status, answer
    request.decided_by, request.decided_at = acting_user, timezone.now()
    request.save(update_fields=["status", "answer", "decided_by", "decided_at"])


@transaction.atomic
def data_request_answer(*, request: DataRequest, answer: str, acting_user: User) -> DataRequest:
    """A manager of the cadre's unit answers a correction (having corrected the profile, or
    saying why not)."""
    require(acting_user, lambda user: manages_unit(user, request.unit),
            _("Only the managers of the cadre's unit can answer this request."))
    request = _locked_pending(request, DataRequestKind.CORRECTION)
    if not answer.strip():
        raise Refusal(_("Write the answer the cadre will read."), "required")
    _decided(request, DataRequestStatus.DONE, answer.strip()[:5000], acting_user)
    audit_record(actor=acting_user, action="data_request.answer", obj=request)
    return request


@transaction.atomic
def data_request_decide(*, request: DataRequest, approve: bool, reason: str, acting_user: User) -> DataRequest:
    """Provincial staff decide an erasure: approved, the person is de-identified at once;
    refused, the reason is required and the cadre reads it."""
    require(acting_user, lambda user: is_provincial_staff(user, request.tenant_id),
            _("Only the province's staff can decide an erasure request."))
    request = _locked_pending(request, DataRequestKind.ERASURE)
    if not approve and not reason.strip():
        raise Refusal(_("Give the reason for refusing: the cadre reads it."), "required")
    if approve:
        cadre_deidentify(cadre=request.cadre, reason=_("Erasure request #%(id)d") % {"id": request.pk},
                         acting_user=acting_user)
        request.body = ""  # what they wrote may identify them too
        request.save(update_fields=["body"])
    _decided(request, DataRequestStatus.DONE if approve else DataRequestStatus.REFUSED, reason.strip()[:5000],
             acting_user)
    audit_record(actor=acting_user, action="data_request.approve" if approve else "data_request.refuse", obj=request)
    return request
