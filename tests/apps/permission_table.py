"""Every page and API operation with the permission it needs, for the matrix test.

Add a row for every new URL pattern or API operation (the completeness test fails
otherwise). ``path`` may use the placeholders {patient} (the record under test: the
requesting patient's own or another one), {evaluation}, and any other key that a
``fixtures`` factory in test_permission_matrix.py provides.

``perm`` is the Perm needed (None: any logged-in user; "public": anyone);
``scoped``: True when the object belongs to {patient} and OWN scope applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryoneuro.accounts.roles import Perm


@dataclass(frozen=True)
class Endpoint:
    name: str  # URL pattern name, or "api:<operation id>" for API operations
    method: str
    path: str
    perm: Perm | str | None
    scoped: bool = False
    data: dict | None = None


PAGES = [
    Endpoint("home", "GET", "/", None),
    Endpoint("healthz", "GET", "/healthz", "public"),
    # loopback (the test client's address) or a bearer token, whoever is logged in (issue 13)
    Endpoint("metrics", "GET", "/metrics", "public"),
    Endpoint("patient_list", "GET", "/patients/?q=a", Perm.PATIENT_LIST),
    Endpoint("patient_create", "GET", "/patients/new/", Perm.PATIENT_CREATE),
    Endpoint("patient_detail", "GET", "/patients/{patient}/", Perm.PATIENT_VIEW, scoped=True),
    Endpoint("patient_edit", "GET", "/patients/{patient}/edit/", Perm.PATIENT_EDIT, scoped=True),
    Endpoint(
        "patient_portal_account",
        "POST",
        "/patients/{patient}/portal-account/",
        Perm.PATIENT_EDIT,
        scoped=True,
        data={"username": "", "password": ""},
    ),
    Endpoint(
        "patient_export", "GET", "/patients/{patient}/export.json", Perm.PATIENT_EXPORT, scoped=True
    ),
    # allergies on the record (issue 10)
    Endpoint(
        "patient_allergies", "GET", "/patients/{patient}/allergies/", Perm.PATIENT_EDIT, scoped=True
    ),
    Endpoint(
        "evaluation_create",
        "GET",
        "/patients/{patient}/evaluations/new/",
        Perm.EVALUATION_CREATE,
        scoped=True,
    ),
    Endpoint(
        "evaluation_preview",
        "POST",
        "/patients/{patient}/evaluations/preview/",
        Perm.EVALUATION_CREATE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "evaluation_detail", "GET", "/evaluations/{evaluation}/", Perm.EVALUATION_VIEW, scoped=True
    ),
    Endpoint("audit_list", "GET", "/audit/", Perm.AUDIT_VIEW),
    Endpoint("account_list", "GET", "/staff/accounts/", Perm.USER_MANAGE),
    Endpoint(
        "account_toggle", "POST", "/staff/accounts/{account}/toggle/", Perm.USER_MANAGE, data={}
    ),
    Endpoint(
        "account_unlock", "POST", "/staff/accounts/{account}/unlock/", Perm.USER_MANAGE, data={}
    ),
    # scheduling (issue 5)
    Endpoint("public_treatment", "GET", "/cryoneurolyse/", "public"),
    Endpoint("scheduling_calendar", "GET", "/calendar/?view=week", Perm.CALENDAR_VIEW),
    Endpoint("scheduling_manage", "GET", "/calendar/manage/", Perm.SCHEDULE_MANAGE),
    Endpoint("scheduling_feed", "GET", "/calendar/feed/not-a-token.ics", "public"),
    Endpoint("scheduling_feed_reset", "POST", "/calendar/feed/", Perm.CALENDAR_VIEW, data={}),
    Endpoint(
        "scheduling_book",
        "GET",
        "/patients/{patient}/appointments/new/",
        Perm.APPOINTMENT_BOOK,
        scoped=True,
    ),
    Endpoint(
        "scheduling_move",
        "GET",
        "/patients/{patient}/appointments/move/",
        Perm.APPOINTMENT_BOOK,
        scoped=True,
    ),
    Endpoint(
        "scheduling_cancel",
        "POST",
        "/patients/{patient}/appointments/cancel/",
        Perm.APPOINTMENT_BOOK,
        scoped=True,
        data={},
    ),
    Endpoint(
        "scheduling_ics",
        "GET",
        "/patients/{patient}/appointments/calendar.ics",
        Perm.APPOINTMENT_VIEW,
        scoped=True,
    ),
    Endpoint(
        "scheduling_request",
        "GET",
        "/patients/{patient}/appointments/request/",
        Perm.APPOINTMENT_REQUEST,
        scoped=True,
    ),
    Endpoint("scheduling_portal", "GET", "/portal/appointments/", None),
    Endpoint("scheduling_requests", "GET", "/appointments/requests/", Perm.APPOINTMENT_BOOK),
    # procedures, follow-up and care plans (issue 6); placeholders from
    # tests/apps/procedures/matrix_fixtures.py
    Endpoint("procedure_list", "GET", "/procedures/", Perm.PROCEDURE_VIEW),
    Endpoint(
        "procedure_checkin",
        "GET",
        "/patients/{patient}/procedures/new/",
        Perm.PROCEDURE_RECORD,
        scoped=True,
    ),
    Endpoint(
        "procedure_detail", "GET", "/procedures/{procedure}/", Perm.PROCEDURE_VIEW, scoped=True
    ),
    Endpoint(
        "procedure_step",
        "POST",
        "/procedures/{procedure}/steps/imaging/",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "procedure_nerve_add",
        "POST",
        "/procedures/{procedure}/nerves/",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "procedure_cycle_add",
        "POST",
        "/procedures/nerves/{nerve}/cycles/",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "procedure_cycle_correct",
        "POST",
        "/procedures/cycles/{cycle}/correct/",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "procedure_cycle_strike",
        "POST",
        "/procedures/cycles/{cycle}/strike/",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "procedure_close",
        "POST",
        "/procedures/{procedure}/close/",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "adverse_event_create",
        "GET",
        "/patients/{patient}/adverse-events/new/",
        Perm.ADVERSE_EVENT_RECORD,
        scoped=True,
    ),
    Endpoint(
        "adverse_event_resolve",
        "POST",
        "/adverse-events/{event}/resolve/",
        Perm.ADVERSE_EVENT_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "adverse_event_acknowledge",
        "POST",
        "/adverse-events/{event}/acknowledge/",
        Perm.PROCEDURE_OVERRIDE,
        scoped=True,
        data={},
    ),
    Endpoint("followup_dashboard", "GET", "/follow-up/", Perm.FOLLOWUP_MANAGE),
    Endpoint("followup_send_due", "POST", "/follow-up/send-due/", Perm.FOLLOWUP_MANAGE, data={}),
    Endpoint(
        "followup_patient", "GET", "/patients/{patient}/follow-up/", Perm.FOLLOWUP_VIEW, scoped=True
    ),
    Endpoint(
        "followup_item_add",
        "POST",
        "/patients/{patient}/follow-up/items/",
        Perm.FOLLOWUP_MANAGE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "followup_item_update",
        "POST",
        "/follow-up/items/{item}/",
        Perm.FOLLOWUP_MANAGE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "followup_timeline", "GET", "/patients/{patient}/timeline/", Perm.FOLLOWUP_VIEW, scoped=True
    ),
    Endpoint(
        "questionnaire_for_item",
        "GET",
        "/follow-up/items/{item}/questionnaire/",
        Perm.QUESTIONNAIRE_FILL,
        scoped=True,
    ),
    Endpoint(
        "questionnaire_new",
        "POST",
        "/patients/{patient}/questionnaires/new/",
        Perm.FOLLOWUP_MANAGE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "questionnaire_fill",
        "GET",
        "/questionnaires/{response}/",
        Perm.QUESTIONNAIRE_FILL,
        scoped=True,
    ),
    Endpoint(
        "questionnaire_route",
        "POST",
        "/questionnaires/{response}/route/",
        Perm.FOLLOWUP_MANAGE,
        scoped=True,
        data={"index": "0", "route": "oral"},
    ),
    Endpoint(
        "careplan_detail", "GET", "/patients/{patient}/care-plan/", Perm.CAREPLAN_VIEW, scoped=True
    ),
    Endpoint(
        "careplan_goal_status",
        "POST",
        "/care-plan/goals/{goal}/status/",
        Perm.CAREPLAN_EDIT,
        scoped=True,
        data={},
    ),
    Endpoint(
        "careplan_intervention_status",
        "POST",
        "/care-plan/interventions/{intervention}/status/",
        Perm.CAREPLAN_EDIT,
        scoped=True,
        data={},
    ),
    # treatment plans (issue 4): "latest" = the patient's most recent plan or image
    # (redirects to the plan list when there is none, so no placeholder is needed)
    Endpoint("plan_list_all", "GET", "/plans/", Perm.PLAN_VIEW),
    Endpoint("plan_list", "GET", "/patients/{patient}/plans/", Perm.PLAN_VIEW, scoped=True),
    Endpoint("plan_create", "GET", "/patients/{patient}/plans/new/", Perm.PLAN_CREATE, scoped=True),
    Endpoint(
        "plan_preview",
        "POST",
        "/patients/{patient}/plans/preview/",
        Perm.PLAN_CREATE,
        scoped=True,
        data={},
    ),
    # a plan being computed by the task worker (issue 13): its page polls until it is stored
    Endpoint(
        "plan_computation",
        "GET",
        "/patients/{patient}/plans/computations/{computation}/",
        Perm.PLAN_CREATE,
        scoped=True,
    ),
    Endpoint(
        "plan_image_upload",
        "POST",
        "/patients/{patient}/plans/images/",
        Perm.PLAN_CREATE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "plan_image", "GET", "/patients/{patient}/plans/images/latest/", Perm.PLAN_VIEW, scoped=True
    ),
    Endpoint(
        "plan_detail", "GET", "/patients/{patient}/plans/latest/", Perm.PLAN_VIEW, scoped=True
    ),
    Endpoint(
        "plan_plot", "GET", "/patients/{patient}/plans/latest/plot.png", Perm.PLAN_VIEW, scoped=True
    ),
    Endpoint(
        "plan_archive",
        "POST",
        "/patients/{patient}/plans/latest/archive/",
        Perm.PLAN_CREATE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "plan_report",
        "GET",
        "/patients/{patient}/plans/latest/report.pdf",
        Perm.PLAN_VIEW,
        scoped=True,
    ),
]

API = [
    Endpoint("api:list_patients", "GET", "/api/patients", Perm.PATIENT_LIST),
    Endpoint("api:get_clinic_country", "GET", "/api/patients/country", Perm.PATIENT_LIST),
    Endpoint("api:create_patient", "POST", "/api/patients", Perm.PATIENT_CREATE, data={}),
    Endpoint("api:get_patient", "GET", "/api/patients/{patient}", Perm.PATIENT_VIEW, scoped=True),
    Endpoint(
        "api:set_allergies",
        "POST",
        "/api/patients/{patient}/allergies",
        Perm.PATIENT_EDIT,
        scoped=True,
        data={"allergies": []},
    ),
    Endpoint(
        "api:export_patient",
        "GET",
        "/api/patients/{patient}/export",
        Perm.PATIENT_EXPORT,
        scoped=True,
    ),
    Endpoint("api:assess_case", "POST", "/api/eligibility/assess", Perm.EVALUATION_CREATE, data={}),
    Endpoint(
        "api:create_evaluation",
        "POST",
        "/api/patients/{patient}/evaluations",
        Perm.EVALUATION_CREATE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:list_evaluations",
        "GET",
        "/api/patients/{patient}/evaluations",
        Perm.EVALUATION_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:get_evaluation",
        "GET",
        "/api/evaluations/{evaluation}",
        Perm.EVALUATION_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:plan_create",
        "POST",
        "/api/patients/{patient}/plans",
        Perm.PLAN_CREATE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:image_upload",
        "POST",
        "/api/patients/{patient}/plans/images",
        Perm.PLAN_CREATE,
        scoped=True,
        data={},
    ),
    Endpoint("api:plan_list", "GET", "/api/patients/{patient}/plans", Perm.PLAN_VIEW, scoped=True),
    Endpoint(
        "api:plan_get", "GET", "/api/patients/{patient}/plans/latest", Perm.PLAN_VIEW, scoped=True
    ),
    # scheduling (issue 5)
    Endpoint(
        "api:list_slots",
        "GET",
        "/api/patients/{patient}/slots?type=consultation",
        Perm.APPOINTMENT_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:book_appointment",
        "POST",
        "/api/scheduling/appointments",
        Perm.APPOINTMENT_BOOK,
        data={},
    ),
    Endpoint(
        "api:move_appointment",
        "POST",
        "/api/scheduling/appointments/0/move",
        Perm.APPOINTMENT_BOOK,
        data={},
    ),
    Endpoint(
        "api:cancel_appointment",
        "POST",
        "/api/scheduling/appointments/0/cancel",
        Perm.APPOINTMENT_BOOK,
        data={},
    ),
    Endpoint(
        "api:list_appointments",
        "GET",
        "/api/patients/{patient}/appointments",
        Perm.APPOINTMENT_VIEW,
        scoped=True,
    ),
    Endpoint("api:list_requests", "GET", "/api/scheduling/requests", Perm.APPOINTMENT_BOOK),
    Endpoint(
        "api:create_request",
        "POST",
        "/api/patients/{patient}/appointment-requests",
        Perm.APPOINTMENT_REQUEST,
        scoped=True,
        data={},
    ),
    # procedures, follow-up and care plans (issue 6)
    Endpoint(
        "api:procedure_list",
        "GET",
        "/api/patients/{patient}/procedures",
        Perm.PROCEDURE_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:procedure_create",
        "POST",
        "/api/patients/{patient}/procedures",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:procedure_get", "GET", "/api/procedures/{procedure}", Perm.PROCEDURE_VIEW, scoped=True
    ),
    Endpoint(
        "api:procedure_step_record",
        "POST",
        "/api/procedures/{procedure}/steps/imaging",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:procedure_nerve_add",
        "POST",
        "/api/procedures/{procedure}/nerves",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:procedure_cycle_add",
        "POST",
        "/api/procedures/nerves/{nerve}/cycles",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:procedure_cycle_correct",
        "POST",
        "/api/procedures/cycles/{cycle}/correct",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:procedure_cycle_strike",
        "POST",
        "/api/procedures/cycles/{cycle}/strike",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:procedure_close",
        "POST",
        "/api/procedures/{procedure}/close",
        Perm.PROCEDURE_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:adverse_event_list",
        "GET",
        "/api/patients/{patient}/adverse-events",
        Perm.PROCEDURE_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:adverse_event_create",
        "POST",
        "/api/patients/{patient}/adverse-events",
        Perm.ADVERSE_EVENT_RECORD,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:followup_list",
        "GET",
        "/api/patients/{patient}/follow-up",
        Perm.FOLLOWUP_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:followup_item_create",
        "POST",
        "/api/patients/{patient}/follow-up/items",
        Perm.FOLLOWUP_MANAGE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:followup_item_change",
        "POST",
        "/api/follow-up/items/{item}",
        Perm.FOLLOWUP_MANAGE,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:followup_timeline",
        "GET",
        "/api/patients/{patient}/timeline",
        Perm.FOLLOWUP_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:questionnaire_list",
        "GET",
        "/api/patients/{patient}/questionnaires",
        Perm.FOLLOWUP_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:questionnaire_open",
        "POST",
        "/api/follow-up/items/{item}/questionnaire",
        Perm.QUESTIONNAIRE_FILL,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:questionnaire_get",
        "GET",
        "/api/questionnaires/{response}",
        Perm.QUESTIONNAIRE_FILL,
        scoped=True,
    ),
    Endpoint(
        "api:questionnaire_answer",
        "POST",
        "/api/questionnaires/{response}",
        Perm.QUESTIONNAIRE_FILL,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:fhir_patient_bundle",
        "GET",
        "/api/patients/{patient}/fhir",
        Perm.FHIR_EXPORT,
        scoped=True,
    ),
    Endpoint(
        "api:careplan_get",
        "GET",
        "/api/patients/{patient}/care-plan",
        Perm.CAREPLAN_VIEW,
        scoped=True,
    ),
    Endpoint(
        "api:careplan_goal_create",
        "POST",
        "/api/patients/{patient}/care-plan/goals",
        Perm.CAREPLAN_EDIT,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:careplan_intervention_create",
        "POST",
        "/api/patients/{patient}/care-plan/interventions",
        Perm.CAREPLAN_EDIT,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:careplan_intervention_update",
        "POST",
        "/api/care-plan/interventions/{intervention}",
        Perm.CAREPLAN_EDIT,
        scoped=True,
        data={},
    ),
    Endpoint(
        "api:careplan_review_create",
        "POST",
        "/api/patients/{patient}/care-plan/reviews",
        Perm.CAREPLAN_EDIT,
        scoped=True,
        data={},
    ),
]

# URL names that are not ours to test here (allauth's login/MFA pages, i18n, API docs).
EXEMPT_PREFIXES = (
    "account_",
    "mfa_",
    "set_language",
    "javascript-catalog",
    "api:openapi",
    "api:api-root",
)
