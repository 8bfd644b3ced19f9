"""A French-aware phonetic key for names: two spellings that sound alike get one key.

For identity vigilance (RNIV: look for an existing record before creating one): the
registration suggests records with the same date of birth whose names sound alike, and the
user confirms. A small set of rewrite rules in the spirit of the French Soundex variants
(Phonex, Brouard 1998; "Soundex français"), written for this purpose, not a port of
either: accents dropped, digraphs to one sound (PH→F, QU→K, CH→S, GN→N, EAU/AU→O, AI/EI→E),
soft C/G, silent H and final consonants, doubled letters once. False matches are
acceptable (a person confirms); the tests pin the pairs it must and must not join.

>>> phonetic_key("Lefèvre") == phonetic_key("LEFEBVRE") == phonetic_key("le fevre")
True
"""

from __future__ import annotations

import re
import unicodedata

# (pattern, replacement), applied in order on upper-case unaccented letters.
_RULES: tuple[tuple[str, str], ...] = (
    (r"Œ", "E"),
    (r"Æ", "E"),
    (r"SCH", "S"),
    (r"CH|SH", "S"),
    (r"PH", "F"),
    (r"TH", "T"),
    (r"GH", "g"),  # a hard G (lower case marks it until the end): Ghislaine
    (r"GU(?=[EIY])", "g"),  # Guislaine
    (r"QU|Q", "K"),
    (r"CK", "K"),
    (r"C(?=[EIY])", "S"),
    (r"C", "K"),
    (r"GN", "N"),
    (r"G(?=[EIY])", "J"),
    (r"EAU|AU", "O"),
    (r"OU", "U"),
    (r"AI|EI|AY|EY", "E"),
    (r"(?<=[AEIOUY])S(?=[AEIOUY])", "Z"),
    (r"W", "V"),
    (r"Y", "I"),
    (r"X$", ""),
    (r"X", "KS"),
    (r"BV", "V"),
    (r"DT", "T"),
    (r"H", ""),
    (r"EN(?=[^AEIOUN]|$)|EM(?=[^AEIOUM]|$)|AM(?=[^AEIOUM]|$)", "AN"),
    (r"g", "G"),
    (r"(.)\1+", r"\1"),
    (r"(?<=..)[STDZ]$", ""),
    (r"(?<=.)(ER|EZ|ET)$", "E"),
    (r"(?<=..)E$", ""),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _RULES)


def normalise(text: str) -> str:
    """Letters only, upper case, accents dropped ("Lefèvre-Roux" → "LEFEVREROUX")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in bare.upper() if c.isalpha())


def phonetic_key(name: str) -> str:
    """The name's phonetic key ("" for a name without letters).

    >>> phonetic_key("Philippe"), phonetic_key("Filip")
    ('FILIP', 'FILIP')
    """
    key = normalise(name)
    for pattern, replacement in _COMPILED:
        key = pattern.sub(replacement, key)
    return key


def first_name(given_names: str) -> str:
    """The first given name ("Jean-Marc Paul" → "Jean-Marc")."""
    parts = given_names.split()
    return parts[0] if parts else ""


def names_sound_alike(a_family: str, a_given: str, b_family: str, b_given: str) -> bool:
    """Family names and first given names alike, or the two swapped (a common entry
    error)."""
    fa, ga = phonetic_key(a_family), phonetic_key(first_name(a_given))
    fb, gb = phonetic_key(b_family), phonetic_key(first_name(b_given))
    if not (fa and fb):
        return False
    return (fa == fb and ga == gb) or (fa == gb and ga == fb)
