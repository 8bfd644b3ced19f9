from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cryoneuro.accounts.access import can_access_patient, requires
from cryoneuro.accounts.roles import Perm
from cryoneuro.clinical.eligibility import assess
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get

from . import selectors, services
from .forms import EvaluationForm, ReviewForm, TreatmentFormSet, treatments_from_formset

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest


def _bound_forms(request: AuthenticatedHttpRequest):
    form = EvaluationForm(request.POST or None)
    formset = TreatmentFormSet(request.POST or None, prefix="treatments")
    return form, formset


def _case_from(form, formset, patient):
    if not (form.is_valid() and formset.is_valid()):
        return None
    return form.to_case(treatments_from_formset(formset), patient=patient)


@requires(Perm.EVALUATION_CREATE)
def evaluation_create(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.EVALUATION_CREATE)
    form, formset = _bound_forms(request)
    if request.method == "POST":
        case = _case_from(form, formset, patient)
        if case is not None:
            try:
                evaluation = services.evaluation_create(
                    patient=patient, created_by=request.user, case=case, request=request
                )
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Evaluation saved."))
                return redirect("evaluation_detail", evaluation_id=evaluation.pk)
    else:
        audit_read(request, obj=patient, patient_id=patient.pk)
    return render(
        request,
        "evaluation/form.html",
        {
            "patient": patient,
            "form": form,
            "formset": formset,
            "decision": None,
            "age_years": patient.age_on(timezone.localdate()),
        },
    )


@requires(Perm.EVALUATION_CREATE)
def evaluation_preview(request: AuthenticatedHttpRequest, patient_id: int):
    """htmx: the decision as the form is being filled; nothing is saved."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.EVALUATION_CREATE)
    form, formset = _bound_forms(request)
    case = _case_from(form, formset, patient)
    decision = assess(case) if case is not None else None
    return render(
        request,
        "evaluation/_decision.html",
        {
            "patient": patient,
            "decision": decision,
            "form": form,
            "formset": formset,
            "preview": True,
        },
    )


@requires(Perm.EVALUATION_VIEW)
def evaluation_detail(request: AuthenticatedHttpRequest, evaluation_id: int):
    evaluation = selectors.evaluation_get(user=request.user, evaluation_id=evaluation_id)
    patient = evaluation.patient
    audit_read(request, obj=evaluation, patient_id=patient.pk)
    can_review = (
        evaluation.outcome == "needs_review"
        and evaluation.reviewed_at is None
        and can_access_patient(request.user, Perm.EVALUATION_REVIEW, patient)
    )
    review_form = ReviewForm(request.POST or None) if can_review else None
    if request.method == "POST" and review_form is not None and review_form.is_valid():
        services.evaluation_review(
            evaluation=evaluation,
            reviewed_by=request.user,
            approved=review_form.cleaned_data["approved"],
            note=review_form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, _("Review recorded."))
        return redirect("evaluation_detail", evaluation_id=evaluation.pk)
    return render(
        request,
        "evaluation/detail.html",
        {"evaluation": evaluation, "patient": patient, "review_form": review_form},
    )
