"""The authentication backend: allauth's, with the second factor read with the user."""

from __future__ import annotations

from functools import cache
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model

#: Set on the user that :meth:`ClinicAuthenticationBackend.get_user` loads for a request.
HAS_TOTP_ATTRIBUTE = "has_totp_authenticator"


@cache
def _user_with_totp_flag() -> str:
    """The user by id, with whether they have a TOTP authenticator (one statement)."""
    return (
        f"SELECT u.*, EXISTS (SELECT 1 FROM {Authenticator._meta.db_table} a "  # noqa: S608
        f"WHERE a.user_id = u.id AND a.type = %s) AS {HAS_TOTP_ATTRIBUTE} "
        f"FROM {get_user_model()._meta.db_table} u WHERE u.id = %s"
    )


class ClinicAuthenticationBackend(AuthenticationBackend):
    """allauth's backend (logins by username and password, unchanged). The user it loads
    for each request from the session also carries whether they have TOTP set up, so
    that StaffMFARequiredMiddleware needs no query of its own (issue 13: one query fewer
    on every staff request)."""

    def get_user(self, user_id: Any):
        User = get_user_model()
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        # Written out (every request runs it): the ORM's building of the EXISTS subquery
        # cost twice the two plain queries it replaces.
        users = User._default_manager.raw(_user_with_totp_flag(), [Authenticator.Type.TOTP, pk])
        user = next(iter(users), None)
        if user is None:
            return None
        setattr(user, HAS_TOTP_ATTRIBUTE, bool(getattr(user, HAS_TOTP_ATTRIBUTE)))
        return user if self.user_can_authenticate(user) else None
