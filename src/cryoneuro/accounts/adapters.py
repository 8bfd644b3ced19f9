from allauth.account.adapter import DefaultAccountAdapter


class ClinicAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the clinic (staff) or with a patient record, never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


def axes_username(request, credentials) -> str | None:
    """The username axes counts failures against: allauth passes ``username`` in the
    credentials; the login form posts it as ``login``. Lower-cased and stripped, as allauth
    matches usernames (case-insensitively): ``DR.HOUSE`` and ``dr.house`` are one account
    and count as one, so varying the case cannot dodge the lockout."""
    if credentials and credentials.get("username"):
        return str(credentials["username"]).strip().lower()
    login = request.POST.get("login") if request is not None else None
    return login.strip().lower() if login else login
