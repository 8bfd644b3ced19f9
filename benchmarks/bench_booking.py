"""Booking throughput over the API with 50 concurrent clients, against a throwaway PostgreSQL.

    .venv/bin/python benchmarks/bench_booking.py [--clients 50] [--seconds 20] [--workers N]

What it does, in well under two minutes:
1. starts a throwaway PostgreSQL cluster (cryoneuro.devtools.pgcluster), migrates it;
2. sets up a clinic: 20 physicians open every day, 50 patients, a coordinator (TOTP set);
3. serves the real application (settings cryoneuro.site.settings.test, the full middleware
   stack, sessions, CSRF, audit) with Django's threaded WSGI server in ``--workers``
   forked processes sharing one socket, HTTP/1.1 keep-alive;
4. baseline: GET /healthz (one trivial query) with the same clients;
5. booking: each client books random 15-minute phone follow-ups (random physician, day,
   quarter) through POST /api/scheduling/appointments; a collision gets 409 with the
   nearest free slots; then all clients at once on ONE slot (exactly one must win);
6. counts double bookings straight from the database (overlapping active bookings of one
   resource: must be 0) and verifies the audit hash chain.
Exits non-zero on a double booking, a broken chain, anything but one 201 in the one-slot
race, or any 5xx answer in either booking phase.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

PHYSICIANS = 20
DAYS = 30
CSRF = "benchmarkcsrfsecret0123456789abc"  # 32 characters: a valid unmasked CSRF secret


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cryoneuro.site.settings.test"
    os.environ["CRYONEURO_TEST_DATABASE_URL"] = url
    os.environ.setdefault("CRYONEURO_VAR_DIR", tempfile.mkdtemp(prefix="cryoneuro-bench-"))
    import django

    django.setup()


def seed(clients: int) -> dict:
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from cryoneuro.patients.services import patient_create
    from cryoneuro.scheduling.models import OpeningHours, Resource, ResourceKind

    call_command("migrate", verbosity=0)
    User = get_user_model()
    coordinator = User.objects.create_user("bench.coord", password="x" * 12, role="coordinator")
    Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "unused"}
    )
    physicians = []
    for i in range(PHYSICIANS):
        user = User.objects.create_user(f"bench.dr{i}", password="x" * 12, role="physician")
        resource = Resource.objects.create(
            kind=ResourceKind.PRACTITIONER, name=f"Dr {i:02d}", user=user
        )
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(resource=resource, weekday=d, opens="00:00", closes="23:59")
                for d in range(7)
            ]
        )
        physicians.append(resource.pk)
    patients = [
        patient_create(
            created_by=coordinator,
            family_name=f"Bench{i:02d}",
            given_name="Patient",
            birth_date=datetime(1960, 1, 1).date(),
            sex="female",
            email="",
        ).pk
        for i in range(clients)
    ]
    sessions = []
    for _ in range(clients):
        store = SessionStore()
        store[SESSION_KEY] = str(coordinator.pk)
        store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
        store[HASH_SESSION_KEY] = coordinator.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {
        "physicians": physicians,
        "patients": patients,
        "sessions": sessions,
        "first_day": tomorrow.isoformat(),
    }


def serve(workers: int) -> tuple[int, list[int]]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Server(ThreadedWSGIServer):
        request_queue_size = 256

    server = Server(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    connections.close_all()
    pids = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # worker
            signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
            try:
                server.serve_forever(poll_interval=0.05)
            finally:
                os._exit(0)
        pids.append(pid)
    port = server.server_address[1]
    server.socket.close()
    return port, pids


class Client:
    def __init__(self, port: int, session: str):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/json",
            "Host": f"127.0.0.1:{port}",
        }

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        payload = json.dumps(body) if body is not None else None
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=payload, headers=self.headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def _client_proc(
    port,
    sessions,
    patients,
    physicians,
    first_day,
    mode,
    seconds,
    hot_start,
    start_at,
    queue,
    seed_value,
):
    """One client process running len(sessions) client threads."""
    rng_master = random.Random(seed_value)
    from zoneinfo import ZoneInfo

    clinic = ZoneInfo(os.environ.get("TIME_ZONE", "Europe/Paris"))
    day0 = datetime.fromisoformat(first_day)
    results = []
    lock = threading.Lock()

    def run(session, patient, rng):
        client = Client(port, session)
        local = []
        if mode == "warm":
            client.request("GET", "/healthz")
            return
        while time.time() < start_at:
            time.sleep(0.001)
        deadline = start_at + seconds
        if mode == "hot":
            t0 = time.perf_counter()
            status, _ = client.request(
                "POST",
                "/api/scheduling/appointments",
                {
                    "patient_id": patient,
                    "type": "phone_followup",
                    "start": hot_start,
                    "practitioner_id": physicians[0],
                },
            )
            local.append((status, time.perf_counter() - t0))
        while mode != "hot" and time.time() < deadline:
            t0 = time.perf_counter()
            if mode == "healthz":
                status, _ = client.request("GET", "/healthz")
            else:
                # A wall-clock quarter in the clinic's zone (00:00-23:30), as a client would.
                start = (
                    day0 + timedelta(days=rng.randrange(1, DAYS), minutes=15 * rng.randrange(95))
                ).replace(tzinfo=clinic)
                status, _ = client.request(
                    "POST",
                    "/api/scheduling/appointments",
                    {
                        "patient_id": patient,
                        "type": "phone_followup",
                        "start": start.isoformat(),
                        "practitioner_id": rng.choice(physicians[1:]),
                    },
                )
            local.append((status, time.perf_counter() - t0))
        with lock:
            results.extend(local)

    threads = [
        threading.Thread(target=run, args=(s, p, random.Random(rng_master.random())))
        for s, p in zip(sessions, patients, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results)


def phase(port, data, mode, seconds, procs, hot_start="") -> tuple[list, float]:
    ctx = get_context("fork")
    queue = ctx.Queue()
    sessions, patients = data["sessions"], data["patients"]
    start_at = time.time() + 1.0
    processes = []
    for i in range(procs):
        chunk = slice(i, None, procs)
        process = ctx.Process(
            target=_client_proc,
            args=(
                port,
                sessions[chunk],
                patients[chunk],
                data["physicians"],
                data["first_day"],
                mode,
                seconds,
                hot_start,
                start_at,
                queue,
                1000 + i,
            ),
        )
        process.start()
        processes.append(process)
    results = []
    for _ in processes:
        results.extend(queue.get(timeout=seconds + 120))
    for process in processes:
        process.join()
    elapsed = max(time.time() - start_at, 1e-9) if mode != "hot" else 0.0
    return results, min(elapsed, seconds + 5) if mode != "hot" else 0.0


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cell(value: float | None, scale: float = 1.0, width: int = 9) -> str:
    """A table cell: the value scaled to one decimal, or a dash where there is none."""
    return f"{value * scale:>{width}.1f}" if value is not None else f"{'-':>{width}}"


def double_bookings() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM scheduling_resourcebooking a
            JOIN scheduling_resourcebooking b
              ON a.resource_id = b.resource_id AND a.id < b.id AND a.active AND b.active
             AND a.start < b."end" AND b.start < a."end"
        """)
        return cursor.fetchone()[0]


