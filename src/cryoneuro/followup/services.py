"""Follow-up writes (schedule, questionnaires, e-mails) and relief tracking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cryoneuro.audit.services import audit_record
from cryoneuro.clinical.outcomes import Session, next_step, relief_course, relief_vs_window
from cryoneuro.clinical.regeneration import personalised_relief_window
from cryoneuro.patients.models import Patient
from cryoneuro.procedures.selectors import local_date, procedure_relief_window

from . import questionnaire as qn
from .models import FollowUpItem, ItemKind, ItemStatus, QuestionnaireResponse, ResponseStatus

DEFAULT_SCHEDULE = [
    {"day": 1, "kind": "call"},
    {"day": 7, "kind": "questionnaire"},
    {"day": 30, "kind": "questionnaire"},
    {"day": 30, "kind": "visit"},
    {"day": 90, "kind": "questionnaire"},
    {"day": 180, "kind": "questionnaire"},
]

EMAIL = {
    "fr": {
        "subject": "{clinic} : votre questionnaire de suivi",
        "body": (
            "Bonjour {name},\n\nVotre questionnaire de suivi après la cryoneurolyse du "
            "{date} est disponible sur votre espace patient :\n{url}\n\nVos réponses "
            "sont enregistrées au fur et à mesure ; vous pouvez y revenir plus tard.\n\n"
            "{clinic}"
        ),
    },
    "en": {
        "subject": "{clinic}: your follow-up questionnaire",
        "body": (
            "Hello {name},\n\nYour follow-up questionnaire after the cryoneurolysis of "
            "{date} is ready in your patient portal:\n{url}\n\nYour answers are saved "
            "as you go; you can come back to it later.\n\n{clinic}"
        ),
    },
}


def _date_in(day: dt.date | dt.datetime, language: str) -> str:
    """A date in ``language``'s short format (cryoneuro/site/formats)."""
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def schedule_template() -> list[dict]:
    return list(getattr(settings, "FOLLOWUP_SCHEDULE", DEFAULT_SCHEDULE))


@transaction.atomic
def schedule_generate(*, procedure, user: Any, request=None) -> list[FollowUpItem]:
    """At discharge: clinic defaults plus a questionnaire at the start of the expected
    end-of-relief window (regrowth model) when no item falls within two weeks of it."""

    patient = procedure.patient
    start = local_date(procedure)
    entries = [(int(e["day"]), e["kind"], e["kind"]) for e in schedule_template()]
    window = procedure_relief_window(procedure)
    if window is not None:
        # the patient's own earlier sessions at this site move the prediction (issue 10)
        window = personalised_relief_window(window, observed_relief_before(procedure))
    if window is not None and getattr(settings, "FOLLOWUP_ADD_WINDOW_ITEM", True):
        day = int(window.end_days[0])
        if not any(abs(d - day) <= 14 for d, k, _ in entries if k == "questionnaire"):
            entries.append((day, "questionnaire", "window"))
    items = []
    for day, kind, label_key in sorted(entries):
        item = FollowUpItem(
            patient=patient,
            procedure=procedure,
            kind=kind,
            day=day,
            due_date=start + dt.timedelta(days=day),
            label_code=label_key,
            instruments=(
                qn.instruments_for(procedure.indication, kind) if kind != ItemKind.VISIT else []
            ),
            created_by=user,
        )
        item.full_clean()
        item.save()
        items.append(item)
    # A new session at the same site supersedes the open items of the earlier ones.
    superseded = FollowUpItem.objects.filter(
        patient=patient,
        procedure__site_label=procedure.site_label,
        procedure__side=procedure.side,
        status__in=[ItemStatus.PLANNED, ItemStatus.SENT],
    ).exclude(procedure=procedure)
    superseded_ids = list(superseded.values_list("pk", flat=True))
    FollowUpItem.objects.filter(pk__in=superseded_ids).update(status=ItemStatus.CANCELLED)
    audit_record(
        actor=user,
        action="create",
        request=request,
        object_type="followup.schedule",
        object_id=str(procedure.pk),
        patient_id=patient.pk,
        detail={"items": len(items), "procedure": procedure.pk, "superseded": superseded_ids},
    )
    return items


@transaction.atomic
def followup_item_add(
    *,
    patient: Patient,
    user: Any,
    kind: str,
    due_date: dt.date,
    label: str = "",
    procedure=None,
    request=None,
) -> FollowUpItem:
    if procedure is None:
        procedure = patient.procedures.order_by("-checked_in_at").first()
    day = None
    if procedure is not None:
        day = (due_date - local_date(procedure)).days
    indication = procedure.indication if procedure else ""
    item = FollowUpItem(
        patient=patient,
        procedure=procedure,
        kind=kind,
        day=day,
        due_date=due_date,
        label=label.strip(),
        label_code="" if label.strip() else kind,
        instruments=(qn.instruments_for(indication, kind) if kind != ItemKind.VISIT else []),
        created_by=user,
    )
    item.full_clean()
    item.save()
    audit_record(actor=user, action="create", request=request, obj=item, patient_id=patient.pk)
    return item


