"""Settings come from the environment and a bad value stops start-up naming it."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cryoneuro.site import env


@pytest.mark.parametrize(
    ("name", "value", "getter"),
    [
        ("TIME_ZONE", "Mars/Olympus", lambda: env.get_time_zone("TIME_ZONE", "Europe/Paris")),
        ("LANGUAGE", "de", lambda: env.get_language("LANGUAGE", "fr")),
        ("DATABASE_URL", "mysql://x@y/z", lambda: env.get_database("DATABASE_URL", "sqlite://")),
        ("AXES_FAILURE_LIMIT", "five", lambda: env.get_int("AXES_FAILURE_LIMIT", 5)),
        ("SECURE_SSL_REDIRECT", "perhaps", lambda: env.get_bool("SECURE_SSL_REDIRECT", True)),
    ],
)
def test_it_names_the_bad_variable_and_value(monkeypatch, name, value, getter):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as error:
        getter()
    assert name in str(error.value) and value in str(error.value)


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
