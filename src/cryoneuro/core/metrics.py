"""Prometheus metrics (docs/operations/tasks.md, "Metrics"): the request latency by route
name, never the path (ids) or the query string (names typed in a search), so no patient
data is in any label. The queue's figures are read at each scrape (web.views.metrics).

Under gunicorn every worker process counts its own requests: gunicorn_conf sets
PROMETHEUS_MULTIPROC_DIR, and a scrape adds up the files of every worker
(prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# A page in tens of milliseconds, a PDF or a synchronous plan (API) in seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

REQUEST_DURATION = Histogram(
    "cryoneuro_request_duration_seconds",
    "Time to answer a request, by route name (the URL pattern's name, never the path).",
    ["view", "method", "status"],
    buckets=BUCKETS,
)


def route_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"  # a 404 before any route, or a static file
    return match.view_name or "<unnamed>"


class RequestMetricsMiddleware:
    """Times every request (the rest of the middleware and the view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        REQUEST_DURATION.labels(
            view=route_name(request),
            method=request.method if request.method in METHODS else "other",
            status=str(response.status_code),
        ).observe(time.perf_counter() - start)
        return response


def exposition() -> bytes:
    """The process's metrics in the text format; every gunicorn worker's in multiprocess
    mode (PROMETHEUS_MULTIPROC_DIR set)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY)
