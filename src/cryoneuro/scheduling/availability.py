"""When resources are open and free, and which slots a type of appointment can take.

Opening hours are wall-clock times in the clinic's zone: each local day's intervals are
built with that day's offset (zoneinfo), then everything is compared in UTC. A 09:00
opening is 08:00 UTC in winter and 07:00 UTC in summer, and a slot grid steps in real
minutes from each opening, so slots stay on the clinic's quarter-hours across both
daylight-saving changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import (
    AppointmentType,
    OpeningHours,
    Resource,
    ResourceBooking,
    ResourceKind,
    ScheduleException,
)

Interval = tuple[datetime, datetime]


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day_bounds(day: date) -> Interval:
    """The UTC instants where this local day starts and ends (23 or 25 hours on DST days)."""
    zone = clinic_zone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(clinic_zone()).date()


@dataclass(frozen=True)
class Phase:
    """A resource kind needed from ``start`` to ``end`` minutes after the appointment start."""

    kind: str
    start: int
    end: int


def phases(type_: AppointmentType, minutes: int) -> list[Phase]:
    needed = []
    if type_.needs_practitioner:
        needed.append(Phase(ResourceKind.PRACTITIONER, 0, minutes))
    if type_.needs_procedure_room:
        needed.append(Phase(ResourceKind.PROCEDURE_ROOM, 0, minutes))
    if type_.needs_console:
        needed.append(Phase(ResourceKind.CONSOLE, 0, minutes))
    if type_.surveillance_minutes:
        needed.append(Phase(ResourceKind.RECOVERY, minutes, minutes + type_.surveillance_minutes))
    return needed


def _subtract(intervals: list[Interval], holes: Iterable[Interval]) -> list[Interval]:
    result = list(intervals)
    for h_start, h_end in holes:
        next_result = []
        for start, end in result:
            if h_end <= start or h_start >= end:
                next_result.append((start, end))
                continue
            if start < h_start:
                next_result.append((start, h_start))
            if h_end < end:
                next_result.append((h_end, end))
        result = next_result
    return result


def _covers(intervals: list[Interval], start: datetime, end: datetime) -> bool:
    return any(s <= start and end <= e for s, e in intervals)


def weekdays(first_day: date, last_day: date) -> set[int]:
    """The weekdays (Monday 0) of the local days first_day..last_day."""
    count = (last_day - first_day).days + 1
    return {(first_day + timedelta(days=i)).weekday() for i in range(min(count, 7))}


def hours_intervals(
    resource_ids: Iterable[int],
    rows: Iterable[tuple[int, int, time, time]],
    first_day: date,
    last_day: date,
) -> dict[int, list[Interval]]:
    """Each resource's open intervals (UTC) on the local days first_day..last_day, from its
    weekly opening hours ``(resource_id, weekday, opens, closes)`` (clinic wall-clock)."""
    ids = list(resource_ids)
    zone = clinic_zone()
    hours = defaultdict(list)
    for rid, weekday, opens, closes in rows:
        hours[(rid, weekday)].append((opens, closes))
    result: dict[int, list[Interval]] = {rid: [] for rid in ids}
    day = first_day
    while day <= last_day:
        for rid in ids:
            for opens, closes in sorted(hours.get((rid, day.weekday()), [])):
                start = datetime.combine(day, opens, tzinfo=zone).astimezone(UTC)
                end = datetime.combine(day, closes, tzinfo=zone).astimezone(UTC)
                if end > start:
                    result[rid].append((start, end))
        day += timedelta(days=1)
    return result


def opening_intervals(
    resource_ids: Iterable[int], first_day: date, last_day: date, *, with_exceptions: bool = True
) -> dict[int, list[Interval]]:
    """Each resource's open intervals (UTC) on the local days first_day..last_day."""
    ids = list(resource_ids)
    rows = OpeningHours.objects.filter(resource_id__in=ids).values_list(
        "resource_id", "weekday", "opens", "closes"
    )
    result = hours_intervals(ids, rows, first_day, last_day)
    if with_exceptions and ids:
        range_start, _ = local_day_bounds(first_day)
        _, range_end = local_day_bounds(last_day)
        closures = ScheduleException.objects.filter(
            Q(resource_id__in=ids) | Q(resource__isnull=True),
            start__lt=range_end,
            end__gt=range_start,
        )
        by_resource = defaultdict(list)
        for closure in closures:
            targets = ids if closure.resource_id is None else [closure.resource_id]
            for rid in targets:
                by_resource[rid].append((closure.start, closure.end))
        for rid, holes in by_resource.items():
            result[rid] = _subtract(result[rid], holes)
    return result


