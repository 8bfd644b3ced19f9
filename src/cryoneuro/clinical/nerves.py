"""Catalog of candidate target nerves per indication.

Which nerve is a target for which indication is taken from clinical.md ("Target nerves
by indication"); such links are listed in ``verified_indications`` and the nerve has
``verified=True``. Nerves offered as sensible targets without a source in clinical.md
(hip, post-herpetic outside the thorax, post-traumatic, CRPS, myofascial) have
``verified=False`` and must be shown as such.

No figure below (diameter, depth, distance to the end organ, minutes, levels) is backed
by clinical.md or physics.md: they are typical anatomical orders of magnitude, kept as
CONFIGURABLE DEFAULTS (``figures_verified=False`` everywhere). The planner uses the
depth and diameter measured on the patient's own image; the regeneration model uses
``distance_to_end_organ_mm`` only as a default. Procedure minutes follow the seed
page's "20 à 45 minutes selon la zone".

Bleeding risk (issue 10): every target has a procedure bleeding-risk tier
(``bleeding_tier``: low / intermediate / high, the three classes of the ASRA/ESRA/AAPM/
INS/NANS/WIP pain-procedure guideline, Narouze et al. 2018) and ``compressible`` (the
ESAIC/ESRA 2022 split of peripheral blocks into superficial-compressible and
deep-non-compressible), with the reasoning in ``bleeding_source`` and
``bleeding_verified`` saying whether that reasoning was read in a source (see
docs/clinical/bleeding-and-catalog.md). :mod:`cryoneuro.clinical.bleeding` turns the
tier into per-drug actions.

Left out on purpose: the inferolateral genicular nerve. It runs around the lateral
tibial condyle towards the fibular head, next to the common fibular (peroneal) nerve,
a mixed nerve whose freezing would give a foot drop lasting months; the knee trial this
catalog follows treats four other genicular targets (Panagopoulos et al., J Orthop Surg
Res 2023;18:295: superomedial, superolateral, inferomedial and the medial (retinacular)
branch). Reasoning from anatomy, not a published exclusion rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any, Literal

from cryoneuro.clinical.indications import INDICATIONS, indication

__all__ = [
    "NERVES",
    "PROCEDURE_MINUTES_BOUNDS",
    "BleedingTier",
    "Imaging",
    "NerveType",
    "TargetNerve",
    "nerve",
    "nerves_for",
    "procedure_minutes",
]

NerveType = Literal["sensory", "mixed"]
"""No catalog target is a pure motor nerve (the planner takes sensory or mixed)."""
BleedingTier = Literal["low", "intermediate", "high"]
Imaging = Literal["ultrasound", "ct", "fluoroscopy"]

PROCEDURE_MINUTES_BOUNDS: tuple[int, int] = (20, 45)
"""Total procedure time, seed page: 'La durée totale de la procédure varie généralement
de 20 à 45 minutes, selon la zone traitée.'"""

EXTRA_MINUTES_PER_ADDITIONAL_NERVE = 5
"""Configurable default (not sourced): each further distinct nerve in the same session
adds this to the longest nerve's time, within :data:`PROCEDURE_MINUTES_BOUNDS`."""

FIGURES_NOTE = (
    "figures are typical anatomical orders of magnitude, not sourced in clinical.md/physics.md: "
    "configurable defaults, measure on the patient's imaging"
)

S_KNEE = "Radnovich 2017; Nygaard 2025; J Orthop Surg Res trial protocol doi 10.1186/s13018-023-03737-1 (clinical.md)"
S_OCC = "Stogicza & Trescot, Pain Pract 2019; Grigsby 2021 (clinical.md)"
S_IC = "Ilfeld et al., Anesthesiology 2022;137:529; Guitron et al., J Clin Med 2024;13:3304 (clinical.md)"
S_GROIN = "StatPearls 'Cryoanalgesia' (clinical.md)"
S_KNEE_PROTOCOL = (
    "Panagopoulos et al., J Orthop Surg Res 2023;18:295 (doi 10.1186/s13018-023-03737-1)"
)

