"""Session timeouts (idle and absolute) and the staff second-factor requirement."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cryoneuro.audit.services import audit_record

from .backends import HAS_TOTP_ATTRIBUTE

SESSION_AUTH_AT = "cryoneuro.auth_at"
SESSION_SEEN_AT = "cryoneuro.seen_at"
SEEN_AT_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """Ends a session idle for too long or open for too long (OWASP ASVS 3.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            auth_at = request.session.get(SESSION_AUTH_AT, now)
            seen_at = request.session.get(SESSION_SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT_SECONDS
            too_old = now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or too_old:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has expired.")}, status=401)
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect(f"{reverse('account_login')}?next={request.path}")
            request.session.setdefault(SESSION_AUTH_AT, auth_at)
            # Writing the session on every request costs a database write each time; a
            # minute's resolution is plenty for a 30-minute idle timeout. Each write also
            # pushes the server-side expiry (SESSION_COOKIE_AGE) forward.
            if (
                now - seen_at >= SEEN_AT_RESOLUTION_SECONDS
                or SESSION_SEEN_AT not in request.session
            ):
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


# Paths a staff member without a second factor may still reach: the MFA set-up itself,
# logging out, switching language and static files.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class StaffMFARequiredMiddleware:
    """Leads staff without TOTP to set it up before anything else (ASVS 4.3.1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_clinic_staff
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not _has_totp(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up two-factor authentication first.")}, status=403
                )
            messages.warning(
                request, _("Staff accounts need two-factor authentication. Set it up to go on.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(user) -> bool:
    """Whether the user has TOTP set up: read with the user by the authentication
    backend (accounts.backends) when it loaded them, else asked here."""
    known = getattr(user, HAS_TOTP_ATTRIBUTE, None)
    if known is not None:
        return bool(known)
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# The audit table keeps the patient id in a signed 64-bit column (BigIntegerField).
_MAX_PATIENT_ID = 2**63 - 1


def _patient_id_or_none(raw) -> int | None:
    """A patient id from a URL, or None when it is not one that could exist: a refusal
    is recorded whatever the URL holds (an API path parameter is not yet validated when
    the refusal is answered)."""
    if raw is None:
        return None
    text = str(raw)
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= _MAX_PATIENT_ID else None


class AccessDeniedAuditMiddleware:
    """Records refused accesses (403) in the audit trail: who tried what, from where
    (OWASP ASVS 7.1-7.3: log access-control decisions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and getattr(request, "user", None) is not None:
            match = getattr(request, "resolver_match", None)
            raw_patient_id = match.kwargs.get("patient_id") if match is not None else None
            patient_id = _patient_id_or_none(raw_patient_id)
            detail = {"path": request.path[:300], "method": request.method}
            if raw_patient_id is not None and patient_id is None:
                detail["patient_id_given"] = str(raw_patient_id)[:40]
            audit_record(
                actor=request.user,
                action="denied",
                request=request,
                patient_id=patient_id,
                detail=detail,
            )
        return response
