"""What the load benchmarks share (bench_booking, bench_killnine, bench_scale).

Not a benchmark itself (``make bench`` runs ``bench_*.py`` only), never collected by
pytest (benchmarks/ is outside ``testpaths``).

- a throwaway PostgreSQL cluster (cryoneuro.devtools.pgcluster) whose commits reach the
  kernel before they are acknowledged (``durable=True``), with pg_stat_statements loaded;
- the production environment: settings ``cryoneuro.site.settings.prod`` as they are, the
  secrets in files or variables as scripts/serve.sh expects them, and the benchmark's
  clients playing the TLS proxy in front (``X-Forwarded-Proto: https``, trusted through the
  documented ``CRYONEURO_TRUSTED_PROXY_HEADER``), so HTTPS redirect, secure cookies, HSTS
  and the CSRF origin check all stay on;
- gunicorn started exactly as scripts/serve.sh starts it (``python -m gunicorn -c
  python:cryoneuro.site.gunicorn_conf``), its workers per gunicorn_conf (2 x cores + 1);
- a clinic to book in, sessions for its coordinator, and HTTP clients in separate
  processes that book random slots, measure latencies and their own CPU time.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

PHYSICIANS = 20
DAYS = 30
CSRF = "benchmarkcsrfsecret0123456789abc"  # 32 characters: a valid unmasked CSRF secret
SETTINGS = "cryoneuro.site.settings.prod"


# ----------------------------------------------------------------------------- cluster


def start_cluster(max_connections: int = 100, **settings: str):
    """A throwaway PostgreSQL whose acknowledged commits survive its own kill -9, with
    pg_stat_statements loaded (statements per request are counted from it)."""
    from cryoneuro.devtools import pgcluster

    return pgcluster.start(
        max_connections=max_connections,
        durable=True,
        settings={
            "shared_preload_libraries": "pg_stat_statements",
            # the statements clients send, not those run inside them (foreign-key checks)
            "pg_stat_statements.track": "top",
            **settings,
        },
    )


def statements_executed() -> int:
    """Statements the server has been sent so far (pg_stat_statements; utility statements
    such as BEGIN and COMMIT included), all databases and users."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        # Not the foreign-key checks PostgreSQL runs itself inside an insert (no round trip).
        cursor.execute(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
            "WHERE query NOT LIKE '%FROM ONLY %FOR KEY SHARE OF x'"
        )
        return int(cursor.fetchone()[0])


# ----------------------------------------------------------------------------- production env


def production_environment(database_url: str, port: int, workdir: Path) -> dict[str, str]:
    """The environment `make serve` needs (README's configuration table), for loopback:
    secrets in files, the bind address, and the benchmark's clients as the trusted TLS
    proxy. Nothing of the settings is relaxed."""
    secret = workdir / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
        secret.chmod(0o600)
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CRYONEURO_", "DJANGO_")) and k not in {"SECRET_KEY", "DATABASE_URL"}
    }
    environment.update(
        {
            "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": database_url,
            "SECRET_KEY_FILE": str(secret),
            "CRYONEURO_AUDIT_KEYS": "bench1:" + "b7" * 32,
            "CRYONEURO_VAR_DIR": str(workdir),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The clients send X-Forwarded-Proto: https, as the TLS proxy in front does.
            "CRYONEURO_TRUSTED_PROXY_HEADER": "X-Forwarded-Proto",
            "CRYONEURO_BIND": f"127.0.0.1:{port}",
        }
    )
    return environment


def setup_django(environment: dict[str, str]) -> None:
    """This process with the production settings (to seed and to check afterwards)."""
    os.environ.update(environment)
    sys.path.insert(0, str(SRC))
    import django

    django.setup()


# ----------------------------------------------------------------------------- gunicorn


