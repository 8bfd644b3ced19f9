"""/healthz checks the database and the shared cache, and names what fails."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

# The subprocess imports this checkout's package, not whichever one the venv installed.
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_needs_no_login_and_says_what_it_checked(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unreachable_cache_answers_503_naming_it(client, caplog):
    redis_down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    with override_settings(CACHES=redis_down):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "cache": "failing", "tasks": "ok"},
    }
    assert b"Traceback" not in response.content
    assert "healthz: cache check failed (ConnectionError)" in caplog.text


def test_a_missing_cache_table_answers_503_naming_the_cache(client):
    """The database cache with its table gone (migrate not run): the cache fails, not a 500."""
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "cryoneuro_no_such_table",
            }
        }
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failing", "tasks": "ok"}


def test_a_database_that_cannot_open_is_named(tmp_path):
    """Production settings on a SQLite file in a folder that does not exist: the database
    (and the database cache in it) fail, and the page still answers, without a traceback."""
    code = (
        "import django, json; django.setup(); from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='localhost', secure=True);"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **{k: v for k, v in os.environ.items() if k not in {"CRYONEURO_TEST_DATABASE_URL"}},
            "DJANGO_SETTINGS_MODULE": "cryoneuro.site.settings.prod",
            "SECRET_KEY": "x" * 50,
            "CRYONEURO_AUDIT_KEYS": "k1:" + "ab" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path}/missing/db.sqlite3",
            "CRYONEURO_VAR_DIR": str(tmp_path),
            "PYTHONPATH": SRC,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        503,
        {
            "status": "failing",
            "checks": {"database": "failing", "cache": "failing", "tasks": "failing"},
        },
    ]
    assert "healthz: database check failed (OperationalError)" in result.stderr
    assert "Traceback" not in result.stderr
