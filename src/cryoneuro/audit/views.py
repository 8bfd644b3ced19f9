from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.shortcuts import render

from cryoneuro.accounts.access import requires
from cryoneuro.accounts.roles import Perm

from .forms import AuditFilterForm
from .selectors import audit_entries
from .services import audit_verify_chain

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest


@requires(Perm.AUDIT_VIEW)
def audit_list(request: AuthenticatedHttpRequest):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(**{k: v for k, v in filters.items() if v not in (None, "")})
    page = Paginator(entries.select_related("actor"), 50).get_page(request.GET.get("page"))
    report = audit_verify_chain() if request.GET.get("verify") else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "report": report, "query": query.urlencode()},
    )
