"""Pages of the scheduling app (included at the site root by cryoneuro.site.urls).

Per-appointment actions sit under their patient (/patients/<id>/appointments/...), with
the appointment named in the query or the form, and are looked up among that patient's
appointments only."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("cryoneurolyse/", views.public_treatment, name="public_treatment"),
    path("calendar/", views.calendar, name="scheduling_calendar"),
    path("calendar/manage/", views.schedule_manage, name="scheduling_manage"),
    path("calendar/feed/", views.calendar_feed_reset, name="scheduling_feed_reset"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="scheduling_feed"),
    path(
        "patients/<int:patient_id>/appointments/new/",
        views.appointment_book,
        name="scheduling_book",
    ),
    path(
        "patients/<int:patient_id>/appointments/move/",
        views.appointment_move,
        name="scheduling_move",
    ),
    path(
        "patients/<int:patient_id>/appointments/cancel/",
        views.appointment_cancel,
        name="scheduling_cancel",
    ),
    path(
        "patients/<int:patient_id>/appointments/calendar.ics",
        views.appointment_ics,
        name="scheduling_ics",
    ),
    path(
        "patients/<int:patient_id>/appointments/request/",
        views.patient_booking,
        name="scheduling_request",
    ),
    path("portal/appointments/", views.portal_booking, name="scheduling_portal"),
    path("appointments/requests/", views.request_list, name="scheduling_requests"),
]
