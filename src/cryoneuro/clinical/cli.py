"""``cryoneuro assess``: assess a case file, or print the case JSON Schema.

Registered in :mod:`cryoneuro.cli` as ``app.command("assess")(assess)``. Bad input
prints one line naming the field and value on stderr and exits with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from cryoneuro.clinical.eligibility import Case, case_json_schema
from cryoneuro.clinical.eligibility import assess as assess_case

__all__ = ["assess", "format_validation_error", "mme"]

EXIT_BAD_INPUT = 2


def format_validation_error(exc: ValidationError) -> str:
    """One line: ``field: message (got value)`` for each error, joined by ``; ``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "case"
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "missing":
            parts.append(f"{loc}: field required")
            continue
        value: Any = err.get("input")
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, dict) else "{...}"
        if len(shown) > 60:
            shown = shown[:57] + "..."
        parts.append(f"{loc}: {msg} (got {shown})")
    return "; ".join(parts)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=EXIT_BAD_INPUT)


def assess(
    case_file: Annotated[
        Path | None,
        typer.Argument(help="JSON file describing the case (see --schema).", show_default=False),
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of a case and exit.")
    ] = False,
) -> None:
    """Assess eligibility for cryoneurolysis: print the decision as JSON."""
    if schema:
        typer.echo(json.dumps(case_json_schema(), indent=2, ensure_ascii=False))
        return
    if case_file is None:
        raise _fail("give a CASE.json file, or --schema")
    try:
        text = case_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise _fail(f"cannot read {case_file}: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            f"{case_file} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise _fail(f"invalid case in {case_file}: {format_validation_error(exc)}") from None
    decision = assess_case(case)
    typer.echo(json.dumps(decision.to_dict(), indent=2, ensure_ascii=False))


def mme(
    intakes: Annotated[
        list[str],
        typer.Argument(
            help="DRUG:DAILY_DOSE:ROUTE, e.g. oxycodone:20:oral fentanyl:25:transdermal "
            "(oral doses in mg/day, a fentanyl patch in mcg/h).",
            show_default=False,
        ),
    ],
) -> None:
    """Oral morphine milligram equivalents per day (CDC 2022 factors, by route), as JSON.

    A drug or route without a sourced factor, or a route not given, is refused with a
    message naming it (exit status 2): the MME is never guessed."""
    from cryoneuro.clinical.analgesics import CDC_2022_SOURCE, MMEUnavailable, convert

    rows = []
    for text in intakes:
        parts = text.split(":")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise _fail(f"{text!r}: give DRUG:DAILY_DOSE:ROUTE (e.g. morphine:30:oral)")
        drug, dose_text, route = (p.strip() for p in parts)
        try:
            dose = float(dose_text)
        except ValueError:
            raise _fail(f"{text!r}: daily dose {dose_text!r} is not a number") from None
        try:
            result = convert(drug, dose, route)
        except MMEUnavailable as exc:  # pragma: no cover - convert records refusals
            raise _fail(str(exc)) from None
        except ValueError as exc:
            raise _fail(f"{text!r}: {exc}") from None
        if result.mme_per_day is None:
            raise _fail(f"{text!r}: {result.reason}")
        rows.append(result.to_dict())
    total = round(sum(r["mme_per_day"] for r in rows), 3)
    typer.echo(
        json.dumps(
            {"intakes": rows, "mme_per_day": total, "source": CDC_2022_SOURCE},
            indent=2,
            ensure_ascii=False,
        )
    )
