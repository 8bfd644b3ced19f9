from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cryoneuro.clinical.nerves import NERVES
from cryoneuro.core.labels import nerve_name

from . import availability
from .models import AppointmentType, ExceptionKind, Resource, ResourceKind, Weekday

if TYPE_CHECKING:
    from cryoneuro.accounts.models import User


def parse_start(value: str) -> datetime | None:
    """An ISO date-time; naive ones are in the clinic's zone."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=availability.clinic_zone())
    return moment


class SlotField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        moment = parse_start(value)
        if moment is None:
            raise forms.ValidationError(_("Enter a valid date and time."), code="invalid")
        return moment


def _nerve_choices():
    """The catalog nerves named in the reader's language (the choices are built per form)."""
    return [(code, nerve_name(code)) for code in NERVES]


class SlotSearchForm(forms.Form):
    type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.all(),
        to_field_name="code",
        label=_("Type"),
        empty_label=None,
    )
    practitioner = forms.ModelChoiceField(
        queryset=Resource.objects.filter(kind=ResourceKind.PRACTITIONER, active=True),
        required=False,
        label=_("Physician"),
        empty_label=_("Any physician"),
    )
    nerve_codes = forms.MultipleChoiceField(
        choices=_nerve_choices, required=False, label=_("Target nerves (procedure)")
    )
    after = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )


class BookForm(SlotSearchForm):
    start = SlotField(label=_("Start"), required=True)
    duration_minutes = forms.IntegerField(
        required=False, min_value=5, max_value=480, label=_("Duration (minutes)")
    )
    note = forms.CharField(required=False, max_length=300, label=_("Note"))


class MoveForm(forms.Form):
    start = SlotField(label=_("New start"), required=True)


class RequestForm(forms.Form):
    preferences = forms.CharField(
        required=False, max_length=300, label=_("Preferred days and times")
    )
    message = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Message for the clinic"),
    )


class ClosureForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What"),
        choices=[("block", _("Internal block (busy, not an appointment)")), *ExceptionKind.choices],
    )
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.filter(active=True),
        required=False,
        label=_("Resource"),
        empty_label=_("Whole clinic"),
    )
    start = SlotField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = SlotField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(required=False, max_length=200, label=_("Reason"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns, typed without None
        if data.get("what") == "block" and not data.get("resource"):
            self.add_error("resource", _("An internal block is for one resource."))
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data


class HoursForm(forms.Form):
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.filter(active=True), label=_("Resource")
    )
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label=_("Day"))
    opens = forms.TimeField(label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"}))


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(choices=ResourceKind.choices, label=_("Kind"))
    name = forms.CharField(max_length=100, label=_("Name"))
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Physician's account"),
        help_text=_("For a physician: their calendar follows their account."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        user_field = cast("forms.ModelChoiceField[User]", self.fields["user"])
        user_field.queryset = get_user_model().objects.filter(
            role="physician", is_active=True, scheduling_resource__isnull=True
        )
