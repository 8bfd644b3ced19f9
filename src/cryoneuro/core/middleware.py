"""Response headers every page carries; the request id and the request log."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import TYPE_CHECKING

from cryoneuro.core.logs import request_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

# Powerful browser features a clinical web app never uses, each allowed to no origin
# (W3C Permissions Policy): a script that got in (or a framed page) cannot open the
# camera or microphone, locate the user, take payments or talk to USB/serial/HID devices.
# Nothing in cryoneuro's pages asks for any of them (no fullscreen, no clipboard API).
DENIED_FEATURES = (
    "accelerometer",
    "ambient-light-sensor",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (deny all of :data:`DENIED_FEATURES`) to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# An id a proxy or client sent is kept when it is short and plain (a UUID, a trace id);
# 64 characters hold any of them; anything else is replaced, so no one writes into the log.
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
REQUEST_ID_HEADER = "X-Request-ID"
request_logger = logging.getLogger("cryoneuro.request")


class RequestIdMiddleware:
    """Sets the request's id (the incoming ``X-Request-ID`` when plain, else a new one),
    returns it on the response, and logs one line per request with the route's name,
    never its path parameters or query string (they hold patient ids and searched names)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers[REQUEST_ID_HEADER] = rid
            match = request.resolver_match
            route = match.view_name if match is not None else "-"
            request_logger.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