@dataclass
class Gunicorn:
    """The production server, as scripts/serve.sh execs it."""

    environment: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    port: int = field(init=False)

    def __post_init__(self) -> None:
        self.port = int(self.environment["CRYONEURO_BIND"].rsplit(":", 1)[1])

    def start(self, timeout: float = 120.0) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:cryoneuro.site.gunicorn_conf"],
                env=self.environment,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                status, _ = request_once(self.port, "GET", "/healthz")
                if status == 200 and len(self.worker_pids()) >= self.expected_workers():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def expected_workers(self) -> int:
        from cryoneuro.site import gunicorn_conf

        return int(gunicorn_conf.workers)

    @property
    def master_pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return children(self.master_pid)

    def pids(self) -> list[int]:
        return [self.master_pid, *self.worker_pids()]

    def kill9(self) -> list[int]:
        """SIGKILL the master and every worker at once (nothing is let finish)."""
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait(timeout=30)
        for pid in pids[1:]:
            wait_gone(pid)
        return pids

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=40)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def wait_gone(pid: int, timeout: float = 30.0) -> None:
    """Until the process is gone, reaped included (PostgreSQL refuses to start while the
    PID in its lock file still exists, even as a zombie; init reaps within a second)."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def cpu_by_process(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used (from /proc; gone ones left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_process(pids).values())


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots: a process started in between counts from
    zero; one that exited in between is lost (a database backend replaced when its
    connection reached CONN_MAX_AGE)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def background_load(seconds: float = 2.0) -> float:
    """How busy the machine's cores are (0-1) while this benchmark runs nothing: other
    work on a shared machine takes CPU from the server and the clients alike."""
    before, t0 = machine_cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return (machine_cpu_seconds() - before) / ((time.monotonic() - t0) * (os.cpu_count() or 1))


def machine_cpu_seconds() -> float:
    """CPU seconds every core spent busy (not idle, not waiting), whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------- the clinic


def seed_clinic(clients: int, *, physicians: int = PHYSICIANS) -> dict[str, Any]:
    """20 physicians open every day, one patient per client, a coordinator with TOTP set
    up, and one logged-in session per client (as allauth leaves it after a TOTP login)."""
    from allauth.mfa.models import Authenticator
    from django.core.management import call_command
    from django.utils import timezone

    from cryoneuro.patients.services import patient_create
    from cryoneuro.scheduling.models import OpeningHours, Resource, ResourceKind

    call_command("migrate", verbosity=0)
    coordinator = make_user("bench.coord", "coordinator")
    Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "unused"}
    )
    resources = []
    for i in range(physicians):
        user = make_user(f"bench.dr{i}", "physician")
        resource = Resource.objects.create(
            kind=ResourceKind.PRACTITIONER, name=f"Dr {i:02d}", user=user
        )
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(resource=resource, weekday=d, opens="00:00", closes="23:59")
                for d in range(7)
            ]
        )
        resources.append(resource.pk)
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
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {
        "physicians": resources,
        "patients": patients,
        "sessions": [session_for(coordinator) for _ in range(clients)],
        "first_day": tomorrow.isoformat(),
    }


def make_user(username: str, role: str):
    """A user without a usable password (nobody logs in through the form here)."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=username, role=role)
    user.set_unusable_password()
    user.save()
    return user


def session_for(user) -> str:
    """A server-side session logged in as ``user``, as allauth leaves it after login."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = login_backend()
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def login_backend() -> str:
    """The backend a login records in the session (the first one that loads users)."""
    from django.conf import settings
    from django.contrib.auth import load_backend

    return next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )


def double_bookings() -> int:
    """Overlapping active bookings of one resource, counted straight from the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM scheduling_resourcebooking a
            JOIN scheduling_resourcebooking b
              ON a.resource_id = b.resource_id AND a.id < b.id AND a.active AND b.active
             AND a.start < b."end" AND b.start < a."end"
        """)
        return int(cursor.fetchone()[0])


