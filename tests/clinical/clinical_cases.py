"""Case data shared by the clinical tests (plain module: import it, not conftest)."""

from __future__ import annotations

import copy
from typing import Any

ALL_NO_DN4 = {
    "burning": False,
    "painful_cold": False,
    "electric_shocks": False,
    "tingling": False,
    "pins_and_needles": False,
    "numbness": False,
    "itching": False,
    "hypoesthesia_touch": False,
    "hypoesthesia_prick": False,
    "brushing": False,
}

NEUROPATHIC_DN4 = {
    **ALL_NO_DN4,
    "burning": True,
    "electric_shocks": True,
    "tingling": True,
    "hypoesthesia_touch": True,
}

BASE_CASE: dict[str, Any] = {
    "indication": "knee_arthrosis",
    "pain_location": "right knee, anteromedial",
    "side": "right",
    "pain_duration_months": 24,
    "nrs": 7,
    "dn4": None,
    "surgery_declined_or_impossible": True,
    "conservative_treatments": [
        {
            "kind": "medication",
            "name": "paracetamol",
            "dose": "1 g x 3",
            "result": "partial_relief",
        },
        {"kind": "physiotherapy", "name": "physiotherapy", "result": "no_relief"},
    ],
    "anticoagulants": [],
    "antiplatelets": [],
    "inr": 1.0,
    "platelets_g_per_l": 250,
    "skin_state": "intact",
    "cold_conditions": [],
    "pregnancy": False,
    "systemic_inflammatory_disease": False,
    "steroid_injection_at_site_last_3_months": False,
    "target_is_mixed_motor_nerve": False,
    "other_cautions": "",
    "age_years": 64,
    "consent": "given",
    "bleeding_disorder": "none",
    "allergies": [],
    "systemic_infection": False,
    "previous_sessions_same_target": [],
    "diagnostic_block_relief_pct": None,
    "discrete_target_nerve": None,
}

NEURALGIAS = (
    "intercostal_neuralgia",
    "occipital_neuralgia",
    "postherpetic_neuralgia",
    "peripheral_neuralgia",
)
ARTHROSES = ("knee_arthrosis", "hip_arthrosis", "shoulder_pain")


def eligible_data(indication: str = "knee_arthrosis", **overrides: Any) -> dict[str, Any]:
    """A case dict that is eligible for ``indication`` (DN4 for neuralgias), with overrides."""
    data = copy.deepcopy(BASE_CASE)
    data["indication"] = indication
    if indication in NEURALGIAS:
        data["dn4"] = dict(NEUROPATHIC_DN4)
    if indication not in ARTHROSES:
        data["surgery_declined_or_impossible"] = None
    if indication == "occipital_neuralgia":  # a diagnostic block is usual (ICHD-3 13.4 D)
        data["diagnostic_block_relief_pct"] = 80
    if indication == "crps":  # regional pain: eligible only with a discrete target nerve
        data["discrete_target_nerve"] = True
    data.update(overrides)
    return data
