"""Layout fixes of issue 11 that can be checked without a browser."""

from pathlib import Path

from django import forms
from django.template.loader import render_to_string

CSS = Path(__file__).resolve().parents[2] / "src/cryoneuro/static/cryoneuro/app.css"


class _Form(forms.Form):
    consent = forms.BooleanField(label="Single box", required=False)
    conditions = forms.MultipleChoiceField(
        label="Group label",
        required=False,
        choices=[("a", "First"), ("b", "Second")],
        widget=forms.CheckboxSelectMultiple,
    )


def test_it_puts_a_group_label_above_its_checkboxes_not_beside_them():
    form = _Form()
    group = render_to_string("web/_field.html", {"field": form["conditions"]})
    assert group.index("Group label") < group.index('value="a"')
    assert 'class="field check' not in group and 'class="field"' in group
    single = render_to_string("web/_field.html", {"field": form["consent"]})
    assert 'class="field check"' in single
    assert single.index('type="checkbox"') < single.index("Single box")


def test_it_wraps_long_words_and_keeps_key_value_lists_inside_the_screen():
    css = CSS.read_text(encoding="utf-8")
    assert "overflow-wrap: anywhere" in css
    assert "grid-template-columns: max-content minmax(0, 1fr)" in css
