"""The pure layers' codes have labels in both languages (cryoneuro.core.labels)."""

import pytest
from django.utils import translation

from cryoneuro.core import labels
from cryoneuro.physics.materials import TISSUES


@pytest.mark.parametrize("catalog", sorted(labels.CATALOGS))
def test_it_translates_every_entry_of_every_catalog_into_french(catalog):
    same = {"BPI", "DN4", "WOMAC", "KOOS", "PGIC", "muscle", "tendon"}  # spelled alike
    entries = labels.CATALOGS[catalog]
    with translation.override("en"):
        english = {code: str(text) for code, text in entries.items()}
    with translation.override("fr"):
        french = {code: str(text) for code, text in entries.items()}
    untranslated = [c for c in entries if french[c] == english[c] and english[c] not in same]
    assert entries and not untranslated


def test_it_has_a_label_for_every_physics_tissue_and_every_side():
    assert set(TISSUES) <= set(labels.TISSUES)
    assert {"left", "right", "bilateral", "midline"} == set(labels.SIDES)
    with translation.override("fr"):
        assert labels.label("side", "left") == "gauche"
        assert labels.label("grid", "coarse") == "grossier"
        assert labels.label("subscale", "sport_rec") == "sport et loisirs"
    with translation.override("en"):
        assert labels.label("side", "left") == "left"


def test_it_names_pgic_and_nerves_in_the_active_language():
    with translation.override("fr"):
        assert (
            labels.pgic_label(2) == "Nettement amélioré (répondeur : nettement amélioré ou mieux)"
        )
        assert labels.nerve_name("ipbsn") == "Branche infrapatellaire du nerf saphène"
    with translation.override("en"):
        assert labels.pgic_label(2).startswith("Much improved (responder")
        assert labels.nerve_name("ipbsn") == "Infrapatellar branch of the saphenous nerve"
        assert labels.nerve_name("custom", "My nerve") == "My nerve"


def test_it_writes_decimal_commas_on_french_pages_only():
    text = "INR 2.5 supérieur à 1.5 (règles 2026.12.4)"
    with translation.override("fr"):
        assert labels.localized_numbers(text) == "INR 2,5 supérieur à 1,5 (règles 2026.12.4)"
    with translation.override("en"):
        assert labels.localized_numbers(text) == text


def test_it_translates_a_pydantic_error_with_its_limit():
    from cryoneuro.core.api import pydantic_message

    error = {"type": "string_too_long", "ctx": {"max_length": 2000}, "msg": "String should..."}
    with translation.override("en"):
        assert pydantic_message(error) == "Ensure this value has at most 2000 characters."
    with translation.override("fr"):
        assert "2000" in pydantic_message(error) and "caractères" in pydantic_message(error)


def test_it_names_every_probe_cryogen_and_plan_limit_and_keeps_the_planners_sources():
    from cryoneuro.physics import CRYOGENS, PROBES
    from cryoneuro.planning.inputs import LIMIT_SOURCES

    assert set(PROBES) == set(labels.PROBES) and set(CRYOGENS) == set(labels.CRYOGENS)
    assert set(LIMIT_SOURCES) == set(labels.PLAN_LIMITS) == set(labels.PLAN_LIMIT_SOURCES)
    with translation.override("en"):
        assert {k: str(v) for k, v in labels.PLAN_LIMIT_SOURCES.items()} == LIMIT_SOURCES
        assert labels.label("probe", "16g") == "16 G needle probe"
    with translation.override("fr"):
        assert "non vérifiée" in labels.label("plan_limit_source", "skin_limit_c")
        assert labels.label("probe", "16g") == "sonde aiguille 16 G"
        assert labels.label("cryogen", "n2o") == "N2O (protoxyde d'azote)"


def test_the_relief_source_note_follows_the_page_language_and_keeps_older_notes():
    from cryoneuro.clinical.regeneration import REGENERATION_SOURCES

    with translation.override("en"):
        assert labels.relief_source(REGENERATION_SOURCES) == REGENERATION_SOURCES
    with translation.override("fr"):
        french = labels.relief_source(REGENERATION_SOURCES)
        assert french.startswith("modèle de soulagement") and "Radnovich 2017" in french
        older = "relief model 2026.12.1: end = distance / rate"
        assert labels.relief_source(older) == older


@pytest.mark.parametrize("nerve_code", ["ipbsn", "sural"])
def test_a_catalog_nerve_relief_note_is_french_on_french_pages_and_unchanged_in_english(
    nerve_code,
):
    """The note written by ``relief_window_for_nerve`` (the model's sources, the catalog
    distance, and for an uncalibrated nerve the pooled-model warning), read back."""
    from cryoneuro.clinical.nerves import nerve
    from cryoneuro.clinical.regeneration import relief_window_for_nerve

    window = relief_window_for_nerve(nerve_code)
    with translation.override("en"):
        assert labels.relief_source(window.source) == window.source
    with translation.override("fr"):
        french = labels.relief_source(window.source)
    distance = f"{nerve(nerve_code).distance_to_end_organ_mm:g}"
    assert french.startswith("modèle de soulagement")
    assert f"distance de {distance} mm par défaut du catalogue" in french
    assert "catalog default" not in french and "onset:" not in french
    assert ("modèle commun, non calibré" in french) == (window.calibration == "uncalibrated")


def test_a_relief_note_with_an_unknown_tail_is_shown_as_stored():
    from cryoneuro.clinical.regeneration import REGENERATION_SOURCES

    stored = REGENERATION_SOURCES + "; distance 40 mm measured by hand"
    with translation.override("fr"):
        assert labels.relief_source(stored) == stored


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Prévu\u00a0: 2"), ("fr-ch", "Prévu\u00a0: 2"), ("en", "Planned: 2")],
)
def test_a_label_colon_follows_the_page_language(language, expected):
    from django.template import engines

    template = engines["django"].from_string('{% translate "Planned" %}{% colon %} 2')
    with translation.override(language):
        assert template.render({}) == expected
