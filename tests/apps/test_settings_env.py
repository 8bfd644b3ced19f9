"""Settings come from the environment and a bad value stops start-up naming it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cryoneuro.site import env

# The subprocesses import this checkout's package, not whichever one the venv installed.
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _redis():
    return env.get_redis_url("CRYONEURO_REDIS_URL")


@pytest.mark.parametrize(
    ("name", "value", "getter"),
    [
        ("TIME_ZONE", "Mars/Olympus", lambda: env.get_time_zone("TIME_ZONE", "Europe/Paris")),
        ("LANGUAGE", "de", lambda: env.get_language("LANGUAGE", "fr")),
        ("DATABASE_URL", "mysql://x@y/z", lambda: env.get_database("DATABASE_URL", "sqlite://")),
        ("AXES_FAILURE_LIMIT", "five", lambda: env.get_int("AXES_FAILURE_LIMIT", 5)),
        ("SECURE_SSL_REDIRECT", "perhaps", lambda: env.get_bool("SECURE_SSL_REDIRECT", True)),
        ("CRYONEURO_REDIS_URL", "memcached://cache:11211", lambda: _redis()),
        ("CRYONEURO_REDIS_URL", "redis://cache:63790000/0", lambda: _redis()),
        ("CRYONEURO_REDIS_URL", "redis:///0", lambda: _redis()),
        (
            "CRYONEURO_TRUSTED_PROXY_HEADER",
            "X-Forwarded Proto",
            lambda: env.get_proxy_ssl_header("CRYONEURO_TRUSTED_PROXY_HEADER"),
        ),
        (
            "CRYONEURO_TASKS_BACKEND",
            "celery",
            lambda: env.get_choice("CRYONEURO_TASKS_BACKEND", "database", ("database", "rq")),
        ),
        (
            "CRYONEURO_FOLLOWUP_SEND_AT",
            "25:00",
            lambda: env.get_clock_time("CRYONEURO_FOLLOWUP_SEND_AT", "08:00"),
        ),
        (
            "CRYONEURO_FOLLOWUP_SEND_AT",
            "8h",
            lambda: env.get_clock_time("CRYONEURO_FOLLOWUP_SEND_AT", "08:00"),
        ),
        (
            "AXES_ACCOUNT_FAILURE_LIMIT",
            "0",
            lambda: env.get_int("AXES_ACCOUNT_FAILURE_LIMIT", 20, minimum=1),
        ),
    ],
)
def test_it_names_the_bad_variable_and_value(monkeypatch, name, value, getter):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as error:
        getter()
    assert name in str(error.value) and value in str(error.value)


def test_a_time_of_day_is_read_as_hh_mm(monkeypatch):
    monkeypatch.setenv("CRYONEURO_AUDIT_VERIFY_AT", "3:05")
    assert env.get_clock_time("CRYONEURO_AUDIT_VERIFY_AT", "03:00") == "03:05"
    monkeypatch.delenv("CRYONEURO_AUDIT_VERIFY_AT")
    assert env.get_clock_time("CRYONEURO_AUDIT_VERIFY_AT", "03:00") == "03:00"


def test_it_reads_secrets_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-value\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.get_str("SECRET_KEY") == "s3cr3t-value"


def test_it_refuses_a_missing_secret_file(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "nope"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        env.get_str("SECRET_KEY")


def _start(**overrides):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "CRYONEURO_TEST_DATABASE_URL"}
    }
    environment["PYTHONPATH"] = SRC
    environment.update(overrides)
    return subprocess.run(
        [sys.executable, "-m", "cryoneuro.manage", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_stops_with_one_line_naming_the_bad_setting(tmp_path):
    result = _start(
        DJANGO_SETTINGS_MODULE="cryoneuro.site.settings.dev",
        CRYONEURO_VAR_DIR=str(tmp_path),
        TIME_ZONE="Nowhere/City",
    )
    assert result.returncode == 2
    assert "TIME_ZONE='Nowhere/City'" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_are_safe_by_default(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; from django.conf import settings; django.setup();"
            "print(json.dumps([settings.DEBUG, settings.SESSION_COOKIE_SECURE,"
            " settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS,"
            " 'csp.middleware.CSPMiddleware' in settings.MIDDLEWARE, settings.SECURE_SSL_REDIRECT]))",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "CRYONEURO_TEST_DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "cryoneuro.site.settings.prod",
            "SECRET_KEY": "x" * 50,
            "CRYONEURO_AUDIT_KEYS": "k1:" + "ab" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "CRYONEURO_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[false, true, true, 31536000, true, true]"


def test_production_refuses_a_short_secret_key(tmp_path):
    result = _start(
        DJANGO_SETTINGS_MODULE="cryoneuro.site.settings.prod",
        SECRET_KEY="short",
        CRYONEURO_AUDIT_KEYS="k1:" + "ab" * 32,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CRYONEURO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 2 and "SECRET_KEY" in result.stderr


def test_production_needs_the_audit_keys_and_names_a_bad_one(tmp_path):
    common = {
        "DJANGO_SETTINGS_MODULE": "cryoneuro.site.settings.prod",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "CRYONEURO_VAR_DIR": str(tmp_path),
    }
    missing = _start(**common)
    assert missing.returncode == 2 and "CRYONEURO_AUDIT_KEYS must be set" in missing.stderr
    short = _start(**common, CRYONEURO_AUDIT_KEYS="k1:abcd")
    assert short.returncode == 2 and "'k1' has 2 bytes" in short.stderr
    assert "Traceback" not in short.stderr


def test_a_redis_url_is_optional_and_kept_as_given(monkeypatch):
    monkeypatch.delenv("CRYONEURO_REDIS_URL", raising=False)
    assert _redis() is None
    monkeypatch.setenv("CRYONEURO_REDIS_URL", "")
    assert _redis() is None
    for url in (
        "redis://cache:6379/1",
        "rediss://:pw@cache.example.org:6380/0",
        "unix:///run/redis.sock",
    ):
        monkeypatch.setenv("CRYONEURO_REDIS_URL", url)
        assert _redis() == url


def _production_settings(tmp_path, expression, *, unset=(), **extra):
    """The production settings imported in a fresh process: ``expression`` (over
    ``settings``) printed as JSON. ``unset``: variables of this session to leave out."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; from django.conf import settings; django.setup();"
            f"print(json.dumps({expression}))",
        ],
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"CRYONEURO_TEST_DATABASE_URL", *unset}
            },
            "DJANGO_SETTINGS_MODULE": "cryoneuro.site.settings.prod",
            "SECRET_KEY": "x" * 50,
            "CRYONEURO_AUDIT_KEYS": "k1:" + "ab" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "CRYONEURO_VAR_DIR": str(tmp_path),
            "PYTHONPATH": SRC,
            **extra,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_cache(tmp_path, **extra):
    expression = (
        "[settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], "
        "settings.AXES_HANDLER]"
    )
    return _production_settings(tmp_path, expression, unset={"CRYONEURO_REDIS_URL"}, **extra)


