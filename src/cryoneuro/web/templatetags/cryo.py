from django import template

from cryoneuro.accounts.roles import Role
from cryoneuro.clinical.indications import INDICATIONS
from cryoneuro.core import labels
from cryoneuro.followup.questionnaire import ROUTE_LABELS
from cryoneuro.followup.questionnaire import score_note as _score_note

register = template.Library()


def _lang() -> str:
    return labels.lang()


@register.filter
def in_language(item: dict, field: str = "message"):
    """``{{ hit|in_language:"message" }}`` picks ``message_fr`` or ``message_en``."""
    if not isinstance(item, dict):
        text = getattr(item, f"{field}_{_lang()}", "")
    else:
        text = item.get(f"{field}_{_lang()}") or item.get(f"{field}_fr", "")
    return labels.localized_numbers(str(text)) if text else text


@register.simple_tag
def indication_label(code: str) -> str:
    item = INDICATIONS.get(code)
    return item.label(_lang()) if item else code


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def catalog_label(code, catalog: str) -> str:
    """``{{ "left"|catalog_label:"side" }}``: a pure layer's code in the reader's language
    (cryoneuro.core.labels)."""
    return labels.label(catalog, code)


@register.filter
def nerve_name(code: str, fallback: str = "") -> str:
    """``{{ plan.nerve_code|nerve_name:plan.nerve_label }}``: the catalog name in the
    reader's language, else the name typed for a custom nerve."""
    return labels.nerve_name(code, fallback)


@register.simple_tag
def score_note(instrument: str, score) -> str:
    """``{% score_note name s %}``: a stored score's note in the reader's language."""
    return _score_note(instrument, score) if hasattr(score, "get") else ""


@register.filter
def route_label(code: str) -> str:
    """An analgesic's route (clinical.analgesics.ROUTES) in the reader's language."""
    return str(ROUTE_LABELS.get(code, code))


@register.filter
def role_label(code: str) -> str:
    """A role code (``accounts.roles.Role``) in the reader's language."""
    return str(Role(code).label) if code in Role.values else code
