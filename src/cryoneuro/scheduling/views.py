"""Scheduling pages: thin views that parse, call a service or selector, and render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cryoneuro.accounts.access import can_access_patient, has_perm, login_only, requires
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get

from . import availability, calendars, selectors, services
from .forms import (
    BookForm,
    ClosureForm,
    HoursForm,
    MoveForm,
    RequestForm,
    ResourceForm,
    SlotSearchForm,
    parse_start,
)
from .models import (
    InternalBlock,
    OpeningHours,
    Resource,
    ResourceKind,
    ScheduleException,
    TypeCode,
)

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest, HtmxHttpRequest

SLOT_COUNT = 8


def public_treatment(request: HtmxHttpRequest):
    """The treatment presented to patients, ending with the booking entry point."""
    return render(request, "scheduling/public_treatment.html")


def _today() -> date:
    return availability.local_date(timezone.now())


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else _today()
    except ValueError:
        return _today()


@requires(Perm.CALENDAR_VIEW)
def calendar(request: AuthenticatedHttpRequest):
    resource = None
    if request.GET.get("resource", "").isdigit():
        resource = Resource.objects.filter(pk=int(request.GET["resource"]), active=True).first()
    resource = resource or selectors.default_resource(request.user)
    view = "week" if request.GET.get("view") == "week" else "day"
    day = _parse_day(request.GET.get("date"))
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    count = 7 if view == "week" else 1
    days = selectors.calendar_days(resource=resource, first=first, days=count) if resource else []
    audit_read(
        request,
        object_type="scheduling.calendar",
        detail={
            "resource": resource.pk if resource else None,
            "view": view,
            "date": first.isoformat(),
        },
    )
    step = timedelta(days=count)
    context = {
        "resource": resource,
        "resources": selectors.resources(),
        "view": view,
        "day": day,
        "days": days,
        "prev": (first - step).isoformat(),
        "next": (first + step).isoformat(),
        "today": _today().isoformat(),
        "can_book": has_perm(request.user, Perm.APPOINTMENT_BOOK),
        "can_manage_feed": resource is not None
        and (has_perm(request.user, Perm.SCHEDULE_MANAGE) or resource.user_id == request.user.pk),
        "feed_url": (
            request.build_absolute_uri(f"/calendar/feed/{resource.feed_token}.ics")
            if resource is not None and resource.feed_token
            else ""
        ),
    }
    if request.htmx:
        return render(request, "scheduling/calendar.html#calendar-body", context)
    return render(request, "scheduling/calendar.html", context)


def _slots_for(form_data: dict, patient) -> tuple[list[availability.Slot], int, str]:
    type_ = form_data["type"]
    codes = (
        services.procedure_nerves(patient, form_data.get("nerve_codes") or [])
        if type_.is_procedure
        else []
    )
    minutes = services.required_minutes(type_, codes)
    practitioner = form_data.get("practitioner")
    only: dict[str, list[int]] | None = (
        {ResourceKind.PRACTITIONER: [practitioner.pk]} if practitioner else None
    )
    after_day = form_data.get("after") or _today()
    after = max(availability.local_day_bounds(after_day)[0], timezone.now())
    slots = availability.find_slots(
        type_,
        minutes,
        after=after,
        before=after + timedelta(days=settings.SCHEDULING_SEARCH_DAYS),
        only=only,
        limit=SLOT_COUNT,
    )
    return slots, minutes, ",".join(codes)


@requires(Perm.APPOINTMENT_BOOK)
def appointment_book(request: AuthenticatedHttpRequest, patient_id: int):
    """The booking dialog: choose a type (and physician, nerves), see the nearest free
    slots, book one."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.APPOINTMENT_BOOK)
    if request.method == "GET" and not request.htmx:
        audit_read(request, obj=patient, patient_id=patient.pk, detail={"page": "booking"})
    services.appointment_types_ensure()
    data = request.POST if request.method == "POST" else (request.GET or {"type": "consultation"})
    search = SlotSearchForm(data)
    slots: list[availability.Slot]
    minutes: int | None
    error_messages: list[str]
    alternatives: list[availability.Slot]
    slots, minutes, error_messages, alternatives = [], None, [], []
    codes = ""
    if request.method == "POST":
        form = BookForm(request.POST)
        if form.is_valid():
            try:
                appointment = services.appointment_book(
                    patient=patient,
                    type=form.cleaned_data["type"],
                    start=form.cleaned_data["start"],
                    booked_by=request.user,
                    practitioner=form.cleaned_data["practitioner"],
                    nerve_codes=form.cleaned_data["nerve_codes"],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    note=form.cleaned_data["note"] or "",
                    request=request,
                )
            except services.SlotTaken as taken:
                error_messages = [str(taken)]
                alternatives = taken.alternatives
            except services.BookingError as error:
                error_messages = error.messages
            else:
                local = appointment.start.astimezone(availability.clinic_zone())
                messages.success(
                    request,
                    _("Appointment booked: %(type)s on %(when)s.")
                    % {
                        "type": appointment.type.label,
                        "when": formats.date_format(local, "SHORT_DATETIME_FORMAT"),
                    },
                )
                return redirect("patient_detail", patient_id=patient.pk)
        else:
            error_messages = [str(m) for errs in form.errors.values() for m in errs]
    if search.is_valid():
        try:
            slots, minutes, codes = _slots_for(search.cleaned_data, patient)
        except services.BookingError as error:
            error_messages += error.messages
    surveillance = search.cleaned_data["type"].surveillance_minutes if search.is_valid() else 0
    context = {
        "patient": patient,
        "form": search,
        "slots": alternatives or slots,
        "minutes": minutes,
        "surveillance": surveillance,
        "errors": error_messages,
        "taken": bool(alternatives),
        "codes": codes,
    }
    if request.htmx and request.method == "GET":
        return render(request, "scheduling/book.html#slots", context)
    status = 409 if alternatives else (422 if error_messages else 200)
    return render(request, "scheduling/book.html", context, status=status)


