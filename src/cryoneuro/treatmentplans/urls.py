"""Pages of the treatmentplans app (included at the site root by cryoneuro.site.urls).

``plan_ref`` / ``image_ref``: an id, or ``latest`` (the patient's most recent one; the
list page when there is none)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("plans/", views.plan_list_all, name="plan_list_all"),
    path("patients/<int:patient_id>/plans/", views.plan_list, name="plan_list"),
    path("patients/<int:patient_id>/plans/new/", views.plan_create, name="plan_create"),
    path("patients/<int:patient_id>/plans/preview/", views.plan_preview, name="plan_preview"),
    path("patients/<int:patient_id>/plans/images/", views.image_upload, name="plan_image_upload"),
    path(
        "patients/<int:patient_id>/plans/computations/<str:computation_id>/",
        views.plan_computation,
        name="plan_computation",
    ),
    path(
        "patients/<int:patient_id>/plans/images/<str:image_ref>/",
        views.image_view,
        name="plan_image",
    ),
    path("patients/<int:patient_id>/plans/<str:plan_ref>/", views.plan_detail, name="plan_detail"),
    path(
        "patients/<int:patient_id>/plans/<str:plan_ref>/plot.png", views.plan_plot, name="plan_plot"
    ),
    path(
        "patients/<int:patient_id>/plans/<str:plan_ref>/archive/",
        views.plan_archive,
        name="plan_archive",
    ),
    path(
        "patients/<int:patient_id>/plans/<str:plan_ref>/report.pdf",
        views.plan_report,
        name="plan_report",
    ),
]
