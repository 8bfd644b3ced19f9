from allauth.account.adapter import DefaultAccountAdapter


class ClinicAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the clinic (staff) or with a patient record, never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False
