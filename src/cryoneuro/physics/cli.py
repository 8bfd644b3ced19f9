"""``cryoneuro freeze``: simulate one cryoprobe freeze from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cryoneuro.physics.kernels import NewtonNotConverged

__all__ = ["freeze"]


def freeze(
    device: Annotated[
        str | None,
        typer.Option(
            help="device from the library (see docs/physics/probe-model.md), e.g. "
            "iovera_1x90, metrum_cryoflex, atricure_cryosphere; replaces --probe/--cryogen "
            "and drives the probe with the Joule-Thomson model; its standard protocol "
            "unless --protocol is given"
        ),
    ] = None,
    probe: Annotated[
        str, typer.Option(help="probe preset: 14g, 16g, 18g, celsio, icesphere")
    ] = "16g",
    cryogen: Annotated[str, typer.Option(help="cryogen preset: n2o, co2, argon")] = "n2o",
    tissue: Annotated[
        str, typer.Option(help="tissue preset, e.g. muscle, fat, soft_tissue")
    ] = "soft_tissue",
    protocol: Annotated[
        str | None,
        typer.Option(help='e.g. "2x120/60" or "freeze:90,thaw:30" (default 2x120/60)'),
    ] = None,
    surface_temperature: Annotated[
        float | None,
        typer.Option(
            help="hold the probe surface at this temperature (degC) instead of the "
            "cryogen-limited model"
        ),
    ] = None,
    h_min_mm: Annotated[float, typer.Option(help="cell size at the probe (mm)")] = 0.1,
    r_max_mm: Annotated[float, typer.Option(help="lateral extent of the domain (mm)")] = 25.0,
    tip_depth_mm: Annotated[
        float | None, typer.Option(help="depth of the tip below the skin (mm); default: no skin")
    ] = None,
    initial_temperature: Annotated[
        float | None, typer.Option(help="tissue temperature before the freeze (degC)")
    ] = None,
    dt: Annotated[float, typer.Option(help="time step (s)")] = 1.0,
    plot: Annotated[Path | None, typer.Option(help="write a PNG figure here")] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="write a JSON summary here")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar, no table")] = False,
) -> None:
    """Simulate a freeze around one probe (axisymmetric) and report the ice ball."""
    from rich.console import Console

    err = Console(stderr=True)
    try:
        from cryoneuro.physics import Axisymmetric, PrescribedSurfaceTemperature, simulate
        from cryoneuro.physics.devices import device as device_preset
        from cryoneuro.physics.observers import Observer, Progress

        dev = None if device is None else device_preset(device)
        if protocol is None:
            protocol = dev.protocol if dev is not None else "2x120/60"

        for name, value in (("--h-min-mm", h_min_mm), ("--r-max-mm", r_max_mm), ("--dt", dt)):
            if not value > 0.0:
                raise ValueError(f"{name} must be > 0, got {value!r}")
        geometry = Axisymmetric(
            h_min=h_min_mm * 1e-3,
            r_max=r_max_mm * 1e-3,
            tip_depth=None if tip_depth_mm is None else tip_depth_mm * 1e-3,
        )
        boundary = (
            None
            if surface_temperature is None
            else PrescribedSurfaceTemperature.constant(surface_temperature)
        )
        observers: list[Observer] = []
        progress_ctx = None
        if not quiet:
            from rich.progress import Progress as RichProgress

            progress_ctx = RichProgress(console=err, transient=True)
            task = progress_ctx.add_task("freezing", total=1.0)
            from cryoneuro.physics import Protocol

            duration = Protocol.parse(protocol).duration
            observers.append(
                Progress(lambda f: progress_ctx.update(task, completed=f), duration, every=20)
            )
            progress_ctx.start()
        try:
            res = simulate(
                probe,
                cryogen,
                tissue,
                protocol,
                boundary=boundary,
                geometry=geometry,
                initial_temperature=initial_temperature,
                dt=dt,
                observers=observers,
                device=dev,
            )
        finally:
            if progress_ctx is not None:
                progress_ctx.stop()
        if plot is not None:
            from cryoneuro.physics.plot import plot_result

            plot_result(res, plot)
        if json_out is not None:
            json_out.write_text(json.dumps(res.summary(), indent=2))
    except (ValueError, OSError, NewtonNotConverged) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    if not quiet:
        from rich.console import Console as Out
        from rich.table import Table

        what = f"{dev.name} ({dev.cryogen})" if dev is not None else f"{probe} · {cryogen}"
        table = Table(title=f"freeze {protocol} · {what} · {tissue}")
        table.add_column("quantity")
        table.add_column("value", justify="right")
        table.add_row(
            "ice-ball radius at the end (mm from the axis)", f"{1e3 * res.iceball_radius[-1]:.2f}"
        )
        table.add_row("largest ice-ball radius (mm)", f"{1e3 * res.iceball_radius.max():.2f}")
        table.add_row("largest ice-ball length (mm)", f"{1e3 * res.iceball_length.max():.2f}")
        for lv in res.thresholds:
            table.add_row(
                f"largest {lv:g} °C radius (mm)", f"{1e3 * res.isotherm_radius(lv).max():.2f}"
            )
        table.add_row(
            "coldest tissue (°C)", f"{float(res.min_temperature[res.tissue_mask].min()):.1f}"
        )
        table.add_row("peak probe power (W)", f"{float(res.probe_power_w.max()):.2f}")
        table.add_row("energy balance error", f"{res.energy['relative_imbalance']:.1e}")
        Out().print(table)
