"""Page latency at clinic-network scale: patients, audit entries and appointments on PostgreSQL.

    .venv/bin/python benchmarks/bench_scale.py                       # 1 k and 10 k patients
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000,100000   # the issue's scale

Per patient: 10 audit entries and 3 appointments, so 100 k patients come with 1 M audit
entries and 300 k appointments (issue 13 section 6). The sizes grow in one database (1 k,
then 9 k more, then 90 k more), and after each one the pages are timed:

- patient search (``/patients/?q=``): a common family name, a rare one (one patient), an
  identifier, and the empty search (the first 100 patients by name);
- the patient page (``/patients/<id>/``, random patients, all its sections);
- the calendar week of a physician (``/calendar/?view=week``, a full week: about 160
  appointments);
- the audit browser (``/audit/``): its first page, its oldest, one half-way down (the
  pages follow sequence numbers: ``?after=0``, ``?before=<seq>``), and filtered by
  patient, by user and by a rare action;
each through gunicorn with the production settings (benchmarks/loadkit.py), by a logged-in
user of the role that may open it (physician; administrator for the audit trail), one
request after another; baseline GET /healthz in the same run. Every page read is audited,
as in production. Goal: p95 < 200 ms on each page.

The data is written with COPY, not through the services (that would take hours): patients
with their identifiers and search keys as patients.models computes them, appointments
with their resource bookings (15 minutes each, 9:00-17:00 on weekdays, never overlapping:
the exclusion constraint checks every row), and the audit history sealed exactly as
audit_record seals it: under the chain head's lock, each entry's seal computed in sequence
order by AuditEntry.compute_hash under the current key and linked to the previous one,
the head moved to the last (docs/operations/load.md). `manage audit_verify` (the
operator's command, its own process) then walks the whole chain and must pass.
Exits non-zero on a page answering anything but 200 or a chain that does not verify;
the p95 goal is reported, not enforced (it depends on the machine).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))  # loadkit, also when imported by path

import loadkit
from loadkit import cell, percentile

AUDIT_PER_PATIENT = 10
APPOINTMENTS_PER_PATIENT = 3
PHYSICIANS = 20
SLOTS_PER_DAY = 32  # 9:00-17:00, 15 minutes each
GOAL_P95 = 0.200
WARM_UP = 6  # untimed requests per page first: every gunicorn worker has rendered it once

_FAMILY = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin Boyer Garnier Chevalier "
    "Francois Legrand Gauthier Garcia Perrin Robin Clement Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Riviere Lucas Brunet Gaillard Barbier Arnaud Martinez Gerard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud "
    "Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoit Rey Leclerc Payet Rolland Leclercq"
)
_GIVEN = (
    "Marie Jean Pierre Michel Anne Philippe Nathalie Isabelle Sylvie Catherine Alain Patrick "
    "Nicolas Christophe Françoise Martine Christine Monique Bernard Eric Sophie Valérie Laurent "
    "Stéphane Sandrine Céline Julien Camille Léa Hélène Chloé Emma Louis Hugo Lucas Jules Inès"
)
FAMILY, GIVEN = _FAMILY.split(), _GIVEN.split()
ACTIONS = [("view", "patients.patient"), ("view", "scheduling.appointment"),
           ("search", "patients.patient"), ("update", "patients.patient"),
           ("create", "evaluation.evaluation"), ("view", "evaluation.evaluation")]  # fmt: skip


# ----------------------------------------------------------------------------- the data


class Generator:
    """Adds patients (with their appointments and audit history) up to a size."""

    def __init__(self, staff: dict[str, Any], resources: list[int], largest: int):
        from cryoneuro.scheduling.models import AppointmentType

        self.staff = staff
        self.resources = resources
        self.type_id = AppointmentType.objects.get(code="phone_followup").pk
        self.patients = 0
        self.zone = ZoneInfo(os.environ.get("TIME_ZONE", "Europe/Paris"))
        today = datetime.now(UTC).astimezone(self.zone).date()
        # appointments from a year ago on, week after week; the audit history spread over
        # the 400 days before now (the largest size ends about now)
        self.first_monday = today - timedelta(days=today.weekday() + 52 * 7)
        self.audit_step = timedelta(days=400) / (largest * AUDIT_PER_PATIENT)
        self.audit_start = datetime.now(UTC) - timedelta(days=400)
        self.rng = random.Random(13)

    def grow(self, size: int) -> dict[str, float]:
        from django.db import connection, transaction

        seconds = {}
        first, last = self.patients + 1, size
        with transaction.atomic():
            t0 = time.perf_counter()
            self._patients(connection, first, last)
            seconds["patients"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            self._appointments(connection, first, last)
            seconds["appointments"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            self._audit(connection, first, last)
            seconds["audit"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after such a load
        seconds["vacuum analyze"] = time.perf_counter() - t0
        self.patients = size
        return seconds

    def _copy(self, connection, table: str, columns: list[str], rows) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _patients(self, connection, first: int, last: int) -> None:
        from cryoneuro.patients.models import search_key

        now = datetime.now(UTC)
        rng = self.rng

        def rows():
            for pk in range(first, last + 1):
                family, given = rng.choice(FAMILY), rng.choice(GIVEN)
                if pk % 997 == 0:  # now and then a name nobody else has
                    family = f"Unique{pk}"
                yield (
                    pk, now, f"CN-{pk:06d}", family, given,
                    date(1930 + pk % 70, 1 + pk % 12, 1 + pk % 28), "female" if pk % 2 else "male",
                    "", "", "fr", "", True, now, None, "[]", None, now,
                    search_key(f"{family} {given}"),
                )  # fmt: skip

        columns = [
            "id", "created_at", "identifier", "family_name", "given_name", "birth_date",
            "sex", "email", "phone", "preferred_language", "referring_physician",
            "consent_data_processing", "consent_recorded_at", "user_id", "allergies",
            "allergies_recorded_at", "updated_at", "search_name",
        ]  # fmt: skip
        self._copy(connection, "patients_patient", columns, rows())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('patients_patient', 'id'), %s)", [last]
            )

    def slot(self, index: int) -> tuple[int, datetime]:
        """The ``index``-th appointment: (physician, start), round-robin over the
        physicians, 32 quarter-hours a weekday from 9:00, week after week."""
        physician = self.resources[index % len(self.resources)]
        n = index // len(self.resources)
        week, rest = divmod(n, 5 * SLOTS_PER_DAY)
        day, quarter = divmod(rest, SLOTS_PER_DAY)
        local = datetime.combine(
            self.first_monday + timedelta(weeks=week, days=day), datetime.min.time()
        ).replace(hour=9, tzinfo=self.zone) + timedelta(minutes=15 * quarter)
        return physician, local.astimezone(UTC)

    def _appointments(self, connection, first: int, last: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM scheduling_appointment")
            base_id = cursor.fetchone()[0]
            cursor.execute("SELECT coalesce(max(id), 0) FROM scheduling_resourcebooking")
            booking_base = cursor.fetchone()[0]
        now = datetime.now(UTC)
        coordinator = self.staff["coordinator"].pk
        appointments, bookings = [], []
        for patient in range(first, last + 1):
            for k in range(APPOINTMENTS_PER_PATIENT):
                index = (patient - 1) * APPOINTMENTS_PER_PATIENT + k
                physician, start = self.slot(index)
                end = start + timedelta(minutes=15)
                pk = base_id + len(appointments) + 1
                appointments.append(
                    (pk, patient, self.type_id, start, end, end, physician, "[]",
                     "attended" if start < now else "booked", "", coordinator, now, 0, now, now)
                )  # fmt: skip
                bookings.append((booking_base + len(bookings) + 1, physician, start, end, True, pk))
        self._copy(
            connection,
            "scheduling_appointment",
            ["id", "patient_id", "type_id", "start", "end", "main_end", "practitioner_id",
             "nerve_codes", "status", "note", "booked_by_id", "scheduled_at", "sequence",
             "created_at", "updated_at"],
            appointments,
        )  # fmt: skip
        self._copy(
            connection,
            "scheduling_resourcebooking",
            ["id", "resource_id", "start", "end", "active", "appointment_id"],
            bookings,
        )
        with connection.cursor() as cursor:
            for table in ("scheduling_appointment", "scheduling_resourcebooking"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )

    def _audit(self, connection, first: int, last: int) -> None:
        """The history of these patients, sealed as audit_record seals: under the head's
        lock, in sequence order, each entry's seal by AuditEntry.compute_hash under the
        current key, linked to the previous seal; then the head moved to the last entry."""
        from cryoneuro.audit.keys import current_key
        from cryoneuro.audit.models import GENESIS_HASH, AuditEntry
        from cryoneuro.audit.services import _COLUMNS

        key = current_key()
        actors = [self.staff["physician"], self.staff["coordinator"], self.staff["nurse"]]
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_auditchainhead (id, seq, hash) VALUES (1, 0, %s) "
                "ON CONFLICT DO NOTHING",
                [GENESIS_HASH],
            )
            cursor.execute("SELECT seq, hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
            seq, prev = cursor.fetchone()
            cursor.execute("SELECT max(at) FROM audit_auditentry")
            latest = cursor.fetchone()[0]
        at = max(self.audit_start + self.audit_step * seq, latest or self.audit_start)
        entry = AuditEntry(mac_key_id=key.key_id)
        rng = self.rng
        count = (last - first + 1) * AUDIT_PER_PATIENT

        def rows():
            nonlocal seq, prev, at
            for i in range(count):
                actor = actors[i % len(actors)]
                action, object_type = ACTIONS[rng.randrange(len(ACTIONS))]
                if i % 50_000 == 49_999:
                    action, object_type = "export", "patients.patient"  # rare
                patient = rng.randint(first, last)
                seq += 1
                at = at + self.audit_step
                entry.seq, entry.at, entry.prev_hash = seq, at, prev
                entry.actor_id = actor.pk
                entry.actor_username, entry.actor_role = actor.username, actor.role
                entry.action, entry.object_type = action, object_type
                entry.object_id, entry.patient_id = str(patient), patient
                entry.ip_address = f"10.0.{i % 7}.{1 + i % 200}"
                entry.detail = {"via": "page"} if action == "view" else {}
                entry.hash = entry.compute_hash(key.secret)
                prev = entry.hash
                yield tuple(
                    json.dumps(entry.detail) if f.attname == "detail" else getattr(entry, f.attname)
                    for f in _COLUMNS
                )

        self._copy(connection, "audit_auditentry", [f.column for f in _COLUMNS], rows())
        with connection.cursor() as cursor:
            cursor.execute(
                'UPDATE audit_auditchainhead SET seq = %s, "hash" = %s WHERE id = 1', [seq, prev]
            )


def setup_staff() -> dict[str, Any]:
    from allauth.mfa.models import Authenticator

    from cryoneuro.scheduling.models import OpeningHours, Resource, ResourceKind

    staff = {}
    for role in ("physician", "coordinator", "nurse", "administrator"):
        user = loadkit.make_user(f"scale.{role}", role)
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "unused"}
        )
        staff[role] = user
    resources = []
    for i in range(PHYSICIANS):
        user = staff["physician"] if i == 0 else loadkit.make_user(f"scale.dr{i}", "physician")
        resource = Resource.objects.create(
            kind=ResourceKind.PRACTITIONER, name=f"Dr {i:02d}", user=user
        )
        OpeningHours.objects.bulk_create(
            [OpeningHours(resource=resource, weekday=d, opens="09:00", closes="17:00")
             for d in range(5)]
        )  # fmt: skip
        resources.append(resource.pk)
    return {"staff": staff, "resources": resources}


# ----------------------------------------------------------------------------- the pages


def pages(generator: Generator, size: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(name, role, path) of each page timed at this size."""
    from cryoneuro.patients.models import Patient

    common = "Martin"
    rare = Patient.objects.filter(family_name__startswith="Unique").order_by("?").first()
    rare_name = rare.family_name if rare else "Nobody"
    # the last full week: a physician's "this week", with all the earlier ones behind it
    per_physician = size * APPOINTMENTS_PER_PATIENT // PHYSICIANS
    full_weeks = max(1, per_physician // (5 * SLOTS_PER_DAY))
    physician, start = generator.slot((full_weeks - 1) * 5 * SLOTS_PER_DAY * PHYSICIANS)
    week = start.astimezone(generator.zone).date().isoformat()
    some_patient = rng.randint(1, size)
    middle = size * AUDIT_PER_PATIENT // 2
    return [
        ("search: common name", "physician", f"/patients/?q={common}"),
        ("search: rare name", "physician", f"/patients/?q={rare_name}"),
        ("search: identifier", "physician", f"/patients/?q=CN-{rng.randint(1, size):06d}"),
        ("search: empty (first 100)", "physician", "/patients/?q="),
        ("patient page", "physician", "/patients/{random}/"),
        ("calendar week", "physician", f"/calendar/?view=week&resource={physician}&date={week}"),
        ("audit: first page", "administrator", "/audit/"),
        ("audit: oldest page", "administrator", "/audit/?after=0"),
        ("audit: a page mid-way", "administrator", f"/audit/?before={middle}"),
        ("audit: by patient", "administrator", f"/audit/?patient_id={some_patient}"),
        ("audit: by user", "administrator", "/audit/?username=scale.nurse"),
        ("audit: rare action", "administrator", "/audit/?action=export"),
    ]


def time_page(client: loadkit.Client, path: str, repeat: int, size: int, rng) -> tuple[list, set]:
    latencies, statuses = [], set()
    for i in range(repeat + WARM_UP):
        target = path.replace("{random}", str(rng.randint(1, size)))
        t0 = time.perf_counter()
        status, _ = client.request("GET", target)
        elapsed = time.perf_counter() - t0
        statuses.add(status)
        if i >= WARM_UP:
            latencies.append(elapsed)
    return latencies, statuses


def audit_verify(environment: dict[str, str]) -> tuple[bool, str, float]:
    t0 = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cryoneuro.manage", "audit_verify", "--no-anchor"],
        env=environment,
        cwd=loadkit.ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    lines = (result.stdout + result.stderr).strip().splitlines()
    return result.returncode == 0, lines[-1] if lines else "", time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="patients, comma-separated, growing (100000: 1 M audit entries)",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    began = time.time()
    background = loadkit.background_load()
    workdir = loadkit.make_workdir("cryoneuro-bench-scale-")
    cluster = loadkit.start_cluster(
        max_connections=50, maintenance_work_mem="256MB", max_wal_size="4GB"
    )
    port = loadkit.free_port()
    environment = loadkit.production_environment(cluster.url, port, workdir)
    loadkit.setup_django(environment)
    logging.getLogger("cryoneuro.request").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    # the pages need the collected static files (manifest storage), as scripts/serve.sh does
    subprocess.run(
        [sys.executable, "-m", "cryoneuro.manage", "collectstatic", "--noinput", "-v", "0"],
        env=environment,
        cwd=loadkit.ROOT,
        check=True,
    )
    clinic = setup_staff()
    sessions = {role: loadkit.session_for(user) for role, user in clinic["staff"].items()}
    generator = Generator(clinic["staff"], clinic["resources"], sizes[-1])
    server = loadkit.Gunicorn(environment, workdir / "gunicorn.log")
    rng = random.Random(6)
    results: dict[int, dict[str, tuple[list, set]]] = {}
    generation: dict[int, dict[str, float]] = {}
    verified: dict[int, tuple[bool, str, float]] = {}
    failures = []
    try:
        for size in sizes:
            generation[size] = generator.grow(size)
            connections.close_all()
            ok, line, seconds = audit_verify(environment)
            verified[size] = (ok, line, seconds)
            if not ok:
                failures.append(f"audit_verify at {size}: {line}")
            if server.process is None:
                server.start()
            clients = {role: loadkit.Client(port, key) for role, key in sessions.items()}
            results[size] = {
                "baseline GET /healthz": time_page(
                    clients["physician"], "/healthz", args.repeat, size, rng
                )
            }
            for name, role, path in pages(generator, size, rng):
                results[size][name] = time_page(clients[role], path, args.repeat, size, rng)
            connections.close_all()
    finally:
        server.stop()
        connections.close_all()
        cluster.stop()

    print()
    print(
        f"cryoneuro scale benchmark: pages through gunicorn ({loadkit.SETTINGS}) on PostgreSQL, "
        f"{args.repeat} requests per page one after another, {os.cpu_count()} CPUs; other "
        f"work on the machine before the run: {100 * background:.0f} % of its cores"
    )
    print("code paths: patients.views.patient_list / patient_detail, scheduling.views.calendar, "
          "web.audit.audit_list")  # fmt: skip
    for size in sizes:
        g = generation[size]
        print(
            f"  {size:>7} patients, {size * AUDIT_PER_PATIENT:>8} audit entries, "
            f"{size * APPOINTMENTS_PER_PATIENT:>7} appointments: written in "
            + ", ".join(f"{k} {v:.1f} s" for k, v in g.items())
            + f"; audit_verify {verified[size][2]:.1f} s: {verified[size][1]}"
        )
    header = "".join(f"{f'p50/p95 ms @{s // 1000}k':>20}" for s in sizes)
    growth = f"{'p95 ' + str(sizes[-1] // sizes[0]) + 'x data':>14}" if len(sizes) > 1 else ""
    print(f"{'page':<28}{header}{growth}{'  x healthz':>12}")
    for name in results[sizes[0]]:
        cells = ""
        for size in sizes:
            latencies, statuses = results[size][name]
            if statuses != {200}:
                failures.append(f"{name} at {size}: answered {sorted(statuses)}")
            cells += f"{cell(percentile(latencies, 50), 1000, 9)} /{cell(percentile(latencies, 95), 1000, 8)} "
        first = percentile(results[sizes[0]][name][0], 95) or 1e-9
        last = percentile(results[sizes[-1]][name][0], 95) or 0.0
        base = percentile(results[sizes[-1]]["baseline GET /healthz"][0], 95) or 1e-9
        line = f"{name:<28}{cells}"
        if len(sizes) > 1:
            line += f"{last / first:>13.2f}x"
        print(line + f"{last / base:>11.1f}x")
    slow = [
        name
        for name, (latencies, _) in results[sizes[-1]].items()
        if (percentile(latencies, 95) or 0) >= GOAL_P95
    ]
    print(
        f"goal (p95 < {GOAL_P95 * 1000:.0f} ms on every page at {sizes[-1]} patients): "
        + ("reached" if not slow else "NOT reached: " + ", ".join(slow))
    )
    print(f"verdict: {'PASS' if not failures else 'FAIL: ' + '; '.join(failures[:5])}")
    print(f"total time: {time.time() - began:.0f} s")
    if not failures:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
