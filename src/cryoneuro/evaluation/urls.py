"""Pages of the evaluation app (included at the site root)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "patients/<int:patient_id>/evaluations/new/",
        views.evaluation_create,
        name="evaluation_create",
    ),
    path(
        "patients/<int:patient_id>/evaluations/preview/",
        views.evaluation_preview,
        name="evaluation_preview",
    ),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation_detail"),
]
