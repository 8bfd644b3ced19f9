"""The planner against answers built from the physics itself."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date

import numpy as np
import pytest

from cryoneuro.clinical.regeneration import relief_window_for_nerve
from cryoneuro.planning import (
    ClinicalLimits,
    PlanInputError,
    PlanInputs,
    ProbeFrame,
    ProtocolChoice,
    Structure,
    inputs_for_nerve,
    make_plan,
)
from cryoneuro.planning.planner import END_ZONE_M, _Runner, cross_section, split_error_points

UNIFORM = (("muscle", math.inf),)
#: The isotherm tests check the temperature part of the target alone: no hold time (the
#: first crossing of the target decides, as with ``target_hold_s=0``).
NO_HOLD = ClinicalLimits(target_hold_s=0.0)


def _runner(inp: PlanInputs) -> _Runner:
    frame = ProbeFrame(
        inp.depth,
        inp.approach_angle,
        inp.resolved_offset,
        inp.resolved_along,
        inp.probe_obj.active_length,
    )
    return _Runner(inp, frame, inp.resolved_offset + inp.diameter, 0.0)


def _isotherm_offset(inp: PlanInputs, protocol: str) -> float:
    """Probe-axis-to-nerve-centre distance at which the warmest point of the nerve
    cross-section just reaches the target with this protocol (bisection on the physics)."""
    n, _, rest = protocol.partition("x") if "x" in protocol else ("1", "", protocol)
    f, _, t = rest.partition("/")
    res = _runner(inp).run(ProtocolChoice(int(n), float(f), float(t or 30)))
    lo = inp.probe_obj.radius + inp.diameter / 2
    hi = lo + 6e-3
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        _, warm = res.nerve_cross_section_min(mid, inp.resolved_along, inp.diameter)
        lo, hi = (mid, hi) if warm <= inp.limits.target_c else (lo, mid)
    return lo


def test_it_imports_no_django():
    code = (
        "import sys, cryoneuro.planning, cryoneuro.planning.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_it_picks_the_protocol_whose_isotherm_the_nerve_sits_on():
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, sensitivity=False, limits=NO_HOLD)
    r_star = _isotherm_offset(base, "120")
    # a hair inside the -20 degC isotherm of a 120 s freeze: 120 s is the shortest
    plan = make_plan(base.with_(offset=r_star - 0.02e-3))
    assert plan.feasible
    assert plan.protocol is not None and plan.protocol.compact == "120"
    # just outside: 120 s is no longer enough
    plan = make_plan(base.with_(offset=r_star + 0.05e-3))
    assert plan.protocol is not None and plan.protocol.total_s > 120


def test_it_reports_the_tolerance_up_to_the_isotherm():
    fixed = ClinicalLimits(freeze_s=(120, 120), cycles=(1, 1), target_hold_s=0.0)
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, limits=fixed, sensitivity=False)
    r_star = _isotherm_offset(base, "120")
    r0 = r_star - 0.5e-3
    plan = make_plan(base.with_(offset=r0))
    assert plan.protocol is not None and plan.protocol.compact == "120"
    assert plan.tolerance["radial_mm"] == pytest.approx(0.5, abs=0.06)


def test_it_uses_more_cycles_when_one_freeze_is_not_enough():
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, sensitivity=False, limits=NO_HOLD)
    r_star = _isotherm_offset(base, "2x120/30")
    r_single = _isotherm_offset(base, "180")
    assert r_star > r_single  # two cycles reach further than the longest single freeze
    plan = make_plan(base.with_(offset=r_star - 0.02e-3))
    assert plan.protocol is not None
    assert plan.protocol.cycles == 2 and plan.protocol.freeze_s <= 120
    assert plan.protocol.thaw_s == 30


def test_a_shorter_thaw_reaches_further():
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, sensitivity=False)
    run = _runner(base)
    short = run.run(ProtocolChoice(2, 90, 30))
    long = run.run(ProtocolChoice(2, 90, 120))
    assert short is not None and long is not None
    assert short.isotherm_radius(-20).max() >= long.isotherm_radius(-20).max()


def test_it_says_so_when_no_protocol_reaches_the_nerve():
    plan = make_plan(PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, gap=4e-3))
    assert not plan.feasible and plan.protocol is None
    assert plan.reasons[0]["code"] == "target_not_reached"
    assert "probe closer" in plan.reasons[0]["advice"]
    assert plan.to_dict()["status"] == "infeasible"


def test_it_refuses_a_nerve_too_deep_for_the_needle():
    plan = make_plan(PlanInputs(depth=85e-3, diameter=1e-3, approach_angle=45))
    assert not plan.feasible and plan.reasons[0]["code"] == "too_deep"


def test_it_protects_the_skin():
    plan = make_plan(PlanInputs(depth=5e-3, diameter=1e-3))
    assert not plan.feasible
    assert plan.reasons[0]["code"] == "constraints" and "skin" in plan.reasons[0]["message"]
    assert any(w["code"] == "skin_at_risk" for w in plan.warnings)
    # the skin lies 1 mm above the end of the active segment, where the split scheme is
    # warm by about 10 degC there: the decision run is unsplit (80 s freeze: -36.0 degC;
    # the split scheme said -25.4 degC, and a -30 degC limit used to pass)
    assert "skin" in plan.geometry["numerics"]["points_near_segment_ends"]
    relaxed = ClinicalLimits(skin_limit_c=-45.0)
    assert make_plan(PlanInputs(depth=5e-3, diameter=1e-3, limits=relaxed)).feasible


def test_it_keeps_a_motor_nerve_out_of_the_injury_zone():
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, sensitivity=False)
    r0 = base.resolved_offset
    # a motor nerve on the other side of the probe, 1.3 mm from its axis
    frame = ProbeFrame(base.depth, 90.0, r0, base.resolved_along, base.probe_obj.active_length)
    x_motor = float(frame.tip[0]) - 1.3e-3
    near = base.with_(structures=(Structure("motor_nerve", x_motor, base.depth, 0.5e-3, "motor"),))
    plan = make_plan(near)
    assert not plan.feasible
    assert "motor" in plan.reasons[0]["message"]
    far = base.with_(
        structures=(Structure("motor_nerve", x_motor - 8e-3, base.depth, 0.5e-3, "motor"),)
    )
    plan = make_plan(far)
    assert plan.feasible
    assert plan.structures[0]["status"] == "ok"


def test_a_vessel_nearby_gives_a_heat_sink_warning():
    plan = make_plan(
        PlanInputs(
            depth=12e-3,
            diameter=1e-3,
            sensitivity=False,
            structures=(Structure("vessel", -3e-3, 12e-3, 2e-3, "artery"),),
        )
    )
    assert any(w["code"] == "vessel_heat_sink" for w in plan.warnings)


def test_a_mixed_catalog_nerve_warns_of_motor_block():
    from cryoneuro.clinical.nerves import NERVES

    mixed = next(n for n in NERVES.values() if n.nerve_type == "mixed")
    plan = make_plan(inputs_for_nerve(mixed.code, depth=12e-3, diameter=1e-3, sensitivity=False))
    assert any(w["code"] == "mixed_target" for w in plan.warnings)


def test_the_sensitivity_moves_the_margin_the_right_way():
    plan = make_plan(PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM))
    s = {(x["parameter"], x["change"]): x for x in plan.sensitivity}
    assert len(s) == 10
    base = plan.nerve["margin_c"]
    assert (
        s[("probe cooling power", -0.2)]["margin_c"]
        < base
        < s[("probe cooling power", 0.2)]["margin_c"]
    )
    assert s[("probe gas temperature", 0.2)]["margin_c"] > base  # colder gas


def test_the_coarse_grid_agrees_with_the_fine_one():
    for gap in (0.8e-3, 1.2e-3):
        inp = PlanInputs(depth=10e-3, diameter=1e-3, gap=gap, sensitivity=False)
        coarse, fine = make_plan(inp), make_plan(inp.with_(grid="fine"))
        assert coarse.protocol is not None and fine.protocol is not None
        assert abs(coarse.protocol.total_s - fine.protocol.total_s) <= 10.0
        assert coarse.iceball["radius_mm"] == pytest.approx(fine.iceball["radius_mm"], abs=0.2)


def test_the_plan_is_reproducible_from_what_is_stored():
    inp = inputs_for_nerve(
        "ipbsn", depth=8e-3, diameter=1.5e-3, approach_angle=60, sensitivity=False
    )
    d = make_plan(inp).to_dict(date(2026, 12, 1))
    text = json.dumps(d)  # JSON-ready
    again = make_plan(PlanInputs.from_dict(json.loads(text)["inputs"])).to_dict(date(2026, 12, 1))
    assert again["protocol"] == d["protocol"]
    assert again["nerve"] == d["nerve"]
    assert d["software_version"]
    # relief model 2026.12.5: calibrated delay + catalog distance / 1-2 mm/day
    expected = relief_window_for_nerve(inp.nerve_code).end_days
    assert d["relief_window"]["end_days"] == pytest.approx(list(expected))
    assert d["relief_window"]["model_version"] == "2026.12.5"
    assert d["relief_window"]["end_dates"][0] < d["relief_window"]["end_dates"][1]


def test_the_isotherms_are_in_the_nerve_frame():
    plan = make_plan(PlanInputs(depth=12e-3, diameter=1e-3, sensitivity=False))
    lines = plan.isotherms["-20"]
    assert lines
    pts = np.array([p for line in lines for p in line])
    # the -20 isotherm surrounds the nerve centre (0, 12 mm)
    assert pts[:, 0].min() < 0 < pts[:, 0].max()
    assert pts[:, 1].min() < 12 < pts[:, 1].max()


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"depth": -1e-3}, "depth"),
        ({"diameter": 0.0}, "diameter"),
        ({"probe": "99g"}, "probe"),
        ({"approach_angle": 5.0}, "approach_angle"),
        ({"layers": (("bacon", 1e-3),)}, "layers"),
        ({"offset": 1e-4}, "offset"),
        ({"depth": math.nan}, "depth"),
    ],
)
def test_bad_inputs_name_the_value(kw, field):
    args = {"depth": 10e-3, "diameter": 1e-3, **kw}
    with pytest.raises(PlanInputError) as exc:
        PlanInputs(**args)
    assert exc.value.field == field


def test_bad_limits_name_the_value():
    with pytest.raises(PlanInputError, match="freeze_s"):
        ClinicalLimits(freeze_s=(200, 100))
    with pytest.raises(PlanInputError, match="target_c"):
        ClinicalLimits(target_c=-200)


def test_the_cheap_sensitivity_runs_match_a_direct_run():
    inp = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, gap=0.8e-3)
    plan = make_plan(inp)
    assert plan.protocol is not None
    runner = plan_runner = _runner(inp.with_(offset=inp.resolved_offset))
    direct = plan_runner.run(plan.protocol, boundary=runner.boundary(power=0.8))
    assert direct is not None
    _, warm = direct.nerve_cross_section_min(inp.resolved_offset, inp.resolved_along, inp.diameter)
    row = next(
        s for s in plan.sensitivity if s["parameter"] == "probe cooling power" and s["change"] < 0
    )
    assert row["margin_c"] == pytest.approx(inp.limits.target_c - warm, abs=1.0)


def test_an_unphysical_solver_result_is_refused(monkeypatch):
    from types import SimpleNamespace

    import cryoneuro.planning.planner as planner
    from cryoneuro.planning import PlanComputationError

    def broken(**kw):
        return SimpleNamespace(min_temperature=np.array([[-1e27]]), tissue_mask=np.array([[True]]))

    monkeypatch.setattr(planner, "simulate", broken)
    with pytest.raises(PlanComputationError, match="not physical"):
        make_plan(PlanInputs(depth=10e-3, diameter=1e-3, sensitivity=False))


def test_a_placement_margin_buys_tolerance():
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, sensitivity=False)
    plain = make_plan(base)
    margin = make_plan(base.with_(placement_margin=1.0e-3))
    assert plain.protocol is not None and margin.protocol is not None
    assert margin.protocol.total_s > plain.protocol.total_s
    assert margin.tolerance["radial_mm"] >= 1.0 - 0.05
    # and the same margin as an offset: the protocol reaches the moved nerve
    moved = make_plan(base.with_(offset=base.resolved_offset + 1.0e-3))
    assert moved.protocol is not None and moved.protocol.total_s <= margin.protocol.total_s


def test_it_plans_with_a_library_device_and_its_probe_model() -> None:
    from cryoneuro.physics.devices import DEVICES

    inp = PlanInputs(depth=10e-3, diameter=1e-3, layers=UNIFORM, probe="metrum_cryoflex")
    assert inp.device is DEVICES["metrum_cryoflex"]
    assert inp.probe_obj.diameter == DEVICES["metrum_cryoflex"].outer_diameter.value
    bnd = _runner(inp).boundary()
    op = DEVICES["metrum_cryoflex"].boundary().point
    assert bnd.max_power_w == op.max_power and bnd.gas_temperature == op.gas_temperature
    assert inp.to_dict()["cryogen"] == "n2o"
    iov = PlanInputs(depth=10e-3, diameter=1e-3, layers=UNIFORM, probe="iovera_1x90")
    assert iov.resolved_reach == 0.09
    with pytest.raises(PlanInputError, match="metrum_cryoflex"):
        PlanInputs(depth=10e-3, diameter=1e-3, layers=UNIFORM, probe="nope")


def test_the_target_needs_the_hold_time_below_it():
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, sensitivity=False)
    plan = make_plan(base)
    assert plan.feasible and plan.protocol is not None and plan.protocol.cycles == 1
    lim = base.limits
    assert plan.nerve["class"] == "axonotmesis (target)"
    assert plan.nerve["time_below_target_s"] >= lim.target_hold_s == 60.0
    # without the hold, the first crossing decides: a shorter freeze
    no_hold = make_plan(base.with_(limits=NO_HOLD))
    assert no_hold.protocol is not None and no_hold.protocol.total_s < plan.protocol.total_s
    # one grid step shorter, the nerve's warmest point is held below -20 degC too briefly
    shorter = ProtocolChoice(1, plan.protocol.freeze_s - lim.freeze_step_s, 30.0)
    pts = cross_section(base.resolved_offset, base.resolved_along, base.diameter)
    _, (dose,), _ = _runner(base).decision_run(shorter, pts)
    assert dose["warmest_c"] <= lim.target_c and dose["time_below_s"] < lim.target_hold_s


def test_the_plan_says_which_injury_thresholds_are_unverified():
    plan = make_plan(PlanInputs(depth=12e-3, diameter=1e-3, sensitivity=False))
    nerve = plan.to_dict()["nerve"]
    assert nerve["permanent_verified"] is False and nerve["permanent_c"] == -140.0
    assert {"permanent", "min_hold_s", "min_cycles"} <= set(nerve["unverified_thresholds"])
    assert "UNVERIFIED" in nerve["injury_rule"]["sources"]["permanent"]
    json.dumps(nerve)


def test_split_error_zone_is_the_ends_of_the_active_segment():
    probe = PlanInputs(depth=12e-3, diameter=1e-3).probe_obj
    R, L = probe.radius, probe.active_length
    pts = np.array(
        [
            (R + 0.5e-3, 0.5 * L),  # beside the segment: split scheme fine
            (R + 4e-3, 2e-3),  # far out in the lateral band
            (R + 0.5e-3, 0.5e-3),  # level with the tip, 0.5 mm from the wall
            (0.0, -1.5e-3),  # under the flat tip, on the axis
            (R, L + 4.5e-3),  # the skin 4.5 mm above the segment's end
            (R, L + 6e-3),  # 6 mm above: beyond the zone
            (R + 3e-3, -4.5e-3),  # 5.4 mm from the tip face
        ]
    )
    assert split_error_points(probe, pts).tolist() == [False, False, True, True, True, False, False]
    assert END_ZONE_M == 5e-3


def test_a_structure_under_the_tip_is_decided_by_the_unsplit_scheme():
    """A motor nerve 1.5 mm below the tip: the split scheme (the old decision) spares it
    (-16 degC, a transient block); the unsplit check finds it below -20 degC."""
    base = PlanInputs(depth=12e-3, diameter=1e-3, layers=UNIFORM, sensitivity=False)
    assert make_plan(base).geometry["numerics"]["decision_scheme"] == "implicit"
    frame = ProbeFrame(base.depth, 90.0, base.resolved_offset, base.resolved_along, 8e-3)
    motor = Structure("motor_nerve", float(frame.tip[0]), float(frame.tip[1]) + 1.5e-3, 0.5e-3)
    inp = base.with_(structures=(motor,))
    plan = make_plan(inp)
    assert plan.geometry["numerics"]["decision_scheme"] == "coupled"
    assert plan.geometry["numerics"]["points_near_segment_ends"] == ["structure motor nerve"]
    assert plan.structures[0]["status"] == "injury" and not plan.feasible
    assert plan.structures[0]["coldest_c"] <= inp.limits.spare_limit_c
    # the same protocol on the split scheme would have spared it
    choice = plan.candidates[0].choice
    split = _runner(inp).run(choice, scheme="implicit")
    assert split is not None
    r, z = plan.structures[0]["r_mm"] * 1e-3, plan.structures[0]["z_mm"] * 1e-3
    cold_split, _ = split.nerve_cross_section_min(r, z, motor.diameter)
    assert inp.limits.spare_limit_c < cold_split < inp.limits.transient_warning_c
