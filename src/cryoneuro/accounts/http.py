"""Request types for annotations: what the middleware adds to Django's ``HttpRequest``.

Only for type checking; Django builds the requests. ``HtmxHttpRequest`` has django-htmx's
``request.htmx``; ``AuthenticatedHttpRequest`` is a request that ``requires``/``login_only``
let through, whose ``user`` is the clinic's User (never ``AnonymousUser``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from cryoneuro.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User  # narrowed from User | AnonymousUser: the login checks let only users through
