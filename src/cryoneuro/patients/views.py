"""Patient pages: thin views that parse, call a service or selector, and render."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cryoneuro.accounts.access import can_access_patient, requires
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.audit import audit_read
from cryoneuro.core.plugins import patient_sections

from . import selectors, services
from .country import identifier_rows
from .forms import AllergyForm, PatientForm, PatientSearchForm, PortalAccountForm

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest


@requires(Perm.PATIENT_LIST)
def patient_list(request: AuthenticatedHttpRequest):
    form = PatientSearchForm(request.GET or None)
    patients = []
    searched = False
    if form.is_valid():
        query = form.cleaned_data["q"] or ""
        birth_date = form.cleaned_data["birth_date"]
        searched = bool(query or birth_date)
        patients = list(
            selectors.patient_search(user=request.user, query=query, birth_date=birth_date)[:100]
        )
        audit_read(
            request,
            object_type="patients.patient",
            detail={"query": query, "birth_date": str(birth_date or ""), "results": len(patients)},
            action="search",
        )
    context = {"form": form, "patients": patients, "searched": searched}
    if request.htmx:
        return render(request, "patients/list.html#results", context)
    return render(request, "patients/list.html", context)


@requires(Perm.PATIENT_CREATE)
def patient_create(request: AuthenticatedHttpRequest):
    form = PatientForm(request.POST or None)
    duplicates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # identity vigilance: a record that may be this person is shown first; the user
        # confirms it is someone else (kept in the audit entry) or opens that record
        duplicates = selectors.patient_possible_duplicates(
            user=request.user,
            family_name=data["family_name"],
            given_name=data["given_name"],
            birth_date=data["birth_date"],
            birth_family_name=data.get("birth_family_name") or "",
        )
        if duplicates and request.POST.get("not_a_duplicate") != "yes":
            audit_read(
                request,
                object_type="patients.patient",
                detail={"duplicate_check": True, "results": len(duplicates)},
                action="search",
            )
            return render(
                request,
                "patients/form.html",
                {"form": form, "creating": True, "duplicates": duplicates},
            )
        try:
            patient = services.patient_create(
                created_by=request.user,
                request=request,
                duplicates_dismissed=[d.pk for d in duplicates] or None,
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Patient %(name)s registered.") % {"name": patient.full_name}
            )
            return redirect("patient_detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "creating": True})


@requires(Perm.PATIENT_VIEW)
def patient_detail(request: AuthenticatedHttpRequest, patient_id: int):
    patient = selectors.patient_get(user=request.user, patient_id=patient_id)
    audit_read(request, obj=patient, patient_id=patient.pk)
    return render(
        request,
        "patients/detail.html",
        {
            "patient": patient,
            "identifiers": identifier_rows(patient),
            "sections": patient_sections(request, patient),
            "can_edit": can_access_patient(request.user, Perm.PATIENT_EDIT, patient),
            "can_export": can_access_patient(request.user, Perm.PATIENT_EXPORT, patient),
            "portal_form": PortalAccountForm()
            if (
                patient.user_id is None
                and can_access_patient(request.user, Perm.PATIENT_EDIT, patient)
            )
            else None,
        },
    )


@requires(Perm.PATIENT_EDIT)
def patient_edit(request: AuthenticatedHttpRequest, patient_id: int):
    patient = selectors.patient_get(
        user=request.user, patient_id=patient_id, perm=Perm.PATIENT_EDIT
    )
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(
                patient=patient, updated_by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("patient_detail", patient_id=patient.pk)
    if request.method == "GET":
        audit_read(request, obj=patient, patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "patient": patient})


@requires(Perm.PATIENT_EDIT)
def patient_portal_account(request: AuthenticatedHttpRequest, patient_id: int):
    patient = selectors.patient_get(
        user=request.user, patient_id=patient_id, perm=Perm.PATIENT_EDIT
    )
    form = PortalAccountForm(request.POST or None)
    if request.method == "POST" and patient.user_id is None and form.is_valid():
        try:
            services.patient_portal_account_create(
                patient=patient, created_by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "Portal account created: an invitation to choose a password was sent to %(email)s."
                )
                % {"email": patient.email},
            )
    elif request.method == "POST":
        for field_errors in form.errors.values():
            for field_error in field_errors:
                messages.error(request, str(field_error))
    return redirect("patient_detail", patient_id=patient.pk)


@requires(Perm.PATIENT_EXPORT)
def patient_export(request: AuthenticatedHttpRequest, patient_id: int):
    patient = selectors.patient_get(
        user=request.user, patient_id=patient_id, perm=Perm.PATIENT_EXPORT
    )
    data = selectors.patient_export(patient=patient)
    audit_read(request, obj=patient, patient_id=patient.pk, action="export")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{patient.identifier}.json"'
    return response


@requires(Perm.PATIENT_EDIT)
def patient_allergies(request: AuthenticatedHttpRequest, patient_id: int):
    """The record's allergies (shown in the banner of every page of this patient)."""
    patient = selectors.patient_get(
        user=request.user, patient_id=patient_id, perm=Perm.PATIENT_EDIT
    )
    form = AllergyForm.for_patient(patient, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_allergies_set(
                patient=patient,
                allergies=form.allergies(),
                updated_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Allergies recorded."))
            return redirect("patient_detail", patient_id=patient.pk)
    if request.method == "GET":
        audit_read(request, obj=patient, patient_id=patient.pk)
    return render(request, "patients/allergies.html", {"form": form, "patient": patient})
