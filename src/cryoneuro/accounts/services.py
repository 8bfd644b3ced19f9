"""Writes to accounts (administrators only): staff accounts, deactivation, unlocking."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from cryoneuro.audit.services import audit_record

from .roles import STAFF_ROLES


@transaction.atomic
def staff_account_create(
    *,
    created_by: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    password: str,
    request=None,
):
    """A staff account; its owner must add a TOTP second factor at first login."""
    if role not in STAFF_ROLES:
        raise ValueError(f"{role!r} is not a staff role.")
    User = get_user_model()
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, role=role
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=created_by,
        action="create",
        request=request,
        obj=user,
        detail={"username": username, "role": role},
    )
    return user


@transaction.atomic
def account_set_active(*, user: Any, active: bool, changed_by: Any, request=None):
    if user.pk == changed_by.pk and not active:
        raise ValueError("You cannot deactivate your own account.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=changed_by, action="update", request=request, obj=user, detail={"is_active": active}
    )
    return user


@transaction.atomic
def account_unlock(*, user: Any, unlocked_by: Any, request=None) -> int:
    """Lift a django-axes lockout early; returns the number of lockout records removed."""

    removed = reset(username=user.get_username())
    audit_record(
        actor=unlocked_by,
        action="update",
        request=request,
        obj=user,
        detail={"unlocked": True, "records": removed},
    )
    return removed