def booking_queries(data: dict[str, Any]) -> dict[int, list[str]]:
    """The SQL of one booking through the whole middleware stack (Django's test client,
    production settings, as the TLS proxy sends it), by answer: {201: statements of a
    booking, 409: those of a booking of the same slot again (refused, with the nearest
    free slots)}. The connection's health-check SELECT 1 (CONN_HEALTH_CHECKS) is not
    among them."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = data["sessions"][0]
    found: dict[int, list[str]] = {}
    for i in range(4):  # the first one also refreshes the session's last-seen time
        body = booking_body(data, data["patients"][0], DAYS + 3, min(i, 2), 0)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/scheduling/appointments",
                data=json.dumps(body),
                content_type="application/json",
            )
        expected = 409 if i == 3 else 201
        if response.status_code != expected:
            raise RuntimeError(
                f"probe booking answered {response.status_code}: {response.content!r}"
            )
        found[expected] = [q["sql"] for q in queries.captured_queries]
    return found


def booking_body(
    data: dict[str, Any], patient: int, day: int, quarter: int, physician: int
) -> dict[str, Any]:
    """A 15-minute phone follow-up on a day after the first, at a quarter of the clinic's
    wall-clock day (as a client would send it)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(os.environ.get("TIME_ZONE", "Europe/Paris"))
    start = (
        datetime.fromisoformat(data["first_day"]) + timedelta(days=day, minutes=15 * quarter)
    ).replace(tzinfo=zone)
    return {
        "patient_id": patient,
        "type": "phone_followup",
        "start": start.isoformat(),
        "practitioner_id": data["physicians"][physician],
    }


# ----------------------------------------------------------------------------- HTTP clients


def request_once(port: int, method: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Client:
    """One API client behind the TLS proxy: session and CSRF cookies, the proxy's header,
    the Origin a browser sends (Django checks it on HTTPS)."""

    def __init__(self, port: int, session: str):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/json",
            "Host": f"127.0.0.1:{port}",
            "Origin": f"https://127.0.0.1:{port}",
            "X-Forwarded-Proto": "https",
        }

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        """(status, body); status 0 when the server could not be reached or the connection
        broke before an answer (the outcome is then unknown to the client)."""
        payload = json.dumps(body) if body is not None else None
        try:
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            return 0, b""


@dataclass
class Result:
    status: int
    latency: float  # seconds, from the time the request was due to its answer
    sent_at: float  # seconds after the phase start
    body: dict | None = None  # the 201's appointment (bench_killnine checks each one)


