"""The JSON API (django-ninja, OpenAPI at /api/docs). Same permission table as the pages.

Every clinic app owns its endpoints in ``<app>/api.py`` (a ``router``); they are found the
one way every plug-in point is (cryoneuro.core.plugins) and mounted at /api/, in
INSTALLED_APPS order. The 403, 404 and 422 answers are core's (cryoneuro.core.api)."""

from __future__ import annotations

from cryoneuro.accounts.access import login_only
from cryoneuro.core.api import ClinicAPI, ClinicSessionAuth, install_error_handlers
from cryoneuro.core.plugins import api_routers

api = ClinicAPI(
    title="cryoneuro API",
    version="1",
    description="Patients, evaluations and eligibility. Session authentication; the same "
    "role permissions as the web pages apply to every endpoint.",
    auth=ClinicSessionAuth(),
    urls_namespace="api",
    docs_decorator=login_only,  # the schema and Swagger UI (served locally) for logged-in users
)
install_error_handlers(api)

for app_router in api_routers():
    api.add_router("/", app_router)
