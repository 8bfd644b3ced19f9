"""Writing to and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEntry


def client_address(request) -> str | None:
    """The client's address as the server saw it. Behind a trusted proxy, configure the
    proxy to set REMOTE_ADDR (X-Forwarded-For is client-controlled and is not trusted)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    request=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    patient_id: int | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Called inside the caller's transaction, so an entry
    for a write exists exactly when the write does."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        actor_role=getattr(actor, "role", "") if is_user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        ip_address=client_address(request),
        detail=detail or {},
        prev_hash=head.hash,
    )
    # Round-trip the detail through JSON now so the hash covers exactly what is stored.
    entry.hash = entry.compute_hash()
    entry.save()
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def audit_verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order and name the first entry whose hash or link is wrong."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                expected_seq,
                f"entry #{expected_seq} is missing (next found: #{entry.seq})",
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False, checked, entry.seq, f"entry #{entry.seq} does not link to the previous entry"
            )
        if entry.compute_hash() != entry.hash:
            return ChainReport(
                False,
                checked,
                entry.seq,
                f"entry #{entry.seq} was altered (its content does not match its hash)",
            )
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        return ChainReport(
            False,
            checked,
            checked + 1,
            f"entries after #{checked} are missing (the chain head says #{head.seq})",
        )
    return ChainReport(True, checked)
