from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cryoneuro.accounts.access import login_only
from cryoneuro.accounts.roles import Role
from cryoneuro.core.audit import audit_read

from .worklists import worklists_for

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest, HtmxHttpRequest


@login_only
def home(request: AuthenticatedHttpRequest):
    user = request.user
    if user.role == Role.PATIENT:
        patient = getattr(user, "patient_record", None)
        if patient is not None:
            return redirect("patient_detail", patient_id=patient.pk)
        return render(request, "web/home.html", {"no_record": True})
    if user.role == Role.ADMINISTRATOR:
        return redirect("audit_list")
    lists = worklists_for(user)
    audit_read(
        request, object_type="web.worklist", detail={"home": sorted(lists.shown)}, action="search"
    )
    return render(request, "web/home.html", {"lists": lists, "today": timezone.localdate()})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _check_cache() -> None:
    # A key of its own per probe, so two workers probing at once never read each other's.
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    # Long enough to read back at once, short enough that a probe that dies before its
    # delete leaves nothing behind for long.
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the value set was not read back")
    finally:
        cache.delete(key)


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache}


def healthz(request: HtmxHttpRequest):
    """For the load balancer and the operator: 200 when every check passes, else 503 naming
    the failing check. No authentication, no patient data, never a traceback: the
    exception's class goes to the server log only."""
    checks: dict[str, str] = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.error("healthz: %s check failed (%s)", name, type(error).__name__)
            checks[name] = "failing"
        else:
            checks[name] = "ok"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
