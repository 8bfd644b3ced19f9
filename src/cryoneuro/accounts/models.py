from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import STAFF_ROLES, Role


class User(AbstractUser):
    """A person who logs in: staff (with a role) or a patient (portal)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else ""
