"""Pages of the careplans app (included at the site root by cryoneuro.site.urls)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("patients/<int:patient_id>/care-plan/", views.careplan_detail, name="careplan_detail"),
    path(
        "care-plan/goals/<int:goal_id>/status/",
        views.careplan_goal_status,
        name="careplan_goal_status",
    ),
    path(
        "care-plan/interventions/<int:intervention_id>/status/",
        views.careplan_intervention_status,
        name="careplan_intervention_status",
    ),
]
