"""Template filters of the evaluation pages (``{% load evaluation_tags %}``)."""

from django import template

from cryoneuro.evaluation import forms

register = template.Library()


@register.filter
def choice_label(value: str, choices_name: str) -> str:
    """``{{ t.result|choice_label:"TREATMENT_RESULTS" }}``: the translated label of a code
    stored in JSON (evaluation forms' choice lists)."""
    return str(dict(getattr(forms, choices_name, [])).get(value, value))
