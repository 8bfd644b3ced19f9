"""kill -9 of the production server, then of PostgreSQL, under booking load: no confirmed booking lost.

    .venv/bin/python benchmarks/bench_killnine.py [--clients 50] [--seconds 40]

The code path exercised: POST /api/scheduling/appointments through gunicorn (as
scripts/serve.sh starts it, settings cryoneuro.site.settings.prod) into
scheduling.services.appointment_book and audit.services.audit_record, on a PostgreSQL
whose commits are acknowledged once written (synchronous_commit=on; benchmarks/loadkit.py).

1. clinic and sessions as in bench_booking; `manage audit_verify` anchors the chain head;
2. 50 clients book random slots back to back for ``--seconds``; each 201's appointment
   (id, start, physician) is kept by the client that received it;
3. at 20 % of the run: SIGKILL to the gunicorn master and all its workers at once, then
   gunicorn started again; at 55 % (and at least 3 s after gunicorn is back): SIGKILL to the PostgreSQL postmaster and every
   backend, then PostgreSQL started again on the same data (crash recovery from its WAL);
   clients whose connection broke or was refused retry after 50 ms;
4. afterwards, straight from the database: every booking that got a 201 is there, booked,
   at the start and with the physician the 201 named, its resource booking active; no two
   active bookings of one resource overlap; every appointment has exactly its one
   "create" audit entry; `manage audit_verify` (the operator's command, in its own
   process) passes, the anchor of step 1 included; bookings were confirmed again after
   the PostgreSQL restart (the server recovered on its own).
Exits non-zero if any of these fails. Answers during the outages (connection refused,
5xx while PostgreSQL is down) are counted and reported, not failures: a client that got
no 201 was not told its booking was made. The baseline printed beside the figures: the
bookings/s before the first kill, in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # loadkit, also when imported by path

import loadkit


def kill_postgres(cluster) -> list[int]:
    """SIGKILL to the postmaster and all its children at once (a crash, not a shutdown)."""
    postmaster = cluster.postmaster_pid()
    if postmaster is None:
        raise RuntimeError("PostgreSQL is not running")
    pids = [postmaster, *loadkit.children(postmaster)]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        loadkit.wait_gone(pid)
    return pids


def audit_verify(environment: dict[str, str]) -> tuple[bool, str]:
    """`manage audit_verify`, as the nightly job runs it (its own process)."""
    result = subprocess.run(
        [sys.executable, "-m", "cryoneuro.manage", "audit_verify"],
        env=environment,
        cwd=loadkit.ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    text = (result.stdout + result.stderr).strip().splitlines()
    return result.returncode == 0, text[-1] if text else ""


def check_confirmed(confirmed: list[dict]) -> list[str]:
    """Each 201 the clients received, against the database: what is wrong, if anything."""
    from django.db.models import Count, Q

    from cryoneuro.scheduling.models import Appointment, AppointmentStatus

    problems = []
    rows = {
        a.pk: a
        for a in Appointment.objects.filter(pk__in=[c["id"] for c in confirmed]).annotate(
            active_bookings=Count("bookings", filter=Q(bookings__active=True))
        )
    }
    for answer in confirmed:
        row = rows.get(answer["id"])
        if row is None:
            problems.append(f"appointment {answer['id']} got a 201 and is missing")
        elif (
            row.status != AppointmentStatus.BOOKED
            or row.practitioner_id != answer["practitioner_id"]
            or row.start != _instant(answer["start"])
            or row.active_bookings < 1
        ):
            problems.append(f"appointment {answer['id']} differs from its 201: {answer}")
    return problems


def _instant(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def audit_mismatches() -> tuple[int, int]:
    """(appointments without exactly one "create" audit entry, "create" entries naming an
    appointment that does not exist)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM scheduling_appointment a
            WHERE (SELECT count(*) FROM audit_auditentry e
                   WHERE e.object_type = 'scheduling.appointment' AND e.action = 'create'
                     AND e.object_id = a.id::text) <> 1
        """)
        without = int(cursor.fetchone()[0])
        cursor.execute("""
            SELECT count(*) FROM audit_auditentry e
            WHERE e.object_type = 'scheduling.appointment' AND e.action = 'create'
              AND NOT EXISTS (SELECT 1 FROM scheduling_appointment a
                              WHERE a.id::text = e.object_id)
        """)
        orphans = int(cursor.fetchone()[0])
    return without, orphans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--client-procs", type=int, default=2)
    args = parser.parse_args()

    began = time.time()
    background = loadkit.background_load()
    workdir = loadkit.make_workdir("cryoneuro-bench-killnine-")
    (workdir / "static").mkdir()
    cluster = loadkit.start_cluster()
    port = loadkit.free_port()
    environment = loadkit.production_environment(cluster.url, port, workdir)
    loadkit.setup_django(environment)
    logging.getLogger("cryoneuro.request").setLevel(logging.WARNING)
    data = loadkit.seed_clinic(args.clients)
    from django.db import connections

    connections.close_all()
    anchored, anchor_line = audit_verify(environment)
    server = loadkit.Gunicorn(environment, workdir / "gunicorn.log")
    events: list[tuple[float, str]] = []
    failures: list[str] = []

    def chaos(start_at: float) -> None:
        def at(fraction: float) -> None:
            time.sleep(max(0.0, start_at + fraction * args.seconds - time.time()))

        def note(text: str, when: float | None = None) -> None:
            events.append(((when or time.time()) - start_at, text))

        try:
            at(0.2)
            killed_at = time.time()  # the signals go at once; reaping takes longer
            pids = server.kill9()
            note(f"kill -9 gunicorn master + {len(pids) - 1} workers", killed_at)
            server.start()
            note("gunicorn answering again")
            at(0.55)
            time.sleep(max(0.0, events[-1][0] + start_at + 3.0 - time.time()))  # 3 s of load
            killed_at = time.time()
            pids = kill_postgres(cluster)
            note(f"kill -9 PostgreSQL postmaster + {len(pids) - 1} processes", killed_at)
            cluster.launch()
            note("PostgreSQL accepting connections again (crash recovery done)")
        except Exception as error:  # reported as a failure below
            failures.append(f"the kill/restart sequence failed: {error!r}")

    try:
        server.start()
        loadkit.run_phase(port, data, "warm", procs=args.client_procs)
        thread: list[threading.Thread] = []

        def start_chaos(start_at: float) -> None:
            thread.append(threading.Thread(target=chaos, args=(start_at,)))
            thread[0].start()

        load = loadkit.run_phase(
            port,
            data,
            "book",
            args.seconds,
            procs=args.client_procs,
            keep_bodies=True,
            on_start=start_chaos,
        )
        thread[0].join()
    finally:
        server.stop()

    from cryoneuro.scheduling.models import Appointment

    if failures:  # the database may be down: nothing more can be checked
        print("verdict: FAIL:", "; ".join(failures))
        print(f"server log kept: {server.log}; PostgreSQL's: {cluster.directory / 'server.log'}")
        return 1
    connections.close_all()
    confirmed = [r.body for r in load.results if r.status == 201 and r.body]
    problems = check_confirmed(confirmed)
    doubles = loadkit.double_bookings()
    without_entry, orphan_entries = audit_mismatches()
    stored = Appointment.objects.count()
    connections.close_all()
    verified, verify_line = audit_verify(environment)
    cluster.stop()

    kill_time = {text.split()[2]: t for t, text in events if text.startswith("kill")}
    first_kill = min(kill_time.values(), default=args.seconds)
    pg_back = next((t for t, text in events if text.startswith("PostgreSQL accepting")), None)
    before = [r for r in load.results if r.sent_at < first_kill]
    after_pg = [r for r in load.results if pg_back is not None and r.sent_at > pg_back]
    statuses = load.statuses()
    baseline = sum(1 for r in before if r.status in {201, 409}) / max(first_kill, 1e-9)
    overall = sum(1 for r in load.results if r.status in {201, 409}) / load.seconds

    print()
    print(
        f"cryoneuro kill -9 benchmark: {args.clients} clients booking back to back for "
        f"{args.seconds:.0f} s through gunicorn ({loadkit.SETTINGS}) on PostgreSQL "
        f"(synchronous_commit=on), {os.cpu_count()} CPUs; other work on the machine before "
        f"the run: {100 * background:.0f} % of its cores"
    )
    print("code path: POST /api/scheduling/appointments -> scheduling.services.appointment_book")
    for t, text in events:
        print(f"  t = {t:5.1f} s  {text}")
    print(f"answers: {statuses} (0 = connection refused or broken: the outcome unknown)")
    for label, match in (("no answer", lambda s: s == 0), ("5xx", lambda s: s >= 500)):
        times = [r.sent_at for r in load.results if match(r.status)]
        if times:
            print(
                f"  {label}: {len(times)}, sent between t = {min(times):.1f} s and {max(times):.1f} s"
            )
    print(
        f"booking answers/s: {overall:.1f} over the whole run = {overall / baseline:.2f} x the "
        f"{baseline:.1f}/s before the first kill (baseline, same run)"
        if baseline
        else "no answers before the first kill"
    )
    print(
        f"confirmed (201) bookings: {len(confirmed)}; missing or different in the database: "
        f"{len(problems)} (must be 0); appointments stored: {stored} (those beyond the 201s "
        f"were committed while their answer was lost in a kill)"
    )
    print(f"double bookings: {doubles} (must be 0)")
    print(
        f"appointments without exactly one 'create' audit entry: {without_entry}; 'create' "
        f"entries without their appointment: {orphan_entries} (both must be 0)"
    )
    print(f"audit_verify before the load: {anchor_line}")
    print(f"audit_verify after the kills: {verify_line}")
    confirmed_after = sum(1 for r in after_pg if r.status == 201)
    print(f"bookings confirmed after the PostgreSQL restart: {confirmed_after} (must be > 0)")
    for problem in problems[:10]:
        print("  ", problem)
    failures += problems
    if doubles:
        failures.append("double bookings")
    if without_entry or orphan_entries:
        failures.append("appointments and their audit entries differ")
    if not (anchored and verified):
        failures.append("audit_verify failed")
    if not confirmed_after:
        failures.append("no booking confirmed after the PostgreSQL restart")
    if len(events) != 4 or events[-1][0] > args.seconds - 3:
        failures.append("the kills and restarts did not all happen under load")
    print(f"verdict: {'PASS' if not failures else 'FAIL: ' + '; '.join(failures[:3])}")
    print(f"total time: {time.time() - began:.0f} s")
    if not failures:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"server log kept: {server.log}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
