"""Pages of the patients app (included at the site root)."""

from django.urls import path

from . import views

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/edit/", views.patient_edit, name="patient_edit"),
    path(
        "patients/<int:patient_id>/portal-account/",
        views.patient_portal_account,
        name="patient_portal_account",
    ),
    path("patients/<int:patient_id>/allergies/", views.patient_allergies, name="patient_allergies"),
    path("patients/<int:patient_id>/export.json", views.patient_export, name="patient_export"),
]
