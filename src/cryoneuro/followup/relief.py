"""The relief this patient's earlier sessions gave, for the apps below followup.

Discovered by :func:`cryoneuro.core.plugins.observed_relief_days` (the treatment-plan
pages use it to show the patient's own relief prediction).
"""

from __future__ import annotations

from typing import Any

from .services import observed_relief_for_nerve


def observed_relief_days(patient: Any, nerve_code: str) -> list[float]:
    return observed_relief_for_nerve(patient, nerve_code)
