from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from cryoneuro.accounts.access import can_access_patient, requires
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.audit import audit_read
from cryoneuro.core.uploads import refused_upload
from cryoneuro.patients.selectors import patient_get
from cryoneuro.planning import PlanComputationError
from cryoneuro.planning.placement import PlacementError, calibration_spacing

from . import selectors, services, tasks
from .forms import ImageUploadForm, PlanForm, initial_from_plan
from .images import ImageError
from .models import ComputationStatus
from .presenters import plan_context, preview_context
from .report import plan_pdf

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest


@requires(Perm.PLAN_VIEW)
def plan_list_all(request: AuthenticatedHttpRequest):
    plans = list(selectors.plans_recent(user=request.user))
    audit_read(request, object_type="treatmentplans.treatmentplan", detail={"list": "recent"})
    return render(request, "treatmentplans/list_all.html", {"plans": plans})


@requires(Perm.PLAN_VIEW)
def plan_list(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_VIEW)
    all_plans = list(selectors.plans_for_patient(patient=patient))
    plans = [p for p in all_plans if not p.archived]
    audit_read(
        request,
        object_type="treatmentplans.treatmentplan",
        patient_id=patient.pk,
        detail={"list": True},
    )
    return render(
        request,
        "treatmentplans/list.html",
        {
            "patient": patient,
            "plans": plans,
            "archived": [p for p in all_plans if p.archived],
            "can_plan": can_access_patient(request.user, Perm.PLAN_CREATE, patient),
        },
    )


def _image_for(request: AuthenticatedHttpRequest, patient, image_id):
    if not image_id:
        return None
    try:
        _p, image = selectors.image_get(
            user=request.user, patient_id=patient.pk, image_ref=int(image_id), perm=Perm.PLAN_CREATE
        )
    except (ValueError, TypeError):
        return None
    return image


@requires(Perm.PLAN_CREATE)
def plan_create(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_CREATE)
    image_id = request.POST.get("image") or request.GET.get("image")
    initial: dict = {}
    source = None
    if request.method == "GET" and request.GET.get("from"):
        # "New plan" from a plan: start from its inputs, image and marks
        _p, source = selectors.plan_get(
            user=request.user,
            patient_id=patient.pk,
            plan_ref=request.GET["from"],
            perm=Perm.PLAN_CREATE,
        )
        if source is not None:
            initial = initial_from_plan(source)
            if not image_id and source.image_id:
                image_id = str(source.image_id)
    try:
        image = _image_for(request, patient, image_id)
    except Http404:
        image = None
    if request.method == "GET" and request.GET.get("nerve"):
        initial["nerve"] = request.GET["nerve"]  # e.g. from the procedure page
    form = PlanForm(request.POST or None, patient=patient, image=image, initial=initial)
    if request.method == "POST" and form.is_valid():
        inputs = form.to_inputs()
        if inputs is not None:
            marks = form.cleaned_data.get("marks")
            if image is not None and marks and not image.calibrated and marks.get("calibration"):
                try:
                    services.image_calibrate(
                        image=image,
                        mm_per_pixel=calibration_spacing(marks),
                        calibration=marks["calibration"],
                        by=request.user,
                        request=request,
                    )
                except PlacementError as exc:
                    form.add_error(None, exc.message)
            if not form.errors:
                try:
                    computation = tasks.plan_computation_start(
                        patient=patient,
                        created_by=request.user,
                        inputs=inputs,
                        evaluation=form.cleaned_data.get("evaluation"),
                        image=image,
                        placement=form.placement,
                        marks=marks if image is not None else None,
                        procedure_date=form.cleaned_data.get("procedure_date"),
                        form_data=_posted(request),
                        request=request,
                    )
                except ValueError as exc:  # say what to change
                    form.add_error(None, str(exc))
                else:
                    if computation.status == ComputationStatus.FAILED:
                        # Computed at once (no worker: the immediate backend) and refused.
                        form.add_error(None, computation.error)
                    elif computation.plan is not None:
                        return _to_plan(request, computation.plan)
                    else:
                        # The worker computes it; its page polls until the plan is stored.
                        return redirect(
                            "plan_computation", patient_id=patient.pk, computation_id=computation.pk
                        )
    elif request.method == "GET":
        detail: dict = {"page": "plan form"}
        if source is not None:
            detail["from_plan"] = source.pk
        audit_read(request, obj=patient, patient_id=patient.pk, detail=detail)
    return render(
        request,
        "treatmentplans/form.html",
        {
            "patient": patient,
            "form": form,
            "image": image,
            "upload_form": ImageUploadForm(),
            "source_plan": source,
        },
    )


