"""The phonetic key joins spellings that sound alike and keeps apart names that do not."""

from __future__ import annotations

import pytest

from cryoneuro.countries.phonetic import names_sound_alike, normalise, phonetic_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lefèvre", "Lefebvre"),
        ("Lefèvre", "LEFEVRE"),
        ("Durand", "Durant"),
        ("Dupont", "Dupond"),
        ("Thomas", "Tomas"),
        ("Gauthier", "Gautier"),
        ("Schmidt", "Schmitt"),
        ("Philippe", "Filip"),
        ("Catherine", "Katherine"),
        ("Meyer", "Maier"),
        ("Rousseau", "Roussot"),
        ("Ghislaine", "Guislaine"),
        ("Chevalier", "Schevalier"),
        ("Lambert", "Lamber"),
        ("Nicolas", "Nikolas"),
        ("Lefebvre-Roux", "Lefevre Roux"),
    ],
)
def test_it_gives_one_key_to_spellings_that_sound_alike(a, b):
    assert phonetic_key(a) == phonetic_key(b) != ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Martin", "Bernard"),
        ("Moreau", "Morel"),
        ("Blanc", "Blanchard"),
        ("Gérard", "Girard"),
        ("Simon", "Vidal"),
    ],
)
def test_it_keeps_different_names_apart(a, b):
    assert phonetic_key(a) != phonetic_key(b)


def test_it_matches_family_and_first_given_names_or_the_two_swapped():
    assert names_sound_alike("Lefèvre", "Catherine Anne", "LEFEBVRE", "Katherine")
    assert names_sound_alike("Thomas", "Durand", "Durant", "Tomas")  # swapped at entry
    assert not names_sound_alike("Lefèvre", "Catherine", "Lefèvre", "Paul")
    assert not names_sound_alike("", "Paul", "", "Paul")


def test_it_normalises_to_bare_capitals():
    assert normalise("Lefèvre-Roux d'Ô") == "LEFEVREROUXDO"
    assert phonetic_key("---") == ""