def _client_proc(port, jobs, data, spec, queue):
    """One client process running one thread per (session, patient)."""
    rng_master = random.Random(spec["seed"])
    start_at, seconds, mode = spec["start_at"], spec["seconds"], spec["mode"]
    interval = spec.get("interval") or 0.0  # seconds between one client's requests
    results: list[Result] = []
    lock = threading.Lock()
    cpu0 = time.process_time()

    def run(session, patient, rng):
        client = Client(port, session)
        local = []
        if mode == "warm":
            client.request("GET", "/healthz")
            return
        while time.time() < start_at:
            time.sleep(0.001)
        deadline = start_at + seconds
        due = start_at + (rng.uniform(0, interval) if interval else 0.0)
        if mode == "hot":
            t0 = time.perf_counter()
            status, _ = client.request("POST", "/api/scheduling/appointments", spec["hot_body"])
            local.append(Result(status, time.perf_counter() - t0, 0.0))
        # A paced client that fell behind stops 2 s after the deadline all the same.
        while mode != "hot" and due < deadline and time.time() < deadline + 2.0:
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)
            # Latency counts from when the request was due (no coordinated omission: a
            # client that fell behind its pace reports the wait too).
            t0 = time.perf_counter() - max(0.0, time.time() - due)
            if mode == "healthz":
                status, raw = client.request("GET", "/healthz")
            else:
                body = booking_body(
                    data,
                    patient,
                    rng.randrange(1, DAYS),
                    rng.randrange(95),
                    rng.randrange(1, len(data["physicians"])),
                )
                status, raw = client.request("POST", "/api/scheduling/appointments", body)
            done = time.perf_counter()
            kept = None
            if status == 201 and spec.get("keep_bodies"):
                kept = json.loads(raw)
            local.append(Result(status, done - t0, due - start_at, kept))
            if status == 0 or status >= 500:
                time.sleep(0.05)  # the server (or its database) is down: again shortly
            due = due + interval if interval else time.time()
        with lock:
            results.extend(local)

    threads = [
        threading.Thread(target=run, args=(s, p, random.Random(rng_master.random())))
        for s, p in jobs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((results, time.process_time() - cpu0))


@dataclass
class Phase:
    results: list[Result]
    seconds: float
    client_cpu: float  # CPU seconds the client processes used
    server_cpu: float = 0.0
    database_cpu: float = 0.0
    machine_cpu: float = 0.0  # busy CPU seconds of the whole machine
    statements: int = 0  # SQL statements the server ran (pg_stat_statements)

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        return dict(sorted(counts.items()))

    def latencies(self, statuses: set[int] | None = None) -> list[float]:
        return [r.latency for r in self.results if statuses is None or r.status in statuses]

    def rate(self, statuses: set[int]) -> float:
        ok = sum(1 for r in self.results if r.status in statuses)
        return ok / self.seconds if self.seconds else 0.0


def run_phase(
    port: int,
    data: dict[str, Any],
    mode: str,
    seconds: float = 0.0,
    *,
    procs: int = 2,
    rate: float | None = None,
    hot_body: dict | None = None,
    keep_bodies: bool = False,
    watch: Any = None,
    on_start: Any = None,
) -> Phase:
    """All clients at once for ``seconds`` (``mode``: warm, healthz, book or hot), in
    ``procs`` processes. ``rate``: the whole load's requests per second (each client paced
    to ``rate / clients``), else every client sends again as soon as it has its answer.
    ``watch`` (an object with ``server_pids()``, ``database_pids()`` and ``statements()``)
    adds CPU and SQL figures; ``on_start(start_at)`` is called once the clients are
    started (bench_killnine starts its kills from it)."""
    ctx = get_context("fork")
    queue = ctx.Queue()
    jobs = list(zip(data["sessions"], data["patients"], strict=True))
    start_at = time.time() + 1.0
    interval = len(jobs) / rate if rate else 0.0
    processes = []
    # Each phase its own random slots (the same seeds would replay the last phase's,
    # all taken by then).
    seeds = random.Random(f"{mode}-{seconds}-{rate}-{time.time()}")
    for _ in range(procs):
        spec = {
            "seed": seeds.randrange(1 << 30),
            "start_at": start_at,
            "seconds": seconds,
            "mode": mode,
            "interval": interval,
            "hot_body": hot_body,
            "keep_bodies": keep_bodies,
        }
        chunk = jobs[len(processes) :: procs]
        process = ctx.Process(target=_client_proc, args=(port, chunk, data, spec, queue))
        process.start()
        processes.append(process)
    if on_start is not None:
        on_start(start_at)
    while time.time() < start_at:
        time.sleep(0.005)
    before = _cpu_snapshot(watch)
    results: list[Result] = []
    client_cpu = 0.0
    for _ in processes:
        chunk, cpu = queue.get(timeout=seconds + 300)
        results.extend(chunk)
        client_cpu += cpu
    after = _cpu_snapshot(watch)
    # Until the last answer came (a paced load the server cannot keep up with ends late).
    elapsed = max(seconds, time.time() - start_at) if mode not in {"hot", "warm"} else 0.0
    for process in processes:
        process.join()
    phase = Phase(results, elapsed, client_cpu)
    if watch is not None:
        phase.server_cpu = cpu_used(before[0], after[0])
        phase.database_cpu = cpu_used(before[1], after[1])
        phase.machine_cpu = after[2] - before[2]
        phase.statements = after[3] - before[3]
    return phase


def _cpu_snapshot(watch) -> tuple[dict[int, float], dict[int, float], float, int]:
    if watch is None:
        return ({}, {}, 0.0, 0)
    return (
        cpu_by_process(watch.server_pids()),
        cpu_by_process(watch.database_pids()),
        machine_cpu_seconds(),
        watch.statements(),
    )


# ----------------------------------------------------------------------------- reporting


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cell(value: float | None, scale: float = 1.0, width: int = 9) -> str:
    """A table cell: the value scaled to one decimal, or a dash where there is none."""
    return f"{value * scale:>{width}.1f}" if value is not None else f"{'-':>{width}}"


def make_workdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
