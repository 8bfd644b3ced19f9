"""The ``cryoneuro freeze`` command."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cryoneuro.cli import app

runner = CliRunner()
FAST = ["--h-min-mm", "0.3", "--r-max-mm", "12", "--protocol", "60"]


def test_it_runs_a_freeze_and_writes_plot_and_json(tmp_path) -> None:
    png, js = tmp_path / "out.png", tmp_path / "out.json"
    result = runner.invoke(
        app,
        [
            "freeze",
            "--probe",
            "16g",
            "--cryogen",
            "co2",
            "--tissue",
            "muscle",
            *FAST,
            "--plot",
            str(png),
            "--json",
            str(js),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "ice-ball radius" in result.output
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:4] == b"\x89PNG"
    data = json.loads(js.read_text())
    assert data["setup"]["cryogen"]["name"] == "co2"
    assert data["iceball_radius_mm"][-1] > 1.0
    assert abs(data["energy"]["relative_imbalance"]) < 1e-6


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--probe", "12g"], "valid choices: 14g, 16g, 18g"),
        (["--tissue", "brain"], "valid choices"),
        (["--cryogen", "helium"], "argon, co2, n2o"),
        (["--protocol", "2x120"], "thaw between freezes"),
        (["--protocol", "freeze:-3"], "-3"),
        (["--protocol", "-2x120/60"], "the number of cycles is negative (-2)"),
        (["--protocol", "2x-120/60"], "the freeze time is negative (-120 s)"),
        (["--protocol", "2x120/-60"], "the thaw time is negative (-60 s)"),
        (["--surface-temperature", "50"], "not colder than the tissue"),
        (["--h-min-mm", "2"], "grid too coarse"),
        (["--dt", "-1"], "--dt"),
    ],
)
def test_it_refuses_bad_values_with_one_line_and_exit_code_2(args: list[str], needle: str) -> None:
    result = runner.invoke(app, ["freeze", "--quiet", *args])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_it_accepts_a_prescribed_surface_temperature_and_a_skin(tmp_path) -> None:
    js = tmp_path / "s.json"
    result = runner.invoke(
        app,
        [
            "freeze",
            "--quiet",
            *FAST,
            "--surface-temperature",
            "-60",
            "--tip-depth-mm",
            "20",
            "--json",
            str(js),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(js.read_text())
    assert data["setup"]["boundary"]["type"] == "PrescribedSurfaceTemperature"
    assert data["min_temperature_c"] >= -60.0 - 1e-9
