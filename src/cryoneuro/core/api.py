"""What every app's ``api.py`` uses: authentication, permission checks, one 422 body.

The 422 body, for every endpoint of every app (ninja's own schema validation included)::

    {"detail": "<the messages, joined>", "errors": {"<field>": ["<message>", ...]}}

in the request's language (LocaleMiddleware has activated it). An endpoint may add keys
of its own (the questionnaire's ``draft``), never change these two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from cryoneuro.accounts.access import has_perm
from cryoneuro.accounts.roles import Perm

# ----------------------------------------------------------------------------- auth


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
            raise HttpError(403, gettext("You do not have permission to do this."))
        return user


def perm_auth(perm: Perm) -> PermissionAuth:
    return PermissionAuth(perm)


# ----------------------------------------------------------------------------- 422

FieldErrors = Mapping[str, Iterable[Any]]


class Unprocessable(Exception):
    """Bad input: answered 422 with :func:`error_body` (``extra`` keys added)."""

    def __init__(self, errors: FieldErrors, *, detail: str | None = None, **extra: Any):
        self.errors = {str(f): [str(m) for m in msgs] for f, msgs in errors.items()}
        self.detail = detail
        self.extra = extra
        super().__init__(error_body(self.errors, detail=detail)["detail"])


def error_body(errors: FieldErrors, *, detail: str | None = None) -> dict[str, Any]:
    """The one 422 body: ``{"detail": str, "errors": {field: [messages]}}``."""
    fields = {str(f): [str(m) for m in msgs] for f, msgs in errors.items()}
    if detail is None:
        detail = "; ".join(m for msgs in fields.values() for m in msgs)
    return {"detail": str(detail), "errors": fields}


def raise_422(error: DjangoValidationError | FieldErrors, *, detail: str | None = None) -> NoReturn:
    """Django validation errors, form errors or ``{field: [messages]}`` as the one 422."""
    if isinstance(error, DjangoValidationError):
        problems: FieldErrors = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
    else:
        problems = error
    raise Unprocessable(problems, detail=detail)


def form_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """JSON values as Django forms expect them (booleans -> yes/no, None -> "")."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is True:
            out[key] = "yes"
        elif value is False:
            out[key] = "no"
        elif value is None:
            out[key] = ""
        else:
            out[key] = value
    return out


def _field(loc: Iterable[Any]) -> str:
    """ninja's location (``["body", "payload", "birth_date"]``, ``["query", "q"]``) as the
    field's name: the source and the body parameter's name dropped, nesting with dots."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def pydantic_message(error: Mapping[str, Any]) -> str:
    """A pydantic error (one item of ``ValidationError.errors()``) in the active language,
    by its type and ``ctx`` (Django's own catalogue has most of these): never pydantic's
    English ("String should have at most 2000 characters"). Forms and services that
    validate with a pure layer's pydantic model use it too."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return gettext("This field is required.")
    if kind == "value_error":
        message = str(error.get("msg", ""))
        message = message.removeprefix("Value error, ")
        return gettext(message)
    if kind in {"string_too_short", "too_short"} and "min_length" in ctx:
        return gettext("Ensure this value has at least %(limit)s characters.") % {
            "limit": ctx["min_length"]
        }
    if kind in {"string_too_long", "too_long"} and "max_length" in ctx:
        return gettext("Ensure this value has at most %(limit)s characters.") % {
            "limit": ctx["max_length"]
        }
    if kind.startswith(("greater_than", "less_than")):
        limit = next(iter(ctx.values()), "")
        bound = {
            "greater_than": gettext("Ensure this value is greater than %(limit)s."),
            "greater_than_equal": gettext(
                "Ensure this value is greater than or equal to %(limit)s."
            ),
            "less_than": gettext("Ensure this value is less than %(limit)s."),
            "less_than_equal": gettext("Ensure this value is less than or equal to %(limit)s."),
        }.get(kind)
        if bound:
            return bound % {"limit": limit}
    if kind.startswith(("int_", "integer")):
        return gettext("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return gettext("Enter a number.")
    if kind.startswith("datetime_"):
        return gettext("Enter a valid date/time.")
    if kind.startswith("date_"):
        return gettext("Enter a valid date.")
    if kind.startswith("time_"):
        return gettext("Enter a valid time.")
    if kind.startswith("bool_"):
        return gettext("Enter a valid boolean (true or false).")
    if kind in {"literal_error", "enum"}:
        return gettext("Select a valid choice.")
    if kind == "json_invalid":
        return gettext("The body is not valid JSON.")
    return gettext("Enter a valid value.")


def ninja_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(_field(error.get("loc", ())), []).append(pydantic_message(error))
    return out


def install_error_handlers(api: NinjaAPI) -> None:
    """The JSON answers every app's endpoints share: 403, 404 and the one 422."""

    @api.exception_handler(Unprocessable)
    def unprocessable(request: HttpRequest, exc: Unprocessable) -> HttpResponse:
        body = {**exc.extra, **error_body(exc.errors, detail=exc.detail)}
        return api.create_response(request, body, status=422)

    @api.exception_handler(NinjaValidationError)
    def schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return api.create_response(request, error_body(ninja_errors(exc.errors)), status=422)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"detail": gettext("You do not have permission to do this.")}, status=403
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": gettext("Not found.")}, status=404)