def test_production_shares_its_cache_between_workers(tmp_path):
    """Never a per-process memory cache: the database's by default, Redis where set."""
    default = _production_cache(tmp_path)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout) == [
        "django.core.cache.backends.db.DatabaseCache",
        "cryoneuro_cache",
        "cryoneuro.accounts.lockout.AccountLockoutHandler",
    ]
    redis = _production_cache(tmp_path, CRYONEURO_REDIS_URL="redis://cache.internal:6379/2")
    assert redis.returncode == 0, redis.stderr
    assert json.loads(redis.stdout)[:2] == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/2",
    ]


def test_production_names_a_bad_redis_url(tmp_path):
    result = _start(
        DJANGO_SETTINGS_MODULE="cryoneuro.site.settings.prod",
        SECRET_KEY="x" * 50,
        CRYONEURO_AUDIT_KEYS="k1:" + "ab" * 32,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CRYONEURO_VAR_DIR=str(tmp_path),
        CRYONEURO_REDIS_URL="cache:6379",
    )
    assert result.returncode == 2
    assert "CRYONEURO_REDIS_URL='cache:6379' is not a Redis URL" in result.stderr
    assert "Traceback" not in result.stderr


def _production_proxy_header(tmp_path, **extra):
    return _production_settings(
        tmp_path,
        "settings.SECURE_PROXY_SSL_HEADER",
        unset={"CRYONEURO_TRUSTED_PROXY_HEADER"},
        **extra,
    )


def test_production_trusts_a_proxy_header_only_when_configured(tmp_path):
    """A client's own X-Forwarded-Proto must not make plain HTTP look like https."""
    default = _production_proxy_header(tmp_path)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout) is None
    for spelling in ("X-Forwarded-Proto", "HTTP_X_FORWARDED_PROTO", "x-forwarded-proto"):
        configured = _production_proxy_header(tmp_path, CRYONEURO_TRUSTED_PROXY_HEADER=spelling)
        assert configured.returncode == 0, configured.stderr
        assert json.loads(configured.stdout) == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_names_a_bad_proxy_header(tmp_path):
    result = _start(
        DJANGO_SETTINGS_MODULE="cryoneuro.site.settings.prod",
        SECRET_KEY="x" * 50,
        CRYONEURO_AUDIT_KEYS="k1:" + "ab" * 32,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CRYONEURO_VAR_DIR=str(tmp_path),
        CRYONEURO_TRUSTED_PROXY_HEADER="X-Forwarded-Proto: https",
    )
    assert result.returncode == 2
    assert (
        "CRYONEURO_TRUSTED_PROXY_HEADER='X-Forwarded-Proto: https' is not an HTTP header name"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
