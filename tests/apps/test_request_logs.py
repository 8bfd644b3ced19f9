"""Each request gets an id, returned and logged; the log names the route, not the data."""

import json
import logging

import pytest

from cryoneuro.core.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def _request_lines(caplog):
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(r)) for r in caplog.records if r.name == "cryoneuro.request"
    ]


def test_a_request_log_line_carries_the_id_and_no_patient_data(client, caplog):
    caplog.set_level(logging.INFO, logger="cryoneuro.request")
    response = client.get(
        "/patients/4242/?q=Dupont&birth=1950-01-02", HTTP_X_REQUEST_ID="proxy-7f3a.1"
    )
    assert response.headers["X-Request-ID"] == "proxy-7f3a.1"
    (line,) = _request_lines(caplog)
    assert line["request_id"] == "proxy-7f3a.1"
    assert line["route"] == "patient_detail"
    assert line["status"] == response.status_code
    text = json.dumps(line)
    for secret in ("Dupont", "1950", "4242", "q="):
        assert secret not in text


def test_a_bad_incoming_id_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="cryoneuro.request")
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected=1 ' + "y" * 80)
    rid = response.headers["X-Request-ID"]
    assert len(rid) == 32 and rid.isalnum()
    (line,) = _request_lines(caplog)
    assert line["request_id"] == rid and line["route"] == "healthz"


def test_lines_logged_while_serving_carry_the_request_id(client, caplog, settings):
    """The healthz view's own error line (a failing cache) has the request's id."""
    caplog.set_level(logging.INFO)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cryoneuro_no_such_table",
        }
    }
    request_filter = RequestIdFilter()
    caplog.handler.addFilter(request_filter)
    try:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="abc123")
    finally:
        caplog.handler.removeFilter(request_filter)
    assert response.status_code == 503
    (failed,) = [r for r in caplog.records if r.getMessage().startswith("healthz:")]
    assert json.loads(JsonFormatter().format(failed))["request_id"] == "abc123"
