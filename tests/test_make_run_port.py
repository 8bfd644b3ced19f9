"""`make run PORT=8101` serves, prints and links e-mails to port 8101 (not 8000)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_it_uses_the_port_given_to_make_run_everywhere():
    dry = subprocess.run(
        ["make", "-n", "-W", ".venv/.installed", "run", "PORT=8101"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [line for line in dry.splitlines() if "cryoneuro.manage" in line or "echo" in line]
    assert any("load_demo --url http://127.0.0.1:8101/" in c for c in commands)
    assert any("runserver --noreload 127.0.0.1:8101" in c for c in commands)
    assert any("FOLLOWUP_SITE_URL=http://127.0.0.1:8101" in c for c in commands)
    assert any("serving on http://127.0.0.1:8101/" in c for c in commands)
    assert "8000" not in "\n".join(commands)
