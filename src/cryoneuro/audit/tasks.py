"""The nightly check of the audit trail as a background task (docs/operations/tasks.md).

``manage audit_verify`` runs :func:`verify_and_anchor` in its own process; the periodic
scheduler (``manage run_periodic``) enqueues :data:`audit_verify` every night for the
worker, with the report mailed to settings.ADMINS.
"""

from __future__ import annotations

from django.core.mail import mail_admins
from django_tasks import task

from .anchors import anchor_file, append_anchor
from .services import audit_verify_chain


class AuditChainBroken(Exception):
    """The chain does not verify: the message names the first entry that differs."""


def verify_and_anchor(*, anchor: bool = True, mail: bool = False) -> str:
    """Verify the sealed chain against the anchors kept outside the database, then append
    the verified head to the anchor file (unless ``anchor`` is false). Returns the
    summary; raises :class:`AuditChainBroken` naming the first broken entry. ``mail``:
    also send the anchor (or the failure) to settings.ADMINS."""
    report = audit_verify_chain()
    if not report.ok:
        where = f" at entry #{report.first_broken_seq}" if report.first_broken_seq else ""
        message = (
            f"Audit chain BROKEN{where}: {report.reason} "
            f"({report.checked} entries verified before it)."
        )
        if mail:
            mail_admins("Audit chain BROKEN", message)
        raise AuditChainBroken(message)
    summary = (
        f"Audit chain intact: {report.checked} entries, "
        f"{report.anchors_checked} earlier anchors hold."
    )
    if anchor:
        head = append_anchor(report.head_seq, report.head_hash)
        summary += f" Anchored #{head.seq} {head.hash} in {anchor_file()}."
        if mail:
            mail_admins(
                "Audit chain anchor",
                f"{summary}\nKeep this line: seq={head.seq} seal={head.hash} "
                f"at={head.at} key={head.key_id}",
            )
    return summary


@task()
def audit_verify(mail: bool = True) -> str:
    """The nightly job: verify, anchor, mail the head to ADMINS. A broken chain fails the
    task (its result says which entry) after the mail has gone out."""
    return verify_and_anchor(anchor=True, mail=mail)
