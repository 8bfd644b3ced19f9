"""Writing to and verifying the audit trail."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .anchors import Anchor, AnchorFileError, read_anchors
from .keys import current_key, key_by_id
from .models import GENESIS_HASH, AuditChainHead, AuditEntry


def client_address(request) -> str | None:
    """The client's address as the server saw it. Behind a trusted proxy, configure the
    proxy to set REMOTE_ADDR (X-Forwarded-For is client-controlled and is not trusted)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Called inside the caller's transaction, so an entry
    for a write exists exactly when the write does (no savepoint of its own: if the
    append fails, the caller's whole transaction is rolled back, never committed without
    its entry). ``ip_address``: the client's address when the write happens outside its
    request (a background task), else the request's.

    Appends are serialised on the chain-head row, so the lock is taken last and held as
    briefly as can be: everything that does not depend on the previous entry is prepared
    before it; under it, only the seal is computed and written (on PostgreSQL in one
    statement that inserts the entry and moves the head); the caller's COMMIT releases it.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    key = current_key()
    entry = AuditEntry(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        actor_role=getattr(actor, "role", "") if is_user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        ip_address=ip_address or client_address(request),
        detail=detail or {},
        mac_key_id=key.key_id,
    )
    with transaction.atomic(savepoint=False):
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            _append_postgresql(connection, entry, key.secret)
        else:
            _append_orm(entry, key.secret)
    return entry


def _seal(entry: AuditEntry, seq: int, prev_hash: str, secret: bytes) -> None:
    """The chain fields, under the head's lock: the entry's time is taken there too, so
    that times never go backwards along the sequence."""
    entry.seq = seq
    entry.prev_hash = prev_hash
    entry.at = timezone.now()
    entry.hash = entry.compute_hash(secret)


def _append_orm(entry: AuditEntry, secret: bytes) -> None:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    _seal(entry, head.seq + 1, head.hash, secret)
    entry.save()
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])


# The entry's columns, in the order of the INSERT below (every concrete field but the id).
_COLUMNS = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]


@cache
def _postgresql_statements() -> tuple[str, str, str]:
    """(lock the head, create the head, insert the entry and move the head). Only the
    models' own table and column names are written into the text; values are bound."""
    q = _quote
    entry, head = q(AuditEntry._meta.db_table), q(AuditChainHead._meta.db_table)
    lock = f"SELECT seq, {q('hash')} FROM {head} WHERE id = 1 FOR UPDATE"  # noqa: S608
    create = f"INSERT INTO {head} (id, seq, {q('hash')}) VALUES (1, 0, %s) ON CONFLICT DO NOTHING"  # noqa: S608
    # One round trip: the entry inserted and the head moved to it (the head's row is
    # already locked by the first statement, in this transaction).
    columns = ", ".join(q(f.column) for f in _COLUMNS)
    insert_and_move = (
        f"WITH new AS (INSERT INTO {entry} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}) RETURNING id, seq, {q('hash')}) "
        f"UPDATE {head} SET seq = new.seq, {q('hash')} = new.{q('hash')} FROM new "
        f"WHERE {head}.id = 1 RETURNING new.id"
    )
    return lock, create, insert_and_move


def _quote(name: str) -> str:
    """A PostgreSQL identifier, quoted (as the ORM writes it)."""
    return '"' + name.replace('"', '""') + '"'


def _append_postgresql(connection, entry: AuditEntry, secret: bytes) -> None:
    """Two statements under the head's lock: take it (reading the previous seal), then
    insert the sealed entry and move the head in one statement."""
    lock, create, insert_and_move = _postgresql_statements()
    with connection.cursor() as cursor:
        cursor.execute(lock)
        row = cursor.fetchone()
        if row is None:  # a new database: the head row is created once, then locked
            cursor.execute(create, [GENESIS_HASH])
            cursor.execute(lock)
            row = cursor.fetchone()
        seq, prev_hash = row
        _seal(entry, seq + 1, prev_hash, secret)
        values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _COLUMNS]
        cursor.execute(insert_and_move, values)
        (entry.pk,) = cursor.fetchone()
    entry._state.adding = False
    entry._state.db = connection.alias


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    anchors_checked: int = 0