# ---- bleeding tiers: the reasoning behind each target's tier (docs/clinical/bleeding-and-catalog.md)
B_ASRA_2018 = (
    "Narouze et al., Reg Anesth Pain Med 2018;43:225-262 (ASRA/ESRA/AAPM/INS/NANS/WIP, 2nd ed.): "
    "procedures stratified into low, intermediate and high bleeding risk"
)
B_ESAIC_2022 = (
    "Kietaibl et al., Eur J Anaesthesiol 2022;39:100-132 (ESAIC/ESRA): neuraxial time intervals "
    "apply to peripheral blocks with higher bleeding risk (deep, non-compressible), not to those "
    "with low bleeding risk (superficial, compressible)"
)
B_CAS_2019 = (
    "Tsui et al., Can J Anaesth 2019;66:1356-1384 (CAS consensus advisory: peripheral nerve and "
    "interfascial plane blocks classed low / intermediate / high; per-block classes not read here)"
)
B_SUPERFICIAL = (
    "low, compressible: a superficial peripheral target that can be compressed; peripheral nerve "
    "blocks are low risk in " + B_ASRA_2018 + "; " + B_ESAIC_2022 + "; " + B_CAS_2019
)
B_ON_BONE = (
    "low, compressible: a peripheral target on bone under thin tissue (pressure against the bone "
    "stops bleeding); " + B_ASRA_2018 + "; " + B_ESAIC_2022
)
B_DEEP = (
    "intermediate, non-compressible: deep target under muscle or near non-compressible vessels; "
    + B_ESAIC_2022
    + "; the neuraxial-type intervals are mapped onto the ASRA pain INTERMEDIATE tier "
    "(assumption: not a published mapping) of " + B_ASRA_2018 + "; " + B_CAS_2019
)
B_LUMBAR_FACET = (
    "low, non-compressible: the 2018 update moved thoracolumbar facet procedures (medial branch "
    "blocks, radiofrequency) to the low-risk class (Wickboldt & Guirguis, ASRA News 27 Aug 2019, "
    "summarising " + B_ASRA_2018 + "); deep, so not compressible"
)
B_CERVICAL_FACET = (
    "intermediate, non-compressible: only THORACOLUMBAR facet procedures were moved to low risk in "
    "2018 (ASRA News 2019), cervical ones stay intermediate; vertebral artery variants near C2-C3 "
    "(Elgueta et al., Reg Anesth Pain Med 2018;43:367); " + B_ASRA_2018
)
B_SACRAL = (
    "low, non-compressible: sacroiliac joint injections and sacral lateral branch blocks/"
    "radiofrequency are low risk (Spine Intervention Society risk table, as summarised by a "
    "secondary source; the low-risk list of " + B_ASRA_2018 + " not read directly); on the "
    "sacrum under muscle"
)
B_PLEURA = (
    "intermediate, non-compressible: intercostal vessels run with the nerve in the subcostal "
    "groove and the pleura lies just deep, so bleeding cannot be compressed; "
    + B_ESAIC_2022
    + "; mapped onto the INTERMEDIATE tier of "
    + B_ASRA_2018
    + " (assumption)"
)
B_UNSPECIFIED = (
    "intermediate, non-compressible: the target is not yet named, so the conservative class is "
    "used until the physician names the nerve (clinic choice)"
)

S_UNVERIFIED = "not verified: no source in clinical.md; offered as a sensible target to confirm (e.g. by a diagnostic block)"


