"""Writes: booking, moving, cancelling, requests, blocks, closures, feed tokens.

The no-overlap rule is the database's (see models.ResourceBooking and migration 0002):
these services insert the bookings and turn the database's refusal into
:class:`SlotTaken`, carrying the nearest free slots. Everything else that makes a slot
unbookable (past, closed, outside opening hours, too short, patient not cleared) is a
:class:`BookingError` with messages per field. Nothing is saved in either case; every
change is audited in its own transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cryoneuro.audit.services import audit_record
from cryoneuro.clinical import nerves as nerve_catalog
from cryoneuro.core.db import retry_transaction
from cryoneuro.evaluation.selectors import evaluation_latest
from cryoneuro.patients.models import Patient
from cryoneuro.treatmentplans.selectors import plans_admissible

from . import availability
from .defaults import TYPES, type_defaults
from .models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRequest,
    ExceptionKind,
    InternalBlock,
    OpeningHours,
    RequestStatus,
    Resource,
    ResourceBooking,
    ResourceKind,
    ScheduleException,
    TypeCode,
)
from .notifications import send_appointment_email

AUTO_ASSIGN_RETRIES = 3


class BookingError(Exception):
    """Bad input: ``errors`` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))

    @property
    def messages(self) -> list[str]:
        return [m for msgs in self.errors.values() for m in msgs]


class SlotTaken(Exception):
    """The slot was just taken (the database refused the overlap)."""

    def __init__(self, alternatives: list[availability.Slot]):
        self.alternatives = alternatives
        super().__init__(_("This slot has just been taken. Here are the nearest free ones."))


def _error(field: str, message: str) -> BookingError:
    return BookingError({field: [message]})


def appointment_type(code_or_type: AppointmentType | str) -> AppointmentType:
    if isinstance(code_or_type, AppointmentType):
        return code_or_type
    try:
        return AppointmentType.objects.get(code=code_or_type)
    except AppointmentType.DoesNotExist:
        pass
    defaults = type_defaults(str(code_or_type))
    if defaults is None:
        raise _error("type", _("Unknown appointment type."))
    found, _created = AppointmentType.objects.get_or_create(code=code_or_type, defaults=defaults)
    return found


def appointment_types_ensure() -> None:
    """The seeded types exist (re-created from defaults.py if a flush removed them)."""

    if AppointmentType.objects.count() < len(TYPES):
        for row in TYPES:
            appointment_type(row[0])


def validate_nerves(nerve_codes) -> list[str]:
    codes = [c for c in dict.fromkeys(nerve_codes) if c]
    unknown = [c for c in codes if c not in nerve_catalog.NERVES]
    if unknown:
        raise _error("nerve_codes", _("Unknown nerve: %(codes)s.") % {"codes": ", ".join(unknown)})
    return codes


def procedure_nerves(patient: Patient, nerve_codes: list[str] | tuple[str, ...]) -> list[str]:
    """The nerves to treat: those given, else those of the patient's feasible treatment
    plans made since the latest evaluation (issue 11: the booking follows the plan), else
    the first candidate for the indication of the latest evaluation."""
    codes = validate_nerves(nerve_codes)
    if codes:
        return codes

    latest = evaluation_latest(patient=patient)
    if latest is None:
        return []
    planned = [
        code
        for code in plans_admissible(patient=patient)
        .filter(created_at__gte=latest.created_at)
        .order_by("created_at", "id")
        .values_list("nerve_code", flat=True)
        if code in nerve_catalog.NERVES
    ]
    if planned:
        return list(dict.fromkeys(planned))
    try:
        candidates = nerve_catalog.nerves_for(latest.indication)
    except ValueError:
        return []
    return [candidates[0].code] if candidates else []


def required_minutes(type_: AppointmentType, nerve_codes: list[str]) -> int:
    """The act's duration: by treated zone for a procedure (20-45 min), else the type's."""
    if type_.is_procedure and nerve_codes:
        return nerve_catalog.procedure_minutes(nerve_codes)
    return type_.duration_minutes


def _aware(start: datetime) -> datetime:
    if timezone.is_naive(start):
        start = start.replace(tzinfo=availability.clinic_zone())
    return start.replace(second=0, microsecond=0)


def _self_booking(patient: Patient, booked_by: Any) -> bool:
    return (
        booked_by is not None
        and patient.user_id is not None
        and patient.user_id == getattr(booked_by, "pk", None)
    )


