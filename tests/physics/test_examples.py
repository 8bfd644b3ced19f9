"""The physics examples run and the validation metrics reproduce the README's figures."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = runpy.run_path(str(ROOT / "examples" / "physics_validation_sarshoghi.py"))[
    "default_data_dir"
]()


def test_it_runs_the_quickstart_example(capsys) -> None:
    runpy.run_path(str(ROOT / "examples" / "physics_quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "ice-ball radius" in out
    assert "worst class along the nerve" in out


@pytest.mark.skipif(not DATA.exists(), reason="Sarshoghi validation data not available")
def test_it_runs_the_validation_example_and_matches_the_readme(tmp_path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "physics_validation_sarshoghi.py"),
            "--quick",
            "--data",
            str(DATA),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    report = json.loads((tmp_path / "validation_metrics_quick.json").read_text())
    ref_c = report["celsio"]["reference model (shipped)"]
    ref_i = report["icesphere"]["reference model (shipped)"]
    # README: shipped-model RMSE 1.84/4.26/5.57 (Celsio) and 2.14/3.96/5.09 (IceSphere)
    assert [round(ref_c[k]["rmse"], 2) for k in ("2.10", "2.40", "2.80")] == [1.84, 4.26, 5.57]
    assert [round(ref_i[k]["rmse"], 2) for k in ("2.80", "4.80", "6.80")] == [2.14, 3.96, 5.09]
    # issue 3: a pure 1-D radial model driven by the innermost trace misses by ~11 degC
    one_d = report["icesphere"]["1-D radial, 10.8 mm"]["pooled"]["rmse"]
    assert 8.0 < one_d < 15.0
    # natural convection in the liquid (published correlation, assumed bath geometry,
    # nothing fitted) predicts IceSphere within 1 degC of the reference model
    conv = report["icesphere"]["1-D radial, 10.8 mm + convection"]["pooled"]["rmse"]
    assert conv < 5.0 and conv < one_d / 2
