"""Pages of the procedures app (included at the site root by cryoneuro.site.urls)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("procedures/", views.procedure_list, name="procedure_list"),
    path(
        "patients/<int:patient_id>/procedures/new/",
        views.procedure_checkin,
        name="procedure_checkin",
    ),
    path("procedures/<int:procedure_id>/", views.procedure_detail, name="procedure_detail"),
    path(
        "procedures/<int:procedure_id>/steps/<slug:code>/",
        views.procedure_step,
        name="procedure_step",
    ),
    path(
        "procedures/<int:procedure_id>/nerves/",
        views.procedure_nerve_add,
        name="procedure_nerve_add",
    ),
    path(
        "procedures/nerves/<int:nerve_id>/cycles/",
        views.procedure_cycle_add,
        name="procedure_cycle_add",
    ),
    path(
        "procedures/cycles/<int:cycle_id>/correct/",
        views.procedure_cycle_correct,
        name="procedure_cycle_correct",
    ),
    path(
        "procedures/cycles/<int:cycle_id>/strike/",
        views.procedure_cycle_strike,
        name="procedure_cycle_strike",
    ),
    path("procedures/<int:procedure_id>/close/", views.procedure_close, name="procedure_close"),
    path(
        "patients/<int:patient_id>/adverse-events/new/",
        views.adverse_event_create,
        name="adverse_event_create",
    ),
    path(
        "adverse-events/<int:event_id>/resolve/",
        views.adverse_event_resolve,
        name="adverse_event_resolve",
    ),
    path(
        "adverse-events/<int:event_id>/acknowledge/",
        views.adverse_event_acknowledge,
        name="adverse_event_acknowledge",
    ),
]
