from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

from cryoneuro.accounts.access import login_only

from .security import ClinicSessionAuth

api = NinjaAPI(
    title="cryoneuro API",
    version="1",
    description="Patients, evaluations and eligibility. Session authentication; the same "
    "role permissions as the web pages apply to every endpoint.",
    auth=ClinicSessionAuth(),
    urls_namespace="api",
    docs_decorator=login_only,  # the schema and Swagger UI (served locally) for logged-in users
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(
        request, {"detail": "You do not have permission to do this."}, status=403
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


from cryoneuro.careplans.api import router as careplans_router  # noqa: E402
from cryoneuro.followup.api import router as followup_router  # noqa: E402
from cryoneuro.procedures.api import router as procedures_router  # noqa: E402
from cryoneuro.scheduling.api import router as scheduling_router  # noqa: E402
from cryoneuro.treatmentplans.api import router as treatmentplans_router  # noqa: E402

from . import evaluations, patients  # noqa: E402

api.add_router("/patients", patients.router)
api.add_router("/", evaluations.router)
# One router per clinic app, each owning its paths under /api/.
api.add_router("/", treatmentplans_router)
api.add_router("/", scheduling_router)
api.add_router("/", procedures_router)
api.add_router("/", followup_router)
api.add_router("/", careplans_router)
