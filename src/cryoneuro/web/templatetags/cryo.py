from django import template
from django.utils.translation import get_language

from cryoneuro.clinical.indications import INDICATIONS

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
    item = INDICATIONS.get(code)
    return item.label(_lang()) if item else code


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
