"""The permission matrix: every page and API operation x every role x own/other patient.

The expected answer comes from the ONE permission table (cryoneuro.accounts.roles); the
endpoint list is tests/apps/permission_table.py, and a completeness test makes sure that
every URL pattern and API operation of the project is in it.
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cryoneuro.accounts.roles import ALL, OWN, Role, scope

from .permission_table import API, PAGES, Endpoint
from .procedures.matrix_fixtures import FIXTURES as PROCEDURE_FIXTURES

EXEMPT_PREFIXES = (
    "account_",
    "mfa_",
    "set_language",
    "javascript-catalog",
    "api:openapi",
    "api:api-root",
)
ROLES = [Role.ADMINISTRATOR, Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR, Role.PATIENT]
ENDPOINTS = PAGES + API


def _all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if pattern.namespace in {"account", "mfa"}:
                    continue
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return {n for n in names if not n.startswith(EXEMPT_PREFIXES)}


def test_it_lists_every_endpoint_of_the_project():
    listed = {e.name for e in ENDPOINTS}
    missing = _all_url_names() - listed
    assert not missing, f"Add these endpoints to tests/apps/permission_table.py: {sorted(missing)}"


def _expected(role: Role, endpoint: Endpoint, own: bool) -> bool:
    if endpoint.perm == "public" or endpoint.perm is None:
        return True
    granted = scope(role, endpoint.perm)
    if granted == ALL:
        return True
    if granted == OWN:
        return endpoint.scoped and own
    return False


@pytest.fixture
def world(make_user, make_patient, knee_case):
    """Two patients (one linked to the patient user), one evaluation each, and whatever
    other objects the endpoints' placeholders need."""
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    users = {role: make_user(role.value, f"user-{role.value}") for role in ROLES}
    own = make_patient("Own", "Patient", user=users[Role.PATIENT])
    other = make_patient("Other", "Patient", email="other@example.org")
    objects = {}
    for key, patient in (("own", own), ("other", other)):
        evaluation = evaluation_create(
            patient=patient, created_by=users[Role.PHYSICIAN], case=Case(**knee_case)
        )
        objects[key] = {"patient": patient.pk, "evaluation": evaluation.pk}
        for name, factory in EXTRA_FIXTURES.items():
            objects[key][name] = factory(patient=patient, users=users)
    return users, objects


# Placeholder -> factory(patient, users) returning a primary key; apps add theirs here.
def _computation(patient, users):
    """A plan computation still waiting for the task worker (its page shows the wait)."""
    from cryoneuro.treatmentplans.models import PlanComputation

    return PlanComputation.objects.create(
        patient=patient, created_by=users[Role.PHYSICIAN], request={}
    ).pk


EXTRA_FIXTURES: dict = {
    "account": lambda patient, users: users[Role.NURSE].pk,
    "computation": _computation,
}
EXTRA_FIXTURES.update(PROCEDURE_FIXTURES)


def _denied(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code == 302:
        return "/accounts/login/" in response["Location"]
    return False


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_it_enforces_the_role_table_on_every_endpoint(client, world, role):
    users, objects = world
    client.force_login(users[role])
    failures = []
    for endpoint in ENDPOINTS:
        for which in ("own", "other") if "{" in endpoint.path else ("own",):
            path = endpoint.path.format(**objects[which])
            if endpoint.method == "GET":
                response = client.get(path)
            elif endpoint.name.startswith("api:"):
                response = client.post(
                    path, data=json.dumps(endpoint.data or {}), content_type="application/json"
                )
            else:
                response = client.post(path, data=endpoint.data or {})
            expected = _expected(role, endpoint, own=(which == "own"))
            if response.status_code >= 500:
                failures.append(f"{endpoint.name} {which}: server error {response.status_code}")
            elif expected and _denied(response):
                failures.append(
                    f"{endpoint.name} {which}: denied ({response.status_code}) "
                    f"but the table allows {role.value}"
                )
            elif not expected and not _denied(response):
                failures.append(
                    f"{endpoint.name} {which}: allowed ({response.status_code}) "
                    f"but the table forbids {role.value}"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.perm != "public"], ids=lambda e: e.name
)
def test_it_refuses_anonymous_visitors(client, world, endpoint):
    _, objects = world
    path = endpoint.path.format(**objects["other"])
    if endpoint.method == "GET":
        response = client.get(path)
    else:
        response = client.post(
            path, data=json.dumps(endpoint.data or {}), content_type="application/json"
        )
    assert _denied(response), f"{endpoint.name}: {response.status_code}"