def _check_self_booking(patient: Patient, type_: AppointmentType) -> None:
    """Patients book only what they may book, and one coming appointment of a type at a
    time (so that nobody holds several slots the clinic could give to others)."""
    if not type_.patient_bookable:
        raise _error("type", _("This type of appointment is booked by the clinic."))
    if Appointment.objects.filter(
        patient=patient, type=type_, status=AppointmentStatus.BOOKED, start__gt=timezone.now()
    ).exists():
        raise _error(
            "start",
            _(
                "You already have an appointment of this type coming up. "
                "Please contact the clinic to change it."
            ),
        )


def _check_cleared(patient: Patient) -> None:

    latest = evaluation_latest(patient=patient)
    if latest is not None and latest.consent == "refused":
        # Issue 10: a refusal is a contradiction with a booking, named as such.
        raise _error(
            "patient",
            _(
                "The patient's latest evaluation records a refusal of the procedure: "
                "no procedure can be booked."
            ),
        )
    if latest is None or not latest.cleared_for_procedure:
        raise _error(
            "patient",
            _(
                "A procedure needs a latest evaluation that is eligible, or "
                "approved by a physician after review."
            ),
        )


def _open_check(resource: Resource, start: datetime, end: datetime) -> None:
    """The resource is open from start to end: opening hours cover it and no closure
    (its own or the clinic's) overlaps it."""
    day_from = availability.local_date(start)
    day_to = availability.local_date(end - timedelta(seconds=1))
    rows = _hours_and_closure(resource, availability.weekdays(day_from, day_to), start, end)
    raw = availability.hours_intervals(
        [resource.pk], [(resource.pk, d, o, c) for d, o, c, _ in rows], day_from, day_to
    )[resource.pk]
    if not raw:
        raise _error("start", _("%(resource)s is closed on that day.") % {"resource": resource})
    if any(closed for *_, closed in rows):
        closure = (
            ScheduleException.objects.filter(
                Q(resource=resource) | Q(resource__isnull=True), start__lt=end, end__gt=start
            )
            .order_by("start", "id")
            .first()
        )
        if closure is not None:
            raise _error(
                "start",
                _("%(resource)s is not available then (%(why)s).")
                % {"resource": resource, "why": closure.reason or closure.get_kind_display()},
            )
    if not any(s <= start and end <= e for s, e in raw):
        raise _error(
            "start",
            _("This time is outside the opening hours of %(resource)s.") % {"resource": resource},
        )


def _hours_and_closure(
    resource: Resource, weekdays: set[int], start: datetime, end: datetime
) -> list[tuple[int, dt_time, dt_time, bool]]:
    """The resource's opening hours on these weekdays, each row ``(weekday, opens,
    closes, closed)`` with whether a closure (its own or the clinic's) overlaps
    [start, end). One statement, written out: every booking runs it, and the ORM's
    building of the two queries it replaces cost more than the rest of the check
    (issue 13: about 1.2 ms of CPU per booking)."""
    connection = transaction.get_connection()
    q, ops = connection.ops.quote_name, connection.ops
    hours, closures = q(OpeningHours._meta.db_table), q(ScheduleException._meta.db_table)
    days = sorted(weekdays)
    sql = (
        f"SELECT h.weekday, h.opens, h.closes, EXISTS (SELECT 1 FROM {closures} c "  # noqa: S608
        f"WHERE (c.resource_id = %s OR c.resource_id IS NULL) AND c.{q('start')} < %s "
        f"AND c.{q('end')} > %s) FROM {hours} h "
        f"WHERE h.resource_id = %s AND h.weekday IN ({', '.join(['%s'] * len(days))})"
    )
    params = [
        resource.pk,
        ops.adapt_datetimefield_value(end),
        ops.adapt_datetimefield_value(start),
        resource.pk,
        *days,
    ]
    to_time = OpeningHours._meta.get_field("opens").to_python
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (weekday, to_time(opens), to_time(closes), bool(closed))
            for weekday, opens, closes, closed in cursor.fetchall()
        ]


