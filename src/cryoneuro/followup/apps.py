from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "cryoneuro.followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        # Connecting the receivers needs the models loaded: Django's documented place for
        # this import is ready(), not the module top (no import cycle is involved).
        from . import receivers  # noqa: F401
