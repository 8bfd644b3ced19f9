"""Written advice given at discharge, in the patient's language (French and English)."""

from __future__ import annotations

DISCHARGE_ADVICE: dict[str, list[str]] = {
    "fr": [
        "Gardez le pansement 24 heures ; surveillez le point de ponction.",
        "Une douleur au point de ponction, un engourdissement ou des picotements de la zone "
        "traitée sont fréquents et passent en quelques jours à quelques semaines.",
        "Le soulagement apparaît souvent dans les jours qui suivent, parfois tout de suite.",
        "Ne modifiez pas vos médicaments antalgiques sans en parler à l'équipe ; notez ce "
        "que vous prenez dans le questionnaire de suivi.",
        "Ne conduisez pas le jour même si une faiblesse du membre traité est apparue.",
        "Appelez la clinique en cas de fièvre, de rougeur ou d'écoulement au point de "
        "ponction, d'hématome qui grossit ou de faiblesse qui ne s'améliore pas.",
    ],
    "en": [
        "Keep the dressing on for 24 hours and watch the puncture site.",
        "Pain at the puncture site, numbness or tingling of the treated area are common and "
        "pass within days to a few weeks.",
        "Relief often comes in the following days, sometimes at once.",
        "Do not change your pain medicines without talking to the team; record what you "
        "take in the follow-up questionnaire.",
        "Do not drive today if the treated limb feels weak.",
        "Call the clinic if you have a fever, redness or discharge at the puncture site, a "
        "growing bruise, or weakness that does not improve.",
    ],
}


def discharge_advice(language: str) -> list[str]:
    return DISCHARGE_ADVICE.get(language, DISCHARGE_ADVICE["fr"])
