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
