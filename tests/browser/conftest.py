"""Real browser tests: Playwright's Python package driving Debian's Chromium
(/usr/bin/chromium, installed by `make test`), against Django's live server."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API runs an event loop in the test thread; the ORM calls that the
# tests make around it are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    profile = tempfile.mkdtemp(prefix="cryoneuro-chromium-")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def staff_login(page):
    """Log in through the real pages: password, then the TOTP code."""
    from tests.conftest import PASSWORD, TOTP_SECRET, totp_now

    def do(username: str, password: str = PASSWORD, secret: str = TOTP_SECRET):
        page.goto("/accounts/login/")
        page.fill("#id_login", username)
        page.fill("#id_password", password)
        page.locator("#id_password").press("Enter")
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", totp_now(secret))
        page.locator("input[name=code]").press("Enter")
        page.wait_for_load_state("networkidle")

    return do


@pytest.fixture
def patient_login(page):
    from tests.conftest import PASSWORD

    def do(username: str, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.fill("#id_login", username)
        page.fill("#id_password", password)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state("networkidle")

    return do
