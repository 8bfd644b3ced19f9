"""The audit trail page (a shared page over cryoneuro.audit, which sits at the bottom of
the app map and so imports no permission code of its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
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


PAGE_SIZE = 50


def _cursor(value: str | None) -> int | None:
    """A sequence number from the query string, or None when it is not one."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


@requires(Perm.AUDIT_VIEW)
def audit_list(request: AuthenticatedHttpRequest):
    """The trail, newest first, 50 entries a page. Pages follow the sequence numbers
    (``?before=<seq>``: older entries, ``?after=<seq>``: newer ones), never an offset or
    a count: with a million entries either would read most of the table for every page
    (issue 13: the last page took 0.6 s, the count of a filtered trail as long)."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    matching = audit_entries(**{k: v for k, v in filters.items() if v not in (None, "")})
    before, after = _cursor(request.GET.get("before")), _cursor(request.GET.get("after"))
    if after is not None:
        rows = list(matching.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        has_older = bool(rows) and matching.filter(seq__lt=rows[-1].seq).exists()
    else:
        shown = matching.filter(seq__lt=before) if before is not None else matching
        rows = list(shown[: PAGE_SIZE + 1])
        has_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_newer = before is not None and (
            matching.filter(seq__gt=rows[0].seq).exists() if rows else matching.exists()
        )
    report = audit_verify_chain() if request.GET.get("verify") else None
    query = request.GET.copy()
    for key in ("before", "after", "page", "verify"):
        query.pop(key, None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "entries": rows,
            "newer": (rows[0].seq if rows else before - 1 if before else 0) if has_newer else None,
            "older": rows[-1].seq if has_older else None,
            "report": report,
            "query": query.urlencode(),
        },
    )
