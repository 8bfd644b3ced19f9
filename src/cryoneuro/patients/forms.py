from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
        ]


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
