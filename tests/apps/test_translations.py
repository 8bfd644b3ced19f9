"""The French catalogue is complete and its compiled form is up to date."""

import re
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src/cryoneuro/locale/fr/LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_has_a_french_translation(domain):
    text = (LOCALE / f"{domain}.po").read_text(encoding="utf-8")
    entries = [e for e in text.split("\n\n") if "msgid" in e and not e.lstrip().startswith("#~")]
    _header, *messages = entries
    assert messages
    untranslated = [e for e in messages if re.search(r'msgstr(\[\d\])? ""\s*$', e)]
    fuzzy = [e for e in messages if "#, fuzzy" in e]
    assert not untranslated, untranslated[:3]
    assert not fuzzy, fuzzy[:3]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_matches_its_source(tmp_path, domain):
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(
        ["msgfmt", "-o", str(compiled), str(LOCALE / f"{domain}.po")],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == (LOCALE / f"{domain}.mo").read_bytes(), (
        "run `make messages` (or msgfmt) and commit the .mo"
    )


def test_the_interface_speaks_french_by_default(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Se connecter" in page and "Mot de passe" in page
