"""What every app's ``api.py`` uses: authentication, permission checks, one 422 body.

The 422 body, for every endpoint of every app (ninja's own schema validation included)::

    {"detail": "<the messages, joined>", "errors": {"<field>": ["<message>", ...]}}

in the request's language (LocaleMiddleware has activated it). An endpoint may add keys
of its own (the questionnaire's ``draft``), never change these two.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_noop
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth
from pydantic import BeforeValidator, field_validator

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


# ----------------------------------------------------------------------------- input

# pydantic's lax mode reads a number (or a string of digits) as Unix time: birth_date=0
# would be stored as 1970-01-01. Dates and times in this API are ISO 8601 text only.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any, *, with_time: bool) -> Any:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return value
    if with_time:
        raise ValueError(gettext_noop("Enter a date and time as YYYY-MM-DDTHH:MM (ISO 8601)."))
    raise ValueError(gettext_noop("Enter a date as YYYY-MM-DD."))


def iso_date_only(value: Any) -> Any:
    return _iso_only(value, with_time=False)


def iso_datetime_only(value: Any) -> Any:
    return _iso_only(value, with_time=True)


#: A date parameter (query or path) that must be written YYYY-MM-DD.
IsoDate = Annotated[dt.date, BeforeValidator(iso_date_only)]


def _temporal_kind(annotation: Any) -> type | None:
    """dt.datetime or dt.date when the annotation is one (or an Optional of one)."""
    if isinstance(annotation, type) and issubclass(annotation, dt.date):
        return dt.datetime if issubclass(annotation, dt.datetime) else dt.date
    if typing.get_origin(annotation) in {typing.Union, types.UnionType}:
        kinds = {_temporal_kind(a) for a in typing.get_args(annotation)} - {None}
        return next(iter(kinds)) if len(kinds) == 1 else None
    return None


def one_of(choices: Iterable[Any]) -> Any:
    """A field type limited to ``choices`` (a model's ``TextChoices``/``IntegerChoices``
    or plain values): the OpenAPI schema lists them as an ``enum`` and any other value is
    the one 422, "Select a valid choice." (issue 13 §4). Use it as a type alias declared
    ``str``/``int`` for the type checker::

        if TYPE_CHECKING:
            Status = str
        else:
            Status = one_of(ItemStatus)
    """
    values = tuple(getattr(c, "value", c) for c in choices)
    if not values:
        raise ValueError("one_of() needs at least one choice")
    return typing.Literal.__getitem__(values)


class InputSchema(Schema):
    """Base of the API's request bodies: dates and times are ISO 8601 text, never numbers."""

    @field_validator("*", mode="before")
    @classmethod
    def _dates_are_iso_text(cls, value: Any, info: Any) -> Any:
        if value is None or info.field_name is None:
            return value
        kind = _temporal_kind(cls.model_fields[info.field_name].annotation)
        if kind is None:
            return value
        return _iso_only(value, with_time=kind is dt.datetime)


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
        # ctx["expected"] is pydantic's English list ("'a', 'b' or 'c'"): keep the values only
        values = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        message = gettext("Select a valid choice.")
        if values:
            message += " " + gettext("One of %(values)s.") % {"values": ", ".join(values)}
        return message
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

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja answers an unreadable body (bad JSON, a multipart body without its
        # boundary) with 400; to clients it is bad input like any other: the one 422.
        if exc.status_code == 400:
            message = gettext(
                "The request body could not be read: send the JSON (or form) the operation describes."
            )
            return api.create_response(request, error_body({"__all__": [message]}), status=422)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": gettext("Not found.")}, status=404)


# ----------------------------------------------------------------------------- schema

#: The answers every operation may give besides its own, as the handlers above write them.
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "401": ("Not logged in.", "Detail"),
    "403": ("The role lacks the permission, or the object is out of reach.", "Detail"),
    "404": ("No such object (or one the user may not know of).", "Detail"),
    "422": ("Bad input: the messages per field.", "ErrorBody"),
}

_ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "Detail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ErrorBody": {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["detail", "errors"],
    },
}


class ClinicAPI(NinjaAPI):
    """NinjaAPI whose schema declares the 401/403/404/422 answers of every operation, so
    that clients (and the schema-driven tests) know every status an operation may give."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, body in _ERROR_SCHEMAS.items():
            components.setdefault(name, body)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, (description, component) in ERROR_RESPONSES.items():
                    if status == "422" and not _takes_input(operation):
                        continue
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{component}"}
                                }
                            },
                        },
                    )
        return schema


def _takes_input(operation: Mapping[str, Any]) -> bool:
    return bool(operation.get("parameters") or operation.get("requestBody"))
