"""What each role's home page lists: the work waiting for that role, read through the
apps' selectors (each checks the permission, so a role sees only lists it may act on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cryoneuro.accounts.access import has_perm
from cryoneuro.accounts.roles import ALL, Perm, scope
from cryoneuro.evaluation.selectors import evaluations_awaiting_review
from cryoneuro.followup.selectors import calls_due, visits_to_book
from cryoneuro.procedures.models import Procedure, ProcedureStatus
from cryoneuro.procedures.selectors import motor_deficit_flags
from cryoneuro.scheduling.selectors import open_requests

WORKLIST_LIMIT = 50
"""Rows shown per list on the home page (the full lists have their own pages)."""


@dataclass
class Worklists:
    reviews: list[Any] = field(default_factory=list)
    deficits: list[dict] = field(default_factory=list)
    procedures: list[Any] = field(default_factory=list)
    calls: list[Any] = field(default_factory=list)
    visits: list[Any] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)


def worklists_for(user: Any) -> Worklists:
    today = timezone.localdate()
    lists = Worklists()
    if scope(user.role, Perm.EVALUATION_REVIEW) == ALL:
        lists.shown.add("reviews")
        lists.reviews = list(evaluations_awaiting_review(user=user)[:WORKLIST_LIMIT])
        lists.shown.add("deficits")
        lists.deficits = motor_deficit_flags(unacknowledged=True)[:WORKLIST_LIMIT]
    if scope(user.role, Perm.PROCEDURE_RECORD) == ALL:
        lists.shown.add("procedures")
        lists.procedures = list(
            Procedure.objects.filter(status=ProcedureStatus.IN_PROGRESS)
            .select_related("patient")
            .order_by("id")[:WORKLIST_LIMIT]
        )
    if scope(user.role, Perm.FOLLOWUP_MANAGE) == ALL:
        lists.shown.add("calls")
        lists.calls = list(calls_due(user=user, today=today)[:WORKLIST_LIMIT])
    if has_perm(user, Perm.APPOINTMENT_BOOK) and scope(user.role, Perm.APPOINTMENT_BOOK) == ALL:
        lists.shown.add("visits")
        lists.visits = list(visits_to_book(user=user, today=today)[:WORKLIST_LIMIT])
        lists.shown.add("requests")
        lists.requests = list(open_requests()[:WORKLIST_LIMIT])
    return lists
