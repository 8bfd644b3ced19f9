"""The patient's appointments in their own data export."""

from .models import Appointment

SECTION = "appointments"


def export(patient) -> list[dict]:
    return [
        {
            "id": a.pk,
            "type": a.type.code,
            "start": a.start.isoformat(),
            "end": a.end.isoformat(),
            "status": a.status,
            "nerve_codes": a.nerve_codes,
        }
        for a in Appointment.objects.filter(patient=patient).select_related("type")
    ]
