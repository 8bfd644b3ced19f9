from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ItemKind, ItemStatus


class ItemAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(label=_("Label"), required=False, max_length=200)


class ItemUpdateForm(forms.Form):
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *ItemStatus.choices]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
