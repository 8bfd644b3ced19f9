"""The ``cryoneuro`` command line: one Typer app, one sub-command per pure layer.

Each layer owns its command in its own ``cli`` module; this file only assembles them,
so that importing one command never drags in another layer's dependencies.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="cryoneuro",
    help="cryoneuro: cryoneurolysis evaluation, freeze physics and treatment planning.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """cryoneuro: cryoneurolysis evaluation, freeze physics and treatment planning."""
    # An explicit callback keeps sub-commands as sub-commands even when only one exists.


# Registrations (one line per layer; each module defines a plain Typer command function).
from cryoneuro.physics.cli import freeze  # noqa: E402

app.command("freeze")(freeze)
from cryoneuro.clinical.cli import assess, mme  # noqa: E402

app.command("assess")(assess)
app.command("mme")(mme)
from cryoneuro.planning.cli import plan  # noqa: E402

app.command("plan")(plan)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
