"""Background work through Django's tasks API (issue 13, docs/operations/tasks.md).

Unit tests run tasks with the immediate backend (test settings); the tests here that say
so switch to the database backend and start the real ``manage db_worker`` (and
``manage run_periodic``) as subprocesses on the test database, as `make run` and the
systemd units do.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from cryoneuro.treatmentplans.models import ComputationStatus, PlanComputation, TreatmentPlan

from .treatmentplans.conftest import PLAN_FORM

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _database_url() -> str:
    from django.db import connection

    config = connection.settings_dict
    if config["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{config['NAME']}"
    user = config.get("USER") or "postgres"
    return f"postgres://{user}@{config['HOST']}:{config['PORT']}/{config['NAME']}"


def _worker_command(*args: str) -> tuple[list[str], dict]:
    """``python -m cryoneuro.manage ARGS`` on the test database with the database task
    backend: (argv, Popen keywords)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "CRYONEURO_TEST_DB", "CRYONEURO_TEST_DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cryoneuro.site.settings.test",
        CRYONEURO_TEST_DATABASE_URL=_database_url(),
        CRYONEURO_TASKS_BACKEND="database",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return [sys.executable, "-m", "cryoneuro.manage", *args], {"cwd": ROOT, "env": env}


def _manage(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    argv, keywords = _worker_command(*args)
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **keywords)


