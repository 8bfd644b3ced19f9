"""Relief tracking after a cryoneurolysis session, and what to propose next.

Definitions (each a parameter with its source):

* **Response**: NRS reduced from baseline by at least 30 % or by at least 2 points
  (IMMPACT: Dworkin et al., J Pain 2008;9:105-121, "moderately important" change;
  Farrar et al., Pain 2001;94:149-158). Issue 6 uses the same definition.
* **Onset of relief**: the first follow-up point that is a response.
* **End of relief** (pain returned): after onset, the first of ``confirm_points``
  consecutive points (default 2) that are no longer a response; the end day is the day
  of the first of them. One trailing non-response point is only a *possible* return
  (confirm at the next follow-up). Documented choice: a single bad day should not
  trigger a re-treatment.
* **Failed session**: no response at any point, judged once follow-up reaches
  ``judge_after_days`` (default 30, a configurable default: day 30 is a common trial
  time point, clinical.md; not a published failure definition).
* **Next step**: pain returned after a response -> ``retreatment_consultation`` (seed:
  "la procédure peut être renouvelée si les symptômes réapparaissent"); a failed
  session -> ``retreatment_consultation`` too (Delphi consensus: repeat within weeks
  when the response is incomplete); ``max_failed_sessions`` (2) consecutive failed
  sessions -> ``consider_other_treatments`` (Delphi expert consensus, Cardiovasc
  Intervent Radiol 2025, clinical.md). A session that responded in between resets the
  count (documented choice: the nerve has shown it responds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cryoneuro.clinical.regeneration import ReliefWindow

__all__ = [
    "DELPHI_SOURCE",
    "IMMPACT_SOURCE",
    "NextStep",
    "ReliefCourse",
    "Session",
    "is_response",
    "next_step",
    "relief_course",
    "relief_vs_window",
]

IMMPACT_SOURCE = (
    "IMMPACT, Dworkin et al., J Pain 2008;9:105 (>= 30 % or >= 2 points NRS reduction); "
    "Farrar et al., Pain 2001;94:149"
)
DELPHI_SOURCE = (
    "Delphi expert consensus on cryoneurolysis, Cardiovasc Intervent Radiol 2025 (clinical.md): "
    "repeat within weeks when the response is incomplete; other treatments after 2 failed sessions"
)
SEED_REPEAT = "seed page: 'La procédure peut être renouvelée si les symptômes réapparaissent.'"

RESPONSE_MIN_FRACTION = 0.30
RESPONSE_MIN_POINTS = 2.0

CourseStatus = Literal[
    "no_data", "awaiting_response", "no_response", "responding", "possible_return", "relief_ended"
]
Action = Literal["continue_follow_up", "retreatment_consultation", "consider_other_treatments"]


def _check_nrs(name: str, value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 10
    ):
        raise ValueError(f"{name} must be an NRS value 0-10, got {value!r}")
    return float(value)


def is_response(
    baseline: float,
    value: float,
    *,
    min_fraction: float = RESPONSE_MIN_FRACTION,
    min_points: float = RESPONSE_MIN_POINTS,
) -> bool:
    """True if ``value`` is reduced from ``baseline`` by >= 30 % or >= 2 NRS points (IMMPACT).

    A baseline of 0 leaves nothing to reduce: never a response.
    """
    b = _check_nrs("baseline NRS", baseline)
    v = _check_nrs("NRS", value)
    reduction = b - v
    if b <= 0 or reduction <= 0:
        return False
    return reduction >= min_points - 1e-9 or reduction / b >= min_fraction - 1e-9


@dataclass(frozen=True, slots=True)
class ReliefCourse:
    """What a session's pain trajectory shows."""

    status: CourseStatus
    onset_day: float | None
    end_day: float | None
    last_day: float | None
    responses: tuple[bool, ...]

    @property
    def responded(self) -> bool:
        return self.onset_day is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "onset_day": self.onset_day,
            "end_day": self.end_day,
            "last_day": self.last_day,
            "responses": list(self.responses),
        }


