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
from cryoneuro.countries import ch


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Language(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"


class InsuranceCoverage(models.TextChoices):
    """Switzerland: the compulsory basic cover (LAMal/KVG), alone or with a supplementary
    private one (LCA/VVG)."""

    BASIC = "basic", _("Basic only (LAMal/KVG)")
    SUPPLEMENTARY = "supplementary", _("Basic and supplementary (LAMal/KVG + LCA/VVG)")


class IdentityStatus(models.TextChoices):
    """France: the RNIV's identity statuses (cryoneuro.countries.fr.IdentityStatus)."""

    PROVISIONAL = "provisoire", _("Provisional identity")
    RETRIEVED = "recuperee", _("Retrieved identity (INSi)")
    VALIDATED = "validee", _("Validated identity (document checked)")
    QUALIFIED = "qualifiee", _("Qualified identity")


# The codes alone (VD, GE...): the way the cantons are written in both languages; their
# names (cryoneuro.countries.ch.CANTONS) differ by language.
CANTON_CHOICES = [(code, code) for code in sorted(ch.CANTONS)]


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

    # The country profile's identifiers (patients.country; only the active profile's are
    # shown and accepted). Stored normalised: digits only, upper case.
    # Switzerland
    ahv_number = models.CharField(_("AHV number"), max_length=13, blank=True, db_default="")
    insurance_card_number = models.CharField(
        _("insurance card number"), max_length=20, blank=True, db_default=""
    )
    insurer_name = models.CharField(_("health insurer"), max_length=100, blank=True, db_default="")
    insurer_number = models.CharField(
        _("insurer number (FOPH)"), max_length=5, blank=True, db_default=""
    )
    insurance_coverage = models.CharField(
        _("insurance cover"),
        max_length=20,
        choices=InsuranceCoverage.choices,
        blank=True,
        db_default="",
    )
    canton = models.CharField(
        _("canton"), max_length=2, choices=CANTON_CHOICES, blank=True, db_default=""
    )
    # France
    ins_number = models.CharField(_("INS (NIR or NIA)"), max_length=15, blank=True, db_default="")
    ins_identity_status = models.CharField(
        _("identity status"),
        max_length=10,
        choices=IdentityStatus.choices,
        blank=True,
        db_default="",
    )
    birth_family_name = models.CharField(_("birth name"), max_length=100, blank=True, db_default="")
    birthplace_code = models.CharField(
        _("birthplace (INSEE code)"), max_length=5, blank=True, db_default=""
    )

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
        constraints = [
            # one record per person: a national identifier is never on two records
            models.UniqueConstraint(
                fields=["ahv_number"],
                condition=~models.Q(ahv_number=""),
                name="patients_unique_ahv_number",
                violation_error_message=_(
                    "Another record already has this AHV number (a duplicate?)."
                ),
            ),
            models.UniqueConstraint(
                fields=["ins_number"],
                condition=~models.Q(ins_number=""),
                name="patients_unique_ins_number",
                violation_error_message=_("Another record already has this INS (a duplicate?)."),
            ),
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
