from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cryoneuro.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Receivers connect once the models are loaded: Django's documented place for this
        # import is ready() (no import cycle is involved).
        from . import signals  # noqa: F401
