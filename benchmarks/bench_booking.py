"""Booking throughput over the API with 50 clients, production server and settings, PostgreSQL.

    .venv/bin/python benchmarks/bench_booking.py [--clients 50] [--seconds 15] [--rate 300]

The code path timed: POST /api/scheduling/appointments through gunicorn (workers per
src/cryoneuro/site/gunicorn_conf.py), the whole production middleware stack (sessions,
CSRF origin check, MFA requirement, request log), ninja's parsing, the permission check,
cryoneuro.scheduling.services.appointment_book (opening-hours and closure checks, the
resource row lock, the insert the exclusion constraint guards) and its audit entry
(cryoneuro.audit.services.audit_record: the chain-head row lock, the HMAC seal).

What it does, in about a minute and a half:
1. starts a throwaway PostgreSQL cluster (benchmarks/loadkit.py: commits acknowledged only
   once their WAL is written, pg_stat_statements loaded), migrates it with the production
   settings (cryoneuro.site.settings.prod, secrets from files as scripts/serve.sh expects);
2. sets up a clinic: 20 physicians open every day, 50 patients, a coordinator (TOTP set);
   counts the SQL statements of one booking run through Django's test client;
3. starts gunicorn as scripts/serve.sh does; the clients play the TLS proxy in front
   (X-Forwarded-Proto: https, trusted through CRYONEURO_TRUSTED_PROXY_HEADER), so HTTPS
   redirect, secure cookies and the CSRF origin check stay as in production;
4. baseline: GET /healthz (database and cache checks) by the same clients, back to back;
5. booking, back to back: each client books random 15-minute phone follow-ups (random
   physician, day, quarter) and sends the next as soon as it has its answer: the most the
   server gives (a collision gets 409 with the nearest free slots);
6. booking at a paced rate (``--rate``, 300/s by default: each client every 50/300 s),
   latency counted from when each request was due: the latency a clinic sees at that load
   (a client that falls behind stops 2 s after the phase's end); then paced at half the
   rate step 5 reached, a load the server carries;
7. all clients at once on ONE slot (exactly one must win);
8. counts double bookings straight from the database (overlapping active bookings of one
   resource: must be 0) and verifies the audit chain (audit_verify's check).
CPU time is measured per party (the clients share the two cores with the server).
Exits non-zero on a double booking, a broken chain, anything but one 201 in the one-slot
race, or any 5xx answer; the throughput and latency goals are reported, not enforced
(they depend on the machine).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # loadkit, also when imported by path

import loadkit
from loadkit import cell, percentile

GOAL_RATE = 300.0  # bookings per second (issue 13 section 6)
GOAL_P99 = 0.100  # seconds


class Watch:
    def __init__(self, server, cluster):
        self.server, self.cluster = server, cluster

    def server_pids(self):
        return self.server.pids()

    def database_pids(self):
        postmaster = self.cluster.postmaster_pid()
        return [postmaster, *loadkit.children(postmaster)] if postmaster else []

    def statements(self):
        return loadkit.statements_executed()


def server_errors(*statuses: dict[int, int]) -> int:
    return sum(n for counts in statuses for status, n in counts.items() if status >= 500)


def verdict(doubles: int, booking: dict[int, int], hot: dict[int, int], chain_ok: bool) -> int:
    """The exit status: 1 on a double booking, a broken audit chain, anything but exactly
    one 201 in the one-slot race, or any 5xx in a booking phase (a lost race must be a
    409, never a 500 such as PostgreSQL's "deadlock detected"), or a request the server
    never answered."""
    failed = (
        doubles != 0
        or hot.get(201) != 1
        or not chain_ok
        or server_errors(booking, hot) != 0
        or booking.get(0, 0) != 0
    )
    return 1 if failed else 0


def row(name: str, phase: loadkit.Phase, ok: set[int]) -> str:
    latencies = phase.latencies()
    count = sum(1 for r in phase.results if r.status in ok)
    rate = phase.rate(ok) if phase.seconds else None
    errors = sum(1 for r in phase.results if r.status >= 500 or r.status == 0)
    return (
        f"{name:<34}{len(phase.results):>9}{count:>8}{cell(rate, width=9)}"
        f"{cell(percentile(latencies, 50), 1000, 8)}{cell(percentile(latencies, 95), 1000, 8)}"
        f"{cell(percentile(latencies, 99), 1000, 8)}{errors:>6}"
    )


def cpu_line(name: str, phase: loadkit.Phase) -> str:
    wall = phase.seconds * (os.cpu_count() or 1)
    if not wall:
        return ""
    parts = [
        ("clients", phase.client_cpu),
        ("gunicorn", phase.server_cpu),
        ("PostgreSQL", phase.database_cpu),
    ]
    other = max(0.0, phase.machine_cpu - sum(v for _, v in parts))
    shown = ", ".join(f"{label} {100 * value / wall:.0f} %" for label, value in parts)
    per = len(phase.results) or 1
    return (
        f"  CPU during {name}: {shown}, other {100 * other / wall:.0f} %, idle "
        f"{max(0.0, 100 - 100 * phase.machine_cpu / wall):.0f} % of {os.cpu_count()} cores; "
        f"per request: server {1000 * phase.server_cpu / per:.2f} ms, database "
        f"{1000 * phase.database_cpu / per:.2f} ms, client {1000 * phase.client_cpu / per:.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0, help="per booking phase")
    parser.add_argument("--baseline-seconds", type=float, default=6.0)
    parser.add_argument("--rate", type=float, default=GOAL_RATE, help="paced phase, requests/s")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--show-queries", action="store_true", help="print the probe's SQL")
    args = parser.parse_args()

    began = time.time()
    background = loadkit.background_load()
    workdir = loadkit.make_workdir("cryoneuro-bench-booking-")
    (workdir / "static").mkdir()  # STATIC_ROOT (collectstatic's; the API serves none)
    cluster = loadkit.start_cluster()
    port = loadkit.free_port()
    environment = loadkit.production_environment(cluster.url, port, workdir)
    loadkit.setup_django(environment)
    data = loadkit.seed_clinic(args.clients)
    logging.getLogger("cryoneuro.request").setLevel(logging.WARNING)  # the probe's log line
    probe = loadkit.booking_queries(data)
    from django.db import connections

    connections.close_all()
    server = loadkit.Gunicorn(environment, workdir / "gunicorn.log")
    watch = Watch(server, cluster)
    try:
        server.start()
        workers = len(server.worker_pids())
        common = {"procs": args.client_procs, "watch": watch}
        loadkit.run_phase(port, data, "warm", **common)
        health = loadkit.run_phase(port, data, "healthz", args.baseline_seconds, **common)
        booking = loadkit.run_phase(port, data, "book", args.seconds, **common)
        paced = loadkit.run_phase(port, data, "book", args.seconds, rate=args.rate, **common)
        # and at half what it gave back to back: the latency of a load it can carry
        half = max(1.0, booking.rate({201, 409}) / 2)
        light = loadkit.run_phase(port, data, "book", args.seconds, rate=half, **common)
        hot_day = datetime.fromisoformat(data["first_day"]).replace(tzinfo=UTC)
        hot_body = {
            "patient_id": data["patients"][0],
            "type": "phone_followup",
            "start": (hot_day + timedelta(days=loadkit.DAYS + 1, hours=9)).isoformat(),
            "practitioner_id": data["physicians"][0],
        }
        hot = loadkit.run_phase(port, data, "hot", hot_body=hot_body, procs=args.client_procs)
    finally:
        server.stop()

    from cryoneuro.audit.services import audit_verify_chain
    from cryoneuro.scheduling.models import Appointment

    doubles = loadkit.double_bookings()
    chain = audit_verify_chain()
    booked = Appointment.objects.count()
    connections.close_all()
    cluster.stop()

    health_rate = health.rate({200})
    book_rate = booking.rate({201, 409})
    booked_rate = booking.rate({201})
    statuses: dict[int, int] = {}
    for phase in (booking, paced, light):
        for status, n in phase.statuses().items():
            statuses[status] = statuses.get(status, 0) + n
    hot_status = hot.statuses()
    per_booking = booking.statements / max(1, len(booking.results))
    per_health = health.statements / max(1, len(health.results))
    p99_paced = percentile(paced.latencies(), 99) or 0.0

    print()
    print(
        f"cryoneuro booking benchmark: {args.clients} concurrent API clients, gunicorn "
        f"({workers} sync workers per gunicorn_conf, settings {loadkit.SETTINGS}), PostgreSQL "
        f"(throwaway cluster, commits written before they are acknowledged), "
        f"{os.cpu_count()} CPUs shared by server, database and clients; other work on the "
        f"machine before the run: {100 * background:.0f} % of its cores"
    )
    print("code path: POST /api/scheduling/appointments -> scheduling.services.appointment_book")
    print(
        f"{'phase':<34}{'requests':>9}{'ok':>8}{'ok/s':>9}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'5xx':>6}"
    )
    print(row("baseline GET /healthz", health, {200}))
    print(row("POST booking, back to back", booking, {201, 409}))
    print(row("  of which 201 booked", _only(booking, {201}), {201}))
    print(row("  of which 409 slot taken", _only(booking, {409}), {409}))
    print(row(f"POST booking paced at {args.rate:.0f}/s", paced, {201, 409}))
    print(row(f"POST booking paced at {half:.0f}/s (half)", light, {201, 409}))
    print(row(f"{args.clients} clients on one slot", hot, {201}))
    print(cpu_line("the baseline", health))
    print(cpu_line("booking back to back", booking))
    print(cpu_line("booking paced", paced))
    print(cpu_line("booking at half", light))
    print(
        f"booking answers/s back to back: {book_rate:.1f} ({booked_rate:.1f} booked) = "
        f"{book_rate / health_rate:.2f} x the /healthz baseline ({health_rate:.1f}/s)"
        if health_rate
        else "no baseline"
    )
    print(
        f"SQL per booking: {len(probe[201])} statements for a 201 through the test client "
        f"(BEGIN/COMMIT included), {len(probe[409])} for a 409 (with the nearest-slot "
        f"search); on the server {per_booking:.1f} per booking request, all answers "
        f"(pg_stat_statements, with the connection health check) vs {per_health:.1f} per "
        f"/healthz"
    )
    if args.show_queries:
        for sql in probe[201]:
            print("   ", sql[:150])
    used = (booking.server_cpu + booking.database_cpu + booking.client_cpu) / max(
        1, len(booking.results)
    )
    print(
        f"CPU per booking request (ours: server + database + clients): {1000 * used:.2f} ms; "
        f"on {os.cpu_count()} cores with nothing else running that bounds the rate at about "
        f"{(os.cpu_count() or 1) / used:.0f}/s (kernel networking and lock waits not counted)"
        if used
        else "no CPU figures"
    )
    print(
        f"booking statuses: {dict(sorted(statuses.items()))}; one-slot race: "
        f"{hot_status} (must be exactly one 201)"
    )
    print(
        f"appointments in the database: {booked}; double bookings: {doubles} (must be 0); "
        f"audit chain: {'intact' if chain.ok else 'BROKEN ' + chain.reason} "
        f"({chain.checked} entries)"
    )
    errors = server_errors(statuses, hot_status)
    print(f"5xx answers: {errors} (must be 0); unanswered: {statuses.get(0, 0)}")
    reached = (
        book_rate >= GOAL_RATE
        and p99_paced < GOAL_P99
        and paced.rate({201, 409}) >= 0.95 * args.rate
    )
    print(
        f"goal (>= {GOAL_RATE:.0f} bookings/s, p99 < {GOAL_P99 * 1000:.0f} ms at that rate): "
        f"{'reached' if reached else 'NOT reached'} ({book_rate:.0f}/s back to back; "
        f"p99 {p99_paced * 1000:.0f} ms at {paced.rate({201, 409}):.0f}/s paced)"
    )
    status = verdict(doubles, statuses, hot_status, chain.ok)
    if status == 0:
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"total time: {time.time() - began:.0f} s")
    else:
        print(f"total time: {time.time() - began:.0f} s (server log kept: {server.log})")
    return status


def _only(phase: loadkit.Phase, statuses: set[int]) -> loadkit.Phase:
    return loadkit.Phase(
        [r for r in phase.results if r.status in statuses], phase.seconds, phase.client_cpu
    )


if __name__ == "__main__":
    raise SystemExit(main())
