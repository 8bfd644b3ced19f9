from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentplansConfig(AppConfig):
    name = "cryoneuro.treatmentplans"
    verbose_name = _("Treatment plans")
