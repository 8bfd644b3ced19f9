from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEntry


def audit_entries(
    *,
    username: str = "",
    action: str = "",
    patient_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if username:
        entries = entries.filter(actor_username__iexact=username)
    if action:
        entries = entries.filter(action=action)
    if patient_id is not None:
        entries = entries.filter(patient_id=patient_id)
    if date_from:
        entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        entries = entries.filter(at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    return entries.order_by("-seq")
