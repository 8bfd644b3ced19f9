"""Server-side enforcement of the permission table (:mod:`cryoneuro.accounts.roles`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import ALL, OWN, Perm, scope

if TYPE_CHECKING:
    from cryoneuro.patients.models import Patient


def has_perm(user: Any, perm: Perm) -> bool:
    """Whether ``user`` holds ``perm`` for at least one patient (any scope)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return scope(user.role, perm) is not None


def can_access_patient(user: Any, perm: Perm, patient: Patient) -> bool:
    """Whether ``user`` may exercise ``perm`` on this particular patient's record."""
    if not has_perm(user, perm):
        return False
    granted = scope(user.role, perm)
    if granted == ALL:
        return True
    return granted == OWN and patient.user_id is not None and patient.user_id == user.pk


def ensure_patient_access(user: Any, perm: Perm, patient: Patient) -> None:
    if not can_access_patient(user, perm, patient):
        raise PermissionDenied


def requires(perm: Perm) -> Callable:
    """View decorator: log in first, then hold ``perm`` or get a 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # a marker on the view function for introspection; functions take no typed attributes
        wrapped.required_permission = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def login_only(view: Callable) -> Callable:
    """For pages every logged-in role may open (home, own profile)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
