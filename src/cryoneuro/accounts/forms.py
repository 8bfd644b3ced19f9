from django import forms
from django.utils.translation import gettext_lazy as _

from .roles import STAFF_ROLES, Role


class StaffAccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES]
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        help_text=_("At least 10 characters; the user adds a second factor at first login."),
    )
