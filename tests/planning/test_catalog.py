"""The target-nerve catalog (cryoneuro.clinical.nerves) as the planner uses it."""

from cryoneuro.clinical.indications import INDICATIONS
from cryoneuro.clinical.nerves import NERVES, nerves_for
from cryoneuro.planning import inputs_for_nerve


def test_every_seed_indication_has_candidate_nerves_with_planning_figures():
    for code in INDICATIONS:
        candidates = nerves_for(code)
        assert candidates, code
        for n in candidates:
            assert n.diameter_mm[0] > 0 and n.depth_mm[0] > 0
            assert n.distance_to_end_organ_mm > 0
            assert n.nerve_type in ("sensory", "mixed")
            assert n.figures_verified is False or n.figures_verified is True


def test_catalog_nerves_become_planner_inputs():
    for code, n in NERVES.items():
        inp = inputs_for_nerve(code, depth=n.depth_mm[0] * 1e-3, diameter=n.diameter_mm[0] * 1e-3)
        assert inp.nerve_type == n.nerve_type
        assert inp.nerve_label
