"""The API answers every schema-generated request without a server error and as its
schema says (issue 13 §4): schemathesis generates requests from the OpenAPI schema,
valid and invalid, and sends them through the real WSGI application, logged in as a
physician (who may do most things) and as a patient (who is refused most things, which
exercises the refusal path and its audit).

Bounded to a few examples per operation, derandomised, so that the test is the same run
on every machine.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cryoneuro.api.router import api

pytestmark = [pytest.mark.django_db(transaction=True)]

_RAW = api.get_openapi_schema(path_prefix="/api/")
schema = schemathesis.openapi.from_dict(_RAW)
APP = WSGIHandler()
# A CSRF secret of the form Django accepts unmasked, sent as cookie and header alike.
CSRF = "schemathesisCsrfSecret0123456789"[:32]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def as_role(request, make_user, make_patient):
    role = request.param
    user = make_user(role)
    if role == "patient":
        make_patient(user=user)
    else:
        make_patient()
    return {
        "headers": {"X-CSRFToken": CSRF, "Accept-Language": "fr"},
        "cookies": {"sessionid": _session_cookie(user), "csrftoken": CSRF},
    }


@pytest.mark.parametrize("as_role", ["physician", "patient"], indirect=True)
@schema.parametrize()
@hypothesis_settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_answers_with_a_server_error(case, as_role):
    response = case.call(app=APP, **as_role)
    case.validate_response(response, checks=CHECKS, headers=as_role["headers"])
