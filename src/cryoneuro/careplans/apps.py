from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareplansConfig(AppConfig):
    name = "cryoneuro.careplans"
    verbose_name = _("Care plans")
