"""django-axes' database handler with a per-account limit besides the per-address one.

Axes compares one failure count with one limit, the largest count over its lockout
parameters. Ours stay ``[["username", "ip_address"]]`` (5 failures of one account from one
address lock that pair), so a shared address (the clinic's NAT) never locks everyone behind
it; and an account that has gathered ``AXES_ACCOUNT_FAILURE_LIMIT`` failures from any
addresses within the cool-off is locked from every address, so rotating source addresses
gains an attacker nothing. Counts live in the database, shared by every worker process.
See docs/security/rate-limits.md.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum


def account_failures(request, username: str) -> int:
    """Failures of ``username`` from every address within the cool-off."""
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AccountLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if username and account_failures(request, username) >= settings.AXES_ACCOUNT_FAILURE_LIMIT:
            # Reported as reaching the pair limit: axes then locks as it always does.
            return max(failures, get_failure_limit(request, credentials))
        return failures
