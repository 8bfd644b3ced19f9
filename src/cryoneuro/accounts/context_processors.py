from django.conf import settings

from .access import has_perm
from .roles import Perm, Role


def role(request):
    """Navigation flags from the permission table (``can.patient_list`` and so on)."""
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    can = {perm.name.lower(): authenticated and has_perm(user, perm) for perm in Perm}
    return {
        "user_role": getattr(user, "role", None) if authenticated else None,
        "Role": Role,
        "can": can,
        "clinic_name": settings.CLINIC_NAME,
    }
