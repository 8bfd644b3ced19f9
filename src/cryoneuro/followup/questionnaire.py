"""The follow-up questionnaire: which instruments, the form that collects (possibly
partial) answers, and the scoring, which is always the clinical layer's
(:mod:`cryoneuro.clinical.questionnaires`, :mod:`cryoneuro.clinical.analgesics`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cryoneuro.clinical import questionnaires as q
from cryoneuro.clinical.analgesics import ROUTES, convert, is_opioid, known_drugs
from cryoneuro.core.labels import label, pgic_label

INSTRUMENTS = (
    "nrs",
    "bpi",
    "dn4",
    "womac",
    "koos",
    "pgic",
    "analgesics",
    "activities",
    "side_effects",
)
INSTRUMENT_LABELS = {
    "nrs": _("Pain intensity (NRS 0-10)"),
    "bpi": _("How pain interferes with your life (BPI)"),
    "dn4": _("Neuropathic pain (DN4)"),
    "womac": _("Knee function (WOMAC)"),
    "koos": _("Knee function (KOOS)"),
    "pgic": _("Overall change since the procedure (PGIC)"),
    "analgesics": _("Pain medicines you take"),
    "activities": _("Return to usual activities"),
    "side_effects": _("Side effects"),
}
NEUROPATHIC = {
    "intercostal_neuralgia",
    "occipital_neuralgia",
    "postherpetic_neuralgia",
    "postsurgical_pain",
    "posttraumatic_pain",
    "crps",
}
KNEE = {"knee_arthrosis"}
ANALGESIC_ROWS = 4
SIDE_EFFECTS = [
    ("site_pain", _("Pain at the puncture site")),
    ("numbness", _("Numbness")),
    ("tingling", _("Tingling")),
    ("motor_weakness", _("Weakness of the limb")),
    ("skin_change", _("Skin change at the site")),
]
ROUTE_LABELS = {
    "oral": _("By mouth (tablet, capsule, drops)"),
    "transdermal": _("Skin patch"),
    "buccal": _("Against the gum or cheek"),
    "sublingual": _("Under the tongue"),
    "nasal": _("Nasal spray"),
    "parenteral": _("Injection or drip (IV, under the skin, into the muscle)"),
    "rectal": _("Suppository"),
    "topical": _("On the skin (cream, plaster)"),
    "unknown": _("I don't know"),
}
WOMAC_LEVELS = [
    (0, _("None")),
    (1, _("Mild")),
    (2, _("Moderate")),
    (3, _("Severe")),
    (4, _("Extreme")),
]


def lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def instruments_for(indication: str, kind: str = "questionnaire") -> list[str]:
    """The instruments of a follow-up item: a nurse's call asks the essentials."""
    if kind == "call":
        return ["nrs", "analgesics", "side_effects"]
    chosen = ["nrs", "bpi"]
    if indication in NEUROPATHIC:
        chosen.append("dn4")
    if indication in KNEE:
        chosen.append(getattr(settings, "FOLLOWUP_KNEE_INSTRUMENT", "koos"))
    chosen += ["pgic", "analgesics", "activities", "side_effects"]
    return chosen


def _int_choice(label, values, *, radio=True, blank=True):
    choices = ([("", "—")] if blank and not radio else []) + [(v, str(lbl)) for v, lbl in values]
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect if radio else forms.Select,
    )


def drug_choices():
    return [("", "—")] + [(d, d.replace("_", " ")) for d in known_drugs()]


def route_choices():
    return [("", "—")] + [(r, ROUTE_LABELS[r]) for r in ROUTES]


