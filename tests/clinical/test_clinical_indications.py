from __future__ import annotations

import pytest

from cryoneuro.clinical.indications import INDICATIONS, IndicationCode, indication, indication_codes

SEED_CODES = {
    "knee_arthrosis",
    "hip_arthrosis",
    "intercostal_neuralgia",
    "occipital_neuralgia",
    "postherpetic_neuralgia",
    "postsurgical_pain",
    "posttraumatic_pain",
    "crps",
    "myofascial_pain",
}
# read into the seed page's wording in issue 10 (arthrosis 'notamment', neuralgias 'comme')
ADDED_CODES = {"shoulder_pain", "facet_joint_pain", "sacroiliac_joint_pain", "peripheral_neuralgia"}
ALL_CODES = SEED_CODES | ADDED_CODES


def test_it_lists_every_indication_of_the_seed_page() -> None:
    assert set(INDICATIONS) == ALL_CODES
    assert set(indication_codes()) == ALL_CODES
    assert {c.value for c in IndicationCode} == ALL_CODES
    assert list(INDICATIONS)[: len(SEED_CODES)] == [c for c in INDICATIONS if c in SEED_CODES]


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_it_gives_labels_in_both_languages_and_a_source(code: str) -> None:
    ind = indication(code)
    assert ind.code == code  # StrEnum compares with plain strings
    assert ind.label_fr and ind.label_en and ind.label_fr != ind.label_en
    assert ind.label("fr") == ind.label_fr and ind.label("en") == ind.label_en
    assert "seed" in ind.source.lower() or "Seed" in ind.source


def test_it_only_carries_the_verified_snomed_code() -> None:
    knee = indication("knee_arthrosis")
    assert knee.snomed_ct == "239873007" and knee.snomed_ct_verified
    for code, ind in INDICATIONS.items():
        if code != "knee_arthrosis":
            assert ind.snomed_ct is None and not ind.snomed_ct_verified
            assert "not" in ind.note_en or "no " in ind.note_en


def test_it_raises_a_value_error_listing_valid_codes() -> None:
    with pytest.raises(
        ValueError, match=r"unknown indication 'elbow'.*knee_arthrosis.*myofascial_pain"
    ):
        indication("elbow")


def test_it_groups_neuralgias_and_arthroses() -> None:
    assert {c for c, i in INDICATIONS.items() if i.is_neuralgia} == {
        "intercostal_neuralgia",
        "occipital_neuralgia",
        "postherpetic_neuralgia",
        "peripheral_neuralgia",
    }
    assert {c for c, i in INDICATIONS.items() if i.is_arthrosis} == {
        "knee_arthrosis",
        "hip_arthrosis",
        "shoulder_pain",
    }


def test_it_reads_facet_joint_pain_into_the_arthrosis_line_not_the_myofascial_one() -> None:
    facet = indication("facet_joint_pain")
    assert "arthrose" in facet.source and "MUSCLE" in facet.source
    assert facet.group == "spinal_joint" and not facet.is_arthrosis


def test_it_keeps_the_catalog_read_only() -> None:
    with pytest.raises(TypeError):
        INDICATIONS["x"] = INDICATIONS["crps"]  # type: ignore[index]


def test_it_serialises_an_indication() -> None:
    data = indication("knee_arthrosis").to_dict()
    assert data["code"] == "knee_arthrosis" and type(data["code"]) is str
    assert data["snomed_ct"] == "239873007"
