"""Writes of evaluations. The decision always comes from the pure clinical layer."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryoneuro.audit.services import audit_record
from cryoneuro.clinical.eligibility import Case, assess
from cryoneuro.patients.models import Patient

from .models import Evaluation


def _decimal(value: float, step: str) -> Decimal:
    """A float from the clinical layer as the stored decimal (no binary-float residue)."""
    return Decimal(str(value)).quantize(Decimal(step), rounding=ROUND_HALF_UP)


def case_to_model_fields(case: Case) -> dict[str, Any]:
    dn4 = case.dn4.model_dump() if case.dn4 is not None else None
    return {
        "indication": case.indication,
        "pain_location": case.pain_location,
        "side": case.side,
        "pain_duration_months": _decimal(case.pain_duration_months, "0.1"),
        "nrs": case.nrs,
        "dn4": dn4,
        "dn4_score": case.dn4.score if case.dn4 is not None else None,
        "surgery_declined_or_impossible": case.surgery_declined_or_impossible,
        "conservative_treatments": [t.model_dump() for t in case.conservative_treatments],
        "anticoagulants": list(case.anticoagulants),
        "antiplatelets": list(case.antiplatelets),
        "inr": _decimal(case.inr, "0.01") if case.inr is not None else None,
        "platelets_g_per_l": (
            round(case.platelets_g_per_l) if case.platelets_g_per_l is not None else None
        ),
        "skin_state": case.skin_state,
        "cold_conditions": list(case.cold_conditions),
        "pregnancy": case.pregnancy,
        "systemic_inflammatory_disease": case.systemic_inflammatory_disease,
        "steroid_injection_at_site_last_3_months": case.steroid_injection_at_site_last_3_months,
        "target_is_mixed_motor_nerve": case.target_is_mixed_motor_nerve,
        "other_cautions": case.other_cautions,
        "target_nerves": list(case.target_nerves),
        "creatinine_clearance_ml_min": (
            _decimal(case.creatinine_clearance_ml_min, "0.1")
            if case.creatinine_clearance_ml_min is not None
            else None
        ),
        "aspirin_prevention": case.aspirin_prevention or "",
        "lmwh_dose": case.lmwh_dose or "",
        "age_years": case.age_years,
        "consent": case.consent,
        "bleeding_disorder": case.bleeding_disorder,
        "bleeding_disorder_detail": case.bleeding_disorder_detail,
        "aptt_ratio": _decimal(case.aptt_ratio, "0.01") if case.aptt_ratio is not None else None,
        "allergies": [a.model_dump() for a in case.allergies],
        "systemic_infection": case.systemic_infection,
        "previous_sessions_same_target": [
            s.model_dump() for s in case.previous_sessions_same_target
        ],
        "diagnostic_block_relief_pct": (
            _decimal(case.diagnostic_block_relief_pct, "0.1")
            if case.diagnostic_block_relief_pct is not None
            else None
        ),
        "discrete_target_nerve": case.discrete_target_nerve,
    }


def evaluation_to_case(evaluation: Evaluation) -> Case:
    # side and skin_state are plain strings in the model; Case (pydantic) checks the literals.
    return Case(
        indication=evaluation.indication,
        pain_location=evaluation.pain_location,
        side=cast("Any", evaluation.side),
        pain_duration_months=float(evaluation.pain_duration_months),
        nrs=evaluation.nrs,
        dn4=evaluation.dn4,
        surgery_declined_or_impossible=evaluation.surgery_declined_or_impossible,
        conservative_treatments=evaluation.conservative_treatments,
        anticoagulants=evaluation.anticoagulants,
        antiplatelets=evaluation.antiplatelets,
        inr=float(evaluation.inr) if evaluation.inr is not None else None,
        platelets_g_per_l=evaluation.platelets_g_per_l,
        skin_state=cast("Any", evaluation.skin_state),
        cold_conditions=evaluation.cold_conditions,
        pregnancy=evaluation.pregnancy,
        systemic_inflammatory_disease=evaluation.systemic_inflammatory_disease,
        steroid_injection_at_site_last_3_months=evaluation.steroid_injection_at_site_last_3_months,
        target_is_mixed_motor_nerve=evaluation.target_is_mixed_motor_nerve,
        other_cautions=evaluation.other_cautions,
        target_nerves=evaluation.target_nerves,
        creatinine_clearance_ml_min=(
            float(evaluation.creatinine_clearance_ml_min)
            if evaluation.creatinine_clearance_ml_min is not None
            else None
        ),
        aspirin_prevention=cast("Any", evaluation.aspirin_prevention or None),
        lmwh_dose=cast("Any", evaluation.lmwh_dose or None),
        # Safety facts: evaluations made before rule set 2026.12.1 lack them (None/blank),
        # which Case refuses - such an evaluation cannot be re-assessed without asking them.
        age_years=cast("Any", evaluation.age_years),
        consent=cast("Any", evaluation.consent or None),
        bleeding_disorder=cast("Any", evaluation.bleeding_disorder or None),
        bleeding_disorder_detail=evaluation.bleeding_disorder_detail,
        aptt_ratio=float(evaluation.aptt_ratio) if evaluation.aptt_ratio is not None else None,
        allergies=evaluation.allergies,
        systemic_infection=cast("Any", evaluation.systemic_infection),
        previous_sessions_same_target=evaluation.previous_sessions_same_target,
        diagnostic_block_relief_pct=(
            float(evaluation.diagnostic_block_relief_pct)
            if evaluation.diagnostic_block_relief_pct is not None
            else None
        ),
        discrete_target_nerve=evaluation.discrete_target_nerve,
    )


def case_record_errors(*, patient: Patient, case: Case) -> dict[str, list[str]]:
    """Where the case contradicts the patient's record: the age must be the one the date
    of birth gives today, the allergies the ones on the record (edit the record first), and
    a pregnancy needs a sex on record that is not male ("other"/"unknown" are accepted:
    the record's sex is administrative and may not be the sex at birth)."""
    errors: dict[str, list[str]] = {}
    age = patient.age_on(timezone.localdate())
    if case.age_years != age:
        errors["age_years"] = [
            _("The age (%(given)s) does not match the date of birth on the record (%(age)s).")
            % {"given": case.age_years, "age": age}
        ]
    if case.pregnancy and patient.sex == "male":
        errors["pregnancy"] = [
            _(
                "Pregnancy is ticked but the record gives the patient's sex as male: "
                "correct the record or untick pregnancy."
            )
        ]
    recorded = sorted((a.substance, a.detail.casefold()) for a in patient.allergy_list)
    given = sorted((a.substance, a.detail.casefold()) for a in case.allergies)
    if recorded != given:
        errors["allergies"] = [
            _(
                "The allergies differ from the patient's record (%(record)s): update the "
                "record first."
            )
            % {"record": patient.allergy_display or _("none recorded")}
        ]
    return errors


@transaction.atomic
def evaluation_create(*, patient: Patient, created_by: Any, case: Case, request=None) -> Evaluation:
    """Assess and store; a case that contradicts the record (age, allergies) is refused
    with a ValidationError naming the field, and nothing is saved."""
    errors = case_record_errors(patient=patient, case=case)
    if errors:
        raise ValidationError(errors)
    decision = assess(case)
    evaluation = Evaluation(
        patient=patient,
        created_by=created_by,
        outcome=decision.outcome,
        decision=decision.to_dict(),
        ruleset_version=decision.ruleset_version,
        **case_to_model_fields(case),
    )
    evaluation.full_clean()
    evaluation.save()
    audit_record(
        actor=created_by,
        action="create",
        request=request,
        obj=evaluation,
        patient_id=patient.pk,
        detail={"outcome": evaluation.outcome},
    )
    return evaluation


@transaction.atomic
def evaluation_review(
    *, evaluation: Evaluation, reviewed_by: Any, approved: bool, note: str, request=None
) -> Evaluation:
    """A physician's decision on an evaluation that needed specialist review."""
    if evaluation.outcome != "needs_review":
        raise ValueError("Only an evaluation that needs review can be reviewed.")
    if not note.strip():
        raise ValueError("A review needs a note giving its reasons.")
    evaluation.reviewed_by = reviewed_by
    evaluation.reviewed_at = timezone.now()
    evaluation.review_approved = approved
    evaluation.review_note = note.strip()
    evaluation.save(update_fields=["reviewed_by", "reviewed_at", "review_approved", "review_note"])
    audit_record(
        actor=reviewed_by,
        action="update",
        request=request,
        obj=evaluation,
        patient_id=evaluation.patient_id,
        detail={"review_approved": approved},
    )
    return evaluation
