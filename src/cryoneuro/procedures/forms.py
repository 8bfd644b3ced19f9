"""Forms of the procedure checklist. The same forms validate the API's input, so a step
has one set of rules whichever way it is recorded."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cryoneuro.clinical.nerves import NERVES

from .models import AdverseEventGrade, AdverseEventKind, AdverseEventSource, Cryogen, StepCode
from .services import adverse_event_input_errors

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
IMAGING = [("ultrasound", _("Ultrasound")), ("ct", _("CT")), ("fluoroscopy", _("Fluoroscopy"))]
POSITIONS = [
    ("supine", _("Supine")),
    ("prone", _("Prone")),
    ("lateral", _("Lateral")),
    ("sitting", _("Sitting")),
]
ANTISEPTICS = [
    ("chlorhexidine_alcohol", _("Alcoholic chlorhexidine")),
    ("povidone_iodine_alcohol", _("Alcoholic povidone-iodine")),
    ("other", _("Other")),
]
ANAESTHETICS = [
    ("lidocaine_1", _("Lidocaine 1 %")),
    ("lidocaine_2", _("Lidocaine 2 %")),
    ("ropivacaine", _("Ropivacaine")),
    ("other", _("Other")),
]
SIDES = [
    ("left", _("Left")),
    ("right", _("Right")),
    ("bilateral", _("Bilateral")),
    ("midline", _("Midline")),
]
MOTOR = [("", "—"), ("normal", _("Normal")), ("reduced", _("Reduced")), ("absent", _("Absent"))]


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def _yes(value: str) -> bool:
    return value == "yes"


def yes_no(label, **kwargs) -> forms.TypedChoiceField:
    """A yes/no question with no default (issue 11): two radio buttons, neither checked,
    and an unanswered question is a field error."""
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=_yes, widget=forms.RadioSelect, **kwargs
    )


def nerve_choices():
    lang = _lang()
    return [("", "—")] + [(code, n.name(lang)) for code, n in NERVES.items()]


class StepForm(forms.Form):
    """Base: the time the step was done (clinic time, today's procedure date)."""

    at = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 1}),
        help_text=_("Leave empty for now."),
    )

    def __init__(self, *args, procedure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure

    def step_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "at"}


class PreCheckForm(StepForm):
    """The sign-in before the procedure: WHO Surgical Safety Checklist 2008 ("sign in":
    identity, site, consent, site marked, known allergy) with two patient identifiers
    (Joint Commission NPSG.01.01.01), and the cryoneurolysis-specific stops. Every
    question must be answered: none has a default."""

    identity_confirmed = yes_no(
        _("Identity confirmed by the patient with two identifiers (name and date of birth)")
    )
    site_side_confirmed = yes_no(_("Site and side confirmed with the patient"))
    site_marked = yes_no(_("Site marked"))
    consent_signed = yes_no(_("Consent form signed"))
    anticoagulation_taken = yes_no(_("Anticoagulant or antiplatelet taken against instructions"))
    infection_at_site = yes_no(_("Infection or wound at the site"))
    allergies_confirmed = yes_no(
        _("Allergies on the record re-confirmed with the patient (see the banner)"),
        help_text=_("If they changed, correct the record first, then confirm."),
    )
    baseline_nrs = forms.IntegerField(label=_("Pain now (NRS 0-10)"), min_value=0, max_value=10)
    physician_clearance = forms.CharField(
        label=_("Physician's clearance (reasons)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only a physician's clearance lets the procedure go on after anticoagulation was taken."
        ),
    )

    def __init__(self, *args, procedure=None, **kwargs):
        super().__init__(*args, procedure=procedure, **kwargs)
        if procedure is None:
            return
        patient = procedure.patient
        born = formats.date_format(patient.birth_date, "SHORT_DATE_FORMAT")
        self.fields["identity_confirmed"].help_text = _(
            "On the record: %(name)s, born %(born)s."
        ) % {"name": patient.full_name, "born": born}
        side = dict(SIDES).get(procedure.side, procedure.side)
        self.fields["site_side_confirmed"].help_text = _("Planned: %(site)s, %(side)s.") % {
            "site": procedure.site_label,
            "side": side,
        }


