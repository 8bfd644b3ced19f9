"""``audit_read``: the one way an app audits a read of patient data (a page, a list, an
API answer, an export). Writes are audited by the services, with ``audit_record`` in the
write's own transaction."""

from __future__ import annotations

from typing import Any, Literal

from django.db import models

from cryoneuro.audit.models import AuditEntry
from cryoneuro.audit.services import audit_record

ReadAction = Literal["view", "search", "export"]


class _RequestUser:
    def __repr__(self) -> str:
        return "request.user"


REQUEST_USER: Any = _RequestUser()


def audit_read(
    request: Any,
    *,
    obj: models.Model | None = None,
    patient_id: int | None = None,
    detail: dict[str, Any] | None = None,
    action: ReadAction = "view",
    object_type: str = "",
    object_id: str = "",
    actor: Any = REQUEST_USER,
) -> AuditEntry:
    """Record that ``request.user`` (or ``actor``: None for an anonymous feed) read
    ``obj`` (or ``object_type``) of patient ``patient_id``. ``detail`` says how (``{"via":
    "api"}``, the query of a search, the export's format)."""
    if action not in ("view", "search", "export"):
        raise ValueError(f"audit_read records reads, not {action!r}")
    if actor is REQUEST_USER:
        actor = getattr(request, "user", None)
    return audit_record(
        actor=actor,
        action=action,
        request=request,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        detail=detail,
    )
