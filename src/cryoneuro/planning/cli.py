"""``cryoneuro plan``: plan a freeze for one nerve from the command line.

Registered in :mod:`cryoneuro.cli` as ``app.command("plan")(plan)``. Lengths are in mm on
the command line (SI inside). Bad input prints one line naming the value on stderr and
exits with status 2.

Example::

    cryoneuro plan --nerve ipbsn --depth-mm 8 --diameter-mm 1.5 \\
        --layers skin:2,fat:5,muscle --probe 16g --angle 60 --motor 4,9,1 --json
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Annotated, Any

import typer

__all__ = ["parse_layers", "parse_structure", "plan"]

EXIT_BAD_INPUT = 2


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=EXIT_BAD_INPUT)


def _num(option: str, text: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{option} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{option} {text!r} must be a finite number")
    return value


def parse_layers(text: str) -> tuple[tuple[str, float], ...]:
    """``"skin:2,fat:5,muscle"`` (mm; the last layer may omit its thickness)."""
    out: list[tuple[str, float]] = []
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError(
            f"--layers {text!r}: give tissue:thickness_mm pairs, e.g. skin:2,fat:5,muscle"
        )
    for i, part in enumerate(parts):
        name, _, th = part.partition(":")
        if not th:
            if i != len(parts) - 1:
                raise ValueError(f"--layers {part!r}: only the last layer may omit its thickness")
            out.append((name.strip(), math.inf))
            continue
        try:
            value = float(th)
        except ValueError:
            raise ValueError(f"--layers {part!r}: thickness {th!r} is not a number (mm)") from None
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"--layers {part!r}: thickness must be > 0 mm")
        out.append((name.strip(), value * 1e-3))
    return tuple(out)


def parse_structure(kind: str, text: str) -> Any:
    """``"x,depth,diameter"`` in mm (x lateral from the target nerve)."""
    from cryoneuro.planning.inputs import Structure

    try:
        vals = [float(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(f"--{kind.split('_')[0]} {text!r}: give x,depth,diameter in mm") from None
    if len(vals) not in (2, 3) or not all(math.isfinite(v) for v in vals):
        raise ValueError(f"--{kind.split('_')[0]} {text!r}: give x,depth[,diameter] in mm")
    diameter = vals[2] if len(vals) == 3 else 1.0
    # kind is a plain str from the option name; Structure refuses one it does not know
    return Structure(kind, vals[0] * 1e-3, vals[1] * 1e-3, diameter * 1e-3)  # type: ignore[arg-type]


def plan(
    depth_mm: Annotated[
        str, typer.Option("--depth-mm", help="Nerve centre depth below the skin (mm).")
    ],
    diameter_mm: Annotated[str, typer.Option("--diameter-mm", help="Nerve diameter (mm).")],
    nerve: Annotated[
        str,
        typer.Option(help="Catalog nerve code (e.g. ipbsn); omit it for a generic sensory nerve."),
    ] = "",
    layers: Annotated[
        str, typer.Option(help="Tissue layers from the skin, mm: skin:2,fat:5,muscle")
    ] = "skin:2,fat:5,muscle",
    probe: Annotated[str, typer.Option(help="Probe preset (14g, 16g, 18g, ...).")] = "16g",
    cryogen: Annotated[str, typer.Option(help="Cryogen preset (n2o, co2, argon).")] = "n2o",
    angle: Annotated[
        str, typer.Option(help="Approach angle to the skin, degrees (90 = perpendicular).")
    ] = "90",
    gap_mm: Annotated[
        str, typer.Option("--gap-mm", help="Gap between probe and nerve surfaces (mm).")
    ] = "0",
    margin_mm: Annotated[
        str,
        typer.Option(
            "--margin-mm",
            help="Placement margin: still reach the target with the probe this much further away (mm).",
        ),
    ] = "0",
    motor: Annotated[
        list[str] | None,
        typer.Option(help="Motor nerve to spare: x,depth[,diameter] mm (repeatable)."),
    ] = None,
    vessel: Annotated[
        list[str] | None,
        typer.Option(help="Vessel (heat source): x,depth[,diameter] mm (repeatable)."),
    ] = None,
    target_c: Annotated[
        str, typer.Option(help="Target temperature over the whole nerve (degC).")
    ] = "-20",
    skin_limit_c: Annotated[
        str, typer.Option(help="Skin surface must stay above this (degC; unverified default).")
    ] = "0",
    distance_mm: Annotated[
        str | None,
        typer.Option("--distance-mm", help="Lesion to end organ (mm) for the relief window."),
    ] = None,
    procedure_date: Annotated[
        str | None, typer.Option("--date", help="Procedure date YYYY-MM-DD (relief dates).")
    ] = None,
    no_sensitivity: Annotated[
        bool, typer.Option("--no-sensitivity", help="Skip the sensitivity runs.")
    ] = False,
    fine: Annotated[
        bool, typer.Option("--fine", help="Use the fine solver grid (slower).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole plan as JSON.")] = False,
) -> None:
    """Plan the shortest freeze protocol that puts the nerve in the reversible window."""
    from cryoneuro.clinical.nerves import NERVES
    from cryoneuro.planning.clinical import inputs_for_nerve
    from cryoneuro.planning.inputs import ClinicalLimits, PlanInputError
    from cryoneuro.planning.planner import PlanComputationError, make_plan

    if nerve and nerve not in NERVES:
        raise _fail(
            f"--nerve {nerve!r} is not a catalog nerve; valid names: {', '.join(sorted(NERVES))}"
        )
    try:
        depth = _num("--depth-mm", depth_mm)
        diameter = _num("--diameter-mm", diameter_mm)
        angle_deg = _num("--angle", angle)
        gap = _num("--gap-mm", gap_mm)
        margin = _num("--margin-mm", margin_mm)
        target = _num("--target-c", target_c)
        skin_limit = _num("--skin-limit-c", skin_limit_c)
        distance = _num("--distance-mm", distance_mm) if distance_mm is not None else None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    try:
        when = date.fromisoformat(procedure_date) if procedure_date else None
    except ValueError:
        raise _fail(f"--date {procedure_date!r}: use YYYY-MM-DD") from None
    try:
        structures = tuple(
            [parse_structure("motor_nerve", m) for m in motor or []]
            + [parse_structure("vessel", v) for v in vessel or []]
        )
        inp = inputs_for_nerve(
            nerve,
            depth=depth * 1e-3,
            diameter=diameter * 1e-3,
            layers=parse_layers(layers),
            probe=probe,
            cryogen=cryogen,
            approach_angle=angle_deg,
            gap=gap * 1e-3,
            placement_margin=margin * 1e-3,
            structures=structures,
            limits=ClinicalLimits(target_c=target, skin_limit_c=skin_limit),
            distance_to_end_organ=distance * 1e-3 if distance is not None else None,
            sensitivity=not no_sensitivity,
            grid="fine" if fine else "coarse",
        )
        result = make_plan(inp)
    except PlanInputError as exc:
        raise _fail(str(exc)) from None
    except (ValueError, PlanComputationError) as exc:
        raise _fail(str(exc)) from None
    data = result.to_dict(when)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(f"status: {data['status']}")
    if result.protocol:
        typer.echo(f"protocol: {result.protocol.compact} ({result.protocol.total_s:g} s in total)")
        typer.echo(f"tolerance: {data['tolerance']['radial_mm']:.2f} mm further from the nerve")
    for r in data["reasons"]:
        typer.echo(f"why: {r['message']} -> {r['advice']}")
    dose = data["nerve"]
    if dose:
        typer.echo(
            f"nerve: {dose['class']}; warmest {dose['warmest_c']:.1f} degC, "
            f"{dose['time_below_target_s']:.0f} s below {dose['target_c']:g} degC "
            f"(needs {dose['hold_required_s']:g} s or {dose['cycles_required']} complete "
            f"freeze-thaw cycles); unverified thresholds: "
            f"{', '.join(dose['unverified_thresholds']) or 'none'}"
        )
    ice = data["iceball"]
    if ice:
        typer.echo(
            f"ice ball: radius {ice['radius_mm']:.1f} mm, length {ice['length_mm']:.1f} mm; "
            f"{target:g} degC radius {ice['target_radius_mm']:.1f} mm"
        )
    for w in data["warnings"]:
        typer.echo(f"{w['severity']}: {w['message']} -> {w['advice']}")
    rw = data.get("relief_window")
    if rw:
        typer.echo(
            f"relief: from day {rw['onset_days'][0]:g}-{rw['onset_days'][1]:g} until day "
            f"{rw['end_days'][0]:.0f}-{rw['end_days'][1]:.0f}"  # whole days, as the pages
        )
    typer.echo(
        f"computed in {data['timings_s']['total']:.2f} s by cryoneuro {data['software_version']}"
    )