def _assign(
    type_: AppointmentType,
    minutes: int,
    start: datetime,
    chosen: dict[str, Resource | None],
    exclude_appointment_id: int | None,
) -> list[tuple[Resource, datetime, datetime]]:
    """Resources for each phase: the chosen one, checked open, or the first open and free
    one of its kind. Overlaps are left for the database to refuse."""
    plan = []
    for phase in availability.phases(type_, minutes):
        p_start = start + timedelta(minutes=phase.start)
        p_end = start + timedelta(minutes=phase.end)
        resource = chosen.get(phase.kind)
        if resource is not None:
            if resource.kind != phase.kind or not resource.active:
                raise _error(
                    phase.kind, _("%(resource)s cannot be used for this.") % {"resource": resource}
                )
            _open_check(resource, p_start, p_end)
            plan.append((resource, p_start, p_end))
            continue
        candidates = list(
            Resource.objects.filter(kind=phase.kind, active=True).order_by("name", "id")
        )
        if not candidates:
            raise _error(
                phase.kind, _("No %(kind)s is set up.") % {"kind": ResourceKind(phase.kind).label}
            )
        ids = [r.pk for r in candidates]
        free = availability.opening_intervals(
            ids, availability.local_date(p_start), availability.local_date(p_end)
        )
        busy = availability.busy_intervals(
            ids, p_start, p_end, exclude_appointment_id=exclude_appointment_id
        )
        open_ones = [
            r for r in candidates if any(s <= p_start and p_end <= e for s, e in free[r.pk])
        ]
        if not open_ones:
            _open_check(candidates[0], p_start, p_end)  # raises the clearest reason
            raise _error("start", _("This time is outside the opening hours."))
        free_ones = [r for r in open_ones if not busy[r.pk]]
        plan.append((free_ones[0] if free_ones else open_ones[0], p_start, p_end))
    return plan


def _validate(
    type_: AppointmentType, start: datetime, duration_minutes: int | None, nerve_codes: list[str]
) -> int:
    minimum = required_minutes(type_, nerve_codes)
    if duration_minutes is not None and duration_minutes < minimum:
        raise _error(
            "duration_minutes",
            _("Too short for this type: it needs at least %(minutes)d minutes.")
            % {"minutes": minimum},
        )
    _check_not_past(start)
    return max(minimum, duration_minutes or 0)


def _check_not_past(start: datetime) -> None:
    now = timezone.now()
    if start <= now:
        raise _error("start", _("This time is in the past."))
    notice = settings.SCHEDULING_MIN_NOTICE_MINUTES
    if notice and start < now + timedelta(minutes=notice):
        raise _error(
            "start", _("Too soon: book at least %(minutes)d minutes ahead.") % {"minutes": notice}
        )


def _chosen(practitioner, room, console, recovery) -> dict[str, Resource | None]:
    return {
        ResourceKind.PRACTITIONER: practitioner,
        ResourceKind.PROCEDURE_ROOM: room,
        ResourceKind.CONSOLE: console,
        ResourceKind.RECOVERY: recovery,
    }


def _alternatives(type_, minutes, start, practitioner, exclude_appointment_id=None):
    only: dict[str, list[int]] | None = (
        {ResourceKind.PRACTITIONER: [practitioner.pk]} if practitioner else None
    )
    return availability.nearest_slots(
        type_, minutes, start, only=only, exclude_appointment_id=exclude_appointment_id
    )


