from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .country import ALL_COUNTRY_FIELDS, active_fields, clean_identifiers
from .models import Patient, validate_not_future

ALLERGY_CHOICES = [
    ("amide_local_anaesthetic", _("Amide local anaesthetics (lidocaine, ropivacaine…)")),
    ("ester_local_anaesthetic", _("Ester local anaesthetics (procaine, tetracaine…)")),
    ("chlorhexidine", _("Chlorhexidine")),
    ("povidone_iodine", _("Povidone-iodine")),
    ("latex", _("Latex")),
    ("other", _("Other")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# how each is written (the shapes of cryoneuro.countries' published examples)
PLACEHOLDERS = {
    "ahv_number": "756.xxxx.xxxx.xx",
    "birthplace_code": "75056",
}
TYPED_WITH_SEPARATORS = ("ahv_number", "insurance_card_number", "insurer_number", "ins_number")


class PatientForm(forms.ModelForm):
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput(), validators=[validate_not_future]
    )

    class Meta:
        model = Patient
        fields = [
            "family_name",
            "given_name",
            "birth_date",
            "sex",
            "email",
            "phone",
            "preferred_language",
            "referring_physician",
            "consent_data_processing",
            *ALL_COUNTRY_FIELDS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # only the clinic's country's identifiers (CRYONEURO_COUNTRY); the service checks
        # them and names the failed check in a field error
        shown = set(active_fields())
        for name in ALL_COUNTRY_FIELDS:
            if name not in shown:
                del self.fields[name]
        # typed with their separators (756.9217.0769.85, 2 06 12 75 111 005 64): stored
        # without them, so the stored length is no limit on what is typed
        for name in TYPED_WITH_SEPARATORS:
            if name in self.fields:
                typed = self.fields[name]
                typed.max_length = 32  # type: ignore[attr-defined]
                typed.validators = [
                    v for v in typed.validators if not isinstance(v, MaxLengthValidator)
                ]
                typed.widget.attrs["maxlength"] = "32"
        for name, example in PLACEHOLDERS.items():
            if name in self.fields:
                self.fields[name].widget.attrs["placeholder"] = example
        if "ins_identity_status" in self.fields and not self.instance.pk:
            self.fields["ins_identity_status"].initial = "provisoire"

    def clean(self):
        """The identifiers checked by the country profile: a field error naming the check
        that failed (the service checks them again, for the API)."""
        data = super().clean() or {}
        values = {name: data.get(name) or "" for name in ALL_COUNTRY_FIELDS if name in self.fields}
        given_name = (data.get("given_name") or "").split()
        try:
            cleaned = clean_identifiers(
                values,
                sex=data.get("sex") or "",
                birth_date=data.get("birth_date"),
                traits={
                    "birth_family_name": values.get("birth_family_name") or data.get("family_name"),
                    "first_given_name": given_name[0] if given_name else "",
                    "birth_date": data.get("birth_date"),
                    "sex": data.get("sex"),
                },
            )
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                if name in self.fields:
                    self.add_error(name, errors)
                else:
                    self.add_error(None, errors)
        else:
            data.update(cleaned)
        return data


class PatientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or identifier"), required=False, max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"],
    )


class PortalAccountForm(forms.Form):
    """A username only: the patient chooses the password from the invitation e-mail."""

    username = forms.CharField(label=_("Username"), max_length=150)


class AllergyForm(forms.Form):
    """The record's allergies: tick none to record "no known allergy"."""

    substances = forms.MultipleChoiceField(
        label=_("Known allergies"),
        choices=ALLERGY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_detail = forms.CharField(
        label=_("Other allergen"),
        required=False,
        max_length=200,
        help_text=_("Required when “Other” is ticked."),
    )

    @classmethod
    def for_patient(cls, patient: Patient, data=None) -> AllergyForm:
        items = patient.allergies or []
        initial = {
            "substances": [a["substance"] for a in items],
            "other_detail": next((a["detail"] for a in items if a["substance"] == "other"), ""),
        }
        return cls(data, initial=initial)

    def clean(self):
        data = super().clean() or {}
        substances = data.get("substances") or []
        detail = (data.get("other_detail") or "").strip()
        if "other" in substances and not detail:
            self.add_error("other_detail", _("Name the allergen (kind “other”)."))
        if detail and "other" not in substances:
            self.add_error("other_detail", _("An allergen is named but “Other” is not ticked."))
        return data

    def allergies(self) -> list[dict[str, str]]:
        substances = self.cleaned_data.get("substances") or []
        detail = (self.cleaned_data.get("other_detail") or "").strip()
        return [{"substance": s, "detail": detail if s == "other" else ""} for s in substances]