def _clean_series(series: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for item in series:
        try:
            day, value = item
        except (TypeError, ValueError):
            raise ValueError(f"each point must be a (day, NRS) pair, got {item!r}") from None
        if (
            isinstance(day, bool)
            or not isinstance(day, int | float)
            or not math.isfinite(day)
            or day < 0
        ):
            raise ValueError(f"day must be a number >= 0, got {day!r}")
        points.append((float(day), _check_nrs(f"NRS on day {day}", value)))
    points.sort(key=lambda p: p[0])
    days = [d for d, _ in points]
    if len(set(days)) != len(days):
        raise ValueError("two NRS values given for the same day")
    return points


def relief_course(
    baseline: float,
    series: Sequence[tuple[float, float]],
    *,
    confirm_points: int = 2,
    judge_after_days: float = 30.0,
    min_fraction: float = RESPONSE_MIN_FRACTION,
    min_points: float = RESPONSE_MIN_POINTS,
) -> ReliefCourse:
    """Onset and end of relief in a follow-up series of ``(day, NRS)`` after a procedure."""
    if confirm_points < 1:
        raise ValueError(f"confirm_points must be >= 1, got {confirm_points!r}")
    points = _clean_series(series)
    _check_nrs("baseline NRS", baseline)
    if not points:
        return ReliefCourse("no_data", None, None, None, ())
    resp = tuple(
        is_response(baseline, v, min_fraction=min_fraction, min_points=min_points)
        for _, v in points
    )
    last_day = points[-1][0]
    if not any(resp):
        status: CourseStatus = (
            "no_response" if last_day >= judge_after_days else "awaiting_response"
        )
        return ReliefCourse(status, None, None, last_day, resp)
    first = resp.index(True)
    onset = points[first][0]
    run = 0
    for i in range(first + 1, len(points)):
        run = 0 if resp[i] else run + 1
        if run == confirm_points:
            end_index = i - confirm_points + 1
            return ReliefCourse("relief_ended", onset, points[end_index][0], last_day, resp)
    status = "possible_return" if run > 0 else "responding"
    return ReliefCourse(status, onset, None, last_day, resp)


@dataclass(frozen=True, slots=True)
class Session:
    """One cryoneurolysis session at a site: baseline NRS and follow-up ``(day, NRS)``."""

    baseline_nrs: float
    series: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class NextStep:
    """A proposal for the physician (never an automatic decision)."""

    action: Action
    reason_fr: str
    reason_en: str
    source: str
    failed_sessions: int
    course: ReliefCourse

    def reason(self, lang: str = "fr") -> str:
        return self.reason_en if lang == "en" else self.reason_fr

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "reason_fr": self.reason_fr,
            "reason_en": self.reason_en,
            "source": self.source,
            "failed_sessions": self.failed_sessions,
            "course": self.course.to_dict(),
        }


def next_step(
    history: Sequence[Session | tuple[float, Sequence[tuple[float, float]]]],
    *,
    max_failed_sessions: int = 2,
    confirm_points: int = 2,
    judge_after_days: float = 30.0,
) -> NextStep:
    """What to propose after the latest session of a site, given all its sessions in order.

    ``history`` items are :class:`Session` or ``(baseline_nrs, [(day, nrs), ...])``.
    """
    if not history:
        raise ValueError("history needs at least one session")
    courses: list[ReliefCourse] = []
    for item in history:
        s = item if isinstance(item, Session) else Session(item[0], tuple(item[1]))
        courses.append(
            relief_course(
                s.baseline_nrs,
                s.series,
                confirm_points=confirm_points,
                judge_after_days=judge_after_days,
            )
        )
    failed = 0
    for c in reversed(courses):
        if c.status != "no_response":
            break
        failed += 1
    latest = courses[-1]
    if failed >= max_failed_sessions:
        return NextStep(
            "consider_other_treatments",
            f"{failed} séances consécutives sans réponse : envisager d'autres traitements.",
            f"{failed} consecutive sessions without response: consider other treatments.",
            DELPHI_SOURCE,
            failed,
            latest,
        )
    if latest.status == "relief_ended":
        return NextStep(
            "retreatment_consultation",
            f"Retour de la douleur à J{latest.end_day:g} après une réponse : proposer une consultation de re-traitement.",
            f"Pain returned on day {latest.end_day:g} after a response: propose a re-treatment consultation.",
            SEED_REPEAT + "; " + IMMPACT_SOURCE,
            failed,
            latest,
        )
    if latest.status == "no_response":
        return NextStep(
            "retreatment_consultation",
            "Pas de réponse à cette séance : une nouvelle séance dans les semaines qui viennent peut être discutée.",
            "No response to this session: a repeat session within weeks can be discussed.",
            DELPHI_SOURCE,
            failed,
            latest,
        )
    texts = {
        "no_data": ("Pas encore de suivi.", "No follow-up yet."),
        "awaiting_response": (
            "Pas encore de réponse : poursuivre le suivi.",
            "No response yet: continue follow-up.",
        ),
        "responding": (
            "Soulagement en cours : poursuivre le suivi.",
            "Relief ongoing: continue follow-up.",
        ),
        "possible_return": (
            "Douleur en hausse sur un point : confirmer au prochain suivi.",
            "Pain up at one point: confirm at the next follow-up.",
        ),
    }
    fr, en = texts[latest.status]
    return NextStep("continue_follow_up", fr, en, IMMPACT_SOURCE, failed, latest)


WindowComparison = Literal[
    "no_relief", "ongoing", "ongoing_beyond_window", "earlier", "within", "later"
]


def relief_vs_window(course: ReliefCourse, window: ReliefWindow) -> WindowComparison:
    """Compare a session's observed end of relief with the predicted window (issue 6):
    ``earlier`` / ``within`` / ``later`` than ``window.end_days``; ``ongoing`` while relief
    lasts (``ongoing_beyond_window`` once follow-up is past the window's upper end);
    ``no_relief`` when the session never responded."""
    if not course.responded:
        return "no_relief"
    low, high = window.end_days
    if course.end_day is None:
        if course.last_day is not None and course.last_day > high:
            return "ongoing_beyond_window"
        return "ongoing"
    if course.end_day < low:
        return "earlier"
    if course.end_day > high:
        return "later"
    return "within"