def _lock_resources(plan: list[tuple[Resource, datetime, datetime]]) -> None:
    """Take the resources' row locks, in primary-key order, before inserting bookings.

    Without it, two transactions inserting overlapping bookings of one resource can both
    insert their row and then each wait for the other in the exclusion constraint's
    check (PostgreSQL answers one of them "deadlock detected"). With the lock, the second
    waits here, then sees the committed booking and gets a clean exclusion violation
    (SlotTaken). One order for everyone (patient, then resources by id, then the audit
    chain head) leaves no cycle to wait in. FOR NO KEY UPDATE: other writers' foreign
    keys to the resource (KEY SHARE) are not blocked. Written out (every booking runs
    it; the ORM's building of it cost more than the lock). Nothing on SQLite, which
    serialises writers anyway (IMMEDIATE transactions)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    ids = sorted({resource.pk for resource, _, _ in plan})
    table = connection.ops.quote_name(Resource._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",  # noqa: S608
            [ids],
        )
        cursor.fetchall()


def _confirm_after_commit(appointment: Appointment, kind: str) -> None:
    """The e-mail (with its .ics) leaves only once the change is committed."""

    if appointment.patient.email:
        transaction.on_commit(lambda: send_appointment_email(appointment.pk, kind))


@retry_transaction
def appointment_book(
    *,
    patient: Patient,
    type: AppointmentType | str,
    start: datetime,
    booked_by: Any,
    practitioner: Resource | None = None,
    room: Resource | None = None,
    console: Resource | None = None,
    recovery: Resource | None = None,
    nerve_codes: list[str] | tuple[str, ...] = (),
    duration_minutes: int | None = None,
    note: str = "",
    request=None,
    notify: bool = True,
) -> Appointment:
    """Book ``patient`` at ``start`` (aware, or naive in the clinic's zone). Raises
    BookingError for bad input and SlotTaken when a resource is already booked."""
    type_ = appointment_type(type)
    start = _aware(start)
    codes = procedure_nerves(patient, list(nerve_codes)) if type_.is_procedure else []
    minutes = _validate(type_, start, duration_minutes, codes)
    chosen = _chosen(practitioner, room, console, recovery)
    auto = not all(chosen.get(p.kind) for p in availability.phases(type_, minutes))
    for attempt in range(AUTO_ASSIGN_RETRIES if auto else 1):
        try:
            with transaction.atomic():
                if type_.is_procedure or _self_booking(patient, booked_by):
                    # Re-checked here, with the patient row locked against a concurrent change.
                    locked = Patient.objects.select_for_update().get(pk=patient.pk)
                    if type_.is_procedure:
                        _check_cleared(locked)
                    else:
                        _check_self_booking(locked, type_)
                plan = _assign(type_, minutes, start, chosen, None)
                _lock_resources(plan)
                appointment = Appointment.objects.create(
                    patient=patient,
                    type=type_,
                    start=start,
                    end=max(end for _, _, end in plan),
                    main_end=start + timedelta(minutes=minutes),
                    practitioner=next(
                        (r for r, _, _ in plan if r.kind == ResourceKind.PRACTITIONER), None
                    ),
                    nerve_codes=codes,
                    note=note[:300],
                    booked_by=booked_by,
                    scheduled_at=timezone.now(),
                )
                ResourceBooking.objects.bulk_create(
                    [
                        ResourceBooking(resource=r, start=s, end=e, appointment=appointment)
                        for r, s, e in plan
                    ]
                )
                audit_record(
                    actor=booked_by,
                    action="create",
                    request=request,
                    obj=appointment,
                    patient_id=patient.pk,
                    detail={
                        "type": type_.code,
                        "start": start.isoformat(),
                        "minutes": minutes,
                        "resources": [r.pk for r, _, _ in plan],
                    },
                )
                if notify:
                    _confirm_after_commit(appointment, "confirmation")
                return appointment
        except IntegrityError:
            if attempt + 1 < (AUTO_ASSIGN_RETRIES if auto else 1):
                continue
    raise SlotTaken(_alternatives(type_, minutes, start, practitioner))


@retry_transaction
def appointment_move(
    *,
    appointment: Appointment,
    start: datetime,
    moved_by: Any,
    practitioner: Resource | None = None,
    request=None,
    notify: bool = True,
) -> Appointment:
    """Move to ``start``, keeping the physician unless another is given."""
    if not appointment.is_active:
        raise _error("appointment", _("This appointment is cancelled."))
    type_ = appointment.type
    start = _aware(start)
    minutes = int((appointment.main_end - appointment.start).total_seconds() // 60)
    _check_not_past(start)
    practitioner = practitioner or appointment.practitioner
    chosen = _chosen(practitioner, None, None, None)
    old_start = appointment.start
    for _attempt in range(AUTO_ASSIGN_RETRIES):
        try:
            with transaction.atomic():
                current = Appointment.objects.select_for_update().get(pk=appointment.pk)
                if current.status != AppointmentStatus.BOOKED:
                    raise _error("appointment", _("This appointment is cancelled."))
                if type_.is_procedure:
                    _check_cleared(Patient.objects.select_for_update().get(pk=current.patient_id))
                plan = _assign(type_, minutes, start, chosen, current.pk)
                _lock_resources(plan)
                current.bookings.filter(active=True).update(active=False)
                ResourceBooking.objects.bulk_create(
                    [
                        ResourceBooking(resource=r, start=s, end=e, appointment=current)
                        for r, s, e in plan
                    ]
                )
                current.start = start
                current.main_end = start + timedelta(minutes=minutes)
                current.end = max(end for _, _, end in plan)
                current.practitioner = practitioner
                current.scheduled_at = timezone.now()
                current.sequence += 1
                current.save()
                audit_record(
                    actor=moved_by,
                    action="update",
                    request=request,
                    obj=current,
                    patient_id=current.patient_id,
                    detail={"moved_from": old_start.isoformat(), "to": start.isoformat()},
                )
                if notify:
                    _confirm_after_commit(current, "moved")
                return current
        except IntegrityError:
            continue
    raise SlotTaken(_alternatives(type_, minutes, start, practitioner, appointment.pk))


@retry_transaction
@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    cancelled_by: Any,
    reason: str = "",
    request=None,
    notify: bool = True,
) -> Appointment:
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.status == AppointmentStatus.CANCELLED:
        return current
    current.status = AppointmentStatus.CANCELLED
    current.sequence += 1
    current.save(update_fields=["status", "sequence", "updated_at"])
    current.bookings.filter(active=True).update(active=False)
    audit_record(
        actor=cancelled_by,
        action="update",
        request=request,
        obj=current,
        patient_id=current.patient_id,
        detail={"cancelled": True, "reason": reason[:200]},
    )
    if notify:
        _confirm_after_commit(current, "cancelled")
    return current


@transaction.atomic
def booking_request_create(
    *, patient: Patient, requested_by: Any, preferences: str = "", message: str = "", request=None
) -> BookingRequest:
    """A patient's (or the clinic's) request for a consultation. Text over the fields'
    lengths is refused field by field, never cut (issue 11 §5: nothing typed is lost
    without a word)."""
    preferences, message = preferences.strip(), message.strip()
    errors: dict[str, list[str]] = {}
    for name, value in (("preferences", preferences), ("message", message)):
        field = BookingRequest._meta.get_field(name)
        limit = getattr(field, "max_length", None) or 0
        if limit and len(value) > limit:
            errors[name] = [
                _(
                    "The text has %(length)d characters; at most %(limit)d are accepted. "
                    "Shorten it (nothing was saved)."
                )
                % {"limit": limit, "length": len(value)}
            ]
    if errors:
        raise ValidationError(errors)
    booking_request = BookingRequest.objects.create(
        patient=patient,
        type=appointment_type(TypeCode.CONSULTATION),
        preferences=preferences,
        message=message,
    )
    audit_record(
        actor=requested_by,
        action="create",
        request=request,
        obj=booking_request,
        patient_id=patient.pk,
    )
    return booking_request


@retry_transaction
def booking_request_confirm(
    *,
    booking_request: BookingRequest,
    start: datetime,
    confirmed_by: Any,
    practitioner: Resource | None = None,
    request=None,
) -> Appointment:
    if booking_request.status != RequestStatus.OPEN:
        raise _error("request", _("This request has already been handled."))
    with transaction.atomic():
        appointment = appointment_book(
            patient=booking_request.patient,
            type=booking_request.type,
            start=start,
            practitioner=practitioner,
            booked_by=confirmed_by,
            request=request,
            note=booking_request.preferences,
        )
        updated = BookingRequest.objects.filter(
            pk=booking_request.pk, status=RequestStatus.OPEN
        ).update(
            status=RequestStatus.CONFIRMED,
            handled_by=confirmed_by,
            handled_at=timezone.now(),
            appointment=appointment,
        )
        if not updated:
            raise _error("request", _("This request has already been handled."))
        audit_record(
            actor=confirmed_by,
            action="update",
            request=request,
            obj=booking_request,
            patient_id=booking_request.patient_id,
            detail={"confirmed": True, "appointment": appointment.pk},
        )
    booking_request.refresh_from_db()
    return appointment


@transaction.atomic
def booking_request_decline(
    *, booking_request: BookingRequest, declined_by: Any, request=None
) -> BookingRequest:
    BookingRequest.objects.filter(pk=booking_request.pk, status=RequestStatus.OPEN).update(
        status=RequestStatus.DECLINED, handled_by=declined_by, handled_at=timezone.now()
    )
    audit_record(
        actor=declined_by,
        action="update",
        request=request,
        obj=booking_request,
        patient_id=booking_request.patient_id,
        detail={"declined": True},
    )
    booking_request.refresh_from_db()
    return booking_request


@retry_transaction
def block_create(
    *,
    resource: Resource,
    start: datetime,
    end: datetime,
    created_by: Any,
    reason: str = "",
    request=None,
) -> InternalBlock:
    """An internal block: the resource is busy, no appointment is shown. Refused (SlotTaken)
    where it would overlap a booking."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        raise _error("end", _("The end must be after the start."))
    try:
        with transaction.atomic():
            _lock_resources([(resource, start, end)])
            block = InternalBlock.objects.create(
                resource=resource, start=start, end=end, reason=reason[:200], created_by=created_by
            )
            ResourceBooking.objects.create(resource=resource, start=start, end=end, block=block)
            audit_record(
                actor=created_by,
                action="create",
                request=request,
                obj=block,
                detail={
                    "resource": resource.pk,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                },
            )
            return block
    except IntegrityError:
        raise SlotTaken([]) from None


