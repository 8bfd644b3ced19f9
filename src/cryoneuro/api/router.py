from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

from .security import ClinicSessionAuth

api = NinjaAPI(
    title="cryoneuro API",
    version="1",
    description="Patients, evaluations and eligibility. Session authentication; the same "
    "role permissions as the web pages apply to every endpoint.",
    auth=ClinicSessionAuth(),
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "You do not have permission to do this."},
                               status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


from . import evaluations, patients  # noqa: E402

api.add_router("/patients", patients.router)
api.add_router("/", evaluations.router)
