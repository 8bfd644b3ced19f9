"""API endpoints of the scheduling app (mounted by cryoneuro.api.router).

409: the slot was just taken; the body carries the nearest free slots.
422: bad input; the body maps each field to its messages. Same permissions as the pages.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from cryoneuro.accounts.roles import Perm
from cryoneuro.core.api import InputSchema, error_body, perm_auth, raise_422
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get

from . import availability, selectors, services
from .models import Resource, ResourceKind, TypeCode

router = Router(tags=["scheduling"])


class SlotOut(Schema):
    start: datetime
    end: datetime
    local_start: str
    minutes: int
    resources: dict[str, int]


class AppointmentOut(Schema):
    id: int
    patient_id: int
    type: str
    start: datetime
    end: datetime
    status: str
    practitioner_id: int | None
    nerve_codes: list[str]
    sequence: int

    @staticmethod
    def resolve_type(obj):
        return obj.type.code


class BookIn(InputSchema):
    patient_id: int
    type: str
    start: datetime
    practitioner_id: int | None = None
    nerve_codes: list[str] = []
    duration_minutes: int | None = None
    note: str = ""


class MoveIn(InputSchema):
    start: datetime
    practitioner_id: int | None = None


class CancelIn(Schema):
    reason: str  # required: why, for the audit trail and the patient


class RequestIn(InputSchema):
    preferences: str = ""
    message: str = ""
    start: datetime | None = None  # a free slot to book at once


class RequestOut(Schema):
    id: int
    patient_id: int
    status: str
    preferences: str
    message: str
    created_at: datetime
    appointment_id: int | None


class SlotsQuery(InputSchema):
    type: str = TypeCode.CONSULTATION
    after: date | None = None
    practitioner_id: int | None = None
    nerve_codes: list[str] = []
    limit: int = 10


def _taken(error: services.SlotTaken):
    return Status(
        409,
        {
            "detail": str(error),
            "code": "slot_taken",
            "nearest": [s.to_dict() for s in error.alternatives],
        },
    )


def _bad(error: services.BookingError):
    return Status(422, error_body(error.errors))


def _practitioner(practitioner_id: int | None) -> Resource | None:
    if practitioner_id is None:
        return None
    try:
        resource: Resource | None = Resource.objects.get(pk=practitioner_id)
    except Resource.DoesNotExist:
        resource = None
    if resource is None or resource.kind != ResourceKind.PRACTITIONER or not resource.active:
        raise services.BookingError({"practitioner_id": [_("Unknown physician.")]})
    return resource


@router.get(
    "/patients/{patient_id}/slots",
    response={200: list[SlotOut], 422: dict},
    auth=perm_auth(Perm.APPOINTMENT_VIEW),
)
def list_slots(request, patient_id: int, query: Query[SlotsQuery]):
    """Free slots of a type for this patient, earliest first (a procedure's length follows
    the nerves given, else the patient's latest evaluation)."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.APPOINTMENT_VIEW)
    audit_read(
        request, obj=patient, patient_id=patient.pk, detail={"via": "api", "slots": query.type}
    )
    try:
        type_ = services.appointment_type(query.type)
        codes = services.procedure_nerves(patient, query.nerve_codes) if type_.is_procedure else []
        minutes = services.required_minutes(type_, codes)
        practitioner = _practitioner(query.practitioner_id)
    except services.BookingError as error:
        return _bad(error)
    after = (
        max(timezone.now(), availability.local_day_bounds(query.after)[0])
        if query.after
        else timezone.now()
    )
    only: dict[str, list[int]] | None = (
        {ResourceKind.PRACTITIONER: [practitioner.pk]} if practitioner else None
    )
    slots = availability.find_slots(
        type_,
        minutes,
        after=after,
        before=after + timedelta(days=settings.SCHEDULING_SEARCH_DAYS),
        only=only,
        limit=max(1, min(query.limit, 50)),
    )
    return Status(200, [s.to_dict() for s in slots])


@router.post(
    "/scheduling/appointments",
    response={201: AppointmentOut, 409: dict, 422: dict},
    auth=perm_auth(Perm.APPOINTMENT_BOOK),
)
def book_appointment(request, payload: BookIn):
    patient = patient_get(
        user=request.user, patient_id=payload.patient_id, perm=Perm.APPOINTMENT_BOOK
    )
    try:
        appointment = services.appointment_book(
            patient=patient,
            type=payload.type,
            start=payload.start,
            booked_by=request.user,
            practitioner=_practitioner(payload.practitioner_id),
            nerve_codes=payload.nerve_codes,
            duration_minutes=payload.duration_minutes,
            note=payload.note,
            request=request,
        )
    except services.SlotTaken as taken:
        return _taken(taken)
    except services.BookingError as error:
        return _bad(error)
    return Status(201, appointment)


@router.post(
    "/scheduling/appointments/{appointment_id}/move",
    response={200: AppointmentOut, 409: dict, 422: dict},
    auth=perm_auth(Perm.APPOINTMENT_BOOK),
)
def move_appointment(request, appointment_id: int, payload: MoveIn):
    appointment = selectors.appointment_get(
        user=request.user, appointment_id=appointment_id, perm=Perm.APPOINTMENT_BOOK
    )
    try:
        moved = services.appointment_move(
            appointment=appointment,
            start=payload.start,
            moved_by=request.user,
            practitioner=_practitioner(payload.practitioner_id),
            request=request,
        )
    except services.SlotTaken as taken:
        return _taken(taken)
    except services.BookingError as error:
        return _bad(error)
    return Status(200, moved)


@router.post(
    "/scheduling/appointments/{appointment_id}/cancel",
    response=AppointmentOut,
    auth=perm_auth(Perm.APPOINTMENT_BOOK),
)
def cancel_appointment(request, appointment_id: int, payload: CancelIn):
    appointment = selectors.appointment_get(
        user=request.user, appointment_id=appointment_id, perm=Perm.APPOINTMENT_BOOK
    )
    return services.appointment_cancel(
        appointment=appointment, cancelled_by=request.user, reason=payload.reason, request=request
    )


@router.get(
    "/patients/{patient_id}/appointments",
    response=list[AppointmentOut],
    auth=perm_auth(Perm.APPOINTMENT_VIEW),
)
def list_appointments(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.APPOINTMENT_VIEW)
    audit_read(
        request,
        object_type="scheduling.appointment",
        patient_id=patient.pk,
        detail={"via": "api", "list": True},
    )
    return list(selectors.appointments_for_patient(user=request.user, patient=patient))


@router.get(
    "/scheduling/requests", response=list[RequestOut], auth=perm_auth(Perm.APPOINTMENT_BOOK)
)
def list_requests(request):
    """Open consultation requests, for the coordinators."""
    rows = list(selectors.open_requests())
    audit_read(request, object_type="scheduling.bookingrequest", detail={"via": "api"})
    return rows


@router.post(
    "/patients/{patient_id}/appointment-requests",
    response={201: RequestOut, 200: AppointmentOut, 409: dict, 422: dict},
    auth=perm_auth(Perm.APPOINTMENT_REQUEST),
)
def create_request(request, patient_id: int, payload: RequestIn):
    """A patient asks for a consultation: with ``start`` (a free slot) it is booked at once,
    without it a coordinator confirms later."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.APPOINTMENT_REQUEST)
    if payload.start is not None:
        try:
            appointment = services.appointment_book(
                patient=patient,
                type=TypeCode.CONSULTATION,
                start=payload.start,
                booked_by=request.user,
                request=request,
            )
        except services.SlotTaken as taken:
            return _taken(taken)
        except services.BookingError as error:
            return _bad(error)
        return Status(200, appointment)
    try:
        created = services.booking_request_create(
            patient=patient,
            requested_by=request.user,
            preferences=payload.preferences,
            message=payload.message,
            request=request,
        )
    except ValidationError as error:
        raise_422(error)
    return Status(201, created)
