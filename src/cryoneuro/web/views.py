from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cryoneuro.accounts.access import login_only
from cryoneuro.accounts.roles import Role
from cryoneuro.core.audit import audit_read

from .worklists import worklists_for

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


def healthz(request: HtmxHttpRequest):

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
