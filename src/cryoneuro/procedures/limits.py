"""Plausibility limits of what is recorded on the procedure day (issue 11), each a
parameter with its source or marked as an assumption (docs/clinical/procedure-record.md).

The planner's own search bounds are 60-180 s of freeze, 30-120 s of thaw, 1-3 cycles
(``cryoneuro.planning.inputs.LIMIT_SOURCES``, physics.md). The recording limits below are
wider on purpose: they refuse what cannot be a real cycle (a typing slip such as
05:10-10:10), not what a physician may choose on the day.
"""

from __future__ import annotations

MAX_FREEZE_S: int = 600
"""Longest freeze of one cycle that is accepted: 10 min. ASSUMPTION (unverified): no
device manual was found in the corpus; 10 min is over three times the longest freeze the
planner may propose (180 s) and longer than any protocol in physics.md (3 x 3 min at
most). Configure to the console used."""

MAX_THAW_S: int = 600
"""Longest thaw of one cycle that is accepted: 10 min. ASSUMPTION (unverified), same
reasoning: five times the planner's longest thaw (120 s)."""

PLAN_TOLERANCE_FRACTION: float = 0.10
"""A recorded freeze differs from the plan when it is off by more than this fraction of
the planned freeze ... (see PLAN_TOLERANCE_S). ASSUMPTION: 10 % was the project's
existing tolerance (issue 6); no published tolerance was found."""

PLAN_TOLERANCE_S: float = 15.0
"""... or by more than this many seconds, whichever is larger (for a 60 s freeze: 15 s;
for 180 s: 18 s). ASSUMPTION: the console's timer and the nurse's reading of it are to
the few seconds; 15 s keeps a 60 s freeze read as 58 s or 66 s "as planned" and flags a
45 s or 80 s one."""


def freeze_tolerance_s(planned_s: float) -> float:
    """The allowed gap (s) between a recorded and a planned freeze."""
    return max(PLAN_TOLERANCE_S, PLAN_TOLERANCE_FRACTION * planned_s)


CLOCK_TOLERANCE_S: int = 120
"""How far in the future a recorded time may be (s) before it is refused (issue 11: a step
is recorded once done, never ahead). Not zero because a time is typed to the minute (up to
59 s ahead of the server's clock when the nurse rounds up) and the wall clock or console
the nurse reads may run a minute ahead of the server's; 2 min covers both and still
refuses a slip of the hour or a step typed in advance."""
