"""Every reason and warning the planner can give has a translatable message and advice."""

import re
from pathlib import Path

from django.utils import translation

from cryoneuro.planning import ClinicalLimits, PlanInputs, Structure, make_plan
from cryoneuro.treatmentplans.messages import MESSAGES, render


def test_every_planner_code_has_a_translatable_message():
    source = Path(__import__("cryoneuro.planning.planner", fromlist=["x"]).__file__).read_text()
    codes = set(re.findall(r'_msg\(\s*"(\w+)"', source))
    assert codes and codes <= set(MESSAGES), codes - set(MESSAGES)


def test_real_warnings_render_with_their_numbers():
    plans = [
        make_plan(
            PlanInputs(
                depth=5e-3,
                diameter=1e-3,
                nerve_type="mixed",
                sensitivity=False,
                structures=(Structure("vessel", -2.5e-3, 5e-3, 2e-3, "vessel"),),
            )
        ),
        make_plan(PlanInputs(depth=12e-3, diameter=1e-3, gap=5e-3, sensitivity=False)),
        make_plan(PlanInputs(depth=85e-3, diameter=1e-3, approach_angle=40, sensitivity=False)),
        make_plan(
            PlanInputs(
                depth=12e-3,
                diameter=1e-3,
                sensitivity=False,
                limits=ClinicalLimits(skin_limit_c=30.0),
            )
        ),
    ]
    seen = set()
    for plan in plans:
        for item in plan.to_dict()["reasons"] + plan.to_dict()["warnings"]:
            for lang in ("en", "fr"):
                with translation.override(lang):
                    out = render(item)
                assert out["text"] and out["todo"] and "%(" not in out["text"] + out["todo"]
                assert out["text"] != item["message"], item[
                    "code"
                ]  # the translatable form was used
            seen.add(item["code"])
    assert {
        "too_deep",
        "target_not_reached",
        "constraints",
        "skin_at_risk",
        "mixed_target",
        "vessel_heat_sink",
    } <= seen


TARGET_NOT_REACHED = {
    "code": "target_not_reached",
    "params": {"target_c": -20.0, "longest": "3x180/120", "warmest_c": -12.3, "distance_mm": 4.2},
    "message": "planner's English text",
    "advice": "planner's English advice",
}


def test_a_target_not_reached_reason_names_the_hold_and_the_time_spent_below():
    item = {
        **TARGET_NOT_REACHED,
        "params": {
            **TARGET_NOT_REACHED["params"],
            "hold_s": 60.0,
            "cycles": 2,
            "time_below_s": 12.4,
        },
    }
    with translation.override("fr"):
        text = render(item)["text"]
    assert "pendant 60 s (ou 2 cycles complets" in text
    assert "qui ne passe que 12 s en dessous de -20,0 °C" in text


def test_a_plan_stored_before_the_hold_rule_keeps_its_reason_in_french():
    """No ``hold_s`` in its numbers: the earlier wording, not the planner's English."""
    with translation.override("fr"):
        text = render(dict(TARGET_NOT_REACHED))["text"]
    assert text.startswith("Aucun protocole dans les limites n'amène l'ensemble du nerf")
    assert "planner's English" not in text
