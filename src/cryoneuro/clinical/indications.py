"""Catalog of the indications for cryoneurolysis offered by the clinic.

The list is the seed page's ("Les indications les plus fréquentes", ../shared/seed/), read
together with ../shared/reference/clinical.md. Codes are stable strings stored by the
Django apps; labels exist in French and English.

Terminology codes are data, never logic. Only one SNOMED CT code was verified in
clinical.md (239873007 "Osteoarthritis of knee"); every other indication carries
``snomed_ct=None`` and ``snomed_ct_verified=False`` until someone checks a code against a
terminology server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

__all__ = [
    "INDICATIONS",
    "SEED_SOURCE",
    "Indication",
    "IndicationCode",
    "IndicationGroup",
    "indication",
    "indication_codes",
]

SEED_SOURCE = (
    "Seed page 'Cryoneurolyse : une solution innovante pour soulager la douleur chronique', "
    "Clinique de la Douleur (shared/seed/), section 'À qui s'adresse ce traitement ?'"
)

IndicationGroup = Literal[
    "arthrosis", "neuralgia", "postoperative_posttraumatic", "crps", "myofascial", "spinal_joint"
]


class IndicationCode(StrEnum):
    """Stable codes of the indications (a ``str`` subclass: compare with plain strings)."""

    KNEE_ARTHROSIS = "knee_arthrosis"
    HIP_ARTHROSIS = "hip_arthrosis"
    INTERCOSTAL_NEURALGIA = "intercostal_neuralgia"
    OCCIPITAL_NEURALGIA = "occipital_neuralgia"
    POSTHERPETIC_NEURALGIA = "postherpetic_neuralgia"
    POSTSURGICAL_PAIN = "postsurgical_pain"
    POSTTRAUMATIC_PAIN = "posttraumatic_pain"
    CRPS = "crps"
    MYOFASCIAL_PAIN = "myofascial_pain"
    # issue 10, part 3: indications read into the seed page's wording (see each source)
    SHOULDER_PAIN = "shoulder_pain"
    FACET_JOINT_PAIN = "facet_joint_pain"
    SACROILIAC_JOINT_PAIN = "sacroiliac_joint_pain"
    PERIPHERAL_NEURALGIA = "peripheral_neuralgia"


@dataclass(frozen=True, slots=True)
class Indication:
    """One indication of the catalog.

    ``snomed_ct`` is ``None`` where no code was verified; ``snomed_ct_verified`` says
    whether the code was checked (clinical.md, "Codes for interoperability").
    """

    code: IndicationCode
    label_fr: str
    label_en: str
    group: IndicationGroup
    source: str
    snomed_ct: str | None = None
    snomed_ct_verified: bool = False
    note_fr: str = ""
    note_en: str = ""

    @property
    def is_arthrosis(self) -> bool:
        """Arthrosis: the seed limits it to patients who decline or cannot have surgery."""
        return self.group == "arthrosis"

    @property
    def is_neuralgia(self) -> bool:
        """Peripheral neuralgia: a neuropathic character (DN4 >= 4) supports the indication."""
        return self.group == "neuralgia"

    def label(self, lang: str = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form."""
        data = asdict(self)
        data["code"] = self.code.value
        return data


_UNVERIFIED = "no SNOMED CT code verified (clinical.md): to be checked on a terminology server"

_ALL: tuple[Indication, ...] = (
    Indication(
        code=IndicationCode.KNEE_ARTHROSIS,
        label_fr="Douleur d'arthrose du genou (chirurgie refusée ou impossible)",
        label_en="Knee osteoarthritis pain (surgery declined or not possible)",
        group="arthrosis",
        source=SEED_SOURCE
        + "; Radnovich et al., Osteoarthritis Cartilage 2017; Nygaard et al., Anesthesiology 2025;142:1114",
        snomed_ct="239873007",
        snomed_ct_verified=True,
        note_en="SNOMED CT 239873007 'Osteoarthritis of knee' (clinical.md).",
        note_fr="SNOMED CT 239873007 « Osteoarthritis of knee » (clinical.md).",
    ),
    Indication(
        code=IndicationCode.HIP_ARTHROSIS,
        label_fr="Douleur d'arthrose de la hanche (chirurgie refusée ou impossible)",
        label_en="Hip osteoarthritis pain (surgery declined or not possible)",
        group="arthrosis",
        source=SEED_SOURCE,
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md) : à contrôler sur un serveur de terminologie",
    ),
    Indication(
        code=IndicationCode.INTERCOSTAL_NEURALGIA,
        label_fr="Névralgie intercostale (y compris après chirurgie thoracique)",
        label_en="Intercostal neuralgia (including after thoracic surgery)",
        group="neuralgia",
        source=SEED_SOURCE
        + "; Ilfeld et al., Anesthesiology 2022;137:529; Guitron et al., J Clin Med 2024;13:3304",
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.OCCIPITAL_NEURALGIA,
        label_fr="Névralgie occipitale (céphalée d'origine nerveuse)",
        label_en="Occipital neuralgia (headache of nerve origin)",
        group="neuralgia",
        source=SEED_SOURCE + "; Stogicza & Trescot, Pain Pract 2019; Grigsby et al. 2021",
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.POSTHERPETIC_NEURALGIA,
        label_fr="Névralgie post-zostérienne (après zona)",
        label_en="Post-herpetic neuralgia (after shingles)",
        group="neuralgia",
        source=SEED_SOURCE,
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.POSTSURGICAL_PAIN,
        label_fr="Douleur post-chirurgicale (arthroscopie, chirurgie orthopédique, herniorraphie…)",
        label_en="Post-surgical pain (arthroscopy, orthopaedic surgery, herniorrhaphy…)",
        group="postoperative_posttraumatic",
        source=SEED_SOURCE + "; StatPearls 'Cryoanalgesia' (groin)",
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.POSTTRAUMATIC_PAIN,
        label_fr="Douleur post-traumatique (traumatisme osseux…)",
        label_en="Post-traumatic pain (bone trauma…)",
        group="postoperative_posttraumatic",
        source=SEED_SOURCE,
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.CRPS,
        label_fr="Syndrome douloureux régional complexe (SDRC)",
        label_en="Complex regional pain syndrome (CRPS)",
        group="crps",
        source=SEED_SOURCE,
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.MYOFASCIAL_PAIN,
        label_fr="Douleur myofasciale chronique",
        label_en="Chronic myofascial pain",
        group="myofascial",
        source=SEED_SOURCE,
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
)

