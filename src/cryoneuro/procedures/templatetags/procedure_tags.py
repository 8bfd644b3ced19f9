from django import template
from django.utils.translation import get_language

from cryoneuro.clinical.nerves import NERVES

register = template.Library()


@register.filter
def join_if_list(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return value


@register.filter
def nerve_name(code: str) -> str:

    item = NERVES.get(code)
    if item is None:
        return code
    return item.name("en" if (get_language() or "fr").startswith("en") else "fr")


COURSE_LABELS = {
    "no_data": ("pas encore de suivi", "no follow-up yet"),
    "awaiting_response": ("réponse attendue", "awaiting response"),
    "no_response": ("pas de réponse", "no response"),
    "responding": ("soulagé", "responding"),
    "possible_return": ("retour possible de la douleur", "possible return of pain"),
    "relief_ended": ("fin du soulagement", "relief ended"),
}
WINDOW_LABELS = {
    "no_relief": ("pas de soulagement", "no relief"),
    "ongoing": ("en cours", "ongoing"),
    "ongoing_beyond_window": (
        "se prolonge au-delà de la prédiction",
        "lasting beyond the prediction",
    ),
    "earlier": ("plus tôt que prévu", "earlier than predicted"),
    "within": ("dans la fenêtre prévue", "within the predicted window"),
    "later": ("plus tard que prévu", "later than predicted"),
}
SIDE_EFFECT_LABELS = {
    "site_pain": ("douleur au point de ponction", "pain at the site"),
    "numbness": ("engourdissement", "numbness"),
    "tingling": ("picotements", "tingling"),
    "motor_weakness": ("faiblesse du membre", "weakness"),
    "skin_change": ("modification de la peau", "skin change"),
}


def _pick(table, code):
    pair = table.get(code)
    if pair is None:
        return code
    return pair[1] if (get_language() or "fr").startswith("en") else pair[0]


@register.filter
def course_label(code):
    return _pick(COURSE_LABELS, code)


@register.filter
def window_label(code):
    return _pick(WINDOW_LABELS, code)


@register.filter
def side_effect_label(code):
    return _pick(SIDE_EFFECT_LABELS, code)