@pytest.fixture
def evaluated_patient(physician, make_patient, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient()
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    return patient


def _plan_form(patient) -> dict:
    return {**PLAN_FORM, "evaluation": str(patient.evaluations.first().pk)}


# ------------------------------------------------------------------ the real worker


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_computes_the_plan_the_form_asked_for(login, physician, evaluated_patient):
    """The form queues the computation and lands on a page that waits; a real db_worker
    process computes and stores the plan; the page then lands on it."""
    from django_tasks_db.models import DBTaskResult

    from cryoneuro.audit.models import AuditEntry
    from cryoneuro.scheduling.tasks import send_reminders

    client = login(physician)
    with override_settings(TASKS=DATABASE_TASKS):
        response = client.post(
            f"/patients/{evaluated_patient.pk}/plans/new/", _plan_form(evaluated_patient)
        )
        computation = PlanComputation.objects.get()
        assert response.status_code == 302
        assert response["Location"] == (
            f"/patients/{evaluated_patient.pk}/plans/computations/{computation.pk}/"
        )
        assert not TreatmentPlan.objects.exists()  # the request did not compute it
        waiting = client.get(response["Location"])
        assert waiting.status_code == 200
        html = waiting.content.decode()
        assert 'hx-trigger="every 1s"' in html and 'data-status="queued"' in html
        poll = client.get(response["Location"], HTTP_HX_REQUEST="true")
        assert poll.status_code == 200 and 'id="computation-status"' in poll.content.decode()
        assert evaluated_patient.family_name not in poll.content.decode()  # status only
        reminders = send_reminders.enqueue()
        assert DBTaskResult.objects.filter(status="READY").count() == 2

        worker = _manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", timeout=300)
        assert worker.returncode == 0, worker.stdout + worker.stderr

        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
        assert send_reminders.get_result(reminders.id).return_value == {"sent": 0, "skipped": 0}
        computation.refresh_from_db()
        plan = TreatmentPlan.objects.get()
        assert computation.status == ComputationStatus.DONE and computation.plan == plan
        assert plan.created_by == physician and plan.feasible
        entry = AuditEntry.objects.get(action="create", object_type="treatmentplans.treatmentplan")
        assert entry.detail["computation"] == str(computation.pk)
        assert entry.actor == physician and entry.ip_address == "127.0.0.1"
        done = client.get(response["Location"], HTTP_HX_REQUEST="true")
        assert (
            done["HX-Redirect"] == f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/#plan-result"
        )
        landed = client.get(response["Location"])
        assert landed.status_code == 302
        assert (
            landed["Location"] == f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/#plan-result"
        )


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_queue_each_periodic_slot_once():
    """Two `run_periodic --once` processes at the same time: each job's slot is queued
    once (the unique (job, slot) row is written with the task)."""
    from django_tasks_db.models import DBTaskResult

    from cryoneuro.web.models import PeriodicRun
    from cryoneuro.web.periodic import JOBS

    argv, keywords = _worker_command("run_periodic", "--once")
    both = [
        subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **keywords
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in both]
    assert [p.returncode for p in both] == [0, 0], outputs
    names = sorted(job.name for job in JOBS)
    assert sorted(PeriodicRun.objects.values_list("job", flat=True)) == names
    assert DBTaskResult.objects.filter(status="READY").count() == len(JOBS)
    again = _manage("run_periodic", "--once")
    assert again.returncode == 0 and "nothing due" in again.stdout, again.stdout + again.stderr
    assert DBTaskResult.objects.count() == len(JOBS)


# ------------------------------------------------------------------ the plan page


@pytest.mark.django_db
def test_with_the_immediate_backend_the_form_lands_on_the_plan(login, physician, evaluated_patient):
    response = login(physician).post(
        f"/patients/{evaluated_patient.pk}/plans/new/", _plan_form(evaluated_patient)
    )
    plan = TreatmentPlan.objects.get()
    assert response["Location"] == f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/#plan-result"
    assert PlanComputation.objects.get().status == ComputationStatus.DONE


@pytest.mark.django_db
def test_a_plan_the_planner_refuses_shows_the_reason_on_the_form(
    login, physician, evaluated_patient, monkeypatch
):
    from cryoneuro.planning import PlanComputationError
    from cryoneuro.treatmentplans import services

    def refuse(inputs):
        raise PlanComputationError("the solver diverged: change the depth")

    monkeypatch.setattr(services, "make_plan", refuse)
    response = login(physician).post(
        f"/patients/{evaluated_patient.pk}/plans/new/", _plan_form(evaluated_patient)
    )
    assert response.status_code == 200
    assert "the solver diverged: change the depth" in response.content.decode()
    assert PlanComputation.objects.get().status == ComputationStatus.FAILED
    assert not TreatmentPlan.objects.exists()


@pytest.mark.django_db
def test_a_computation_that_crashes_is_a_clear_error_never_a_500(
    login, physician, evaluated_patient, monkeypatch
):
    from cryoneuro.treatmentplans import services

    def crash(inputs):
        raise MemoryError  # a bug, or the machine out of memory

    monkeypatch.setattr(services, "make_plan", crash)
    client = login(physician)
    response = client.post(
        f"/patients/{evaluated_patient.pk}/plans/new/", _plan_form(evaluated_patient)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le calcul a échoué sur le serveur" in html or "failed on the server" in html
    computation = PlanComputation.objects.get()
    assert computation.status == ComputationStatus.FAILED
    # the page of the computation says the same, with the form as it was posted
    page = client.get(f"/patients/{evaluated_patient.pk}/plans/computations/{computation.pk}/")
    assert page.status_code == 200
    assert 'value="10"' in page.content.decode()  # depth_mm as posted
    htmx = client.get(
        f"/patients/{evaluated_patient.pk}/plans/computations/{computation.pk}/",
        HTTP_HX_REQUEST="true",
    )
    assert htmx["HX-Redirect"] == (
        f"/patients/{evaluated_patient.pk}/plans/computations/{computation.pk}/"
    )


@pytest.mark.django_db
def test_a_computation_no_worker_takes_is_shown_as_failed(login, physician, evaluated_patient):
    computation = PlanComputation.objects.create(
        patient=evaluated_patient, created_by=physician, request={}, form_data={}
    )
    client = login(physician)
    url = f"/patients/{evaluated_patient.pk}/plans/computations/{computation.pk}/"
    assert 'data-status="queued"' in client.get(url).content.decode()
    PlanComputation.objects.filter(pk=computation.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "aucun" in page.content.decode().lower() or "No task worker" in page.content.decode()


@pytest.mark.django_db
def test_another_patients_computation_is_not_found(
    login, physician, evaluated_patient, make_patient
):
    other = make_patient("Autre", "Personne", email="autre@example.org")
    computation = PlanComputation.objects.create(
        patient=evaluated_patient, created_by=physician, request={}
    )
    client = login(physician)
    assert (
        client.get(f"/patients/{other.pk}/plans/computations/{computation.pk}/").status_code == 404
    )
    assert (
        client.get(f"/patients/{evaluated_patient.pk}/plans/computations/nope/").status_code == 404
    )


@pytest.mark.django_db
def test_a_second_delivery_of_the_task_does_not_compute_twice(physician, evaluated_patient):
    from cryoneuro.planning import inputs_for_nerve
    from cryoneuro.treatmentplans.services import plan_computation_run
    from cryoneuro.treatmentplans.tasks import plan_computation_start

    computation = plan_computation_start(
        patient=evaluated_patient,
        created_by=physician,
        inputs=inputs_for_nerve("ipbsn", depth=0.01, diameter=1e-3, sensitivity=False),
    )
    assert computation.status == ComputationStatus.DONE
    assert plan_computation_run(str(computation.pk)) == computation.plan_id
    assert TreatmentPlan.objects.count() == 1


# ------------------------------------------------------------------ periodic jobs


@pytest.mark.django_db
def test_periodic_slots_follow_the_clock_in_the_clinics_zone(settings):
    from cryoneuro.web.periodic import JOBS

    jobs = {job.name: job for job in JOBS}
    paris = timezone.get_current_timezone()
    at = dt.datetime(2026, 3, 10, 8, 17, tzinfo=paris)
    assert jobs["send_reminders"].latest_slot(at) == dt.datetime(2026, 3, 10, 8, 10, tzinfo=paris)
    assert jobs["followup_send"].latest_slot(at) == dt.datetime(2026, 3, 10, 8, 0, tzinfo=paris)
    before = dt.datetime(2026, 3, 10, 7, 59, tzinfo=paris)
    assert jobs["followup_send"].latest_slot(before) == dt.datetime(2026, 3, 9, 8, 0, tzinfo=paris)
    assert jobs["audit_verify"].latest_slot(at) == dt.datetime(2026, 3, 10, 3, 0, tzinfo=paris)
    settings.PERIODIC_FOLLOWUP_AT = "18:30"
    assert jobs["followup_send"].latest_slot(at) == dt.datetime(2026, 3, 9, 18, 30, tzinfo=paris)


@pytest.mark.django_db
def test_each_slot_is_queued_once_and_the_next_slot_again(monkeypatch):
    from cryoneuro.web.models import PeriodicRun
    from cryoneuro.web.periodic import JOBS, enqueue_due

    # mid-slot (the reminders run every 10 min on the clock), so that one second later is
    # still the same slot and ten minutes later is the next one, whatever the hour
    now = timezone.now().replace(minute=5, second=0, microsecond=0)
    assert sorted(enqueue_due(now)) == sorted(job.name for job in JOBS)
    assert enqueue_due(now + dt.timedelta(seconds=1)) == []
    assert "send_reminders" in enqueue_due(now + dt.timedelta(minutes=10))
    assert PeriodicRun.objects.filter(job="followup_send").count() == 1
    assert all(run.task_id for run in PeriodicRun.objects.all())


@pytest.mark.django_db
def test_the_commands_queue_the_tasks_for_the_worker():
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        call_command("send_reminders", "--enqueue")
        call_command("followup_send", "--enqueue")
        call_command("audit_verify", "--enqueue")
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "cryoneuro.audit.tasks.audit_verify",
        "cryoneuro.followup.tasks.send_followups",
        "cryoneuro.scheduling.tasks.send_reminders",
    ]


# ------------------------------------------------------------------ healthz and metrics


@pytest.mark.django_db
def test_healthz_fails_naming_the_queue_when_the_oldest_task_waits_too_long(
    client, settings, caplog
):
    from django_tasks_db.models import DBTaskResult

    from cryoneuro.scheduling.tasks import send_reminders

    settings.TASKS_MAX_AGE_SECONDS = 60
    with override_settings(TASKS=DATABASE_TASKS):
        send_reminders.enqueue()
        assert client.get("/healthz").json()["checks"]["tasks"] == "ok"
        DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(seconds=120))
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "cache": "ok", "tasks": "failing"},
    }
    assert "healthz: tasks check failed (oldest ready task 120 s > 60 s)" in caplog.text


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


