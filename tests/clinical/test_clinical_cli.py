"""``cryoneuro assess`` through Typer's runner (no subprocess, no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from clinical_cases import eligible_data
from typer.testing import CliRunner

from cryoneuro.clinical.cli import assess
from cryoneuro.clinical.eligibility import Case
from cryoneuro.clinical.eligibility import assess as assess_case

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Group mode, as in cryoneuro.cli once several layers register commands."""

    app.command("assess")(assess)
    return app


runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(_app(), ["assess", *args])


def test_it_prints_the_decision_as_json(tmp_path: Path) -> None:
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(eligible_data(pregnancy=True)), encoding="utf-8")
    result = _run(str(case_file))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outcome"] == "needs_review"
    assert [h["code"] for h in data["fired"] if h["severity"] == "needs_review"] == ["NR_PREGNANCY"]


def test_it_prints_the_schema() -> None:
    result = _run("--schema")
    assert result.exit_code == 0
    assert "nrs" in json.loads(result.stdout)["properties"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"nrs": 14}, "nrs: Input should be less than or equal to 10 (got 14)"),
        ({"inr": -1}, "inr: Input should be greater than 0.5 (got -1)"),
        ({"indication": "elbow"}, "indication: unknown indication 'elbow'"),
        # issue 10: contradictions name the field
        ({"aptt_ratio": 1.4}, "aptt_ratio: An aPTT ratio is recorded but no bleeding disorder"),
        (
            {"allergies": [{"substance": "other"}]},
            'allergies.0.detail: Name the allergen (kind “other”). (got "")',
        ),
        ({"age_years": -3}, "age_years: Input should be greater than or equal to 0 (got -3)"),
    ],
)
def test_it_names_the_field_and_value_of_bad_input(
    tmp_path: Path, overrides: dict, expected: str
) -> None:
    case_file = tmp_path / "bad.json"
    case_file.write_text(json.dumps(eligible_data(**overrides)), encoding="utf-8")
    result = _run(str(case_file))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_it_reports_unreadable_and_malformed_files(tmp_path: Path) -> None:
    missing = _run(str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    bad_json = _run(str(broken))
    assert bad_json.exit_code == 2 and "not valid JSON" in bad_json.stderr
    nothing = _run()
    assert nothing.exit_code == 2 and "--schema" in nothing.stderr


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("case_*.json")), ids=lambda p: p.name)
def test_it_runs_the_example_cases(path: Path) -> None:
    case = Case.model_validate_json(path.read_text(encoding="utf-8"))
    decision = assess_case(case)
    result = _run(str(path))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == decision.to_dict()


def test_it_ships_an_eligible_knee_example() -> None:
    case = Case.model_validate_json((EXAMPLES / "case_knee.json").read_text(encoding="utf-8"))
    assert assess_case(case).outcome == "eligible"


@pytest.mark.parametrize(
    ("name", "outcome", "codes"),
    [
        ("case_knee.json", "eligible", set()),
        ("case_occipital_raynaud.json", "not_eligible", {"CI_RAYNAUD"}),
        (
            "case_intercostal_anticoagulated.json",
            "needs_review",
            {"NR_ANTICOAGULANT", "NR_MIXED_MOTOR_NERVE"},
        ),
    ],
)
def test_it_gives_the_expected_decision_for_each_example(
    name: str, outcome: str, codes: set[str]
) -> None:
    case = Case.model_validate_json((EXAMPLES / name).read_text(encoding="utf-8"))
    decision = assess_case(case)
    assert decision.outcome == outcome
    assert {h.code for h in decision.fired if h.severity != "supports"} == codes


def _run_mme(*args: str):  # type: ignore[no-untyped-def]
    from cryoneuro.clinical.cli import mme

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Group mode."""

    app.command("mme")(mme)
    return runner.invoke(app, ["mme", *args])


def test_it_prints_the_mme_of_a_day_by_route() -> None:
    # CDC 2022 footnote: oxycodone 10 mg twice a day = 30 MME; a 25 mcg/h patch = 60 MME
    result = _run_mme("oxycodone:20:oral", "fentanyl:25:transdermal")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mme_per_day"] == pytest.approx(90)


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("fentanyl:200:buccal", "fentanyl (buccal): no sourced MME"),
        ("fentanyl:200:unknown", "fentanyl: route not recorded"),
        ("fentanyl:200", "give DRUG:DAILY_DOSE:ROUTE"),
        ("morphine:ten:oral", "daily dose 'ten' is not a number"),
        ("morphine:10:smoked", "unknown route 'smoked'"),
        ("kratom:10:oral", "unknown drug 'kratom'"),
    ],
)
def test_it_refuses_an_mme_it_cannot_source_with_a_message(arg: str, message: str) -> None:
    result = _run_mme(arg)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