_SEED_ARTHROSIS = (
    SEED_SOURCE
    + ": 'Les douleurs liées à l'arthrose, notamment au niveau du genou ou de la hanche' "
    "('notamment': knee and hip are examples, not the whole list)"
)
_SEED_NEURALGIA = (
    SEED_SOURCE
    + ": 'Les névralgies périphériques, comme les névralgies intercostales …, occipitales … ou "
    "post-zostériennes' ('comme': examples, not the whole list)"
)

_ALL = (
    *_ALL,
    Indication(
        code=IndicationCode.SHOULDER_PAIN,
        label_fr="Douleur chronique de l'épaule (arthrose, après chirurgie ou traumatisme)",
        label_en="Chronic shoulder pain (osteoarthritis, after surgery or trauma)",
        group="arthrosis",
        source=_SEED_ARTHROSIS
        + "; post-surgical/post-traumatic shoulder: the seed's 'douleurs post-chirurgicales ou "
        "post-traumatiques'. Target: suprascapular nerve (articular supply of the glenohumeral "
        "joint); no cryoneurolysis trial verified here",
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.FACET_JOINT_PAIN,
        label_fr="Douleur facettaire (zygapophysaire) lombaire ou cervicale, dont C2-C3 (céphalée cervicogénique)",
        label_en="Facet (zygapophyseal) joint pain, lumbar or cervical, including C2-C3 (cervicogenic headache)",
        group="spinal_joint",
        source=_SEED_ARTHROSIS
        + ". Reading: facet-joint pain is degenerative joint (arthrosis) pain, so the seed's "
        "arthrosis line covers it; the line 'douleurs myofasciales chroniques, dans le cadre de "
        "troubles musculosquelettiques persistants' is about MUSCLE pain and does not. "
        "Interventions and diagnostic blocks: Cohen et al., Reg Anesth Pain Med 2020;45:424-467 "
        "(consensus practice guidelines on lumbar facet joint pain)",
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.SACROILIAC_JOINT_PAIN,
        label_fr="Douleur de l'articulation sacro-iliaque",
        label_en="Sacroiliac joint pain",
        group="spinal_joint",
        source=_SEED_ARTHROSIS
        + " (joint pain; diagnosis by a diagnostic block of the sacral lateral branches). "
        "Not verified for cryoneurolysis here",
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
    Indication(
        code=IndicationCode.PERIPHERAL_NEURALGIA,
        label_fr="Autre névralgie périphérique (méralgie paresthésique, nerfs cluniaux, face…)",
        label_en="Other peripheral neuralgia (meralgia paraesthetica, cluneal nerves, face…)",
        group="neuralgia",
        source=_SEED_NEURALGIA,
        note_en=_UNVERIFIED,
        note_fr="aucun code SNOMED CT vérifié (clinical.md)",
    ),
)

INDICATIONS: Mapping[str, Indication] = MappingProxyType({i.code.value: i for i in _ALL})
"""Read-only mapping code -> :class:`Indication`: the seed page's order, then the
indications read into its wording (issue 10)."""


def indication_codes() -> tuple[str, ...]:
    """All valid indication codes, in catalog order."""
    return tuple(INDICATIONS)


def indication(code: str) -> Indication:
    """Return the indication for ``code``; raise ``ValueError`` listing the valid codes."""
    try:
        return INDICATIONS[str(code)]
    except KeyError:
        valid = ", ".join(INDICATIONS)
        raise ValueError(f"unknown indication {code!r}; valid codes: {valid}") from None