@pytest.mark.django_db
def test_metrics_time_requests_by_route_name_never_by_path(login, physician, make_patient):
    patient = make_patient("Dupont", "Jeanne")
    client = login(physician)
    assert client.get(f"/patients/{patient.pk}/?q=Dupont").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert (
        'cryoneuro_request_duration_seconds_count{method="GET",status="200",view="patient_detail"}'
        in text
    )
    assert "Dupont" not in text and f"/patients/{patient.pk}" not in text


@pytest.mark.django_db
def test_metrics_show_the_queue_depth_and_the_oldest_tasks_age(client):
    from django_tasks_db.models import DBTaskResult

    from cryoneuro.scheduling.tasks import send_reminders

    with override_settings(TASKS=DATABASE_TASKS):
        send_reminders.enqueue()
        send_reminders.enqueue()
        DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(seconds=90))
        text = client.get("/metrics").content.decode()
    assert _sample(text, "cryoneuro_tasks_ready") == 2
    assert 90 <= _sample(text, "cryoneuro_tasks_oldest_ready_age_seconds") < 150
    assert _sample(text, 'cryoneuro_tasks_results{status="ready"}') == 2


@pytest.mark.django_db
def test_metrics_answer_only_loopback_or_the_bearer_token(client, settings):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    # Through the proxy (it sets X-Forwarded-For), loopback no longer counts.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 404
    settings.METRICS_TOKEN = "s3cret-token-for-the-scraper"
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="192.0.2.10", HTTP_AUTHORIZATION="Bearer wrong"
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/metrics",
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR="192.0.2.10",
            HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-scraper",
        ).status_code
        == 200
    )


# ------------------------------------------------------------------ make run's launcher


def _together(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cryoneuro.devtools.together", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_runs_companions_stop_with_the_server(tmp_path):
    pid_file = tmp_path / "worker.pid"
    worker = (
        f"{sys.executable} -c 'import os, time; "
        f'open("{pid_file}", "w").write(str(os.getpid())); time.sleep(120)\''
    )
    launcher = _together("--with", worker, "--", sys.executable, "-c", "import time; time.sleep(2)")
    assert launcher.wait(timeout=30) == 0, launcher.stdout.read() if launcher.stdout else ""
    assert not _alive(int(pid_file.read_text()))


def test_make_run_stops_everything_on_sigterm_and_when_a_companion_dies(tmp_path):
    import signal
    import time

    pid_file = tmp_path / "server.pid"
    server = [
        sys.executable,
        "-c",
        f"import os,time; open('{pid_file}','w').write(str(os.getpid())); time.sleep(120)",
    ]
    launcher = _together(
        "--with", f"{sys.executable} -c 'import time; time.sleep(120)'", "--", *server
    )
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    launcher.send_signal(signal.SIGTERM)
    launcher.wait(timeout=30)
    assert not _alive(int(pid_file.read_text()))

    pid_file.unlink()
    crashing = _together("--with", f"{sys.executable} -c 'import sys; sys.exit(3)'", "--", *server)
    assert crashing.wait(timeout=30) == 3
    assert "exited (3); stopping" in (crashing.stdout.read() if crashing.stdout else "")
    if pid_file.exists() and pid_file.read_text():
        assert not _alive(int(pid_file.read_text()))


def test_the_api_says_in_its_schema_that_it_computes_plans_synchronously():
    from cryoneuro.api.router import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    post = schema["paths"]["/api/patients/{patient_id}/plans"]["post"]
    assert "Synchronous" in post["description"]
    assert 201 in post["responses"] and 202 not in post["responses"]
