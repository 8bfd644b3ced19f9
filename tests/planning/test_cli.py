"""``cryoneuro plan``."""

import json
import re

import pytest
from typer.testing import CliRunner

from cryoneuro.cli import app

runner = CliRunner()


def test_it_prints_the_plan_as_json():
    out = runner.invoke(
        app,
        [
            "plan",
            "--nerve",
            "ipbsn",
            "--depth-mm",
            "10",
            "--diameter-mm",
            "1",
            "--no-sensitivity",
            "--date",
            "2026-12-01",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["status"] == "feasible"
    assert data["protocol"]["compact"]
    assert data["relief_window"]["end_dates"]
    assert data["inputs"]["depth_m"] == pytest.approx(0.01)


def test_it_prints_a_summary():
    out = runner.invoke(
        app,
        [
            *("plan", "--nerve", "ipbsn", "--depth-mm", "10", "--diameter-mm", "1"),
            *("--no-sensitivity", "--motor", "3,10,1"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "protocol:" in out.stdout and "tolerance:" in out.stdout
    # the nerve's dose below the target and the unverified thresholds are said
    (nerve,) = [line for line in out.stdout.splitlines() if line.startswith("nerve:")]
    assert "s below -20 degC (needs 60 s or 2 complete freeze-thaw cycles)" in nerve
    assert "permanent" in nerve.split("unverified thresholds:")[1]
    (relief,) = [line for line in out.stdout.splitlines() if line.startswith("relief:")]
    assert re.fullmatch(r"relief: from day \d+-\d+ until day \d+-\d+", relief), relief


@pytest.mark.parametrize(
    "args, named",
    [
        (["--depth-mm", "abc", "--diameter-mm", "1"], "--depth-mm 'abc'"),
        (["--depth-mm", "-3", "--diameter-mm", "1"], "depth"),
        (["--depth-mm", "8", "--diameter-mm", "1", "--probe", "99g"], "99g"),
        (["--depth-mm", "8", "--diameter-mm", "1", "--layers", "skin:x"], "skin:x"),
        (["--depth-mm", "8", "--diameter-mm", "1", "--vessel", "1"], "--vessel '1'"),
        (["--depth-mm", "8", "--diameter-mm", "1", "--date", "tomorrow"], "tomorrow"),
    ],
)
def test_bad_values_get_one_line_and_exit_2(args, named):
    out = runner.invoke(app, ["plan", *args])
    assert out.exit_code == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and named in lines[0]
    assert "Traceback" not in out.output


def test_it_refuses_an_unknown_nerve_listing_the_valid_names():
    out = runner.invoke(
        app, ["plan", "--nerve", "nosuchnerve", "--depth-mm", "8", "--diameter-mm", "1.5"]
    )
    assert out.exit_code == 2
    assert "nosuchnerve" in out.output and "valid names:" in out.output
    assert "ipbsn" in out.output and "genicular_superomedial" in out.output
    assert "Traceback" not in out.output
