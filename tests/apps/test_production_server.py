"""`make serve`'s script starts the real gunicorn with the production settings."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# check --deploy, migrate, collectstatic and gunicorn's start take about a minute on two
# busy cores; three before the test gives up.
START_SECONDS = 180

pytestmark = pytest.mark.sqlite_only  # SQLite file of its own; nothing of the test database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 -- loopback http
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_serve_starts_gunicorn_answering_healthz_with_the_security_headers(tmp_path):
    port = _free_port()
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            # DJANGO_ALLOW_ASYNC_UNSAFE: set for the whole session by the browser tests'
            # conftest; a production environment never has it (check --deploy refuses it)
            if k
            not in {
                "DJANGO_SETTINGS_MODULE",
                "CRYONEURO_TEST_DATABASE_URL",
                "DJANGO_ALLOW_ASYNC_UNSAFE",
            }
            and not k.startswith("CRYONEURO_")
        },
        "PYTHONPATH": str(ROOT / "src"),
        "PY": sys.executable,
        "MIGRATE": "1",
        "SECRET_KEY": "production-test-" + "k3y" * 12,
        "CRYONEURO_AUDIT_KEYS": "k1:" + "ab" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "CRYONEURO_VAR_DIR": str(tmp_path),
        "SECURE_SSL_REDIRECT": "false",
        "CRYONEURO_TRUSTED_PROXY_HEADER": "X-Forwarded-Proto",
        "CRYONEURO_BIND": f"127.0.0.1:{port}",
        "CRYONEURO_WORKERS": "2",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve.sh")],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert server.poll() is None, log.read_text()
            try:
                status, headers, body = _get(f"{base}/healthz?name=Dupont")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        assert status == 200, body
        assert json.loads(body) == {
            "status": "ok",
            "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
        }
        assert headers["Server"].startswith("gunicorn")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "camera=()" in headers["Permissions-Policy"]
        request_id = headers["X-Request-ID"]
        # Plain HTTP from the proxy: no HSTS; the trusted proxy header says https: HSTS.
        assert "Strict-Transport-Security" not in headers
        _, proxied, _ = _get(f"{base}/healthz", **{"X-Forwarded-Proto": "https"})
        assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")
        # A production page: the login form, rendered from the collected static files.
        status, _, page = _get(f"{base}/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and b"/static/" in page
        # /metrics to a direct loopback connection, adding up both workers' requests
        # (prometheus_client's multiprocess mode, set up by gunicorn_conf)
        for _ in range(6):
            assert _get(f"{base}/healthz")[0] == 200
        status, _, metrics = _get(f"{base}/metrics")
        assert status == 200, metrics
        healthz = (
            'cryoneuro_request_duration_seconds_count{method="GET",status="200",view="healthz"}'
        )
        counted = [line for line in metrics.decode().splitlines() if line.startswith(healthz)]
        assert counted and float(counted[0].split()[-1]) == 8.0, metrics.decode()
        assert b"cryoneuro_tasks_ready 0.0" in metrics
        assert list((tmp_path / "prometheus").glob("*.db"))
        # through the proxy (it sets X-Forwarded-For) it is not there
        assert _get(f"{base}/metrics", **{"X-Forwarded-For": "203.0.113.7"})[0] == 404
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have exited on its own
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    served = log.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in served
    assert "Dupont" not in served  # the access log drops query strings
    assert f"rid={request_id}" in served  # access log line and app log share the id
    app_lines = [json.loads(line) for line in served.splitlines() if line.startswith("{")]
    assert any(
        line["route"] == "healthz" and line["request_id"] == request_id for line in app_lines
    )
    assert "Traceback" not in served
