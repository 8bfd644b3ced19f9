"""Take the README's screenshots from a running demo (`make run`), as a new user sees it.

    .venv/bin/python scripts/screenshots.py [BASE_URL] [VAR_DIR]

Logs in with the demo credentials printed by `make run` (second factor included) and
saves PNGs under docs/screenshots/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from cryoneuro.devtools.totp import totp_code

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
VAR = Path(sys.argv[2] if len(sys.argv) > 2 else "var")
OUT = Path("docs/screenshots")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def login(page, username: str, creds: dict) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", creds[username]["password"])
    page.locator("#id_password").press("Enter")
    if creds[username].get("totp_secret"):
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", totp_code(creds[username]["totp_secret"]))
        page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state("networkidle")


def main() -> None:
    creds = json.loads((VAR / "demo_credentials.json").read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 860})
        page.goto(f"{BASE}/accounts/login/")
        page.screenshot(path=OUT / "login.png")
        login(page, "dr.martin", creds)
        page.goto(f"{BASE}/patients/?q=")
        page.fill("#id_q", "Le")
        page.wait_for_timeout(800)
        page.screenshot(path=OUT / "patients.png")
        page.goto(f"{BASE}/patients/?q=Lefèvre")
        page.locator("#results a").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "patient.png", full_page=True)
        page.locator("a[href$='/evaluations/new/']").first.click()
        page.select_option("#id_indication", "knee_arthrosis")
        page.fill("#id_pain_location", "genou droit")
        page.fill("#id_pain_duration_months", "8")
        page.fill("#id_nrs", "6")
        page.select_option("#id_surgery_declined_or_impossible", "yes")
        page.select_option("#id_treatments-0-kind", "medication")
        page.fill("#id_treatments-0-name", "paracétamol")
        page.select_option("#id_treatments-0-result", "partial_relief")
        page.fill("#id_anticoagulants", "apixaban")
        page.select_option("#id_target_is_mixed_motor_nerve", "no")
        page.locator("#id_platelets_g_per_l").fill("210")
        page.locator("#id_platelets_g_per_l").blur()
        page.wait_for_selector("#decision .outcome")
        page.screenshot(path=OUT / "evaluation.png", full_page=False)
        for extra in sys.argv[3:]:
            name, path = extra.split("=", 1)
            page.goto(f"{BASE}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / f"{name}.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
