"""The audit trail page (a shared page over cryoneuro.audit, which sits at the bottom of
the app map and so imports no permission code of its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cryoneuro.accounts.access import requires
from cryoneuro.accounts.roles import Perm
from cryoneuro.audit.models import AuditAction
from cryoneuro.audit.selectors import audit_entries
from cryoneuro.audit.services import audit_verify_chain

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *AuditAction.choices]
    )
    patient_id = forms.IntegerField(label=_("Patient (internal id)"), required=False, min_value=1)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


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
