from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *AuditAction.choices]
    )
    patient_id = forms.IntegerField(label=_("Patient (internal id)"), required=False, min_value=1)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
