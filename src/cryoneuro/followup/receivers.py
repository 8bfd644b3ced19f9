"""followup listens to the apps below it (connected in FollowupConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from cryoneuro.procedures.models import Procedure
from cryoneuro.procedures.signals import procedure_discharged

from .services import schedule_generate


@receiver(procedure_discharged, sender=Procedure, dispatch_uid="followup.schedule_on_discharge")
def schedule_on_discharge(sender: Any, procedure: Procedure, user: Any, request=None, **kwargs):
    """A discharged procedure gets its follow-up schedule, once (a corrected discharge
    step keeps the schedule it has)."""
    if not procedure.followup_items.exists():
        schedule_generate(procedure=procedure, user=user, request=request)