@transaction.atomic
def followup_item_update(
    *,
    item: FollowUpItem,
    user: Any,
    due_date: dt.date | None = None,
    status: str | None = None,
    note: str | None = None,
    request=None,
) -> FollowUpItem:
    changed: dict[str, Any] = {}
    if due_date is not None and due_date != item.due_date:
        item.due_date = due_date
        changed["due_date"] = due_date.isoformat()
    if status is not None and status != item.status:
        if status not in ItemStatus.values:
            raise ValidationError({"status": ["Unknown status."]})
        item.status = status
        changed["status"] = status
        if status == ItemStatus.DONE:
            item.done_at, item.done_by = timezone.now(), user
    if note is not None and note != item.note:
        item.note = note
        changed["note"] = True
    item.full_clean()
    item.save()
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=item,
        patient_id=item.patient_id,
        detail=changed,
    )
    return item


def portal_url(item: FollowUpItem, request=None) -> str:
    path = reverse("questionnaire_for_item", args=[item.pk])
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "FOLLOWUP_SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


@transaction.atomic
def followup_item_send(*, item: FollowUpItem, user: Any = None, request=None) -> bool:
    """E-mail a questionnaire item to the patient, in the patient's language. Re-checks
    that the item is still open and still a questionnaire before sending."""
    item = (
        FollowUpItem.objects.select_for_update(of=("self",))
        .select_related("patient", "procedure")
        .get(pk=item.pk)
    )
    patient = item.patient
    if item.kind != ItemKind.QUESTIONNAIRE or item.status != ItemStatus.PLANNED:
        return False
    if not patient.email:
        return False
    language = patient.preferred_language if patient.preferred_language in EMAIL else "fr"
    texts = EMAIL[language]
    when = item.procedure.checked_in_at if item.procedure else item.created_at
    fields = {
        "clinic": settings.CLINIC_NAME,
        "name": patient.full_name,
        "date": _date_in(timezone.localtime(when), language),
        "url": portal_url(item, request),
    }
    send_mail(
        texts["subject"].format(**fields),
        texts["body"].format(**fields),
        settings.DEFAULT_FROM_EMAIL,
        [patient.email],
    )
    item.status = ItemStatus.SENT
    item.sent_at = timezone.now()
    item.save(update_fields=["status", "sent_at"])
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=item,
        patient_id=patient.pk,
        detail={"sent": True, "language": language},
    )
    return True


def followup_send_due(*, today: dt.date | None = None) -> int:
    """Send every questionnaire due today or earlier (run daily; idempotent)."""
    today = today or timezone.localdate()
    sent = 0
    for item in FollowUpItem.objects.filter(
        kind=ItemKind.QUESTIONNAIRE, status=ItemStatus.PLANNED, due_date__lte=today
    ):
        sent += followup_item_send(item=item)
    return sent


# ----------------------------------------------------------------------------- questionnaires


def _procedure_for(patient: Patient, day: dt.date):

    candidates = [p for p in patient.procedures.order_by("-checked_in_at") if local_date(p) <= day]
    return candidates[0] if candidates else None


@transaction.atomic
def questionnaire_unsaved(
    *,
    patient: Patient,
    user: Any,
    item: FollowUpItem | None = None,
    instruments: list[str] | None = None,
    answered_on: dt.date | None = None,
) -> QuestionnaireResponse:
    """The questionnaire as it would start, not saved: what the page shows until the first
    answer is typed (opening a questionnaire writes nothing)."""
    answered_on = answered_on or timezone.localdate()
    procedure = item.procedure if item is not None else _procedure_for(patient, answered_on)
    if instruments is None:
        instruments = (
            list(item.instruments)
            if item is not None and item.instruments
            else (qn.instruments_for(procedure.indication if procedure else ""))
        )
    return QuestionnaireResponse(
        patient=patient,
        item=item,
        procedure=procedure,
        instruments=instruments,
        answered_on=answered_on,
        filled_by=user,
    )


