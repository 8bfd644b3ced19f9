from __future__ import annotations

import json

import pytest

from cryoneuro.clinical.indications import INDICATIONS
from cryoneuro.clinical.nerves import NERVES, nerve, nerves_for, procedure_minutes
from cryoneuro.clinical.regeneration import expected_relief_window


@pytest.mark.parametrize("code", list(INDICATIONS))
def test_it_offers_candidate_nerves_for_every_indication(code: str) -> None:
    candidates = nerves_for(code)
    assert candidates
    # sourced candidates come first
    flags = [code in n.verified_indications for n in candidates]
    assert flags == sorted(flags, reverse=True)


def test_it_includes_the_required_targets() -> None:
    knee = {n.code for n in nerves_for("knee_arthrosis")}
    assert {
        "ipbsn",
        "afcn",
        "genicular_superomedial",
        "genicular_superolateral",
        "genicular_inferomedial",
    } <= knee
    assert {"hip_femoral_articular", "hip_obturator_articular"} <= {
        n.code for n in nerves_for("hip_arthrosis")
    }
    assert {"greater_occipital", "lesser_occipital"} <= {
        n.code for n in nerves_for("occipital_neuralgia")
    }
    assert "intercostal" in {n.code for n in nerves_for("intercostal_neuralgia")}
    groin = {n.code for n in nerves_for("postsurgical_pain")}
    assert {"ilioinguinal", "iliohypogastric", "genitofemoral_genital"} <= groin


def test_it_marks_what_clinical_md_does_not_source() -> None:
    assert nerve("ipbsn").verified and "Radnovich" in nerve("ipbsn").source
    assert not nerve("hip_femoral_articular").verified
    assert all(not n.verified for n in nerves_for("crps"))
    assert all(not n.verified for n in nerves_for("myofascial_pain"))
    assert all(not n.figures_verified and "configurable" in n.figures_note for n in NERVES.values())


@pytest.mark.parametrize("code", list(NERVES))
def test_it_gives_complete_sane_data_for_each_nerve(code: str) -> None:
    n = nerve(code)
    assert (
        n.name_fr
        and n.name_en
        and n.landmarks_fr
        and n.landmarks_en
        and n.approach_fr
        and n.approach_en
    )
    assert 0 < n.diameter_mm[0] <= n.diameter_mm[1] < 10
    assert 0 < n.depth_mm[0] <= n.depth_mm[1] <= 100
    assert n.imaging and set(n.imaging) <= {"ultrasound", "ct", "fluoroscopy"}
    assert n.distance_to_end_organ_mm > 0
    assert 20 <= n.procedure_minutes <= 45
    assert n.levels >= 1 and n.source
    if n.is_mixed:
        assert n.motor_deficit_fr and n.motor_deficit_en
    # the regeneration model accepts every catalog distance
    window = expected_relief_window(n.distance_to_end_organ_mm)
    assert window.end_days[0] < window.end_days[1]


def test_it_treats_intercostal_nerves_at_three_levels_as_a_mixed_nerve() -> None:
    ic = nerve("intercostal")
    assert ic.levels == 3 and ic.is_mixed
    assert "Ilfeld" in ic.source


def test_it_books_between_20_and_45_minutes() -> None:
    assert procedure_minutes(["greater_occipital"]) == 20
    assert procedure_minutes(["ipbsn"]) == 25
    assert procedure_minutes(["ipbsn", "afcn"]) == 30
    assert procedure_minutes(["ipbsn", "ipbsn"]) == 25
    knee_all = [
        "ipbsn",
        "afcn",
        "genicular_superomedial",
        "genicular_superolateral",
        "genicular_inferomedial",
    ]
    assert procedure_minutes(knee_all) == 45
    assert procedure_minutes(["greater_occipital"], bounds=(25, 45)) == 25


def test_it_rejects_unknown_nerves_and_indications() -> None:
    with pytest.raises(ValueError, match=r"unknown nerve 'vagus'.*ipbsn"):
        nerve("vagus")
    with pytest.raises(ValueError, match="unknown indication"):
        nerves_for("elbow")
    with pytest.raises(ValueError, match="at least one"):
        procedure_minutes([])


def test_it_serialises_a_nerve_with_its_verification_flag() -> None:
    data = json.loads(json.dumps(nerve("hip_obturator_articular").to_dict()))
    assert data["verified"] is False and data["figures_verified"] is False
    assert data["imaging"] == ["fluoroscopy", "ultrasound"]
    assert nerve("ipbsn").to_dict()["verified"] is True


def test_it_puts_each_reviewed_target_under_its_own_indication() -> None:
    # issue 10 part 3: what the catalog got wrong before
    assert "third_occipital" not in {n.code for n in nerves_for("occipital_neuralgia")}
    assert nerve("third_occipital").indications == ("facet_joint_pain",)
    assert nerve("lumbar_medial_branch").indications == ("facet_joint_pain",)
    assert "lumbar_medial_branch" not in {n.code for n in nerves_for("myofascial_pain")}
    assert "shoulder_pain" in nerve("suprascapular").indications
    assert "myofascial_pain" not in nerve("suprascapular").indications
    retinacular = nerve("medial_retinacular")
    assert "vastus medialis" not in retinacular.name_en
    assert "vastus intermedius" in retinacular.name_en and "Panagopoulos" in retinacular.source


def test_it_adds_the_targets_clinics_treat() -> None:
    assert "lfcn" in {n.code for n in nerves_for("peripheral_neuralgia")}
    assert {"superior_cluneal", "middle_cluneal"} <= set(NERVES)
    assert "intercostobrachial" in {n.code for n in nerves_for("postsurgical_pain")}
    assert {"supraorbital", "supratrochlear", "infraorbital"} <= {
        n.code for n in nerves_for("postherpetic_neuralgia")
    }
    assert nerve("sacral_lateral_branches").levels == 3
    assert "genicular_inferolateral" not in NERVES


@pytest.mark.parametrize("code", list(NERVES))
def test_it_gives_every_target_a_bleeding_tier_with_its_reasoning(code: str) -> None:
    n = nerve(code)
    assert n.bleeding_tier in ("low", "intermediate", "high")
    assert "Narouze" in n.bleeding_source or "clinic choice" in n.bleeding_source
    kind = "compressible" if n.compressible else "non-compressible"
    assert n.bleeding_source.startswith(f"{n.bleeding_tier}, {kind}")


def test_it_tiers_deep_non_compressible_targets_above_superficial_ones() -> None:
    assert nerve("ipbsn").bleeding_tier == "low" and nerve("ipbsn").compressible
    assert (
        nerve("intercostal").bleeding_tier == "intermediate"
        and not nerve("intercostal").compressible
    )
    assert nerve("hip_obturator_articular").bleeding_tier == "intermediate"
    # 2018 update: thoracolumbar facet procedures are low risk, cervical ones are not
    assert nerve("lumbar_medial_branch").bleeding_tier == "low"
    assert nerve("third_occipital").bleeding_tier == "intermediate"
