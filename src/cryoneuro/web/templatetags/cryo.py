from django import template
from django.utils.translation import get_language

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


@register.filter
def in_language(item: dict, field: str = "message"):
    """``{{ hit|in_language:"message" }}`` picks ``message_fr`` or ``message_en``."""
    if not isinstance(item, dict):
        return getattr(item, f"{field}_{_lang()}", "")
    return item.get(f"{field}_{_lang()}") or item.get(f"{field}_fr", "")


@register.simple_tag
def indication_label(code: str) -> str:
    from cryoneuro.clinical.indications import INDICATIONS

    item = INDICATIONS.get(code)
    return item.label(_lang()) if item else code


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def choice_label(value: str, choices_name: str) -> str:
    """``{{ t.result|choice_label:"TREATMENT_RESULTS" }}``: the translated label of a code
    stored in JSON (evaluation forms' choice lists)."""
    from cryoneuro.evaluation import forms

    return str(dict(getattr(forms, choices_name, [])).get(value, value))