def questionnaire_start(
    *,
    patient: Patient,
    user: Any,
    item: FollowUpItem | None = None,
    instruments: list[str] | None = None,
    answered_on: dt.date | None = None,
    request=None,
) -> QuestionnaireResponse:
    """The open draft for this item (or a new one); a draft is never replaced."""
    if item is not None:
        existing = item.responses.order_by("-id").first()
        if existing is not None:
            return existing
    response = questionnaire_unsaved(
        patient=patient, user=user, item=item, instruments=instruments, answered_on=answered_on
    )
    response.save()
    audit_record(actor=user, action="create", request=request, obj=response, patient_id=patient.pk)
    return response


def _days_since(response: QuestionnaireResponse) -> float | None:
    if response.procedure is None:
        return None

    return max(0, (response.answered_on - local_date(response.procedure)).days)


@transaction.atomic
def questionnaire_save(
    *,
    response: QuestionnaireResponse,
    user: Any,
    answers: dict,
    complete: bool = False,
    request=None,
) -> tuple[QuestionnaireResponse, dict[str, str]]:
    """Save the answers (merged into the draft: nothing answered is lost). With
    ``complete``, the response is completed only when every instrument can be scored;
    otherwise the draft is kept and the problems are returned."""
    if not response.is_draft:
        raise ValidationError({"__all__": ["This questionnaire is already completed."]})
    merged = dict(response.answers)
    merged.update(answers)
    scores, problems = qn.score(merged, response.instruments, _days_since(response))
    response.answers = merged
    response.scores = scores
    response.nrs = merged.get("nrs")
    analgesics = scores.get("analgesics")
    response.mme_per_day = analgesics["mme_per_day"] if analgesics else None
    if complete and not problems:
        response.status = ResponseStatus.COMPLETED
        response.completed_at = timezone.now()
        if response.item is not None and response.item.is_open:
            response.item.status = ItemStatus.DONE
            response.item.done_at = response.completed_at
            response.item.done_by = user
            response.item.save(update_fields=["status", "done_at", "done_by"])
    response.filled_by = user
    response.save()
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=response,
        patient_id=response.patient_id,
        detail={"status": response.status, "answered": sorted(merged)},
    )
    return response, (problems if complete else {})


# ----------------------------------------------------------------------------- relief tracking


def _series(procedure, responses) -> list[tuple[float, float]]:

    start = local_date(procedure)
    by_day: dict[int, float] = {}
    for r in responses:
        if r.procedure_id == procedure.pk and r.nrs is not None and r.answered_on > start:
            by_day[(r.answered_on - start).days] = float(r.nrs)
    return sorted(by_day.items())


def baseline_nrs(procedure) -> int | None:
    if procedure.baseline_nrs is not None:
        return procedure.baseline_nrs
    if procedure.evaluation is not None:
        return procedure.evaluation.nrs
    return None


@transaction.atomic
def analgesic_route_set(
    *, response: QuestionnaireResponse, index: Any, route: str, user: Any, request=None
) -> QuestionnaireResponse:
    """Staff give the route of an analgesic row recorded before routes were asked
    (``route: "unknown"``, migration followup/0003); the MME is then computed by route.
    Refused field by field, nothing saved: a row that is not there or already has a
    route (``index``), an unknown route, "unknown" again, or a drug and route without a
    sourced conversion factor (``route``, the message names both). Audited."""
    from cryoneuro.clinical.analgesics import ROUTES, convert

    rows = list((response.answers or {}).get("analgesics") or [])
    try:
        i = int(index)
    except (TypeError, ValueError):
        raise ValidationError(
            {"index": [_("No analgesic row %(value)s.") % {"value": index}]}
        ) from None
    if not (0 <= i < len(rows)) or not isinstance(rows[i], dict):
        raise ValidationError({"index": [_("No analgesic row %(value)s.") % {"value": index}]})
    row = rows[i]
    if row.get("route") not in (None, "", "unknown"):
        raise ValidationError(
            {"index": [_("The route of %(drug)s is already recorded.") % {"drug": row.get("drug")}]}
        )
    if route not in ROUTES or route == "unknown":
        raise ValidationError(
            {
                "route": [
                    _("Unknown route %(value)s; routes: %(names)s.")
                    % {
                        "value": repr(route),
                        "names": ", ".join(r for r in ROUTES if r != "unknown"),
                    }
                ]
            }
        )
    try:
        conversion = convert(row.get("drug", ""), row.get("daily_dose"), route)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"route": [str(exc)]}) from None
    if conversion.mme_per_day is None:
        raise ValidationError(
            {
                "route": [
                    _("No sourced MME factor for %(drug)s by the %(route)s route.")
                    % {"drug": row.get("drug"), "route": route}
                ]
            }
        )
    rows[i] = {**row, "route": route}
    before_scores = (response.scores or {}).get("analgesics") or {}
    score = qn.analgesics_score(rows)
    # keep the figure the old code computed, as the migration did
    for old, new in zip(before_scores.get("drugs") or [], score["drugs"], strict=False):
        if isinstance(old, dict) and "mme_per_day_before_routes" in old:
            new["mme_per_day_before_routes"] = old["mme_per_day_before_routes"]
    if "mme_per_day_before_routes" in before_scores:
        score["mme_per_day_before_routes"] = before_scores["mme_per_day_before_routes"]
    response.answers = {**response.answers, "analgesics": rows}
    response.scores = {**(response.scores or {}), "analgesics": score}
    response.mme_per_day = score["mme_per_day"]
    response.save(update_fields=["answers", "scores", "mme_per_day"])
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=response,
        patient_id=response.patient_id,
        detail={
            "fields": ["analgesics.route"],
            "row": i,
            "drug": row.get("drug"),
            "before": row.get("route") or "unknown",
            "after": route,
            "mme_per_day": score["mme_per_day"],
        },
    )
    return response