def server_errors(*phases: dict[int, int]) -> int:
    return sum(n for statuses in phases for status, n in statuses.items() if status >= 500)


def verdict(doubles: int, booking: dict[int, int], hot: dict[int, int], chain_ok: bool) -> int:
    """The exit status: 1 on a double booking, a broken audit chain, anything but exactly
    one 201 in the one-slot race, or any 5xx in either phase (a lost race must be a 409,
    never a 500 such as PostgreSQL's "deadlock detected")."""
    failed = doubles != 0 or hot.get(201) != 1 or not chain_ok or server_errors(booking, hot) != 0
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=min(8, max(2, os.cpu_count() or 2)))
    parser.add_argument("--client-procs", type=int, default=2)
    args = parser.parse_args()

    from cryoneuro.devtools import pgcluster

    began = time.time()
    cluster = pgcluster.start(max_connections=max(200, args.clients * args.workers + 20))
    try:
        setup_django(cluster.url)
        data = seed(args.clients)
        from django.db import connections

        connections.close_all()
        port, pids = serve(args.workers)
        try:
            phase(port, data, "warm", 0, args.client_procs)
            health, health_s = phase(
                port, data, "healthz", args.baseline_seconds, args.client_procs
            )
            booking, booking_s = phase(port, data, "book", args.seconds, args.client_procs)
            hot_day = datetime.fromisoformat(data["first_day"]).replace(tzinfo=UTC)  # 09:00Z
            hot_start = (hot_day + timedelta(days=DAYS + 1, hours=9)).isoformat()
            hot, _ = phase(port, data, "hot", 0, args.client_procs, hot_start)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGTERM)
            for pid in pids:
                os.waitpid(pid, 0)

        from cryoneuro.audit.services import audit_verify_chain
        from cryoneuro.scheduling.models import Appointment

        doubles = double_bookings()
        chain = audit_verify_chain()
        booked = Appointment.objects.count()
    finally:
        cluster.stop()

    def row(name, results, seconds, ok_statuses):
        ok = [lat for status, lat in results if status in ok_statuses]
        latencies = [lat for _, lat in results]
        rate = len(ok) / seconds if seconds else None  # the one-slot race has no rate
        return (
            f"{name:<30}{len(results):>9}{len(ok):>9}{cell(rate, width=11)}"
            f"{cell(percentile(latencies, 50), 1000)}{cell(percentile(latencies, 99), 1000)}"
        )

    statuses = {}
    for status, _ in booking:
        statuses[status] = statuses.get(status, 0) + 1
    hot_status = {}
    for status, _ in hot:
        hot_status[status] = hot_status.get(status, 0) + 1
    print()
    print(
        f"cryoneuro booking benchmark: {args.clients} concurrent API clients, "
        f"{args.workers} server processes (threaded WSGI, keep-alive), PostgreSQL "
        f"(throwaway cluster), {os.cpu_count()} CPUs"
    )
    print(f"{'phase':<30}{'requests':>9}{'ok':>9}{'ok/s':>11}{'p50 ms':>9}{'p99 ms':>9}")
    print(row("baseline GET /healthz", health, health_s, {200}))
    print(row("POST booking (201 booked)", booking, booking_s, {201}))
    print(row("  of which 409 slot taken", [r for r in booking if r[0] == 409], booking_s, {409}))
    print(row(f"{args.clients} clients on one slot", hot, 0, {201}))
    print(
        f"booking statuses: {dict(sorted(statuses.items()))}; one-slot race: "
        f"{dict(sorted(hot_status.items()))} (must be exactly one 201)"
    )
    print(
        f"appointments in the database: {booked}; double bookings: {doubles} (must be 0); "
        f"audit chain: {'intact' if chain.ok else 'BROKEN ' + chain.reason} "
        f"({chain.checked} entries)"
    )
    print(f"total time: {time.time() - began:.0f} s")
    print(f"5xx answers: {server_errors(statuses, hot_status)} (must be 0)")
    return verdict(doubles, statuses, hot_status, chain.ok)


if __name__ == "__main__":
    raise SystemExit(main())
