from __future__ import annotations

import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cryoneuro.clinical.safety import Allergy
from cryoneuro.core.models import CreatedAtModel


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Language(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="future")
    if value.year < 1900:
        raise ValidationError(_("The date of birth must be after 1900."), code="too_old")


def search_key(text: str) -> str:
    """``text`` as the search compares it: accents stripped, case folded, spaces single.

    "Lefèvre", "LEFEVRE" and "lefevre" give the same key, on every database (SQLite has no
    unaccent, and PostgreSQL's needs an extension): the key is stored beside the names."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


class Patient(CreatedAtModel):
    """Only what the service needs: identity, contact, language, referrer, consent."""

    identifier = models.CharField(
        _("patient identifier"), max_length=20, unique=True, editable=False
    )
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), validators=[validate_not_future])
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    referring_physician = models.CharField(_("referring physician"), max_length=200, blank=True)
    consent_data_processing = models.BooleanField(_("consents to data processing"), default=False)
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_record",
        verbose_name=_("portal account"),
    )
    allergies = models.JSONField(
        _("known allergies"),
        default=list,
        # a database default too, so that rows written without the field (older code,
        # migration tests replaying an older state) get "none recorded"
        db_default=models.Value([], output_field=models.JSONField()),
        blank=True,
        help_text=_("list of {substance, detail}, as cryoneuro.clinical.safety.Allergy"),
    )
    allergies_recorded_at = models.DateTimeField(_("allergies recorded at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_name = models.CharField(
        _("name as searched"),
        max_length=201,
        blank=True,
        editable=False,
        db_index=True,
        db_default="",  # rows written by older code (and old migration states) get ""
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["birth_date"]),
        ]

    def save(self, *args, **kwargs):
        """Keep :attr:`search_name` in step with the names on every save."""
        self.search_name = search_key(f"{self.family_name} {self.given_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"family_name", "given_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.family_name.upper()} {self.given_name} ({self.identifier})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name.upper()}"

    @property
    def allergy_list(self) -> list[Allergy]:
        """The record's allergies as the clinical layer's objects (what the rules use)."""
        return [Allergy.model_validate(item) for item in self.allergies or []]

    def allergy_labels(self, lang: str = "fr") -> list[str]:
        return [a.label(lang) for a in self.allergy_list]

    @property
    def allergy_display(self) -> str:
        """The allergies in the active language, for the banner of the patient's pages."""
        lang = "en" if (get_language() or "fr").startswith("en") else "fr"
        return ", ".join(self.allergy_labels(lang))

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