def _observed_end_days(patient: Patient, keep: Any) -> list[float]:
    """Day relief ended after each session of ``patient`` that ``keep(procedure)`` accepts
    (check-in order), from the follow-up pain scores (:func:`relief_course`); sessions
    without a baseline or whose relief has not ended are left out."""
    responses = list(patient.questionnaire_responses.all())
    out: list[float] = []
    for p in patient.procedures.order_by("checked_in_at").prefetch_related("nerves"):
        if not keep(p):
            continue
        base = baseline_nrs(p)
        if base is None:
            continue
        course = relief_course(base, _series(p, responses))
        if course.end_day is not None and course.end_day > 0:
            out.append(float(course.end_day))
    return out


def observed_relief_before(procedure) -> list[float]:
    """The relief observed after the patient's earlier sessions at the same site and side
    (the sessions the follow-up page counts for its next-session prediction)."""
    site = (procedure.site_label.strip().lower(), procedure.side)

    def keep(p) -> bool:
        return (
            p.pk != procedure.pk
            and (p.site_label.strip().lower(), p.side) == site
            and p.checked_in_at < procedure.checked_in_at
        )

    return _observed_end_days(procedure.patient, keep)


def observed_relief_for_nerve(patient: Patient, nerve_code: str) -> list[float]:
    """The relief observed after each of the patient's sessions that treated (else
    planned) ``nerve_code``: what the treatment-plan pages update their prediction with."""

    def keep(p) -> bool:
        codes = [n.nerve_code for n in p.nerves.all()] or list(p.planned_nerves or [])
        return nerve_code in codes

    return _observed_end_days(patient, keep)


def relief_tracking(*, patient: Patient) -> list[dict[str, Any]]:
    """Per treated site: each session's relief course against its predicted window, and the
    proposal for the latest session (re-treatment consultation, other treatments)."""

    responses = list(patient.questionnaire_responses.all())
    sites: dict[tuple[str, str], list] = {}
    for p in patient.procedures.order_by("checked_in_at").prefetch_related("nerves"):
        sites.setdefault((p.site_label.strip().lower(), p.side), []).append(p)
    out = []
    for procedures in sites.values():
        sessions, history = [], []
        observed: list[float] = []  # this site's earlier sessions: day relief ended
        population = None
        for p in procedures:
            base = baseline_nrs(p)
            if base is None:
                continue
            series = _series(p, responses)
            course = relief_course(base, series)
            population = procedure_relief_window(p)
            # the prediction for this session, updated with the patient's earlier ones
            window = (
                personalised_relief_window(population, observed) if population is not None else None
            )
            start = local_date(p)
            sessions.append(
                {
                    "procedure": p,
                    "baseline": base,
                    "series": series,
                    "course": course,
                    "window": window,
                    "population_window": population,
                    "vs_window": relief_vs_window(course, window) if window else None,
                    "onset_date": (
                        start + dt.timedelta(days=course.onset_day)
                        if course.onset_day is not None
                        else None
                    ),
                    "end_date": (
                        start + dt.timedelta(days=course.end_day)
                        if course.end_day is not None
                        else None
                    ),
                }
            )
            history.append(Session(float(base), tuple(series)))
            if course.end_day is not None and course.end_day > 0:
                observed.append(float(course.end_day))
        if not sessions:
            continue
        step = next_step(history)
        next_window = (
            personalised_relief_window(population, observed) if population is not None else None
        )
        out.append(
            {
                "site": procedures[-1].site_label,
                "side": procedures[-1].side,
                "sessions": sessions,
                "next_step": step,
                "next_window": next_window,
                "observed_end_days": list(observed),
            }
        )
    return out