class QuestionnaireForm(forms.Form):
    """Every field is optional: what is answered is kept as a draft; completing checks
    that each instrument can be scored under its own missing-item rules."""

    def __init__(self, *args, instruments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.instruments = [i for i in instruments if i in INSTRUMENTS]
        language = lang()
        self.groups: list[tuple[str, str, list[str]]] = []
        for instrument in self.instruments:
            names = getattr(self, f"_add_{instrument}")(language)
            self.groups.append((instrument, str(INSTRUMENT_LABELS[instrument]), names))

    # each _add_* creates its fields and returns their names
    def _add_nrs(self, language):
        self.fields["nrs"] = _int_choice(
            _("Your pain now, from 0 (no pain) to 10 (worst imaginable)"),
            [(i, i) for i in range(11)],
        )
        return ["nrs"]

    def _add_bpi(self, language):
        names = []
        for item in q.BPI_SEVERITY_ITEMS + q.BPI_INTERFERENCE_ITEMS:
            name = f"bpi_{item.code}"
            self.fields[name] = _int_choice(item.text(language), [(i, i) for i in range(11)])
            names.append(name)
        return names

    def _add_dn4(self, language):
        names = []
        for item in q.DN4_ITEMS:
            name = f"dn4_{item.code}"
            self.fields[name] = forms.TypedChoiceField(
                label=item.text(language),
                required=False,
                empty_value=None,
                choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
                coerce=lambda v: v == "yes",
            )
            names.append(name)
        return names

    def _likert(self, prefix, subscales, language):
        names = []
        for items in subscales.values():
            for item in items:
                name = f"{prefix}_{item.code}"
                self.fields[name] = _int_choice(item.text(language), WOMAC_LEVELS, radio=False)
                names.append(name)
        return names

    def _add_womac(self, language):
        return self._likert("womac", q.WOMAC_SUBSCALES, language)

    def _add_koos(self, language):
        # each KOOS item has its own answer labels (Never ... Always; for "straighten /
        # bend fully", Always ... Never), the stored value is the item score 0-4
        names = []
        for items in q.KOOS_SUBSCALES.values():
            for item in items:
                name = f"koos_{item.code}"
                self.fields[name] = _int_choice(
                    item.text(language), item.options(language), radio=False
                )
                names.append(name)
        return names

    def _add_pgic(self, language):
        self.fields["pgic"] = _int_choice(
            _("Since the procedure, your condition is"),
            [(v, fr if language == "fr" else en) for v, fr, en in q.PGIC_CHOICES],
        )
        return ["pgic"]

    def _add_analgesics(self, language):
        names = ["no_analgesics"]
        self.fields["no_analgesics"] = forms.BooleanField(
            label=_("I take no pain medicine"), required=False
        )
        for i in range(ANALGESIC_ROWS):
            self.fields[f"drug_{i}"] = forms.ChoiceField(
                label=_("Medicine"), required=False, choices=drug_choices
            )
            self.fields[f"route_{i}"] = forms.ChoiceField(
                label=_("How you take it"), required=False, choices=route_choices
            )
            self.fields[f"dose_{i}"] = forms.DecimalField(
                label=_("Total per day (mg; fentanyl patch: µg/h; other fentanyl: µg)"),
                required=False,
                min_value=0,
                max_value=5000,
                decimal_places=2,
            )
            names += [f"drug_{i}", f"route_{i}", f"dose_{i}"]
        return names

    def _add_activities(self, language):
        self.fields["activities"] = forms.ChoiceField(
            label=_("Have you returned to your usual activities?"),
            required=False,
            widget=forms.RadioSelect,
            choices=[
                (v, fr if language == "fr" else en) for v, fr, en in q.RETURN_TO_ACTIVITIES_CHOICES
            ],
        )
        return ["activities"]

    def _add_side_effects(self, language):
        self.fields["side_effects"] = forms.MultipleChoiceField(
            label=_("Since the procedure, have you noticed"),
            required=False,
            choices=SIDE_EFFECTS,
            widget=forms.CheckboxSelectMultiple,
        )
        return ["side_effects"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns, typed without None
        for i in range(ANALGESIC_ROWS):
            drug, dose = data.get(f"drug_{i}"), data.get(f"dose_{i}")
            if drug and dose is None:
                self.add_error(f"dose_{i}", _("Give the total dose per day."))
            if dose is not None and not drug:
                self.add_error(f"drug_{i}", _("Choose the medicine."))
            route = data.get(f"route_{i}") or None
            if drug and is_opioid(drug) and route is None:
                self.add_error(
                    f"route_{i}",
                    _('Say how you take this medicine (choose "I don\'t know" if unsure).'),
                )
            elif drug and dose is not None:
                try:
                    convert(drug, float(dose), route)
                except ValueError as error:
                    self.add_error(f"route_{i}", str(error))
        return data

    def answers(self) -> dict[str, Any]:
        """Structured answers from the cleaned fields (only what was answered)."""
        data = getattr(self, "cleaned_data", {})  # the valid fields, even if others are not
        out: dict[str, Any] = {}
        for instrument in self.instruments:
            if instrument in ("nrs", "pgic"):
                if data.get(instrument) is not None:
                    out[instrument] = data[instrument]
            elif instrument in ("bpi", "dn4", "womac", "koos"):
                values = {
                    name.split("_", 1)[1]: data.get(name)
                    for name in self.fields
                    if name.startswith(f"{instrument}_")
                }
                values = {k: v for k, v in values.items() if v is not None}
                if values:
                    out[instrument] = values
            elif instrument == "analgesics":
                rows = [
                    {
                        "drug": data[f"drug_{i}"],
                        "route": data.get(f"route_{i}") or "unknown",
                        "daily_dose": float(data[f"dose_{i}"]),
                    }
                    for i in range(ANALGESIC_ROWS)
                    if data.get(f"drug_{i}")
                    and data.get(f"dose_{i}") is not None
                    and f"route_{i}" not in self.errors
                ]
                if rows or data.get("no_analgesics"):
                    out["analgesics"] = rows
            elif instrument == "activities":
                if data.get("activities"):
                    out["activities"] = data["activities"]
            elif instrument == "side_effects":
                out["side_effects"] = list(data.get("side_effects") or [])
        return out


def initial_from(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Form initial values from stored answers (to resume a draft)."""
    initial: dict[str, Any] = {}
    for key in ("nrs", "pgic", "activities", "side_effects"):
        if key in answers:
            initial[key] = answers[key]
    for instrument in ("bpi", "dn4", "womac", "koos"):
        for code, value in (answers.get(instrument) or {}).items():
            if instrument == "dn4":
                value = "yes" if value else "no"
            initial[f"{instrument}_{code}"] = value
    if "analgesics" in answers:
        initial["no_analgesics"] = not answers["analgesics"]
        for i, row in enumerate(answers["analgesics"][:ANALGESIC_ROWS]):
            initial[f"drug_{i}"] = row["drug"]
            initial[f"route_{i}"] = row.get("route", "unknown")
            initial[f"dose_{i}"] = row["daily_dose"]
    return initial


def score(
    answers: Mapping[str, Any], instruments: list[str], days_since_procedure: float | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Scores of every instrument (from the clinical layer) and, per instrument, why it
    cannot be completed yet (empty when the questionnaire is complete)."""
    scores: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for instrument in instruments:
        value = answers.get(instrument)
        if instrument == "nrs":
            result = q.nrs(value)
        elif instrument == "bpi":
            result = q.bpi(value or {})
        elif instrument == "dn4":
            result = q.dn4_score(value or {})
        elif instrument == "womac":
            result = q.womac(value or {})
        elif instrument == "koos":
            result = q.koos(value or {})
        elif instrument == "pgic":
            result = q.pgic(value)
        elif instrument == "activities":
            result = q.return_to_activities(value, days_since_procedure)
        elif instrument == "analgesics":
            if value is None:
                problems["analgesics"] = "missing"
                continue
            scores["analgesics"] = analgesics_score(value)
            continue
        else:
            continue
        scores[instrument] = result.to_dict()
        if not result.valid:
            problems[instrument] = result.note or "missing"
    return scores, problems


def analgesics_score(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Per intake its MME/day by route (clinical layer), and the day's total; the total is
    ``None`` when an intake cannot be converted (route not given, no sourced factor): a
    partial total would understate the opioid load. ``unavailable`` says which and why."""
    per_drug = [convert(r["drug"], r["daily_dose"], r.get("route")).to_dict() for r in rows]
    unavailable = [d for d in per_drug if d["mme_per_day"] is None]
    total = (
        None
        if unavailable
        else round(sum(d["mme_per_day"] for d in per_drug if d["mme_per_day"] is not None), 3)
    )
    return {
        "drugs": per_drug,
        "mme_per_day": total,
        "unavailable": [
            {"drug": d["drug"], "route": d["route"], "reason_code": d["reason_code"]}
            for d in unavailable
        ],
        "note": "; ".join(d["reason"] for d in unavailable),
    }


def score_note(instrument: str, score: Mapping[str, Any]) -> str:
    """A stored score's note in the reader's language, rebuilt from its numbers (the
    clinical layer writes its notes in English: they are for the logs and the CLI)."""
    total = score.get("total")
    subscales = score.get("subscales") or {}
    if instrument == "nrs":
        return f"LOINC {q.NRS_LOINC}"
    if instrument == "dn4":
        if total is None:
            return gettext("all 10 items are needed (DN4 has no missing-item rule)")
        return gettext("suggests neuropathic pain") if total >= q.DN4_NEUROPATHIC_THRESHOLD else ""
    if instrument == "bpi":
        notes = []
        if subscales.get("severity") is None:
            notes.append(
                gettext("fewer than %(n)s of 4 severity items answered")
                % {"n": q.BPI_SEVERITY_MIN_ANSWERED}
            )
        if subscales.get("interference") is None:
            notes.append(
                gettext("fewer than %(n)s of 7 interference items answered")
                % {"n": q.BPI_MIN_ANSWERED}
            )
        return "; ".join(notes)
    if instrument == "koos":
        note = gettext(
            "total = KOOS4 (mean of pain, symptoms, sport and recreation, quality of life)"
        )
        short = [label("subscale", name) for name, value in subscales.items() if value is None]
        if short:
            note += "; " + gettext("fewer than half the items answered: %(subscales)s") % {
                "subscales": ", ".join(short)
            }
        return note
    if instrument == "pgic":
        return pgic_label(total)
    if instrument == "activities":
        match = re.fullmatch(r"day (\d+(?:\.\d+)?)", str(score.get("note") or ""))
        return gettext("day %(day)s") % {"day": match.group(1)} if match else ""
    return ""