def _entry_fault(entry: AuditEntry, expected_seq: int, expected_prev: str, keyed_seen: bool) -> str:
    """Why ``entry`` cannot follow the chain so far, or "" when it can."""
    if entry.seq != expected_seq:
        return _("entry #%(seq)s is missing (next found: #%(next)s)") % {
            "seq": expected_seq,
            "next": entry.seq,
        }
    if entry.prev_hash != expected_prev:
        return _("entry #%(seq)s does not link to the previous entry") % {"seq": entry.seq}
    secret = None
    if entry.mac_key_id:
        key = key_by_id(entry.mac_key_id)
        if key is None:
            return _("entry #%(seq)s is sealed with an unknown key") % {"seq": entry.seq}
        secret = key.secret
    elif keyed_seen:
        return _("entry #%(seq)s is not sealed with a key (it follows keyed ones)") % {
            "seq": entry.seq
        }
    if not hmac.compare_digest(entry.compute_hash(secret), entry.hash):
        return _("entry #%(seq)s was altered (its content does not match its seal)") % {
            "seq": entry.seq
        }
    return ""


def _walk(batch_size: int, anchored: set[int]) -> tuple[ChainReport, dict[int, str]]:
    """The chain in order: each entry present, linked to the previous one and sealed by a
    key it names; once keyed entries begin, no unkeyed one may follow. Returns the report
    and the seals found at the anchored sequence numbers."""
    expected_prev = GENESIS_HASH
    checked = 0
    keyed_seen = False
    found: dict[int, str] = {}
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        fault = _entry_fault(entry, checked + 1, expected_prev, keyed_seen)
        if fault:
            first_broken = min(entry.seq, checked + 1)
            return ChainReport(False, checked, first_broken, fault, checked, expected_prev), found
        keyed_seen = keyed_seen or bool(entry.mac_key_id)
        if entry.seq in anchored:
            found[entry.seq] = entry.hash
        expected_prev = entry.hash
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        reason = _("entries after #%(seq)s are missing (the chain head says #%(head)s)") % {
            "seq": checked,
            "head": head.seq,
        }
        return ChainReport(False, checked, checked + 1, reason, checked, expected_prev), found
    return ChainReport(True, checked, head_seq=checked, head_hash=expected_prev), found


def _compare_with_anchors(
    report: ChainReport, anchors: list[Anchor], found: dict[int, str]
) -> ChainReport:
    """Every anchored entry must still be there with the seal it had; the first that is
    not bounds the first entry that differs (after the last anchor that still holds)."""
    last_holding = 0
    for anchor in anchors:
        if anchor.seq > report.checked:
            return replace(
                report,
                ok=False,
                first_broken_seq=report.checked + 1,
                reason=_(
                    "the chain was shortened: entry #%(seq)s, anchored on %(at)s, is missing "
                    "(the chain ends at #%(end)s)"
                )
                % {"seq": anchor.seq, "at": anchor.at, "end": report.checked},
            )
        if found.get(anchor.seq) != anchor.hash:
            return replace(
                report,
                ok=False,
                first_broken_seq=last_holding + 1,
                reason=_(
                    "entries #%(first)s-#%(last)s were rewritten after the anchor of %(at)s: "
                    "their seals verify, so the audit key must be treated as compromised"
                )
                % {"first": last_holding + 1, "last": anchor.seq, "at": anchor.at},
            )
        last_holding = anchor.seq
    return replace(report, anchors_checked=len(anchors))


def audit_verify_chain(batch_size: int = 2000, *, use_anchors: bool = True) -> ChainReport:
    """Walk the chain in order and name the first broken entry; then compare the chain with
    the anchors written outside the database by earlier verifications."""
    try:
        anchors = read_anchors() if use_anchors else []
    except AnchorFileError as error:
        return ChainReport(
            False, 0, None, _("the anchor file is not trustworthy: %(error)s") % {"error": error}
        )
    report, found = _walk(batch_size, {a.seq for a in anchors})
    if not report.ok:
        return report
    return _compare_with_anchors(report, anchors, found)
