from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Patient, validate_not_future


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
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())


class PortalAccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, min_length=10
    )
