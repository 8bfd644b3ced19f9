"""Audit entries form a sealed chain: each entry's seal covers its content and the
previous seal, so changing, inserting or deleting any entry breaks every seal after it.

The seal is an HMAC-SHA256 under a key kept outside the database (:mod:`.keys`), so
someone who can write to the database cannot recompute the chain after changing it;
entries written before keys were introduced keep their plain SHA-256 (``mac_key_id``
empty) and are covered by the first keyed entry's link and by the anchors
(:mod:`.anchors`). See docs/security/audit-trail.md for what this detects and what not.

Append-only twice over: the model refuses updates and deletes, and database triggers
(migration 0002) refuse them for anyone going around the ORM.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    VIEW = "view", _("view")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    EXPORT = "export", _("export")
    SEARCH = "search", _("search")
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    LOGIN_FAILED = "login_failed", _("failed login")
    DENIED = "denied", _("access denied")


class AppendOnlyError(Exception):
    pass


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("when (UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    # The patient's id is kept as a plain number so that the trail outlives any record.
    patient_id = models.BigIntegerField(_("patient"), null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which key sealed the entry; empty for the unkeyed SHA-256 entries written before
    # keyed seals (they are never written any more).
    mac_key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-seq"]
        # The audit browser's filters, each with the newest first (issue 13: a million
        # entries; web.audit pages by sequence number): by patient, by user (the iexact
        # lookup compares UPPER()), by action. Only ever added (CREATE INDEX): altering a
        # column would make SQLite rebuild the table, dropping its append-only triggers.
        indexes = [
            models.Index(F("patient_id"), F("seq").desc(), name="audit_patient_seq"),
            models.Index(Upper("actor_username"), F("seq").desc(), name="audit_username_seq"),
            models.Index(F("action"), F("seq").desc(), name="audit_action_seq"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def canonical_payload(self) -> bytes:
        payload = {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_role": self.actor_role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "patient_id": self.patient_id,
            "ip_address": self.ip_address,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }
        if self.mac_key_id:
            payload["mac_key_id"] = self.mac_key_id
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()

    def compute_hash(self, secret: bytes | None = None) -> str:
        """The entry's seal: HMAC-SHA256 under ``secret`` for keyed entries, plain SHA-256
        for the legacy unkeyed ones."""
        if self.mac_key_id:
            if secret is None:
                raise ValueError(f"entry #{self.seq} is keyed ({self.mac_key_id}): pass its key")
            return hmac.new(secret, self.canonical_payload(), hashlib.sha256).hexdigest()
        return hashlib.sha256(self.canonical_payload()).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"


class AuditChainHead(models.Model):
    """A single row holding the chain's tip; locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"
