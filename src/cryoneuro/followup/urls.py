"""Pages of the followup app (included at the site root by cryoneuro.site.urls)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("follow-up/", views.followup_dashboard, name="followup_dashboard"),
    path("follow-up/send-due/", views.followup_send_due, name="followup_send_due"),
    path("patients/<int:patient_id>/follow-up/", views.followup_patient, name="followup_patient"),
    path(
        "patients/<int:patient_id>/follow-up/items/",
        views.followup_item_add,
        name="followup_item_add",
    ),
    path("follow-up/items/<int:item_id>/", views.followup_item_update, name="followup_item_update"),
    path("patients/<int:patient_id>/timeline/", views.followup_timeline, name="followup_timeline"),
    path(
        "follow-up/items/<int:item_id>/questionnaire/",
        views.questionnaire_for_item,
        name="questionnaire_for_item",
    ),
    path(
        "patients/<int:patient_id>/questionnaires/new/",
        views.questionnaire_new,
        name="questionnaire_new",
    ),
    path("questionnaires/<int:response_id>/", views.questionnaire_fill, name="questionnaire_fill"),
    path(
        "questionnaires/<int:response_id>/route/",
        views.questionnaire_route,
        name="questionnaire_route",
    ),
]
