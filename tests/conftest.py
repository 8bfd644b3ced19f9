"""Fixtures shared by the Django and browser tests: one user per role (staff with a TOTP
second factor already set up), logged-in clients, and patients."""

from __future__ import annotations

import datetime as dt

import pytest

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # test-only authenticator secret
PASSWORD = "correct-horse-battery-staple"


def totp_now(secret: str = TOTP_SECRET, offset_periods: int = 0) -> str:
    from cryoneuro.devtools.totp import totp_code

    return totp_code(secret, offset_periods=offset_periods)


@pytest.fixture
def make_user(db):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt
    from django.contrib.auth import get_user_model

    def make(role: str, username: str | None = None, *, with_totp: bool | None = None, **extra):
        User = get_user_model()
        user = User.objects.create_user(
            username=username or f"{role}-{User.objects.count() + 1}",
            password=PASSWORD,
            role=role,
            first_name=extra.pop("first_name", role.title()),
            last_name=extra.pop("last_name", "Test"),
            **extra,
        )
        if with_totp is None:
            with_totp = role != "patient"
        if with_totp:
            Authenticator.objects.create(
                user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(TOTP_SECRET)}
            )
        return user

    return make


@pytest.fixture
def make_patient(db):
    from cryoneuro.patients.services import patient_create

    def make(family_name: str = "Martin", given_name: str = "Claire", *, user=None, **extra):
        from django.contrib.auth import get_user_model

        creator = get_user_model().objects.filter(role="physician").first()
        patient = patient_create(
            created_by=creator,
            family_name=family_name,
            given_name=given_name,
            birth_date=extra.pop("birth_date", dt.date(1960, 5, 17)),
            sex=extra.pop("sex", "female"),
            email=extra.pop("email", "claire@example.org"),
            consent_data_processing=True,
            **extra,
        )
        if user is not None:
            patient.user = user
            patient.save(update_fields=["user"])
        return patient

    return make


@pytest.fixture
def physician(make_user):
    return make_user("physician", "dr.house")


@pytest.fixture
def nurse(make_user):
    return make_user("nurse", "nurse.joy")


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", "coord.ada")


@pytest.fixture
def administrator(make_user):
    return make_user("administrator", "admin.root")


@pytest.fixture
def login(client):
    """Log a client in as ``user`` (second factor already satisfied)."""

    def do(user, a_client=None):
        target = a_client or client
        target.force_login(user)
        return target

    return do


def _age_today(born: dt.date) -> int:
    """Age on the clinic's today (make_patient's default date of birth is 1960-05-17):
    the evaluation service checks the case's age against the record."""
    from django.utils import timezone

    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@pytest.fixture
def knee_case() -> dict:
    """An eligible knee-arthrosis case in the clinical layer's Case format."""
    return {
        "indication": "knee_arthrosis",
        "pain_location": "genou, face médiale",
        "side": "right",
        "pain_duration_months": 24,
        "nrs": 7,
        "dn4": None,
        "surgery_declined_or_impossible": True,
        "conservative_treatments": [
            {
                "kind": "medication",
                "name": "paracétamol",
                "dose": "3 g/j",
                "result": "partial_relief",
            },
            {
                "kind": "infiltration",
                "name": "corticoïde intra-articulaire",
                "dose": "",
                "result": "no_relief",
            },
            {
                "kind": "physiotherapy",
                "name": "kinésithérapie",
                "dose": "12 séances",
                "result": "partial_relief",
            },
        ],
        "anticoagulants": [],
        "antiplatelets": [],
        "inr": None,
        "platelets_g_per_l": 250,
        "skin_state": "intact",
        "cold_conditions": [],
        "pregnancy": False,
        "systemic_inflammatory_disease": False,
        "steroid_injection_at_site_last_3_months": False,
        "target_is_mixed_motor_nerve": False,
        "other_cautions": "",
        "age_years": _age_today(dt.date(1960, 5, 17)),
        "consent": "given",
        "bleeding_disorder": "none",
        "allergies": [],
        "systemic_infection": False,
        "previous_sessions_same_target": [],
        "diagnostic_block_relief_pct": None,
        "discrete_target_nerve": None,
    }


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0] is True)
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_triggers_lifted_for_flush(request):
    """Transactional tests end by emptying every table, which the audit table's
    append-only triggers refuse: lift them just for that flush."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from cryoneuro.audit import triggers

    triggers.install(connection)
    yield
    triggers.remove(connection)


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """allauth remembers used TOTP codes and rate limits in the cache: start each test clean.
    The default cache is a database table (settings.CACHES): a test's own transaction rolls
    it back, but transactional tests commit to it and their flush leaves it (it is no
    model's table), so it is emptied before and after each of those; tests without the
    database have nothing in it."""
    from django.conf import settings
    from django.core.cache import cache

    in_database = settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    if in_database and not _is_transactional(request):
        yield
        return
    if in_database:
        request.getfixturevalue("transactional_db")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_audit_anchor_file(tmp_path_factory):
    """Each test's database starts empty, so each gets its own anchor file: anchors of an
    earlier test's chain would read as a shortened chain."""
    from django.conf import settings

    previous = settings.AUDIT_ANCHOR_FILE
    settings.AUDIT_ANCHOR_FILE = tmp_path_factory.mktemp("anchors") / "audit-anchors.jsonl"
    yield
    settings.AUDIT_ANCHOR_FILE = previous


def pytest_collection_modifyitems(config, items):
    """Tests of one database's behaviour (a PostgreSQL deadlock, SQLite's write lock) are
    deselected, not skipped, in the other database's pass: `make test` runs both."""
    import os

    other = (
        "sqlite_only" if os.environ.get("CRYONEURO_TEST_DB") == "postgres" else "postgresql_only"
    )
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_configure(config):
    """Refuse to run on the wrong settings or the wrong database: a stray
    DJANGO_SETTINGS_MODULE in the environment would silently test something else."""
    import os

    from django.conf import settings

    if settings.SETTINGS_MODULE != "cryoneuro.site.settings.test":
        raise pytest.UsageError(
            f"tests need cryoneuro.site.settings.test, not {settings.SETTINGS_MODULE!r}: "
            "unset DJANGO_SETTINGS_MODULE or run `make test`."
        )
    wanted = os.environ.get("CRYONEURO_TEST_DB", "sqlite")
    engine = settings.DATABASES["default"]["ENGINE"]
    if (wanted == "postgres") != engine.endswith("postgresql"):
        raise pytest.UsageError(f"CRYONEURO_TEST_DB={wanted!r} but the engine is {engine}.")


@pytest.fixture(scope="session")
def redis_server():
    """A throwaway redis-server (Debian's package, installed by `make test`), on a free
    loopback port with nothing on disk, for the tests of the Redis cache; gone at exit."""
    from cryoneuro.devtools import redisserver

    try:
        server = redisserver.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    yield server
    server.stop()