class ImagingForm(StepForm):
    modality = forms.ChoiceField(label=_("Imaging modality"), choices=IMAGING)
    nerve_identified = yes_no(_("Target nerve identified"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PositioningForm(StepForm):
    position = forms.ChoiceField(label=_("Position"), choices=POSITIONS)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DisinfectionForm(StepForm):
    antiseptic = forms.ChoiceField(label=_("Antiseptic"), choices=ANTISEPTICS)


class AnaesthesiaForm(StepForm):
    agent = forms.ChoiceField(label=_("Agent"), choices=ANAESTHETICS)
    volume_ml = forms.DecimalField(
        label=_("Volume (mL)"), min_value=0.1, max_value=40, decimal_places=1
    )

    def step_data(self) -> dict:
        data = super().step_data()
        data["volume_ml"] = float(data["volume_ml"])
        return data


class InsertionForm(StepForm):
    guidance = forms.ChoiceField(label=_("Guidance"), choices=IMAGING)
    tip_confirmed = yes_no(_("Probe tip seen next to the nerve"))


class ProbeRemovalForm(StepForm):
    haemostasis = yes_no(_("Haemostasis obtained"))
    dressing = yes_no(_("Dressing applied"))


class SurveillanceForm(StepForm):
    nrs = forms.IntegerField(label=_("Pain (NRS 0-10)"), min_value=0, max_value=10)
    heart_rate = forms.IntegerField(label=_("Heart rate (/min)"), min_value=20, max_value=250)
    systolic = forms.IntegerField(label=_("Systolic BP (mmHg)"), min_value=50, max_value=260)
    diastolic = forms.IntegerField(label=_("Diastolic BP (mmHg)"), min_value=20, max_value=160)
    spo2 = forms.IntegerField(label=_("SpO2 (%)"), min_value=50, max_value=100)
    motor_check = forms.ChoiceField(
        label=_("Motor check of the limb"),
        choices=MOTOR,
        required=False,
        help_text=_("Required when a mixed nerve was treated."),
    )
    minutes = forms.IntegerField(label=_("Surveillance duration (min)"), min_value=0, max_value=600)

    def __init__(self, *args, mixed_nerve: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.mixed_nerve = mixed_nerve
        if mixed_nerve:
            self.fields["motor_check"].required = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns, typed without None
        if (
            data.get("systolic") is not None
            and data.get("diastolic") is not None
            and data["diastolic"] >= data["systolic"]
        ):
            self.add_error("diastolic", _("The diastolic pressure must be below the systolic."))
        return data


class DischargeForm(StepForm):
    advice_given = yes_no(_("Written advice given in the patient's language"))
    accompanied = yes_no(_("Accompanied home"))

    def clean_advice_given(self):
        value = self.cleaned_data["advice_given"]
        if not value:
            raise forms.ValidationError(_("The written advice must be given before discharge."))
        return value


STEP_FORMS: dict[str, type[StepForm]] = {
    StepCode.PRE_CHECK: PreCheckForm,
    StepCode.IMAGING: ImagingForm,
    StepCode.POSITIONING: PositioningForm,
    StepCode.DISINFECTION: DisinfectionForm,
    StepCode.ANAESTHESIA: AnaesthesiaForm,
    StepCode.INSERTION: InsertionForm,
    StepCode.PROBE_REMOVAL: ProbeRemovalForm,
    StepCode.SURVEILLANCE: SurveillanceForm,
    StepCode.DISCHARGE: DischargeForm,
}


class CheckInForm(forms.Form):
    """Admission starts from the day's appointment (issue 11): the booking is chosen (the
    day's one preselected) or the nurse says why there is none; the nerves come from the
    plans (or the booking) and are changed by hand only with a reason."""

    appointment = forms.TypedChoiceField(
        label=_("Appointment"), required=False, coerce=int, empty_value=None, choices=[]
    )
    no_appointment_reason = forms.CharField(
        label=_("Why there is no appointment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when no appointment is chosen."),
    )
    site_label = forms.CharField(label=_("Treated site"), max_length=200)
    side = forms.ChoiceField(label=_("Side"), choices=SIDES)
    plan_id = forms.IntegerField(label=_("Treatment plan number"), required=False, min_value=1)
    planned_nerves = forms.MultipleChoiceField(
        label=_("Change the planned nerves"),
        required=False,
        choices=nerve_choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty to take the nerves of the plans (or of the appointment)."),
    )
    nerves_change_reason = forms.CharField(
        label=_("Why the nerves differ from the plan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, appointments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [("", _("No appointment"))]
        for a in appointments:
            when = formats.date_format(timezone.localtime(a.start), "SHORT_DATETIME_FORMAT")
            choices.append((a.pk, f"{when} · {a.type.label}"))
        cast("forms.TypedChoiceField", self.fields["appointment"]).choices = choices


class NerveForm(forms.Form):
    nerve_code = forms.ChoiceField(label=_("Nerve"), choices=nerve_choices)
    level = forms.CharField(label=_("Level"), required=False, max_length=40)
    probe = forms.CharField(label=_("Probe"), max_length=100)
    cryogen = forms.ChoiceField(label=_("Cryogen"), choices=Cryogen.choices)
    change_reason = forms.CharField(
        label=_("Why this nerve (not planned)"),
        required=False,
        max_length=2000,
        help_text=_("Required for a nerve that is not in the plan."),
    )


class CycleForm(forms.Form):
    freeze_start = forms.TimeField(
        label=_("Freeze start"), widget=forms.TimeInput(attrs={"type": "time", "step": 1})
    )
    freeze_stop = forms.TimeField(
        label=_("Freeze stop"), widget=forms.TimeInput(attrs={"type": "time", "step": 1})
    )
    thaw_stop = forms.TimeField(
        label=_("Thaw stop"), widget=forms.TimeInput(attrs={"type": "time", "step": 1})
    )
    min_temperature_c = forms.DecimalField(
        label=_("Lowest console temperature (°C)"), min_value=-200, max_value=40, decimal_places=1
    )
    thaw_temperature_c = forms.DecimalField(
        label=_("Temperature at end of thaw (°C)"),
        required=False,
        min_value=-200,
        max_value=45,
        decimal_places=1,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns, typed without None
        start, stop, thaw = (
            data.get("freeze_start"),
            data.get("freeze_stop"),
            data.get("thaw_stop"),
        )
        if start and stop and stop <= start:
            self.add_error("freeze_stop", _("The freeze must stop after it starts."))
        if stop and thaw and thaw <= stop:
            self.add_error("thaw_stop", _("The thaw must end after the freeze stops."))
        return data


class CycleCorrectForm(CycleForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=2000)


class CycleStrikeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for striking it out"), max_length=2000)


class CloseForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Why the procedure is closed with steps missing"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AdverseEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=AdverseEventKind.choices)
    grade = forms.TypedChoiceField(
        label=_("Severity grade"), choices=AdverseEventGrade.choices, coerce=int
    )
    onset_date = forms.DateField(label=_("Onset"), widget=forms.DateInput(attrs={"type": "date"}))
    resolved_date = forms.DateField(
        label=_("Resolution"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.ChoiceField(label=_("Recorded from"), choices=AdverseEventSource.choices)
    nerve = forms.TypedChoiceField(
        label=_("Treated nerve"), required=False, coerce=int, empty_value=None, choices=[]
    )
    # no max_length here: a browser would cut pasted text at the maxlength attribute
    # without a word; the service refuses text past its limit with a field error
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, nerves=(), **kwargs):
        super().__init__(*args, **kwargs)
        lang = _lang()
        labels = []
        for n in nerves:
            item = NERVES.get(n.nerve_code)
            name = item.name(lang) if item else n.nerve_code
            labels.append((n.pk, f"{name} {n.level} · {n.procedure.checked_in_at:%d/%m/%Y}"))
        cast("forms.TypedChoiceField", self.fields["nerve"]).choices = [("", "—"), *labels]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns, typed without None
        onset, resolved = data.get("onset_date"), data.get("resolved_date")
        if onset and resolved and resolved < onset:
            self.add_error("resolved_date", _("The resolution cannot precede the onset."))
        if onset:
            errors = adverse_event_input_errors(
                onset_date=onset, resolved_date=resolved, description=data.get("description", "")
            )
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field, message)
        return data
