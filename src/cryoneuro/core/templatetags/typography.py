"""Typography that follows the page's language.

French puts a no-break space before a colon ("Prévu : 2 cycles"); English does not
("Planned: 2 cycles"). Templates write ``{% translate "Planned" %}{% colon %}`` rather
than a literal ":" after a translated label, so each language gets its own rule.
Source: Imprimerie nationale, *Lexique des règles typographiques en usage à
l'Imprimerie nationale* (2002), "Ponctuation": espace insécable avant le deux-points.
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

register = template.Library()

NO_BREAK_SPACE = "\u00a0"

# Languages whose typography puts a no-break space before a colon.
SPACE_BEFORE_COLON = frozenset({"fr"})


def colon_for(language: str | None) -> str:
    """The colon after a label in ``language`` (a language code such as "fr" or "fr-ch")."""
    base = (language or "").split("-")[0].lower()
    return NO_BREAK_SPACE + ":" if base in SPACE_BEFORE_COLON else ":"


@register.simple_tag
def colon() -> str:
    """The colon after a label, in the active language's typography."""
    return colon_for(get_language())