def _patient_appointment(request: AuthenticatedHttpRequest, patient_id: int, perm: Perm):
    """The patient (access checked) and the appointment named in the query or form, looked
    up among this patient's appointments only (None when none is named or found)."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=perm)
    raw = request.POST.get("appointment") or request.GET.get("appointment") or ""
    appointment = None
    if raw.isdigit():
        appointment = (
            selectors.appointments_for_patient(user=request.user, patient=patient)
            .filter(pk=int(raw))
            .first()
        )
    return patient, appointment


@requires(Perm.APPOINTMENT_BOOK)
def appointment_move(request: AuthenticatedHttpRequest, patient_id: int):
    patient, appointment = _patient_appointment(request, patient_id, Perm.APPOINTMENT_BOOK)
    if appointment is None:
        messages.error(request, _("Choose an appointment to move."))
        return redirect("patient_detail", patient_id=patient.pk)
    error_messages, alternatives = [], []
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            try:
                services.appointment_move(
                    appointment=appointment,
                    start=form.cleaned_data["start"],
                    moved_by=request.user,
                    request=request,
                )
            except services.SlotTaken as taken:
                error_messages, alternatives = [str(taken)], taken.alternatives
            except services.BookingError as error:
                error_messages = error.messages
            else:
                messages.success(request, _("Appointment moved."))
                return redirect("patient_detail", patient_id=patient.pk)
        else:
            error_messages = [str(m) for errs in form.errors.values() for m in errs]
    if request.method == "GET":
        audit_read(request, obj=appointment, patient_id=patient.pk)
    minutes = int((appointment.main_end - appointment.start).total_seconds() // 60)
    only: dict[str, list[int]] | None = (
        {ResourceKind.PRACTITIONER: [appointment.practitioner_id]}
        if appointment.practitioner_id
        else None
    )
    slots = alternatives or availability.nearest_slots(
        appointment.type,
        minutes,
        max(appointment.start, timezone.now()),
        count=SLOT_COUNT,
        only=only,
        exclude_appointment_id=appointment.pk,
    )
    return render(
        request,
        "scheduling/move.html",
        {
            "appointment": appointment,
            "slots": slots,
            "errors": error_messages,
        },
        status=409 if alternatives else (422 if error_messages else 200),
    )


@require_POST
@requires(Perm.APPOINTMENT_BOOK)
def appointment_cancel(request: AuthenticatedHttpRequest, patient_id: int):
    patient, appointment = _patient_appointment(request, patient_id, Perm.APPOINTMENT_BOOK)
    if appointment is None:
        messages.error(request, _("Choose an appointment to cancel."))
    else:
        services.appointment_cancel(
            appointment=appointment,
            cancelled_by=request.user,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        messages.success(request, _("Appointment cancelled."))
    return redirect("patient_detail", patient_id=patient.pk)


@requires(Perm.APPOINTMENT_VIEW)
def appointment_ics(request: AuthenticatedHttpRequest, patient_id: int):
    """One appointment as .ics, or (none named) all the patient's coming appointments."""
    patient, appointment = _patient_appointment(request, patient_id, Perm.APPOINTMENT_VIEW)
    lang = "en" if (request.LANGUAGE_CODE or "").startswith("en") else "fr"
    if appointment is not None:
        content = calendars.appointment_ics(appointment, lang=lang)
        name = f"rendez-vous-{appointment.pk}.ics"
    else:
        upcoming = selectors.appointments_for_patient(
            user=request.user, patient=patient, include_past=False
        )
        content = calendars.appointments_ics(list(upcoming), lang=lang)
        name = f"rendez-vous-{patient.identifier}.ics"
    audit_read(
        request,
        obj=appointment or patient,
        patient_id=patient.pk,
        detail={"format": "ics"},
        action="export",
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def calendar_feed(request: HtmxHttpRequest, token: str):
    """A practitioner's private feed: anyone holding the secret URL; revocable."""
    resource = Resource.objects.filter(feed_token=token, active=True).first() if token else None
    if resource is None:  # unknown or revoked: gone, and says nothing more
        return HttpResponse(status=410)
    audit_read(request, obj=resource, detail={"format": "ics-feed"}, action="export", actor=None)
    response = HttpResponse(
        calendars.resource_feed(resource), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@requires(Perm.CALENDAR_VIEW)
def calendar_feed_reset(request: AuthenticatedHttpRequest):
    """A new secret link for a resource's feed (default: the user's own), or revoke it."""
    raw = request.POST.get("resource", "")
    resource = (
        selectors.resource_get(int(raw))
        if raw.isdigit()
        else Resource.objects.filter(user=request.user).first()
    )
    if resource is None:
        messages.error(request, _("Choose a resource."))
        return redirect("scheduling_calendar")
    if not (has_perm(request.user, Perm.SCHEDULE_MANAGE) or resource.user_id == request.user.pk):
        raise PermissionDenied
    revoke = request.POST.get("revoke") == "1"
    services.feed_token_reset(resource=resource, by=request.user, revoke=revoke, request=request)
    messages.success(
        request,
        _("Calendar feed revoked.")
        if revoke
        else _("New private calendar link created; the old one no longer works."),
    )
    return redirect(f"/calendar/?resource={resource.pk}")


@login_only
def portal_booking(request: AuthenticatedHttpRequest):
    """The "Prendre rendez-vous" entry point: a patient goes to their booking page."""
    patient = getattr(request.user, "patient_record", None)
    if patient is not None and can_access_patient(request.user, Perm.APPOINTMENT_REQUEST, patient):
        return redirect("scheduling_request", patient_id=patient.pk)
    if has_perm(request.user, Perm.APPOINTMENT_REQUEST):
        return render(request, "scheduling/portal.html", {"no_record": True})
    return redirect("home")


@requires(Perm.APPOINTMENT_REQUEST)
def patient_booking(request: AuthenticatedHttpRequest, patient_id: int):
    """The patient's booking page: pick a free consultation slot, or leave a request that a
    coordinator confirms."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.APPOINTMENT_REQUEST)
    type_ = services.appointment_type(TypeCode.CONSULTATION)
    request_form = RequestForm(request.POST if request.POST.get("action") == "request" else None)
    error_messages, alternatives = [], []
    if request.method == "POST" and request.POST.get("action") == "slot":
        start = parse_start(request.POST.get("start", ""))
        if start is None:
            error_messages = [_("Choose a time.")]
        else:
            try:
                services.appointment_book(
                    patient=patient,
                    type=type_,
                    start=start,
                    booked_by=request.user,
                    request=request,
                )
            except services.SlotTaken as taken:
                error_messages, alternatives = [str(taken)], taken.alternatives
            except services.BookingError as error:
                error_messages = error.messages
            else:
                messages.success(
                    request,
                    _("Your appointment is booked. A confirmation has been sent by e-mail."),
                )
                return redirect("scheduling_request", patient_id=patient.pk)
    elif request.method == "POST" and request_form.is_valid():
        services.booking_request_create(
            patient=patient, requested_by=request.user, request=request, **request_form.cleaned_data
        )
        messages.success(request, _("Your request has been sent. The clinic will contact you."))
        return redirect("scheduling_request", patient_id=patient.pk)
    audit_read(
        request,
        object_type="scheduling.appointment",
        patient_id=patient.pk,
        detail={"booking_page": True},
    )
    now = timezone.now()
    slots = alternatives or availability.find_slots(
        type_,
        type_.duration_minutes,
        after=now,
        before=now + timedelta(days=settings.SCHEDULING_SEARCH_DAYS),
        limit=SLOT_COUNT,
    )
    return render(
        request,
        "scheduling/portal.html",
        {
            "patient": patient,
            "slots": slots,
            "errors": error_messages,
            "form": request_form,
            "appointments": selectors.appointments_for_patient(
                user=request.user, patient=patient, include_past=False
            ),
            "requests": patient.booking_requests.filter(status="open"),
        },
        status=409 if alternatives else (422 if error_messages else 200),
    )


@requires(Perm.APPOINTMENT_BOOK)
def request_list(request: AuthenticatedHttpRequest):
    """Open consultation requests; POST confirms one at a chosen time, or declines it."""
    if request.method == "POST":
        raw = request.POST.get("request", "")
        booking_request = selectors.request_get(request_id=int(raw)) if raw.isdigit() else None
        if booking_request is None:
            messages.error(request, _("Choose a request."))
        elif request.POST.get("action") == "decline":
            services.booking_request_decline(
                booking_request=booking_request, declined_by=request.user, request=request
            )
            messages.success(request, _("Request declined."))
        else:
            start = parse_start(request.POST.get("start", ""))
            try:
                if start is None:
                    raise services.BookingError({"start": [_("Choose a time.")]})
                services.booking_request_confirm(
                    booking_request=booking_request,
                    start=start,
                    confirmed_by=request.user,
                    request=request,
                )
            except services.SlotTaken as taken:
                messages.error(request, str(taken))
            except services.BookingError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Request confirmed and appointment booked."))
        return redirect("scheduling_requests")
    rows = list(selectors.open_requests())
    type_ = services.appointment_type(TypeCode.CONSULTATION)
    now = timezone.now()
    slots = availability.find_slots(
        type_, type_.duration_minutes, after=now, before=now + timedelta(days=30), limit=8
    )
    audit_read(request, object_type="scheduling.bookingrequest", detail={"open": len(rows)})
    return render(request, "scheduling/requests.html", {"requests": rows, "slots": slots})


@requires(Perm.SCHEDULE_MANAGE)
def schedule_manage(request: AuthenticatedHttpRequest):
    """Resources, weekly opening hours, closures (holidays, leave, maintenance) and
    internal blocks. Each form posts an ``action``."""
    action = request.POST.get("action", "closure") if request.method == "POST" else ""
    form = ClosureForm(request.POST if action == "closure" else None)
    hours_form = HoursForm(request.POST if action == "hours" else None, prefix="hours")
    resource_form = ResourceForm(request.POST if action == "resource" else None, prefix="resource")
    bound = {"closure": form, "hours": hours_form, "resource": resource_form}.get(action)
    if action == "hours_delete":
        raw = request.POST.get("hours", "")
        hours = OpeningHours.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if hours is not None:
            services.opening_hours_delete(hours=hours, deleted_by=request.user, request=request)
            messages.success(request, _("Saved."))
        return redirect("scheduling_manage")
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if action == "hours":
                services.opening_hours_add(created_by=request.user, request=request, **data)
            elif action == "resource":
                services.resource_create(created_by=request.user, request=request, **data)
            elif data["what"] == "block":
                services.block_create(
                    resource=data["resource"],
                    start=data["start"],
                    end=data["end"],
                    reason=data["reason"],
                    created_by=request.user,
                    request=request,
                )
            else:
                services.exception_create(
                    resource=data["resource"],
                    start=data["start"],
                    end=data["end"],
                    kind=data["what"],
                    reason=data["reason"],
                    created_by=request.user,
                    request=request,
                )
        except services.SlotTaken:
            bound.add_error(None, _("This resource is already booked during that time."))
        except services.BookingError as error:
            for message in error.messages:
                bound.add_error(None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect("scheduling_manage")
    now = timezone.now()
    return render(
        request,
        "scheduling/manage.html",
        {
            "form": form,
            "hours_form": hours_form,
            "resource_form": resource_form,
            "closures": ScheduleException.objects.filter(end__gt=now).select_related("resource")[
                :50
            ],
            "blocks": InternalBlock.objects.filter(end__gt=now).select_related("resource")[:50],
            "resources": Resource.objects.prefetch_related("hours"),
        },
        status=422 if bound is not None else 200,
    )