def busy_intervals(
    resource_ids: Iterable[int],
    start: datetime,
    end: datetime,
    *,
    exclude_appointment_id: int | None = None,
) -> dict[int, list[Interval]]:
    ids = list(resource_ids)
    rows = ResourceBooking.objects.filter(
        resource_id__in=ids, active=True, start__lt=end, end__gt=start
    )
    if exclude_appointment_id is not None:
        rows = rows.exclude(appointment_id=exclude_appointment_id)
    result: dict[int, list[Interval]] = {rid: [] for rid in ids}
    for rid, s, e in rows.values_list("resource_id", "start", "end"):
        result[rid].append((s, e))
    return result


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    minutes: int
    resources: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def act_end(self) -> datetime:
        """End of the act itself (before any surveillance in the recovery area)."""
        return self.start + timedelta(minutes=self.minutes)

    def to_dict(self) -> dict:
        zone = clinic_zone()
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "local_start": self.start.astimezone(zone).isoformat(),
            "minutes": self.minutes,
            "resources": dict(self.resources),
        }


def active_resources(
    kinds: Iterable[str], only: dict[str, list[int]] | None = None
) -> dict[str, list[int]]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for rid, kind in (
        Resource.objects.filter(kind__in=list(kinds), active=True)
        .order_by("name", "id")
        .values_list("id", "kind")
    ):
        if only and kind in only and rid not in only[kind]:
            continue
        by_kind[kind].append(rid)
    return by_kind


def find_slots(
    type_: AppointmentType,
    minutes: int,
    *,
    after: datetime,
    before: datetime,
    only: dict[str, list[int]] | None = None,
    exclude_appointment_id: int | None = None,
    limit: int | None = None,
) -> list[Slot]:
    """Free slots starting in [after, before), earliest first. ``only`` restricts a kind to
    some resources (a chosen physician)."""
    needed = phases(type_, minutes)
    if not needed:
        return []
    total = max(p.end for p in needed)
    step = timedelta(minutes=settings.SCHEDULING_SLOT_STEP_MINUTES)
    now = timezone.now()
    earliest = now + timedelta(minutes=settings.SCHEDULING_MIN_NOTICE_MINUTES)
    after = max(after, earliest)
    if before <= after:
        return []
    by_kind = active_resources({p.kind for p in needed}, only)
    all_ids = [rid for ids in by_kind.values() for rid in ids]
    if any(not by_kind.get(p.kind) for p in needed):
        return []
    first_day, last_day = local_date(after), local_date(before) + timedelta(days=1)
    opening = opening_intervals(all_ids, first_day, last_day)
    busy = busy_intervals(
        all_ids,
        after,
        before + timedelta(minutes=total),
        exclude_appointment_id=exclude_appointment_id,
    )
    free = {rid: _subtract(opening[rid], sorted(busy[rid])) for rid in all_ids}
    # Candidate starts: a grid from each opening of the first phase's resources.
    lead = needed[0]
    raw_open = opening_intervals(by_kind[lead.kind], first_day, last_day, with_exceptions=False)
    candidates = set()
    for rid in by_kind[lead.kind]:
        for o_start, o_end in raw_open[rid]:
            moment = o_start
            while moment + timedelta(minutes=lead.end - lead.start) <= o_end:
                if after <= moment < before and moment > now:
                    candidates.add(moment)
                moment += step
    slots = []
    for start in sorted(candidates):
        chosen = {}
        for phase in needed:
            p_start = start + timedelta(minutes=phase.start)
            p_end = start + timedelta(minutes=phase.end)
            for rid in by_kind[phase.kind]:
                if _covers(free[rid], p_start, p_end):
                    chosen[phase.kind] = rid
                    break
            else:
                break
        if len(chosen) == len(needed):
            slots.append(Slot(start, start + timedelta(minutes=total), minutes, chosen))
            if limit is not None and len(slots) >= limit:
                break
    return slots


def nearest_slots(
    type_: AppointmentType,
    minutes: int,
    around: datetime,
    *,
    count: int = 5,
    only: dict[str, list[int]] | None = None,
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """The ``count`` free slots closest in time to ``around`` (before or after it), widening
    the search window until enough are found or the search horizon is reached."""
    horizon = settings.SCHEDULING_SEARCH_DAYS
    for days in (1, 7, horizon):
        found = find_slots(
            type_,
            minutes,
            after=around - timedelta(days=days),
            before=around + timedelta(days=days),
            only=only,
            exclude_appointment_id=exclude_appointment_id,
        )
        if len(found) >= count or days >= horizon:
            found.sort(key=lambda s: (abs((s.start - around).total_seconds()), s.start))
            return sorted(found[:count], key=lambda s: s.start)
    return []  # pragma: no cover
