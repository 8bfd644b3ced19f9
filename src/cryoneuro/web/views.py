from __future__ import annotations

import hmac
import logging
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cryoneuro.accounts.access import login_only
from cryoneuro.accounts.roles import Role
from cryoneuro.core.audit import audit_read
from cryoneuro.core.metrics import exposition

from .taskqueue import queue_state
from .worklists import worklists_for

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest, HtmxHttpRequest


@login_only
def home(request: AuthenticatedHttpRequest):
    user = request.user
    if user.role == Role.PATIENT:
        patient = getattr(user, "patient_record", None)
        if patient is not None:
            return redirect("patient_detail", patient_id=patient.pk)
        return render(request, "web/home.html", {"no_record": True})
    if user.role == Role.ADMINISTRATOR:
        return redirect("audit_list")
    lists = worklists_for(user)
    audit_read(
        request, object_type="web.worklist", detail={"home": sorted(lists.shown)}, action="search"
    )
    return render(request, "web/home.html", {"lists": lists, "today": timezone.localdate()})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _check_cache() -> None:
    # A key of its own per probe, so two workers probing at once never read each other's.
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    # Long enough to read back at once, short enough that a probe that dies before its
    # delete leaves nothing behind for long.
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the value set was not read back")
    finally:
        cache.delete(key)


class QueueTooOld(RuntimeError):
    pass


def _check_tasks() -> None:
    # The oldest task waiting to run (database backend): older than the limit, no worker
    # runs, or the ones that do cannot keep up. Nothing waits with the immediate backend.
    state = queue_state()
    if state is not None and state.oldest_ready_age_seconds > settings.TASKS_MAX_AGE_SECONDS:
        raise QueueTooOld(
            f"oldest ready task {state.oldest_ready_age_seconds:.0f} s "
            f"> {settings.TASKS_MAX_AGE_SECONDS} s"
        )


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "tasks": _check_tasks}


def healthz(request: HtmxHttpRequest):
    """For the load balancer and the operator: 200 when every check passes, else 503 naming
    the failing check. No authentication, no patient data, never a traceback: the
    exception's class goes to the server log only."""
    checks: dict[str, str] = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.error(
                "healthz: %s check failed (%s)",
                name,
                str(error) if isinstance(error, QueueTooOld) else type(error).__name__,
            )
            checks[name] = "failing"
        else:
            checks[name] = "ok"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


def _metrics_allowed(request: HtmxHttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if sent.startswith("Bearer ") and hmac.compare_digest(
            sent.removeprefix("Bearer ").strip().encode(), token.encode()
        ):
            return True
    # A direct connection only: through the TLS proxy every request comes from loopback,
    # with the X-Forwarded-For that the proxy sets.
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_ADDRESSES


def _queue_metrics() -> bytes:
    """The task queue, read at each scrape (the same for every worker process)."""
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    registry = CollectorRegistry()
    try:
        state = queue_state()
    except Exception as error:  # the database is down: /healthz says so; no 500 here
        logger.error("metrics: the task queue could not be read (%s)", type(error).__name__)
        Gauge(
            "cryoneuro_tasks_queue_readable", "1 when the queue could be read", registry=registry
        ).set(0)
        return generate_latest(registry)
    Gauge(
        "cryoneuro_tasks_queue_readable", "1 when the queue could be read", registry=registry
    ).set(1)
    if state is None:
        return generate_latest(registry)
    Gauge("cryoneuro_tasks_ready", "Tasks waiting to run (due now)", registry=registry).set(
        state.ready
    )
    Gauge("cryoneuro_tasks_running", "Tasks being run by a worker", registry=registry).set(
        state.running
    )
    Gauge(
        "cryoneuro_tasks_oldest_ready_age_seconds",
        "How long the oldest task waiting to run has waited (0 when none waits)",
        registry=registry,
    ).set(state.oldest_ready_age_seconds)
    stored = Gauge(
        "cryoneuro_tasks_results", "Stored task results by status", ["status"], registry=registry
    )
    for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED"):
        stored.labels(status=status.lower()).set(state.results.get(status, 0))
    return generate_latest(registry)


def metrics(request: HtmxHttpRequest):
    """Prometheus metrics: request latency by route name, task queue depth and age. Only
    for a direct connection from CRYONEURO_METRICS_ADDRESSES (loopback by default) or a
    request with the bearer token CRYONEURO_METRICS_TOKEN; 404 for anyone else (the page
    does not exist for them). No patient data: routes are named, never given as paths."""
    if not _metrics_allowed(request):
        return HttpResponse(status=404)
    return HttpResponse(
        exposition() + _queue_metrics(),
        content_type="text/plain; version=0.0.4; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )
