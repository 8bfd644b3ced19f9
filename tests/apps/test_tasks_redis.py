"""The distributed path (issue 13): the same tasks on RQ in Redis, Debian's redis-server
on a free loopback port, run by two real `manage rqworker` processes; each task runs
exactly once, the plan form's computation included (docs/operations/tasks.md)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import override_settings

from .test_tasks import _database_url
from .treatmentplans.conftest import PLAN_FORM

ROOT = Path(__file__).resolve().parents[2]
TASKS_COUNT = 24


@dataclass
class RQWorkers:
    redis_url: str
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]

    def settings(self):
        return override_settings(
            TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
            RQ_QUEUES={"default": {"URL": self.redis_url, "DEFAULT_TIMEOUT": 600}},
        )

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace")[-3000:] for log in self.logs)


@pytest.fixture(scope="module")
def rq_workers(
    redis_server, django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[RQWorkers]:
    import redis
    from rq import Worker

    redis_server.flush()
    folder = tmp_path_factory.mktemp("rq")
    with django_db_blocker.unblock():
        database_url = _database_url()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "CRYONEURO_TEST_DB", "CRYONEURO_TEST_DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cryoneuro.site.settings.test",
        CRYONEURO_TEST_DATABASE_URL=database_url,
        CRYONEURO_TASKS_BACKEND="rq",
        CRYONEURO_REDIS_URL=redis_server.url,
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    processes, logs = [], []
    for n in range(2):
        log = folder / f"rqworker-{n}.log"
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable, "-m", "cryoneuro.manage", "rqworker",
                        "--job-class", "django_tasks_rq.Job", "--name", f"cryoneuro-test-{n}",
                        "default",
                    ],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        logs.append(log)
    workers = RQWorkers(redis_server.url, processes, logs)
    connection = redis.Redis.from_url(redis_server.url)
    deadline = time.monotonic() + 90
    while len(Worker.all(connection=connection)) < 2:
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            for p in processes:
                p.kill()
            pytest.fail(f"the RQ workers did not start:\n{workers.output()}")
        time.sleep(0.2)
    yield workers
    for p in processes:
        p.terminate()
    for p in processes:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _wait_for(results, task, timeout: float = 120) -> list:
    deadline = time.monotonic() + timeout
    while True:
        current = [task.get_result(r.id) for r in results]
        if all(r.is_finished for r in current):
            return current
        assert time.monotonic() < deadline, [r.status for r in current]
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_two_rq_workers_run_each_task_exactly_once(rq_workers, tmp_path):
    from tests.apps.task_probe import note_run

    runs = tmp_path / "runs.txt"
    with rq_workers.settings():
        results = [note_run.enqueue(n, str(runs)) for n in range(TASKS_COUNT)]
        finished = _wait_for(results, note_run)
    assert [r.status for r in finished] == ["SUCCESSFUL"] * TASKS_COUNT, rq_workers.output()
    assert [r.return_value for r in finished] == list(range(TASKS_COUNT))
    lines = runs.read_text().split()
    counted = Counter(int(n) for n in lines[0::2])
    assert counted == Counter(range(TASKS_COUNT))  # each once, none lost, none twice
    ran_in = {w for r in finished for w in r.worker_ids}
    assert ran_in == {"cryoneuro-test-0", "cryoneuro-test-1"}, ran_in  # both took some
    assert len(set(lines[1::2])) == 2  # two worker processes


@pytest.mark.django_db(transaction=True)
def test_the_plan_form_computes_on_an_rq_worker(
    rq_workers, login, physician, make_patient, knee_case
):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create
    from cryoneuro.scheduling.tasks import send_reminders
    from cryoneuro.treatmentplans.models import ComputationStatus, PlanComputation, TreatmentPlan

    patient = make_patient()
    evaluation = evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    client = login(physician)
    with rq_workers.settings():
        response = client.post(
            f"/patients/{patient.pk}/plans/new/", {**PLAN_FORM, "evaluation": str(evaluation.pk)}
        )
        assert response.status_code == 302
        assert "/plans/computations/" in response["Location"], response["Location"]
        reminders = send_reminders.enqueue()
        [done] = _wait_for([reminders], send_reminders)
        assert done.return_value == {"sent": 0, "skipped": 0}
        deadline = time.monotonic() + 120
        computation = PlanComputation.objects.get()
        while computation.status not in {ComputationStatus.DONE, ComputationStatus.FAILED}:
            assert time.monotonic() < deadline, rq_workers.output()
            time.sleep(0.2)
            computation.refresh_from_db()
        assert computation.status == ComputationStatus.DONE, computation.error
        plan = TreatmentPlan.objects.get()
        landed = client.get(response["Location"])
        assert landed["Location"] == f"/patients/{patient.pk}/plans/{plan.pk}/#plan-result"
        text = client.get("/metrics").content.decode()
        assert "cryoneuro_tasks_ready 0.0" in text
        assert client.get("/healthz").json()["checks"]["tasks"] == "ok"
