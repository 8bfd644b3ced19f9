from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import requires
from .forms import StaffAccountForm
from .roles import Perm
from .services import account_set_active, account_unlock, staff_account_create

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest


@requires(Perm.USER_MANAGE)
def account_list(request: AuthenticatedHttpRequest):

    users = list(get_user_model().objects.order_by("role", "username"))
    with_totp = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user_id", flat=True)
    )
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_account_create(
                created_by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in getattr(
                error, "message_dict", {"password": error.messages}
            ).items():
                for message in errors:
                    form.add_error(field if field in form.fields else "password", message)
        else:
            messages.success(
                request, _("Account %(username)s created.") % {"username": user.username}
            )
            return redirect("account_list")
    return render(
        request, "accounts/list.html", {"users": users, "with_totp": with_totp, "form": form}
    )


@require_POST
@requires(Perm.USER_MANAGE)
def account_toggle(request: AuthenticatedHttpRequest, user_id: int):
    user = get_object_or_404(get_user_model(), pk=user_id)
    try:
        account_set_active(
            user=user, active=not user.is_active, changed_by=request.user, request=request
        )
    except ValueError as error:
        messages.error(request, str(error))
    return redirect("account_list")


@require_POST
@requires(Perm.USER_MANAGE)
def account_unlock_view(request: AuthenticatedHttpRequest, user_id: int):
    user = get_object_or_404(get_user_model(), pk=user_id)
    account_unlock(user=user, unlocked_by=request.user, request=request)
    messages.success(request, _("Account %(username)s unlocked.") % {"username": user.username})
    return redirect("account_list")
