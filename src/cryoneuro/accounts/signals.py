"""Authentication events go to the audit trail (who, when, from where; never secrets)."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cryoneuro.audit.services import audit_record

from .middleware import SESSION_AUTH_AT, SESSION_SEEN_AT


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):

    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_SEEN_AT] = now
    audit_record(actor=user, action="login", request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):

    if user is not None:
        audit_record(actor=user, action="logout", request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):

    username = str(credentials.get("username") or credentials.get("login") or "")[:150]
    audit_record(actor=None, action="login_failed", request=request, detail={"username": username})
