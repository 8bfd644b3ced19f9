"""Single-probe plan, search included, after compilation, against an in-run baseline.

    .venv/bin/python benchmarks/bench_planner.py [--repeat 5]

Path timed: ``cryoneuro.planning.make_plan`` (what the web app's
``treatmentplans.services`` and ``cryoneuro plan`` call): the search's runs of
``simulate()`` on the coarse grid (split ``"implicit"`` scheme, or ``"coupled"`` when the
nerve lies near an end of the active segment), the decision run of each candidate
(``"coupled"`` when a nerve, structure or skin point lies near the segment's ends:
planner.END_ZONE_M) and, with sensitivity, 11 cheap split runs. The table's "check"
column says which scheme decided.

Cases (16G probe, N2O, skin 2 mm / fat 5 mm / muscle, nerve 1 mm, 10 mm deep):
- "typical": the probe touching the nerve (the shortest protocol is a single freeze);
- "far": 1.6 mm gap (a long single freeze, more search);
- "two cycles", "three cycles": 1.9 and 2.2 mm gaps (cycles needed: the costliest search);
- "at the tip": the nerve level with the tip (along 0.3 mm, 14 mm deep): the unsplit scheme
  searches and decides (issue 12 §4);
each with and without the +/-20 % sensitivity runs (10 extra solver runs).
Baseline: one ``simulate()`` of the chosen protocol on the physics' default grid, and
one on the planner's coarse grid. Prints a table with the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from cryoneuro.physics import Axisymmetric, LayeredTissue, simulate
    from cryoneuro.planning import PlanInputs, make_plan

    layers = (("skin", 2e-3), ("fat", 5e-3), ("muscle", float("inf")))
    cases = {
        "typical": (0.0, None, 10e-3),
        "far": (1.6e-3, None, 10e-3),
        "two cycles": (1.9e-3, None, 10e-3),
        "three cycles": (2.2e-3, None, 10e-3),
        "at the tip": (0.0, 0.3e-3, 14e-3),
    }

    cpu: dict[int, float] = {}

    def best(fn) -> tuple[float, float]:
        """(best wall time, median wall time); the best CPU time goes to cpu[id(fn)]."""
        times, cpus = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        cpu[id(fn)] = min(cpus)
        return min(times), statistics.median(times)

    t0 = time.perf_counter()
    make_plan(PlanInputs(depth=10e-3, diameter=1e-3, layers=layers))  # compile / load caches
    warm = time.perf_counter() - t0

    rows = []
    for name, (gap, along, depth) in cases.items():
        inp = PlanInputs(depth=depth, diameter=1e-3, layers=layers, gap=gap, along=along)
        plan = make_plan(inp)
        proto = plan.protocol.compact if plan.protocol else "none"
        tissue = LayeredTissue.of(*layers)
        tip = plan.frame.model_tip_depth if plan.frame else 0.014
        fine = Axisymmetric(tip_depth=tip)
        coarse = Axisymmetric(
            tip_depth=tip, h_min=2e-4, stretch=1.15, h_max=2e-3, r_max=0.02, below_tip=0.012
        )
        b_fine, _ = best(
            partial(
                simulate, probe="16g", cryogen="n2o", tissue=tissue, protocol=proto, geometry=fine
            )
        )
        b_coarse, _ = best(
            partial(
                simulate,
                probe="16g",
                cryogen="n2o",
                tissue=tissue,
                protocol=proto,
                geometry=coarse,
                dt=2.0,
            )
        )
        full_fn = partial(make_plan, inp)
        p_min, p_med = best(full_fn)
        p_cpu = cpu[id(full_fn)]
        s_min, s_med = best(partial(make_plan, inp.with_(sensitivity=False)))
        rows.append(
            (
                f"{name} ({plan.geometry['numerics']['decision_scheme']})",
                proto,
                int(plan.timings["solver_runs"]),
                b_fine,
                b_coarse,
                s_min,
                s_med,
                p_min,
                p_med,
                p_cpu,
            )
        )

    print(f"first plan in the process (numba cache load + imports): {warm:.2f} s")
    head = (
        "case (check scheme)",
        "protocol",
        "runs",
        "simulate fine",
        "simulate coarse",
        "plan no-sens",
        "(median)",
        "plan full",
        "(median)",
        "plan full CPU",
        "full/simulate fine",
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, proto, runs, bf, bc, smin, smed, pmin, pmed, pcpu in rows:
        print(
            f"| {name} | {proto} | {runs} | {bf * 1e3:.0f} ms | {bc * 1e3:.0f} ms | {smin * 1e3:.0f} ms | "
            f"{smed * 1e3:.0f} ms | {pmin * 1e3:.0f} ms | {pmed * 1e3:.0f} ms | {pcpu * 1e3:.0f} ms | "
            f"{pmin / bf:.1f}x |"
        )
    print(
        f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(wall times grow with the load; CPU time does not)"
    )
    worst = max(r[7] for r in rows)
    typical = rows[0][7]
    verdict = "every case" if worst < 1.0 else "typical case only" if typical < 1.0 else "NO"
    print(
        f"typical plan (search + sensitivity): {typical * 1e3:.0f} ms; slowest case: "
        f"{worst * 1e3:.0f} ms; under 1 s: {verdict}"
    )


if __name__ == "__main__":
    main()