@transaction.atomic
def block_delete(*, block: InternalBlock, deleted_by: Any, request=None) -> None:
    audit_record(actor=deleted_by, action="delete", request=request, obj=block)
    block.delete()


@transaction.atomic
def exception_create(
    *,
    start: datetime,
    end: datetime,
    kind: str,
    created_by: Any,
    resource: Resource | None = None,
    reason: str = "",
    request=None,
) -> ScheduleException:
    """A closure (holiday, leave, maintenance). Existing appointments are kept and listed
    in the calendar for the coordinator to move."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        raise _error("end", _("The end must be after the start."))
    if kind not in ExceptionKind.values:
        raise _error("kind", _("Unknown kind."))
    closure = ScheduleException.objects.create(
        resource=resource, kind=kind, start=start, end=end, reason=reason[:200]
    )
    audit_record(
        actor=created_by,
        action="create",
        request=request,
        obj=closure,
        detail={"resource": resource.pk if resource else None, "kind": kind},
    )
    return closure


@transaction.atomic
def feed_token_reset(
    *, resource: Resource, by: Any, revoke: bool = False, request=None
) -> str | None:
    """A new secret for the practitioner's calendar feed (the old URL stops working), or
    none at all (revoked)."""
    if revoke:
        resource.feed_token = None
    else:
        resource.new_feed_token()
    resource.save(update_fields=["feed_token"])
    audit_record(
        actor=by,
        action="update",
        request=request,
        obj=resource,
        detail={"feed": "revoked" if revoke else "new token"},
    )
    return resource.feed_token


@transaction.atomic
def resource_create(
    *, kind: str, name: str, created_by: Any, user: Any = None, request=None
) -> Resource:
    if kind not in ResourceKind.values:
        raise _error("kind", _("Unknown kind."))
    if not name.strip():
        raise _error("name", _("A name is needed."))
    if kind == ResourceKind.PRACTITIONER and user is None:
        raise _error("user", _("A physician's calendar is linked to their account."))
    resource = Resource.objects.create(kind=kind, name=name.strip()[:100], user=user)
    audit_record(actor=created_by, action="create", request=request, obj=resource)
    return resource


@transaction.atomic
def opening_hours_add(
    *, resource: Resource, weekday: int, opens, closes, created_by: Any, request=None
) -> OpeningHours:
    """A weekly opening interval (clinic wall-clock time); may not overlap another one."""
    if closes <= opens:
        raise _error("closes", _("The closing time must be after the opening time."))
    if OpeningHours.objects.filter(
        resource=resource, weekday=weekday, opens__lt=closes, closes__gt=opens
    ).exists():
        raise _error("opens", _("This overlaps other opening hours of that day."))
    hours = OpeningHours.objects.create(
        resource=resource, weekday=weekday, opens=opens, closes=closes
    )
    audit_record(
        actor=created_by,
        action="create",
        request=request,
        obj=hours,
        detail={
            "resource": resource.pk,
            "weekday": weekday,
            "opens": opens.isoformat(),
            "closes": closes.isoformat(),
        },
    )
    return hours


@transaction.atomic
def opening_hours_delete(*, hours: OpeningHours, deleted_by: Any, request=None) -> None:
    """Existing appointments are kept (the calendar still shows them)."""
    audit_record(
        actor=deleted_by,
        action="delete",
        request=request,
        obj=hours,
        detail={"resource": hours.resource_id, "weekday": hours.weekday},
    )
    hours.delete()