def _posted(request) -> dict[str, list[str]]:
    """The plan form as posted (without the CSRF token), to show it again after a failed
    background computation."""
    return {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}


def _to_plan(request, plan):
    if plan.feasible:
        messages.success(request, _("Plan computed and saved."))
    else:
        messages.warning(
            request, _("Plan saved: no protocol within the limits reaches the target.")
        )
    # the result is what the physician looks at next: land on it
    url = reverse("plan_detail", args=[plan.patient_id, plan.pk])
    if request.htmx:
        return HttpResponseClientRedirect(f"{url}#plan-result")
    return redirect(f"{url}#plan-result")


@requires(Perm.PLAN_CREATE)
def plan_computation(request: AuthenticatedHttpRequest, patient_id: int, computation_id: str):
    """A plan being computed by the task worker: a page that polls (htmx, every second;
    a refresh without JavaScript) until the plan is stored, then lands on it. A failed
    computation shows the form as it was posted with the reason above it, never a 500."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_CREATE)
    computation = selectors.computation_get(patient=patient, computation_id=computation_id)
    if computation.plan is not None:
        return _to_plan(request, computation.plan)
    error = selectors.computation_error(computation)
    if error is not None:
        if request.htmx:  # the whole page, with the form
            return HttpResponseClientRedirect(request.path)
        image = computation.patient.placement_images.filter(
            pk=computation.request.get("image_id")
        ).first()
        data = QueryDict(mutable=True)
        for key, values in (computation.form_data or {}).items():
            data.setlist(key, values)
        form = PlanForm(data, patient=patient, image=image)
        form.is_valid()
        form.add_error(None, error)
        audit_read(
            request,
            obj=patient,
            patient_id=patient.pk,
            detail={"page": "plan form", "computation": str(computation.pk), "failed": True},
        )
        return render(
            request,
            "treatmentplans/form.html",
            {"patient": patient, "form": form, "image": image, "upload_form": ImageUploadForm()},
        )
    ctx = {
        "patient": patient,
        "computation": computation,
        "elapsed": int((timezone.now() - computation.created_at).total_seconds()),
    }
    if request.htmx:  # the status alone: no patient data, so no audit entry per poll
        return render(request, "treatmentplans/_computation_status.html", ctx)
    audit_read(
        request,
        obj=patient,
        patient_id=patient.pk,
        detail={"page": "plan computation", "computation": str(computation.pk)},
    )
    return render(request, "treatmentplans/computation.html", ctx)


@requires(Perm.PLAN_CREATE)
def plan_preview(request: AuthenticatedHttpRequest, patient_id: int):
    """The plan computed from the form as it stands (no sensitivity, nothing saved): the
    isotherms over the image while placing. htmx gets the fragment, a plain POST the
    whole form page with the preview in it."""

    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_CREATE)
    try:
        image = _image_for(request, patient, request.POST.get("image"))
    except Http404:
        image = None
    form = PlanForm(request.POST or None, patient=patient, image=image)
    preview = None
    if request.method == "POST" and form.is_valid():
        inputs = form.to_inputs()
        if inputs is not None:
            try:
                result, _plots = services.compute_plan(
                    inputs=inputs.with_(sensitivity=False),
                    placement=form.placement,
                    with_plot=False,
                )
            except (ValueError, PlanComputationError) as exc:
                form.add_error(None, str(exc))
            else:
                preview = preview_context(result)
    audit_read(
        request,
        obj=patient,
        patient_id=patient.pk,
        detail={"page": "plan preview", "image": image.pk if image else None},
    )
    ctx = {
        "patient": patient,
        "form": form,
        "image": image,
        "preview": preview,
        "upload_form": ImageUploadForm(),
    }
    if request.htmx:
        return render(request, "treatmentplans/_preview.html", ctx)
    return render(request, "treatmentplans/form.html", ctx)


@requires(Perm.PLAN_CREATE)
def image_upload(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_CREATE)
    upload_form = ImageUploadForm(request.POST or None, request.FILES or None)
    error = None
    too_large = refused_upload(request, "file") if request.method == "POST" else None
    if too_large is not None:  # stopped while it was received (cryoneuro.core.uploads)
        upload_form.is_valid()
        upload_form.errors["file"] = upload_form.error_class([too_large])
    elif request.method == "POST" and upload_form.is_valid():
        f = upload_form.cleaned_data["file"]
        try:
            image = services.image_upload(
                patient=patient,
                uploaded_by=request.user,
                data=f.read(),
                filename=f.name,
                request=request,
            )
        except ImageError as exc:
            # Not an image, or one too large to read (issue 13): on the file field.
            upload_form.add_error("file", str(exc))
        else:
            if image.calibrated:
                messages.success(
                    request, _("Image uploaded; its pixel spacing was read from the file.")
                )
            else:
                messages.info(
                    request,
                    _(
                        "Image uploaded. It has no pixel spacing: mark a known distance to calibrate it."
                    ),
                )
            return redirect(f"{_plan_new_url(patient)}?image={image.pk}")
    elif request.method == "POST" and "file" not in request.FILES:
        error = _("Choose an image file (DICOM, PNG or JPEG).")
    form = PlanForm(patient=patient)
    return render(
        request,
        "treatmentplans/form.html",
        {
            "patient": patient,
            "form": form,
            "image": None,
            "upload_form": upload_form,
            "upload_error": error,
        },
        status=400 if error is not None or upload_form.errors else 200,
    )


def _plan_new_url(patient) -> str:

    return reverse("plan_create", args=[patient.pk])


@requires(Perm.PLAN_VIEW)
def image_view(request: AuthenticatedHttpRequest, patient_id: int, image_ref: str):
    patient, image = selectors.image_get(
        user=request.user, patient_id=patient_id, image_ref=image_ref
    )
    if image is None:
        return redirect("plan_list", patient_id=patient.pk)
    audit_read(request, obj=image, patient_id=patient.pk)
    response = FileResponse(image.display.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@requires(Perm.PLAN_VIEW)
def plan_detail(request: AuthenticatedHttpRequest, patient_id: int, plan_ref: str):
    patient, plan = selectors.plan_get(user=request.user, patient_id=patient_id, plan_ref=plan_ref)
    if plan is None:
        return redirect("plan_list", patient_id=patient.pk)
    audit_read(request, obj=plan, patient_id=patient.pk)
    ctx = plan_context(plan)
    ctx["can_plan"] = can_access_patient(request.user, Perm.PLAN_CREATE, patient)
    ctx["plot_lang"] = _plot_lang(request)
    return render(request, "treatmentplans/detail.html", ctx)


@requires(Perm.PLAN_VIEW)
def plan_plot(request: AuthenticatedHttpRequest, patient_id: int, plan_ref: str):
    patient, plan = selectors.plan_get(user=request.user, patient_id=patient_id, plan_ref=plan_ref)
    if plan is None:
        return redirect("plan_list", patient_id=patient.pk)
    lang = _plot_lang(request)
    png = plan.plot_for(lang) or services.plan_plot_missing(plan=plan, lang=lang)
    png = png or plan.plot_for("en") or plan.plot_for("fr")
    if not png:
        return redirect("plan_list", patient_id=patient.pk)
    audit_read(request, obj=plan, patient_id=patient.pk, detail={"part": "plot", "lang": lang})
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _plot_lang(request: AuthenticatedHttpRequest) -> str:
    lang = request.GET.get("lang") or (translation.get_language() or "fr")[:2]
    return lang if lang in ("fr", "en") else "fr"


@requires(Perm.PLAN_CREATE)
def plan_archive(request: AuthenticatedHttpRequest, patient_id: int, plan_ref: str):
    """POST: archive an infeasible plan (``archived=1``) or bring it back (``archived=0``)."""
    patient, plan = selectors.plan_get(
        user=request.user, patient_id=patient_id, plan_ref=plan_ref, perm=Perm.PLAN_CREATE
    )
    if plan is None:
        return redirect("plan_list", patient_id=patient.pk)
    if request.method != "POST":
        return redirect("plan_detail", patient_id=patient.pk, plan_ref=plan.pk)
    archived = request.POST.get("archived", "1") != "0"
    try:
        services.plan_archive(plan=plan, by=request.user, archived=archived, request=request)
    except ValueError:
        messages.error(request, _("A feasible plan cannot be archived."))
    else:
        messages.success(
            request,
            _("Plan archived: it is no longer offered at admission.")
            if archived
            else _("Plan restored."),
        )
    return redirect("plan_detail", patient_id=patient.pk, plan_ref=plan.pk)


@requires(Perm.PLAN_VIEW)
def plan_report(request: AuthenticatedHttpRequest, patient_id: int, plan_ref: str):
    patient, plan = selectors.plan_get(user=request.user, patient_id=patient_id, plan_ref=plan_ref)
    if plan is None:
        return redirect("plan_list", patient_id=patient.pk)
    lang = request.GET.get("lang") or patient.preferred_language or "fr"
    if lang not in ("fr", "en"):
        lang = "fr"

    with translation.override(lang):
        pdf = plan_pdf(plan, lang=lang)
    audit_read(
        request,
        obj=plan,
        patient_id=patient.pk,
        detail={"format": "pdf", "lang": lang},
        action="export",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}-{lang}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def png_data_url(data: bytes | memoryview | None) -> str:
    if not data:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")
