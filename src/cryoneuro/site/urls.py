from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from cryoneuro.accounts import views as account_views
from cryoneuro.api.router import api
from cryoneuro.audit import views as audit_views
from cryoneuro.evaluation import views as evaluation_views
from cryoneuro.patients import views as patient_views
from cryoneuro.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", api.urls),
    path("patients/", patient_views.patient_list, name="patient_list"),
    path("patients/new/", patient_views.patient_create, name="patient_create"),
    path("patients/<int:patient_id>/", patient_views.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/edit/", patient_views.patient_edit, name="patient_edit"),
    path(
        "patients/<int:patient_id>/portal-account/",
        patient_views.patient_portal_account,
        name="patient_portal_account",
    ),
    path(
        "patients/<int:patient_id>/export.json", patient_views.patient_export, name="patient_export"
    ),
    path(
        "patients/<int:patient_id>/evaluations/new/",
        evaluation_views.evaluation_create,
        name="evaluation_create",
    ),
    path(
        "patients/<int:patient_id>/evaluations/preview/",
        evaluation_views.evaluation_preview,
        name="evaluation_preview",
    ),
    path(
        "evaluations/<int:evaluation_id>/",
        evaluation_views.evaluation_detail,
        name="evaluation_detail",
    ),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("staff/accounts/", account_views.account_list, name="account_list"),
    path(
        "staff/accounts/<int:user_id>/toggle/", account_views.account_toggle, name="account_toggle"
    ),
    path(
        "staff/accounts/<int:user_id>/unlock/",
        account_views.account_unlock_view,
        name="account_unlock",
    ),
    # One include per clinic app; each app owns its urls.py.
    path("", include("cryoneuro.treatmentplans.urls")),
    path("", include("cryoneuro.scheduling.urls")),
    path("", include("cryoneuro.procedures.urls")),
    path("", include("cryoneuro.followup.urls")),
    path("", include("cryoneuro.careplans.urls")),
]
