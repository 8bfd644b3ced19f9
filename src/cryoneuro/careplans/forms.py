from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import GoalStatus, InterventionKind, InterventionStatus, PlanStatus, Provider

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)


class GoalForm(forms.Form):
    description = forms.CharField(label=_("Goal"), max_length=300)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.IN_PROGRESS
    )


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Intervention"), choices=InterventionKind.choices)
    description = forms.CharField(label=_("Details"), max_length=300, required=False)
    provider = forms.ChoiceField(label=_("Provided"), choices=Provider.choices)
    provider_name = forms.CharField(label=_("Provider"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("End"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns, typed without None
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", _("The end cannot precede the start."))
        return data


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    followup_item = forms.TypedChoiceField(
        label=_("At follow-up"), required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast("forms.TypedChoiceField", self.fields["followup_item"]).choices = [("", "—")] + [
            (i.pk, f"{i.display_label} ({formats.date_format(i.due_date, 'SHORT_DATE_FORMAT')})")
            for i in items
        ]
