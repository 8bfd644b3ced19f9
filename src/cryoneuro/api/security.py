"""API authentication and permission checks, mapped onto the one permission table."""

from __future__ import annotations

from ninja.errors import HttpError
from ninja.security import SessionAuth

from cryoneuro.accounts.access import has_perm
from cryoneuro.accounts.roles import Perm


class ClinicSessionAuth(SessionAuth):
    """The browser session (CSRF-checked for writes, by ninja). Staff without a second
    factor never get here: StaffMFARequiredMiddleware answers /api/ with 403 first."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        return user


class PermissionAuth(ClinicSessionAuth):
    """Session authentication that also demands one permission of the role table.

    Declared per operation (``@router.get(..., auth=perm_auth(Perm.X))``), it runs before
    ninja parses the body: a user without the permission gets 403, never a 422 that would
    describe the schema of something they may not use."""

    def __init__(self, perm: Perm):
        super().__init__()
        self.perm = perm

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not has_perm(user, self.perm):
            raise HttpError(403, "You do not have permission to do this.")
        return user


def perm_auth(perm: Perm) -> PermissionAuth:
    return PermissionAuth(perm)
