"""The evaluation form: Django fields give French/English field errors for impossible
values; the clinical layer's :class:`Case` then checks the whole case."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticValidationError

from cryoneuro.clinical.eligibility import Case
from cryoneuro.clinical.indications import INDICATIONS
from cryoneuro.clinical.nerves import NERVES
from cryoneuro.clinical.questionnaires import DN4_ITEMS
from cryoneuro.core.api import pydantic_message
from cryoneuro.patients.forms import ALLERGY_CHOICES

from .models import BleedingDisorder, Consent, Side, SkinState

__all__ = ["ALLERGY_CHOICES", "SESSION_OUTCOMES", "EvaluationForm", "ReviewForm"]
SESSION_OUTCOMES = [
    ("good_relief", _("Good relief")),
    ("partial_relief", _("Partial relief")),
    ("failed", _("Failed")),
]

TRI_STATE = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]
COLD_CONDITIONS = [
    ("raynaud", _("Raynaud's disease or phenomenon")),
    ("cryoglobulinaemia", _("Cryoglobulinaemia")),
    ("cold_urticaria", _("Cold urticaria")),
    ("cold_agglutinin_disease", _("Cold agglutinin disease")),
    ("paroxysmal_cold_haemoglobinuria", _("Paroxysmal cold haemoglobinuria")),
    ("buerger_disease", _("Buerger's disease (thromboangiitis obliterans)")),
    ("sickle_cell_disease", _("Sickle-cell disease")),
    ("previous_cold_injury_at_site", _("Previous cold injury (frostbite) at the site")),
]
# The clinical layer's contradiction messages (cryoneuro.clinical.safety), kept here so that
# `make messages` extracts them (the clinical layer is not scanned): the form and the API
# translate them.
CLINICAL_MESSAGES = (
    gettext_noop(
        "An aPTT ratio is recorded but no bleeding disorder: choose the disorder, or leave "
        "the aPTT empty."
    ),
    gettext_noop("Describe the bleeding disorder (kind “other”)."),
    gettext_noop("Name the allergen (kind “other”)."),
    gettext_noop("The same allergy is listed twice."),
)
TREATMENT_KINDS = [
    ("medication", _("Medication")),
    ("opioid", _("Opioid")),
    ("infiltration", _("Infiltration")),
    ("physiotherapy", _("Physiotherapy")),
    ("tens", _("TENS")),
    ("psychotherapy", _("Psychotherapy / CBT")),
    ("other", _("Other")),
]
TREATMENT_RESULTS = [
    ("no_relief", _("No relief")),
    ("partial_relief", _("Partial relief")),
    ("good_relief", _("Good relief")),
    ("not_tolerated", _("Not tolerated")),
]


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def indication_choices():
    lang = "en" if (get_language() or "fr").startswith("en") else "fr"
    return [("", "—")] + [(code, item.label(lang)) for code, item in INDICATIONS.items()]


def nerve_choices():
    lang = "en" if (get_language() or "fr").startswith("en") else "fr"
    return [(code, item.name(lang)) for code, item in NERVES.items()]


class TreatmentForm(forms.Form):
    # Blank first choices keep untouched extra rows "unchanged", so they are skipped.
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *TREATMENT_KINDS])
    name = forms.CharField(label=_("Name"), max_length=120)
    dose = forms.CharField(label=_("Dose"), max_length=120, required=False)
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—"), *TREATMENT_RESULTS])


TreatmentFormSet = forms.formset_factory(TreatmentForm, extra=3, max_num=20, validate_max=True)


class EvaluationForm(forms.Form):
    indication = forms.ChoiceField(label=_("Indication"), choices=indication_choices)
    pain_location = forms.CharField(label=_("Pain location"), max_length=200)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    pain_duration_months = forms.DecimalField(
        label=_("Pain duration (months)"), min_value=0, max_value=1200, decimal_places=1
    )
    nrs = forms.IntegerField(label=_("Pain intensity, NRS 0-10"), min_value=0, max_value=10)
    dn4_assessed = forms.BooleanField(label=_("DN4 questionnaire completed"), required=False)
    surgery_declined_or_impossible = forms.ChoiceField(
        label=_("Surgery declined or impossible"), choices=TRI_STATE, required=False
    )
    anticoagulants = forms.CharField(
        label=_("Anticoagulants (comma-separated)"), max_length=300, required=False
    )
    antiplatelets = forms.CharField(
        label=_("Antiplatelet agents (comma-separated)"), max_length=300, required=False
    )
    inr = forms.DecimalField(
        label=_("Recent INR"), required=False, min_value=0.5, max_value=10, decimal_places=2
    )
    platelets_g_per_l = forms.IntegerField(
        label=_("Recent platelet count (G/L)"), required=False, min_value=0, max_value=2000
    )
    skin_state = forms.ChoiceField(label=_("Skin at the target"), choices=SkinState.choices)
    cold_conditions = forms.MultipleChoiceField(
        label=_("Cold-related conditions"),
        choices=COLD_CONDITIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pregnancy = forms.BooleanField(label=_("Pregnancy"), required=False)
    systemic_inflammatory_disease = forms.BooleanField(
        label=_("Systemic inflammatory disease"), required=False
    )
    steroid_injection_at_site_last_3_months = forms.BooleanField(
        label=_("Corticosteroid injection at the site in the last 3 months"), required=False
    )
    target_is_mixed_motor_nerve = forms.ChoiceField(
        label=_("Target is a mixed (motor) nerve"), choices=TRI_STATE, required=False
    )
    other_cautions = forms.CharField(
        label=_("Other cautions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Safety facts (issue 10). Age and allergies come from the patient's record.
    consent = forms.ChoiceField(
        label=_("Patient's informed consent to cryoneurolysis"),
        # no default: the answer is chosen explicitly
        choices=[("", "—"), *Consent.choices],
    )
    bleeding_disorder = forms.ChoiceField(
        label=_("Known bleeding disorder"), choices=BleedingDisorder.choices
    )
    bleeding_disorder_detail = forms.CharField(
        label=_("Bleeding disorder (detail)"),
        max_length=200,
        required=False,
        help_text=_("Required for “Other bleeding disorder”."),
    )
    aptt_ratio = forms.DecimalField(
        label=_("aPTT ratio (patient/control)"),
        required=False,
        min_value=0.51,
        max_value=10,
        decimal_places=2,
        help_text=_("Only with a known bleeding disorder."),
    )
    systemic_infection = forms.BooleanField(
        label=_("Active systemic infection or fever"), required=False
    )
    previous_good = forms.IntegerField(
        label=_("Previous sessions of the same target: good relief"),
        min_value=0,
        max_value=20,
        initial=0,
        required=False,
    )
    previous_partial = forms.IntegerField(
        label=_("Previous sessions of the same target: partial relief"),
        min_value=0,
        max_value=20,
        initial=0,
        required=False,
    )
    previous_failed = forms.IntegerField(
        label=_("Previous sessions of the same target: failed"),
        min_value=0,
        max_value=20,
        initial=0,
        required=False,
    )
    diagnostic_block_relief_pct = forms.DecimalField(
        label=_("Diagnostic block: relief (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text=_("Leave empty when no diagnostic block was done."),
    )
    discrete_target_nerve = forms.ChoiceField(
        label=_("CRPS: a discrete target nerve is identified"), choices=TRI_STATE, required=False
    )

    # ---- bleeding risk per target (issue 10 part 2): its own fieldset in the template
    target_nerves = forms.MultipleChoiceField(
        label=_("Target nerves (sets the bleeding-risk tier)"),
        choices=nerve_choices,
        required=False,
    )
    creatinine_clearance_ml_min = forms.DecimalField(
        label=_("Creatinine clearance (mL/min)"),
        required=False,
        min_value=0,
        max_value=300,
        decimal_places=1,
    )
    aspirin_prevention = forms.ChoiceField(
        label=_("Aspirin taken for"),
        required=False,
        choices=[
            ("", _("Unknown")),
            ("primary", _("Primary prevention")),
            ("secondary", _("Secondary prevention")),
        ],
    )
    lmwh_dose = forms.ChoiceField(
        label=_("LMWH dose"),
        required=False,
        choices=[
            ("", _("Unknown")),
            ("prophylactic", _("Prophylactic")),
            ("therapeutic", _("Therapeutic")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = "en" if (get_language() or "fr").startswith("en") else "fr"
        for item in DN4_ITEMS:
            self.fields[f"dn4_{item.code}"] = forms.BooleanField(
                label=item.text(lang), required=False
            )

    def dn4_fields(self):
        return [self[f"dn4_{item.code}"] for item in DN4_ITEMS]

    def to_case(self, treatments: list[dict], *, patient=None) -> Case | None:
        """Build the clinical case; on a clinical-layer error, attach it to the field. The
        age and the allergies come from ``patient``'s record."""
        data = self.cleaned_data
        today = timezone.localdate()
        sessions = [
            {"outcome": outcome}
            for key, outcome in (
                ("previous_good", "good_relief"),
                ("previous_partial", "partial_relief"),
                ("previous_failed", "failed"),
            )
            for _n in range(data.get(key) or 0)
        ]
        payload = {
            "indication": data["indication"],
            "pain_location": data["pain_location"],
            "side": data["side"],
            "pain_duration_months": float(data["pain_duration_months"]),
            "nrs": data["nrs"],
            "dn4": (
                {item.code: bool(data.get(f"dn4_{item.code}")) for item in DN4_ITEMS}
                if data.get("dn4_assessed")
                else None
            ),
            "surgery_declined_or_impossible": _tri(data.get("surgery_declined_or_impossible", "")),
            "conservative_treatments": treatments,
            "anticoagulants": _names(data.get("anticoagulants", "")),
            "antiplatelets": _names(data.get("antiplatelets", "")),
            "inr": float(data["inr"]) if data.get("inr") is not None else None,
            "platelets_g_per_l": (
                float(data["platelets_g_per_l"])
                if data.get("platelets_g_per_l") is not None
                else None
            ),
            "skin_state": data["skin_state"],
            "cold_conditions": data.get("cold_conditions", []),
            "pregnancy": data.get("pregnancy", False),
            "systemic_inflammatory_disease": data.get("systemic_inflammatory_disease", False),
            "steroid_injection_at_site_last_3_months": data.get(
                "steroid_injection_at_site_last_3_months", False
            ),
            "target_is_mixed_motor_nerve": _tri(data.get("target_is_mixed_motor_nerve", "")),
            "other_cautions": data.get("other_cautions", ""),
            "target_nerves": data.get("target_nerves", []),
            "creatinine_clearance_ml_min": (
                float(data["creatinine_clearance_ml_min"])
                if data.get("creatinine_clearance_ml_min") is not None
                else None
            ),
            "aspirin_prevention": data.get("aspirin_prevention") or None,
            "lmwh_dose": data.get("lmwh_dose") or None,
            "age_years": patient.age_on(today) if patient is not None else None,
            "consent": data.get("consent"),
            "bleeding_disorder": data.get("bleeding_disorder"),
            "bleeding_disorder_detail": data.get("bleeding_disorder_detail", ""),
            "aptt_ratio": float(data["aptt_ratio"]) if data.get("aptt_ratio") is not None else None,
            "allergies": list(patient.allergies or []) if patient is not None else [],
            "systemic_infection": data.get("systemic_infection", False),
            "previous_sessions_same_target": sessions,
            "diagnostic_block_relief_pct": (
                float(data["diagnostic_block_relief_pct"])
                if data.get("diagnostic_block_relief_pct") is not None
                else None
            ),
            "discrete_target_nerve": _tri(data.get("discrete_target_nerve", "")),
        }
        try:
            return Case(**payload)
        except PydanticValidationError as error:
            for problem in error.errors():
                field = str(problem["loc"][0]) if problem["loc"] else None
                self.add_error(field if field in self.fields else None, pydantic_message(problem))
            return None


def treatments_from_formset(formset) -> list[dict]:
    return [
        {key: form.cleaned_data[key] for key in ("kind", "name", "dose", "result")}
        for form in formset.forms
        if form.cleaned_data and form.cleaned_data.get("name")
    ]


class ReviewForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Decision after review"),
        choices=[("yes", _("Approve cryoneurolysis")), ("no", _("Do not treat"))],
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
