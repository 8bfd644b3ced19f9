"""The clinic's country in every template: ``country`` (the profile) and ``currency``."""

from __future__ import annotations

from .country import active_profile


def country(request) -> dict[str, object]:
    profile = active_profile()
    return {"country": profile, "currency": profile.currency}
