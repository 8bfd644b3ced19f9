from django.utils import timezone

from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.plugins import Section

from .models import ItemKind, ItemStatus
from .questionnaire import lang
from .timeline import build_chart


def patient_section(request, patient):
    if not can_access_patient(request.user, Perm.FOLLOWUP_VIEW, patient):
        return None
    items = patient.followup_items.filter(status__in=[ItemStatus.PLANNED, ItemStatus.SENT])
    today = timezone.localdate()
    to_fill = []
    if can_access_patient(request.user, Perm.QUESTIONNAIRE_FILL, patient):
        to_fill = list(items.filter(kind=ItemKind.QUESTIONNAIRE, due_date__lte=today))
    if not patient.procedures.exists() and not to_fill:
        return None
    return Section(
        template="followup/_patient_section.html",
        context={
            "to_fill": to_fill,
            "chart": build_chart(patient=patient, language=lang()),
            "next": items.filter(due_date__gte=today).first(),
        },
        order=40,
    )
