"""Every response denies the browser features a clinic's pages never use."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/no-such-page/", "/"])
def test_every_response_carries_a_deny_all_permissions_policy(client, path):
    response = client.get(path)
    policy = response.headers["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"):
        assert features[feature] == "()", feature
    assert set(features.values()) == {"()"}  # nothing is allowed to any origin