@dataclass(frozen=True, slots=True)
class TargetNerve:
    """A candidate target nerve and its planning/booking defaults.

    Ranges are ``(low, high)`` in millimetres. ``distance_to_end_organ_mm`` is from the
    usual lesion site to the end organ (for :mod:`cryoneuro.clinical.regeneration`).
    ``levels`` is the usual number of levels treated (intercostal: the affected level
    and one above and one below). ``procedure_minutes`` is the booking duration.
    ``bleeding_tier`` / ``compressible``: the procedure's bleeding-risk class and whether
    the site can be compressed; ``bleeding_source`` gives the reasoning and its sources,
    ``bleeding_verified`` whether that reasoning was read in them.
    """

    code: str
    name_fr: str
    name_en: str
    nerve_type: NerveType
    indications: tuple[str, ...]
    verified_indications: tuple[str, ...]
    diameter_mm: tuple[float, float]
    depth_mm: tuple[float, float]
    landmarks_fr: str
    landmarks_en: str
    imaging: tuple[Imaging, ...]
    approach_fr: str
    approach_en: str
    distance_to_end_organ_mm: float
    procedure_minutes: int
    source: str
    bleeding_tier: BleedingTier
    compressible: bool
    bleeding_source: str
    bleeding_verified: bool
    levels: int = 1
    motor_deficit_fr: str = ""
    motor_deficit_en: str = ""
    figures_verified: bool = False
    figures_note: str = FIGURES_NOTE
    block_usual_source: str = ""
    """Where the sources make a diagnostic (prognostic) block usual before freezing this
    nerve, the source; empty otherwise. Its absence then needs review (rule
    ``NR_DIAGNOSTIC_BLOCK_MISSING_TARGET``)."""

    @property
    def verified(self) -> bool:
        """True when clinical.md sources this nerve as a target for at least one indication."""
        return bool(self.verified_indications)

    @property
    def is_mixed(self) -> bool:
        return self.nerve_type == "mixed"

    def name(self, lang: str = "fr") -> str:
        return self.name_en if lang == "en" else self.name_fr

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, ``verified`` included."""
        data = asdict(self)
        data["verified"] = self.verified
        return data


_K = "knee_arthrosis"
_H = "hip_arthrosis"
_IC = "intercostal_neuralgia"
_OC = "occipital_neuralgia"
_PH = "postherpetic_neuralgia"
_PS = "postsurgical_pain"
_PT = "posttraumatic_pain"
_CRPS = "crps"
_MF = "myofascial_pain"
_SH = "shoulder_pain"
_FJ = "facet_joint_pain"
_SI = "sacroiliac_joint_pain"
_PN = "peripheral_neuralgia"

_US: tuple[Imaging, ...] = ("ultrasound",)
_US_FL: tuple[Imaging, ...] = ("ultrasound", "fluoroscopy")
_US_CT: tuple[Imaging, ...] = ("ultrasound", "ct")


S_BLOCK_GENICULAR = (
    "a diagnostic genicular block (>= 50 % relief) precedes genicular cryoneurolysis in: Lo Bianco "
    "et al., Pain Ther 2025, doi 10.1007/s40122-025-00727-5 (n=90, inclusion criterion; abstract "
    "read); Panagopoulos et al., J Orthop Surg Res 2023;18:295 (trial protocol, recruitment by a "
    "diagnostic block of four genicular nerves); a 2024 World Congress poster of 51 patients "
    "(block with 1 ml lidocaine 2 %, >= 50 % NRS relief). Study practice, not a guideline"
)


def _genicular(code: str, fr: str, en: str, where_fr: str, where_en: str) -> TargetNerve:
    return TargetNerve(
        code=code,
        name_fr=f"Nerf géniculé {fr}",
        name_en=f"{en} genicular nerve",
        nerve_type="sensory",
        indications=(_K, _PS, _PT),
        verified_indications=(_K,),
        diameter_mm=(0.5, 2.0),
        depth_mm=(10.0, 30.0),
        landmarks_fr=f"{where_fr}, au contact osseux, à côté de l'artère géniculée homonyme (Doppler)",
        landmarks_en=f"{where_en}, on bone, beside the genicular artery of the same name (Doppler)",
        imaging=_US_FL,
        approach_fr="aiguille dans le plan, perpendiculaire à l'os, jusqu'au contact périosté",
        approach_en="in-plane needle perpendicular to the bone down to periosteal contact",
        distance_to_end_organ_mm=30.0,
        procedure_minutes=25,
        source=S_KNEE + "; post-surgical/post-traumatic knee: " + S_UNVERIFIED,
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE
        + "; the genicular artery of the same name lies beside the target",
        bleeding_verified=True,
        block_usual_source=S_BLOCK_GENICULAR,
    )


_NERVES: tuple[TargetNerve, ...] = (
    # ------------------------------------------------------------------ knee
    TargetNerve(
        code="ipbsn",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=True,
        name_fr="Branche infrapatellaire du nerf saphène",
        name_en="Infrapatellar branch of the saphenous nerve",
        nerve_type="sensory",
        indications=(_K, _PS, _PT),
        verified_indications=(_K,),
        diameter_mm=(1.0, 3.0),
        depth_mm=(3.0, 12.0),
        landmarks_fr="face médiale du genou, sous-cutanée, entre le tendon du sartorius et le condyle fémoral médial",
        landmarks_en="medial knee, subcutaneous, between the sartorius tendon and the medial femoral condyle",
        imaging=_US,
        approach_fr="passages sous-cutanés perpendiculaires au trajet du nerf, médialement à la patella",
        approach_en="subcutaneous passes perpendicular to the nerve's course, medial to the patella",
        distance_to_end_organ_mm=100.0,
        procedure_minutes=25,
        source=S_KNEE + "; post-surgical/post-traumatic knee: " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="afcn",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=True,
        name_fr="Nerf cutané fémoral antérieur",
        name_en="Anterior femoral cutaneous nerve",
        nerve_type="sensory",
        indications=(_K, _PS, _PT),
        verified_indications=(_K,),
        diameter_mm=(0.5, 2.0),
        depth_mm=(3.0, 15.0),
        landmarks_fr="face antérieure de la cuisse distale, sous-cutané, au-dessus de la patella",
        landmarks_en="anterior distal thigh, subcutaneous, above the patella",
        imaging=_US,
        approach_fr="passages sous-cutanés transversaux au-dessus de la patella",
        approach_en="transverse subcutaneous passes above the patella",
        distance_to_end_organ_mm=100.0,
        procedure_minutes=25,
        source=S_KNEE + "; post-surgical/post-traumatic knee: " + S_UNVERIFIED,
    ),
    _genicular(
        "genicular_superomedial",
        "supéro-médial",
        "Superomedial",
        "jonction diaphyse-épicondyle médial du fémur",
        "junction of the femoral shaft and the medial epicondyle",
    ),
    _genicular(
        "genicular_superolateral",
        "supéro-latéral",
        "Superolateral",
        "jonction diaphyse-épicondyle latéral du fémur",
        "junction of the femoral shaft and the lateral epicondyle",
    ),
    _genicular(
        "genicular_inferomedial",
        "inféro-médial",
        "Inferomedial",
        "jonction diaphyse-condyle médial du tibia, sous le ligament collatéral médial",
        "junction of the tibial shaft and the medial condyle, under the medial collateral ligament",
    ),
    TargetNerve(
        code="medial_retinacular",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE,
        bleeding_verified=True,
        name_fr="Branche géniculée médiale (rétinaculaire), issue du nerf du vaste intermédiaire",
        name_en="Medial (retinacular) genicular branch, from the nerve to vastus intermedius",
        nerve_type="sensory",
        indications=(_K,),
        verified_indications=(_K,),
        diameter_mm=(0.5, 1.5),
        depth_mm=(5.0, 20.0),
        landmarks_fr="face antéro-médiale du fémur distal, au-dessus de la patella, sous le vaste intermédiaire; rester à distance des rameaux moteurs du vaste médial",
        landmarks_en="anteromedial distal femur above the patella, deep to vastus intermedius; keep away from the motor twigs to vastus medialis",
        imaging=_US,
        approach_fr="aiguille dans le plan, en direction de la face médiale du fémur distal",
        approach_en="in-plane needle towards the medial distal femur",
        distance_to_end_organ_mm=40.0,
        procedure_minutes=25,
        source=S_KNEE
        + "; "
        + S_KNEE_PROTOCOL
        + ": 'the medial (retinacular) genicular branch from vastus intermedius' (an articular "
        "branch; it is NOT the motor nerve to vastus medialis, as this entry said before)",
    ),
    # ------------------------------------------------------------------ hip (unverified)
    TargetNerve(
        code="hip_femoral_articular",
        bleeding_tier="intermediate",
        compressible=False,
        bleeding_source=B_DEEP,
        bleeding_verified=False,
        name_fr="Branches articulaires du nerf fémoral (hanche)",
        name_en="Articular branches of the femoral nerve (hip)",
        nerve_type="sensory",
        indications=(_H,),
        verified_indications=(),
        diameter_mm=(0.5, 1.5),
        depth_mm=(30.0, 70.0),
        landmarks_fr="entre l'épine iliaque antéro-inférieure et l'éminence ilio-pubienne, sous le psoas",
        landmarks_en="between the anterior inferior iliac spine and the iliopubic eminence, deep to psoas",
        imaging=_US_FL,
        approach_fr="aiguille dans le plan, latéro-médiale, jusqu'au contact osseux; nerf fémoral (mixte) proche",
        approach_en="in-plane lateral-to-medial needle to bone contact; the femoral nerve (mixed) lies close",
        distance_to_end_organ_mm=30.0,
        procedure_minutes=30,
        source="hip OA targets: " + S_UNVERIFIED,
        motor_deficit_fr="faiblesse du quadriceps si le tronc du nerf fémoral est atteint",
        motor_deficit_en="quadriceps weakness if the femoral nerve trunk is reached",
    ),
    TargetNerve(
        code="hip_obturator_articular",
        bleeding_tier="intermediate",
        compressible=False,
        bleeding_source=B_DEEP,
        bleeding_verified=False,
        name_fr="Branches articulaires du nerf obturateur (hanche)",
        name_en="Articular branches of the obturator nerve (hip)",
        nerve_type="sensory",
        indications=(_H,),
        verified_indications=(),
        diameter_mm=(0.5, 1.5),
        depth_mm=(40.0, 80.0),
        landmarks_fr="bord inféro-médial de l'acétabulum (« larme »), jonction pubis-ischion",
        landmarks_en="inferomedial acetabulum (the 'teardrop'), pubo-ischial junction",
        imaging=("fluoroscopy", "ultrasound"),
        approach_fr="aiguille jusqu'au contact osseux inféro-médial de l'acétabulum",
        approach_en="needle to inferomedial acetabular bone contact",
        distance_to_end_organ_mm=30.0,
        procedure_minutes=30,
        source="hip OA targets: " + S_UNVERIFIED,
        motor_deficit_fr="faiblesse des adducteurs si le tronc obturateur est atteint",
        motor_deficit_en="adductor weakness if the obturator trunk is reached",
    ),
    # ------------------------------------------------------------------ thorax
    TargetNerve(
        code="intercostal",
        bleeding_tier="intermediate",
        compressible=False,
        bleeding_source=B_PLEURA,
        bleeding_verified=False,
        name_fr="Nerf intercostal",
        name_en="Intercostal nerve",
        nerve_type="mixed",
        indications=(_IC, _PH, _PS, _PT),
        verified_indications=(_IC, _PH, _PS),
        diameter_mm=(1.5, 4.0),
        depth_mm=(15.0, 40.0),
        landmarks_fr="bord inférieur de la côte (gouttière sous-costale), entre muscles intercostaux interne et intime, avec les vaisseaux; plèvre en profondeur",
        landmarks_en="inferior border of the rib (subcostal groove), between internal and innermost intercostal muscles, with the vessels; pleura deep",
        imaging=_US_CT,
        approach_fr="aiguille dans le plan, à l'angle postérieur de la côte ou en ligne axillaire postérieure",
        approach_en="in-plane needle at the posterior angle of the rib or the posterior axillary line",
        distance_to_end_organ_mm=150.0,
        procedure_minutes=40,
        levels=3,
        motor_deficit_fr="faiblesse des muscles intercostaux (rarement gênante); bombement de la paroi abdominale pour T7-T12",
        motor_deficit_en="intercostal muscle weakness (rarely noticed); abdominal wall bulge for T7-T12",
        source=S_IC
        + " (affected dermatomes plus one level above and below); post-traumatic (rib fracture): "
        + S_UNVERIFIED,
    ),
    # ------------------------------------------------------------------ occipital
    TargetNerve(
        code="greater_occipital",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE,
        bleeding_verified=True,
        name_fr="Grand nerf occipital (nerf d'Arnold)",
        name_en="Greater occipital nerve",
        nerve_type="sensory",
        indications=(_OC, _PH),
        verified_indications=(_OC,),
        diameter_mm=(1.5, 4.0),
        depth_mm=(5.0, 25.0),
        landmarks_fr="ligne nucale supérieure, médial à l'artère occipitale; ou sur le muscle oblique inférieur de la tête à C2",
        landmarks_en="superior nuchal line, medial to the occipital artery; or over obliquus capitis inferior at C2",
        imaging=_US,
        approach_fr="aiguille dans le plan, patient en décubitus ventral",
        approach_en="in-plane needle, patient prone",
        distance_to_end_organ_mm=100.0,
        procedure_minutes=20,
        source=S_OCC + "; post-herpetic (C2 dermatome): " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="lesser_occipital",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=True,
        name_fr="Petit nerf occipital",
        name_en="Lesser occipital nerve",
        nerve_type="sensory",
        indications=(_OC,),
        verified_indications=(_OC,),
        diameter_mm=(0.5, 2.0),
        depth_mm=(3.0, 15.0),
        landmarks_fr="bord postérieur du sterno-cléido-mastoïdien, en arrière de l'oreille",
        landmarks_en="posterior border of sternocleidomastoid, behind the ear",
        imaging=_US,
        approach_fr="aiguille dans le plan, superficielle",
        approach_en="superficial in-plane needle",
        distance_to_end_organ_mm=80.0,
        procedure_minutes=20,
        source=S_OCC,
    ),
    TargetNerve(
        code="third_occipital",
        bleeding_tier="intermediate",
        compressible=False,
        bleeding_source=B_CERVICAL_FACET,
        bleeding_verified=False,
        name_fr="Troisième nerf occipital",
        name_en="Third occipital nerve",
        nerve_type="sensory",
        indications=(_FJ,),
        verified_indications=(),
        diameter_mm=(1.0, 2.0),
        depth_mm=(20.0, 40.0),
        landmarks_fr="en regard de l'articulation zygapophysaire C2-C3",
        landmarks_en="over the C2-C3 zygapophyseal joint",
        imaging=_US_FL,
        approach_fr="aiguille jusqu'au pilier articulaire C2-C3",
        approach_en="needle to the C2-C3 articular pillar",
        distance_to_end_organ_mm=20.0,
        procedure_minutes=25,
        source="C2-C3 facet joint pain / cervicogenic ('third occipital') headache: the third occipital "
        "nerve supplies the C2-C3 zygapophyseal joint; it is NOT a target for occipital neuralgia "
        "(greater/lesser occipital nerves); diagnosis by a C2-C3 medial branch block; "
        + S_UNVERIFIED
        + " (this entry was listed under occipital neuralgia before, citing "
        + S_OCC
        + ")",
    ),
    # ------------------------------------------------------------------ groin
    TargetNerve(
        code="ilioinguinal",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=False,
        name_fr="Nerf ilio-inguinal",
        name_en="Ilioinguinal nerve",
        nerve_type="mixed",
        indications=(_PS, _PT),
        verified_indications=(_PS,),
        diameter_mm=(1.0, 2.5),
        depth_mm=(10.0, 30.0),
        landmarks_fr="médial à l'épine iliaque antéro-supérieure, entre oblique interne et transverse",
        landmarks_en="medial to the anterior superior iliac spine, between internal oblique and transversus abdominis",
        imaging=_US,
        approach_fr="aiguille dans le plan, de latéral en médial",
        approach_en="in-plane needle, lateral to medial",
        distance_to_end_organ_mm=100.0,
        procedure_minutes=25,
        motor_deficit_fr="faiblesse de la paroi abdominale basse (oblique interne, transverse)",
        motor_deficit_en="lower abdominal wall weakness (internal oblique, transversus)",
        source=S_GROIN + " (post-herniorrhaphy groin pain)",
    ),
    TargetNerve(
        code="iliohypogastric",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=False,
        name_fr="Nerf ilio-hypogastrique",
        name_en="Iliohypogastric nerve",
        nerve_type="mixed",
        indications=(_PS, _PT),
        verified_indications=(_PS,),
        diameter_mm=(1.0, 2.5),
        depth_mm=(10.0, 30.0),
        landmarks_fr="médial à l'épine iliaque antéro-supérieure, plus superficiel et crânial que l'ilio-inguinal",
        landmarks_en="medial to the anterior superior iliac spine, cranial and slightly superficial to the ilioinguinal",
        imaging=_US,
        approach_fr="aiguille dans le plan, de latéral en médial",
        approach_en="in-plane needle, lateral to medial",
        distance_to_end_organ_mm=100.0,
        procedure_minutes=25,
        motor_deficit_fr="faiblesse de la paroi abdominale basse",
        motor_deficit_en="lower abdominal wall weakness",
        source=S_GROIN + " (post-herniorrhaphy groin pain)",
    ),
    TargetNerve(
        code="genitofemoral_genital",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=False,
        name_fr="Branche génitale du nerf génito-fémoral",
        name_en="Genital branch of the genitofemoral nerve",
        nerve_type="mixed",
        indications=(_PS,),
        verified_indications=(_PS,),
        diameter_mm=(0.5, 2.0),
        depth_mm=(15.0, 40.0),
        landmarks_fr="dans le canal inguinal, avec le cordon spermatique (ou le ligament rond)",
        landmarks_en="in the inguinal canal, with the spermatic cord (or round ligament)",
        imaging=_US,
        approach_fr="aiguille dans le plan vers le cordon, sans le ponctionner",
        approach_en="in-plane needle alongside the cord without puncturing it",
        distance_to_end_organ_mm=60.0,
        procedure_minutes=30,
        motor_deficit_fr="perte du réflexe crémastérien",
        motor_deficit_en="loss of the cremasteric reflex",
        source=S_GROIN + " (post-herniorrhaphy groin pain)",
    ),
    # ------------------------------------------------------------------ unverified sensible targets
    TargetNerve(
        code="supraorbital",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE,
        bleeding_verified=True,
        name_fr="Nerf supra-orbitaire",
        name_en="Supraorbital nerve",
        nerve_type="sensory",
        indications=(_PH, _PN, _PT),
        verified_indications=(),
        diameter_mm=(0.5, 2.0),
        depth_mm=(2.0, 8.0),
        landmarks_fr="foramen ou incisure supra-orbitaire, rebord orbitaire supérieur",
        landmarks_en="supraorbital foramen or notch, superior orbital rim",
        imaging=_US,
        approach_fr="aiguille superficielle au foramen, œil protégé",
        approach_en="superficial needle at the foramen, eye protected",
        distance_to_end_organ_mm=60.0,
        procedure_minutes=20,
        source="facial post-herpetic neuralgia (ophthalmic zoster, V1): " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="superficial_peroneal",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=True,
        name_fr="Nerf fibulaire superficiel",
        name_en="Superficial peroneal nerve",
        nerve_type="sensory",
        indications=(_PT, _CRPS, _PS),
        verified_indications=(),
        diameter_mm=(1.0, 3.0),
        depth_mm=(3.0, 15.0),
        landmarks_fr="tiers distal de la jambe, où il perce le fascia crural en antéro-latéral",
        landmarks_en="distal third of the leg, where it pierces the crural fascia anterolaterally",
        imaging=_US,
        approach_fr="aiguille dans le plan, sous-fasciale",
        approach_en="in-plane needle, under the fascia",
        distance_to_end_organ_mm=150.0,
        procedure_minutes=20,
        source="post-traumatic / CRPS of the foot: " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="sural",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=True,
        name_fr="Nerf sural",
        name_en="Sural nerve",
        nerve_type="sensory",
        indications=(_PT, _CRPS, _PS),
        verified_indications=(),
        diameter_mm=(1.5, 3.5),
        depth_mm=(3.0, 15.0),
        landmarks_fr="avec la petite veine saphène, derrière la malléole latérale ou à mi-mollet",
        landmarks_en="with the small saphenous vein, behind the lateral malleolus or at mid-calf",
        imaging=_US,
        approach_fr="aiguille dans le plan, à côté de la veine",
        approach_en="in-plane needle beside the vein",
        distance_to_end_organ_mm=120.0,
        procedure_minutes=20,
        source="post-traumatic / CRPS of the foot: " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="superficial_radial",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=True,
        name_fr="Branche superficielle du nerf radial",
        name_en="Superficial branch of the radial nerve",
        nerve_type="sensory",
        indications=(_PT, _CRPS, _PS),
        verified_indications=(),
        diameter_mm=(1.5, 3.0),
        depth_mm=(3.0, 12.0),
        landmarks_fr="avant-bras distal, sous le brachio-radial puis sous-cutané au-dessus du styloïde radial",
        landmarks_en="distal forearm, under brachioradialis then subcutaneous above the radial styloid",
        imaging=_US,
        approach_fr="aiguille dans le plan, proximale au styloïde",
        approach_en="in-plane needle proximal to the styloid",
        distance_to_end_organ_mm=120.0,
        procedure_minutes=20,
        source="post-traumatic / CRPS of the hand: " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="territory_cutaneous",
        bleeding_tier="intermediate",
        compressible=False,
        bleeding_source=B_UNSPECIFIED,
        bleeding_verified=False,
        name_fr="Nerf sensitif du territoire douloureux (à préciser)",
        name_en="Sensory nerve of the painful territory (to specify)",
        nerve_type="sensory",
        indications=(_PS, _PT, _CRPS, _MF, _PH),
        verified_indications=(),
        diameter_mm=(0.5, 4.0),
        depth_mm=(2.0, 40.0),
        landmarks_fr="identifié par l'examen du territoire et un bloc diagnostique positif",
        landmarks_en="identified from the painful territory and a positive diagnostic block",
        imaging=_US,
        approach_fr="selon le nerf; bloc diagnostique préalable recommandé",
        approach_en="depends on the nerve; a prior diagnostic block is advisable",
        distance_to_end_organ_mm=100.0,
        procedure_minutes=30,
        source="generic target: " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="suprascapular",
        bleeding_tier="intermediate",
        compressible=False,
        bleeding_source=B_DEEP,
        bleeding_verified=False,
        name_fr="Nerf supra-scapulaire",
        name_en="Suprascapular nerve",
        nerve_type="mixed",
        indications=(_SH, _PS, _PT),
        verified_indications=(),
        diameter_mm=(2.0, 4.0),
        depth_mm=(20.0, 50.0),
        landmarks_fr="incisure supra-scapulaire ou fosse supra-épineuse, avec l'artère supra-scapulaire",
        landmarks_en="suprascapular notch or supraspinous fossa, with the suprascapular artery",
        imaging=_US,
        approach_fr="aiguille dans le plan, de médial en latéral, vers le plancher de la fosse",
        approach_en="in-plane needle, medial to lateral, to the floor of the fossa",
        distance_to_end_organ_mm=50.0,
        procedure_minutes=30,
        motor_deficit_fr="faiblesse du supra- et de l'infra-épineux (abduction, rotation externe de l'épaule)",
        motor_deficit_en="supraspinatus and infraspinatus weakness (shoulder abduction, external rotation)",
        source="shoulder pain (articular branches to the glenohumeral and acromioclavicular joints; "
        "it was listed under myofascial pain before): " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="lumbar_medial_branch",
        bleeding_tier="low",
        compressible=False,
        bleeding_source=B_LUMBAR_FACET,
        bleeding_verified=True,
        name_fr="Branche médiale du rameau dorsal lombaire",
        name_en="Lumbar medial branch of the dorsal ramus",
        nerve_type="mixed",
        indications=(_FJ,),
        verified_indications=(),
        diameter_mm=(0.5, 1.5),
        depth_mm=(40.0, 80.0),
        landmarks_fr="jonction processus articulaire supérieur - processus transverse",
        landmarks_en="junction of the superior articular process and the transverse process",
        imaging=("fluoroscopy", "ct", "ultrasound"),
        approach_fr="aiguille parallèle au nerf jusqu'au contact osseux, par niveau",
        approach_en="needle parallel to the nerve to bone contact, per level",
        distance_to_end_organ_mm=30.0,
        procedure_minutes=35,
        levels=2,
        motor_deficit_fr="dénervation du multifide (sans déficit fonctionnel habituel)",
        motor_deficit_en="multifidus denervation (usually no functional deficit)",
        source="lumbar facet-joint pain: the medial branch supplies the facet joint; diagnosis by "
        "medial branch blocks (Cohen et al., Reg Anesth Pain Med 2020;45:424-467); moved from "
        "myofascial pain (the seed's arthrosis line covers facet-joint pain, see indications.py); "
        "cryoneurolysis of the medial branch: " + S_UNVERIFIED,
    ),
    # ------------------------------------------------------------------ added in issue 10
    TargetNerve(
        code="lfcn",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL,
        bleeding_verified=True,
        name_fr="Nerf cutané latéral de la cuisse (nerf fémoro-cutané)",
        name_en="Lateral femoral cutaneous nerve",
        nerve_type="sensory",
        indications=(_PN, _PS, _PT),
        verified_indications=(),
        diameter_mm=(1.0, 3.0),
        depth_mm=(5.0, 20.0),
        landmarks_fr="médial et inférieur à l'épine iliaque antéro-supérieure, sous le ligament inguinal, entre sartorius et tenseur du fascia lata",
        landmarks_en="medial and inferior to the anterior superior iliac spine, under the inguinal ligament, between sartorius and tensor fasciae latae",
        imaging=_US,
        approach_fr="aiguille dans le plan, dans le dédoublement du fascia lata",
        approach_en="in-plane needle into the split of the fascia lata",
        distance_to_end_organ_mm=150.0,
        procedure_minutes=20,
        source="meralgia paraesthetica (entrapment of the lateral femoral cutaneous nerve): "
        + S_UNVERIFIED,
    ),
    TargetNerve(
        code="superior_cluneal",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE + " (iliac crest)",
        bleeding_verified=True,
        name_fr="Nerfs cluniaux supérieurs",
        name_en="Superior cluneal nerves",
        nerve_type="sensory",
        indications=(_PN, _PS, _PT),
        verified_indications=(),
        diameter_mm=(0.5, 2.0),
        depth_mm=(5.0, 20.0),
        landmarks_fr="crête iliaque postérieure, 7 à 8 cm de la ligne médiane, où ils traversent le fascia thoraco-lombaire",
        landmarks_en="posterior iliac crest about 7-8 cm from the midline, where they cross the thoracolumbar fascia",
        imaging=_US,
        approach_fr="aiguille dans le plan sur la crête iliaque, sous le fascia",
        approach_en="in-plane needle over the iliac crest, under the fascia",
        distance_to_end_organ_mm=60.0,
        procedure_minutes=25,
        source="cluneal nerve entrapment low back / buttock pain, pain after iliac crest bone graft "
        "harvest: " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="middle_cluneal",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE + " (posterior sacrum)",
        bleeding_verified=False,
        name_fr="Nerfs cluniaux moyens",
        name_en="Middle cluneal nerves",
        nerve_type="sensory",
        indications=(_PN, _PT),
        verified_indications=(),
        diameter_mm=(0.5, 1.5),
        depth_mm=(10.0, 35.0),
        landmarks_fr="face postérieure du sacrum, sous le ligament sacro-iliaque postérieur long, sous l'origine du grand fessier",
        landmarks_en="posterior sacrum, under the long posterior sacroiliac ligament, deep to the origin of gluteus maximus",
        imaging=_US,
        approach_fr="aiguille dans le plan vers le ligament sacro-iliaque postérieur long",
        approach_en="in-plane needle towards the long posterior sacroiliac ligament",
        distance_to_end_organ_mm=50.0,
        procedure_minutes=25,
        source="middle cluneal nerve entrapment (buttock pain): " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="sacral_lateral_branches",
        bleeding_tier="low",
        compressible=False,
        bleeding_source=B_SACRAL,
        bleeding_verified=False,
        name_fr="Branches latérales sacrées (S1-S3) et rameau dorsal L5",
        name_en="Sacral lateral branches (S1-S3) and the L5 dorsal ramus",
        nerve_type="sensory",
        indications=(_SI,),
        verified_indications=(),
        diameter_mm=(0.5, 1.5),
        depth_mm=(30.0, 60.0),
        landmarks_fr="face postérieure du sacrum, latérale aux foramens sacrés postérieurs S1 à S3",
        landmarks_en="posterior sacrum, lateral to the S1-S3 posterior sacral foramina",
        imaging=("fluoroscopy", "ultrasound"),
        approach_fr="aiguille jusqu'au contact osseux latéral à chaque foramen, un passage par niveau",
        approach_en="needle to bone contact lateral to each foramen, one pass per level",
        distance_to_end_organ_mm=20.0,
        procedure_minutes=40,
        levels=3,
        source="sacroiliac joint pain (posterior joint supply); diagnosis by lateral branch blocks: "
        + S_UNVERIFIED,
    ),
    TargetNerve(
        code="intercostobrachial",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_SUPERFICIAL + "; axillary vessels lie deeper (stay superficial)",
        bleeding_verified=True,
        name_fr="Nerf intercostobrachial",
        name_en="Intercostobrachial nerve",
        nerve_type="sensory",
        indications=(_PS, _IC),
        verified_indications=(),
        diameter_mm=(1.0, 2.5),
        depth_mm=(5.0, 20.0),
        landmarks_fr="creux axillaire, sous-cutané au-dessus du muscle dentelé antérieur, après sa sortie du 2e espace intercostal",
        landmarks_en="axilla, subcutaneous over serratus anterior, after it leaves the 2nd intercostal space",
        imaging=_US,
        approach_fr="aiguille dans le plan, superficielle, loin des vaisseaux axillaires",
        approach_en="superficial in-plane needle, away from the axillary vessels",
        distance_to_end_organ_mm=80.0,
        procedure_minutes=25,
        source="post-mastectomy pain (axilla, medial upper arm): " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="supratrochlear",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE + " (superior orbital rim)",
        bleeding_verified=True,
        name_fr="Nerf supra-trochléaire",
        name_en="Supratrochlear nerve",
        nerve_type="sensory",
        indications=(_PH, _PN, _PT),
        verified_indications=(),
        diameter_mm=(0.5, 1.5),
        depth_mm=(2.0, 8.0),
        landmarks_fr="rebord orbitaire supérieur, environ 1 cm médial à l'incisure supra-orbitaire",
        landmarks_en="superior orbital rim, about 1 cm medial to the supraorbital notch",
        imaging=_US,
        approach_fr="aiguille superficielle au rebord orbitaire, œil protégé",
        approach_en="superficial needle at the orbital rim, eye protected",
        distance_to_end_organ_mm=40.0,
        procedure_minutes=20,
        source="facial post-herpetic neuralgia (ophthalmic zoster, V1): " + S_UNVERIFIED,
    ),
    TargetNerve(
        code="infraorbital",
        bleeding_tier="low",
        compressible=True,
        bleeding_source=B_ON_BONE + " (maxilla at the foramen)",
        bleeding_verified=True,
        name_fr="Nerf infra-orbitaire",
        name_en="Infraorbital nerve",
        nerve_type="sensory",
        indications=(_PH, _PN, _PT),
        verified_indications=(),
        diameter_mm=(1.5, 3.5),
        depth_mm=(3.0, 12.0),
        landmarks_fr="foramen infra-orbitaire, sous le rebord orbitaire inférieur, avec l'artère infra-orbitaire",
        landmarks_en="infraorbital foramen below the inferior orbital rim, with the infraorbital artery",
        imaging=_US,
        approach_fr="aiguille percutanée ou endobuccale jusqu'au foramen, sans y pénétrer",
        approach_en="percutaneous or intraoral needle to the foramen without entering it",
        distance_to_end_organ_mm=25.0,
        procedure_minutes=20,
        source="facial post-herpetic neuralgia (maxillary zoster, V2): " + S_UNVERIFIED,
    ),
)

NERVES: Mapping[str, TargetNerve] = MappingProxyType({n.code: n for n in _NERVES})
"""Read-only mapping code -> :class:`TargetNerve`."""


def nerve(code: str) -> TargetNerve:
    """The nerve with this code; ``ValueError`` listing valid codes otherwise."""
    try:
        return NERVES[code]
    except KeyError:
        raise ValueError(f"unknown nerve {code!r}; valid codes: {', '.join(NERVES)}") from None


def nerves_for(indication_code: str) -> tuple[TargetNerve, ...]:
    """Candidate nerves for an indication: those sourced for it first, then unverified ones."""
    indication(indication_code)  # validates the code
    found = [n for n in _NERVES if indication_code in n.indications]
    return tuple(sorted(found, key=lambda n: indication_code not in n.verified_indications))


def procedure_minutes(
    nerve_codes: Iterable[str],
    *,
    extra_per_nerve: int = EXTRA_MINUTES_PER_ADDITIONAL_NERVE,
    bounds: tuple[int, int] = PROCEDURE_MINUTES_BOUNDS,
) -> int:
    """Booking duration for a session treating these nerves: the longest nerve's minutes
    (which include its usual levels) plus ``extra_per_nerve`` per further distinct nerve,
    clamped to the seed page's 20-45 minutes. Repeated codes count once."""
    codes = list(dict.fromkeys(nerve_codes))
    if not codes:
        raise ValueError("at least one nerve code is needed")
    nerves = [nerve(c) for c in codes]
    minutes = max(n.procedure_minutes for n in nerves) + extra_per_nerve * (len(nerves) - 1)
    low, high = bounds
    return int(min(max(minutes, low), high))


def _check_catalog() -> None:
    """Import-time consistency: every indication has a candidate, codes are valid."""
    for n in _NERVES:
        for code in n.indications:
            indication(code)
        if not set(n.verified_indications) <= set(n.indications):
            raise ValueError(f"{n.code}: verified indications must be among its indications")
        if n.nerve_type == "mixed" and not n.motor_deficit_en:
            raise ValueError(f"{n.code}: a mixed nerve needs its expected motor deficit")
    for code in INDICATIONS:
        if not any(code in n.indications for n in _NERVES):
            raise ValueError(f"indication {code} has no candidate nerve")


_check_catalog()
