"""The patient timeline: NRS and MME over time, procedure markers and the predicted
relief band, drawn as server-side SVG geometry (no inline style: CSP-friendly classes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cryoneuro.patients.models import Patient
from cryoneuro.procedures.selectors import local_date, procedure_relief_window

from .services import baseline_nrs

WIDTH, HEIGHT = 960, 380
LEFT, RIGHT, TOP, BOTTOM = 56, 64, 28, 48
MONTHS_FR = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    plot: dict[str, float] = field(default_factory=dict)
    bands: list[dict[str, Any]] = field(default_factory=list)
    markers: list[dict[str, Any]] = field(default_factory=list)
    nrs_path: str = ""
    nrs_points: list[dict[str, Any]] = field(default_factory=list)
    mme_path: str = ""
    mme_area: str = ""
    mme_points: list[dict[str, Any]] = field(default_factory=list)
    x_ticks: list[dict[str, Any]] = field(default_factory=list)
    nrs_ticks: list[dict[str, Any]] = field(default_factory=list)
    mme_ticks: list[dict[str, Any]] = field(default_factory=list)
    today_x: float | None = None
    empty: bool = True
    summary: dict[str, Any] = field(default_factory=dict)


def _nice_max(value: float) -> float:
    for step in (10, 20, 30, 40, 60, 80, 100, 150, 200, 300, 400, 600, 800, 1000):
        if value <= step:
            return float(step)
    return float(value)


def build_chart(*, patient: Patient, language: str = "fr", today: dt.date | None = None) -> Chart:

    today = today or timezone.localdate()
    procedures = list(patient.procedures.order_by("checked_in_at").prefetch_related("nerves"))
    every = list(patient.questionnaire_responses.order_by("answered_on", "id"))
    responses = [r for r in every if r.nrs is not None or r.mme_per_day is not None]
    # answers with an opioid whose MME cannot be computed (route not given, no sourced
    # factor): not plotted, and the page says so rather than draw a false fall to zero
    not_computed = [
        {
            "date": r.answered_on,
            "drugs": ", ".join(
                f"{u['drug']} ({u['route']})" for u in r.scores["analgesics"]["unavailable"]
            ),
        }
        for r in every
        if isinstance(r.scores.get("analgesics"), dict)
        and r.scores["analgesics"].get("unavailable")
    ]
    chart = Chart()
    chart.summary = {"mme_not_computed": not_computed}
    if not procedures and not responses:
        return chart
    chart.empty = False
    nrs_by_day: dict[dt.date, dict] = {}
    for p in procedures:
        base = baseline_nrs(p)
        if base is not None:
            nrs_by_day[local_date(p)] = {"value": base, "kind": "baseline", "draft": False}
    for r in responses:
        if r.nrs is not None:
            nrs_by_day[r.answered_on] = {"value": r.nrs, "kind": "answer", "draft": r.is_draft}
    mme = [(r.answered_on, r.mme_per_day) for r in responses if r.mme_per_day is not None]
    windows = [(p, local_date(p), procedure_relief_window(p)) for p in procedures]
    dates = list(nrs_by_day) + [d for d, _ in mme] + [d for _, d, _ in windows]
    start = min(dates) - dt.timedelta(days=14)
    end_candidates = [*dates, today]
    for _, d, w in windows:
        if w is not None:
            end_candidates.append(d + dt.timedelta(days=int(w.end_days[1]) + 1))
    end = max(end_candidates) + dt.timedelta(days=14)
    span = max((end - start).days, 1)
    x0, x1 = LEFT, WIDTH - RIGHT
    y0, y1 = TOP, HEIGHT - BOTTOM
    chart.plot = {
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "w": x1 - x0,
        "h": y1 - y0,
        "nrs_label_x": x0 - 8,
        "mme_label_x": x1 + 8,
        "mme_axis_x": x1 + 4,
        "tick_y2": y1 + 5,
        "tick_label_y": y1 + 20,
        "axis_label_y": y0 - 10,
        "today_label_y": y1 + 36,
    }

    def x(day: dt.date) -> float:
        return round(x0 + (day - start).days / span * (x1 - x0), 1)

    def y_nrs(v: float) -> float:
        return round(y1 - v / 10 * (y1 - y0), 1)

    mme_max = _nice_max(max([v for _, v in mme] + [10]))

    def y_mme(v: float) -> float:
        return round(y1 - v / mme_max * (y1 - y0), 1)

    for i, (p, d, w) in enumerate(windows):
        if w is not None:
            relief_from = x(d + dt.timedelta(days=int(w.onset_days[1])))
            end_low = x(d + dt.timedelta(days=int(w.end_days[0])))
            end_high = x(min(d + dt.timedelta(days=int(w.end_days[1]) + 1), end))
            chart.bands.append(
                {
                    "x": relief_from,
                    "width": max(end_low - relief_from, 1),
                    "kind": "relief",
                    "title": f"J{int(w.onset_days[1])}-J{int(w.end_days[0])}",
                }
            )
            chart.bands.append(
                {
                    "x": end_low,
                    "width": max(end_high - end_low, 1),
                    "kind": "ending",
                    "title": f"J{int(w.end_days[0])}-J{int(w.end_days[1])}",
                }
            )
        chart.markers.append(
            {"x": x(d), "label": f"#{i + 1}", "date": d, "title": p.site_label, "pk": p.pk}
        )
    points = sorted(nrs_by_day.items())
    chart.nrs_points = [
        {
            "x": x(d),
            "y": y_nrs(v["value"]),
            "value": v["value"],
            "date": d,
            "kind": v["kind"],
            "draft": v["draft"],
        }
        for d, v in points
    ]
    chart.nrs_path = " ".join(
        f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(chart.nrs_points)
    )
    if mme:
        # MME is a daily intake that holds until the next answer: a step line.
        steps = []
        for i, (d, v) in enumerate(mme):
            steps.append((x(d), y_mme(v)))
            nxt = x(mme[i + 1][0]) if i + 1 < len(mme) else x(min(today, end))
            steps.append((max(nxt, x(d)), y_mme(v)))
        chart.mme_path = " ".join(
            f"{'M' if i == 0 else 'L'}{a},{b}" for i, (a, b) in enumerate(steps)
        )
        chart.mme_area = chart.mme_path + f" L{steps[-1][0]},{y1} L{steps[0][0]},{y1} Z"
        chart.mme_points = [
            {
                "x": x(d),
                "y": y_mme(v),
                "rx": round(x(d) - 3.5, 1),
                "ry": round(y_mme(v) - 3.5, 1),
                "value": round(v, 1),
                "date": d,
            }
            for d, v in mme
        ]
    months = MONTHS_EN if language == "en" else MONTHS_FR
    cursor = dt.date(start.year, start.month, 1)
    step_months = 1 if span <= 200 else 2 if span <= 400 else 3
    while cursor <= end:
        if cursor >= start:
            label = months[cursor.month - 1]
            if cursor.month == 1 or not chart.x_ticks:
                label += f" {cursor.year}"
            chart.x_ticks.append({"x": x(cursor), "label": label})
        month = cursor.month - 1 + step_months
        cursor = dt.date(cursor.year + month // 12, month % 12 + 1, 1)
    chart.nrs_ticks = [{"y": y_nrs(v), "label": v} for v in range(0, 11, 2)]
    chart.mme_ticks = [
        {"y": y_mme(mme_max * f / 4), "label": round(mme_max * f / 4)} for f in range(5)
    ]
    if start <= today <= end:
        chart.today_x = x(today)
    chart.summary = {
        "mme_not_computed": not_computed,
        "first_mme": mme[0][1] if mme else None,
        "last_mme": mme[-1][1] if mme else None,
        "last_nrs": points[-1][1]["value"] if points else None,
        "first_nrs": points[0][1]["value"] if points else None,
        # one measure has no trend: the page shows it alone, never "20 → 20"
        "mme_points": len(mme),
        "nrs_points": len(points),
    }
    return chart
