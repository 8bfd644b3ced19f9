from .selectors import adverse_events_export, procedures_export

SECTION = "procedures"


def export(patient):
    return {
        "procedures": procedures_export(patient=patient),
        "adverse_events": adverse_events_export(patient=patient),
    }
