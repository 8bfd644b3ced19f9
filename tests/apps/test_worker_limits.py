"""Rate limits and lockouts hold across worker processes.

Two real servers (``runserver --noreload``, two processes, as two gunicorn workers would
be) share the test database; a client alternates between them. allauth's TOTP limit
(5 failed codes per account in 5 minutes), its record of used TOTP codes and axes'
lockout must hold across both, with the default database cache and with Redis. A control
with a per-process memory cache, the old setting, shows what it let through: each worker
counted on its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD, TOTP_SECRET, totp_now

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
TOTP_KEY_LIMIT = 5  # ACCOUNT_RATE_LIMITS["login_failed"]: 5/5m/key, TOTP guesses by user
INCORRECT = "Incorrect code."
TOO_MANY = "Too many failed login attempts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    from django.db import connection

    config = connection.settings_dict
    if config["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{config['NAME']}"
    user = config.get("USER") or "postgres"
    return f"postgres://{user}@{config['HOST']}:{config['PORT']}/{config['NAME']}"


@dataclass
class Workers:
    urls: list[str]
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]
    clear: Callable[[], None] | None = None  # empties a cache the test process cannot

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start_workers(tmp_dir: Path, settings_module: str, redis_url: str | None) -> Workers:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "CRYONEURO_TEST_DB",
            "CRYONEURO_TEST_DATABASE_URL",
            "CRYONEURO_REDIS_URL",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        CRYONEURO_TEST_DATABASE_URL=_database_url(),
        PYTHONPATH=os.pathsep.join([str(SRC), str(ROOT)]),
    )
    if redis_url:
        env["CRYONEURO_REDIS_URL"] = redis_url
    urls, processes, logs = [], [], []
    for n in range(2):
        port = _free_port()
        log = tmp_dir / f"worker-{n}.log"
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "cryoneuro.manage",
                        "runserver",
                        "--noreload",
                        "--skip-checks",
                        f"127.0.0.1:{port}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        urls.append(f"http://127.0.0.1:{port}")
        logs.append(log)
    workers = Workers(urls=urls, processes=processes, logs=logs)
    deadline = time.monotonic() + 90
    for url, process, log in zip(urls, processes, logs, strict=True):
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                workers.stop()
                pytest.fail(f"worker {url} did not start:\n{log.read_text(errors='replace')}")
            try:
                if requests.get(f"{url}/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
    assert len({p.pid for p in processes}) == 2
    return workers


@pytest.fixture(scope="module", params=["database", "redis"])
def workers(request, django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Workers]:
    """Two worker processes on the shared cache: the database's (default) or Redis."""
    redis = request.getfixturevalue("redis_server") if request.param == "redis" else None
    with django_db_blocker.unblock():
        started = _start_workers(
            tmp_path_factory.mktemp(f"workers-{request.param}"),
            "cryoneuro.site.settings.test",
            redis.url if redis else None,
        )
    started.clear = redis.flush if redis else None
    yield started
    started.stop()


@pytest.fixture
def shared(workers) -> Iterator[Workers]:
    """The workers, with an empty cache (the database's is emptied by _fresh_cache)."""
    if workers.clear:
        workers.clear()
    yield workers
    if workers.clear:
        workers.clear()


class Browser:
    """One client (one cookie jar, so one session) that can talk to either worker."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "en"

    def _token(self, base: str) -> str:
        if "csrftoken" not in self.http.cookies:
            self.http.get(f"{base}/accounts/login/", timeout=30)
        return self.http.cookies["csrftoken"]

    def post(self, base: str, path: str, data: dict) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self._token(base)}
        return self.http.post(f"{base}{path}", data=data, allow_redirects=False, timeout=30)

    def password(self, base: str, username: str, password: str = PASSWORD) -> requests.Response:
        return self.post(base, "/accounts/login/", {"login": username, "password": password})

    def code(self, base: str, code: str) -> str:
        """ "accepted", "incorrect" (the code was checked) or "limited" (it was not)."""
        response = self.post(base, "/accounts/2fa/authenticate/", {"code": code})
        if response.status_code == 302:
            return "accepted"
        text = response.text
        if TOO_MANY in text:
            return "limited"
        if INCORRECT in text:
            return "incorrect"
        raise AssertionError(f"unexpected answer {response.status_code}: {text[:2000]}")


def _wrong_code() -> str:
    valid = {totp_now(TOTP_SECRET, offset) for offset in range(-3, 4)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def _guesses_across(workers: Workers, username: str, guesses: int) -> list[str]:
    browser = Browser()
    first = browser.password(workers.urls[0], username)
    assert first.status_code == 302 and first.headers["Location"] == "/accounts/2fa/authenticate/"
    wrong = _wrong_code()
    return [browser.code(workers.urls[n % 2], wrong) for n in range(guesses)] + [
        browser.code(workers.urls[n % 2], totp_now()) for n in range(2)
    ]


def test_totp_guesses_are_limited_across_two_workers(shared, physician):
    answers = _guesses_across(shared, "dr.house", 2 * TOTP_KEY_LIMIT + 2)
    guesses, right_code = answers[:-2], answers[-2:]
    assert guesses.count("incorrect") == TOTP_KEY_LIMIT
    assert guesses[TOTP_KEY_LIMIT:] == ["limited"] * (len(guesses) - TOTP_KEY_LIMIT)
    assert right_code == ["limited", "limited"]  # even the right code, on either worker


def test_a_totp_code_used_on_one_worker_is_refused_on_the_other(shared, physician):
    code = totp_now()
    first, second = Browser(), Browser()
    assert first.password(shared.urls[0], "dr.house").status_code == 302
    assert first.code(shared.urls[0], code) == "accepted"
    assert second.password(shared.urls[1], "dr.house").status_code == 302
    assert second.code(shared.urls[1], code) == "incorrect"


def test_password_failures_lock_out_across_two_workers(shared, physician, settings):
    browser = Browser()
    statuses = [
        browser.password(shared.urls[n % 2], "dr.house", "wrong-password").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert browser.password(shared.urls[1], "dr.house").status_code == 429
    assert browser.password(shared.urls[0], "dr.house").status_code == 429


def test_control_a_per_process_cache_lets_each_worker_count_apart(physician, nurse, tmp_path):
    """The harness's own check, with the old per-process cache: the workers really are two
    processes, and each allowed its own 5 guesses (10 in all) and its own use of a code."""
    workers = _start_workers(tmp_path, "tests.apps.per_process_cache_settings", None)
    try:
        answers = _guesses_across(workers, "dr.house", 2 * TOTP_KEY_LIMIT + 2)
        assert answers[:-2].count("incorrect") == 2 * TOTP_KEY_LIMIT
        code = totp_now()
        first, second = Browser(), Browser()
        assert first.password(workers.urls[0], "nurse.joy").status_code == 302
        assert first.code(workers.urls[0], code) == "accepted"
        assert second.password(workers.urls[1], "nurse.joy").status_code == 302
        assert second.code(workers.urls[1], code) == "accepted"  # replayed
    finally:
        workers.stop()
