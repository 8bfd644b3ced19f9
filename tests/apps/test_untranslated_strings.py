"""French pages are French, English pages are English (issue 11 §4).

The demo clinic is loaded and each main page is rendered, as each role that may open it,
in French and in English. Two checks:

* a visible text node that is identical in both renderings and still has letters once
  the clinic's own data (names, identifiers, what people typed) and a short allowlist
  (words spelled the same in both languages, units, codes, brand names) are taken out
  is an untranslated string;
* no text of the other language's catalogue appears: the English msgids of the French
  catalogue and the pure layers' English names (nerves, indications) on French pages,
  their French names on English pages.

The pages are listed per app (``OWNED_PAGES`` and ``PLAN_AND_PROCEDURE_PAGES``); a page
added to the site is added here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from tests.apps.visible_text import visible_texts

pytestmark = pytest.mark.django_db(transaction=True)

PO = Path(__file__).resolve().parents[2] / "src/cryoneuro/locale/fr/LC_MESSAGES/django.po"

SAME_IN_BOTH = {
    # words spelled the same in French and English
    "Action", "Actions", "Date", "Dates", "Dose", "Grade", "Infiltration", "Intervention",
    "Interventions", "Maintenance", "Note", "Notes", "Patient", "Patients", "Position",
    "Questionnaire", "Questionnaires", "Sources", "Surveillance", "Type", "Variation",
    "Total", "Scores", "Pages", "Export", "export", "Message", "Contact", "Options", "E-mail",
    "Volume", "Muscle", "Tendon", "Canton",
    # languages named in their own language (the language switch, the patient's language)
    "Français", "English", "FR", "EN", "fr", "en",
    # names, codes, units, brands
    "cryoneuro", "TOTP", "CO2", "SpO2", "mL", "mm", "MME", "PDF", "ICS", "LOINC", "BPI",
    "DN4", "WOMAC", "KOOS", "KOOS4", "PGIC", "IPBSN", "INR", "DOAC", "Dr", "ID", "JSON",
    "FHIR", "iCal", "TENS", "kg", "cm", "min", "h", "s", "J",
    "France",  # the clinic's country on the French profile (patient page)
}  # fmt: skip
"""Tokens a text node may be made of and still be the same in both languages."""

COLON_WITHOUT_SPACE = re.compile(r"\w*[^\W\d_]\n?:(?=\s|$)")
"""A word glued to its colon on a French page ("Prévu: 2"; French wants "Prévu : 2")."""

CODE = re.compile(r"^\[?[A-Z0-9_]+\]?$")  # rule codes such as [NR_INR_HIGH]
OBJECT_TYPE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")  # the audit trail's object types

TYPED_JSON = {
    "evaluation.evaluation": ("conservative_treatments", "anticoagulants", "antiplatelets")
}
"""JSON fields that hold what people typed (drug names, treatments)."""

TYPED_JSON_KEYS = {"procedures.procedurestep": ("data", ("note", "notes", "comment"))}
"""JSON fields of which only some keys hold what people typed (a step's note)."""


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _data_strings() -> list[str]:
    """What people typed or the clinic is named by: every free-text value of the clinic's
    records (fields without choices), the accounts' names and usernames."""
    from django.conf import settings

    values: set[str] = {settings.CLINIC_NAME}
    for label, names in TYPED_JSON.items():
        for row in apps.get_model(label).objects.values_list(*names):
            values.update(s.strip() for s in _strings(list(row)) if len(s.strip()) >= 3)
    for label, (field, keys) in TYPED_JSON_KEYS.items():
        for data in apps.get_model(label).objects.values_list(field, flat=True):
            if isinstance(data, dict):
                values.update(
                    s.strip() for k in keys for s in _strings(data.get(k)) if len(s.strip()) >= 3
                )
    for model in apps.get_models():
        if not model.__module__.startswith(("cryoneuro.", "django.contrib.auth")):
            continue
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField | models.EmailField)
            and not f.choices
            and f.name not in {"password", "object_type", "object_id", "hash", "prev_hash"}
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if isinstance(value, str) and len(value.strip()) >= 3:
                    values.add(value.strip())
    for user in apps.get_model("accounts", "User").objects.all():
        values.update({user.get_full_name(), user.username})
    for patient in apps.get_model("patients", "Patient").objects.all():
        values.update({patient.full_name, f"{patient.family_name.upper()} {patient.given_name}"})
    return sorted((v for v in values if v), key=len, reverse=True)


def _untranslated(text: str, data: list[str]) -> bool:
    """True when ``text`` (found identical in both languages) still has words to translate."""
    text = OBJECT_TYPE.sub(" ", text)
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    words = re.findall(r"[^\W\d_]+[\w.-]*", text)
    return any(w not in SAME_IN_BOTH and not CODE.match(w) for w in words)


def _english_msgids() -> list[str]:
    """Multi-word English msgids of the French catalogue whose French differs."""
    text = PO.read_text(encoding="utf-8")
    out = []
    for entry in text.split("\n\n"):
        if entry.lstrip().startswith("#~") or "msgid_plural" in entry:
            continue
        m = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if not m:
            continue
        msgid = "".join(re.findall(r'"(.*)"', m.group(1))).replace('\\"', '"')
        msgstr = "".join(re.findall(r'"(.*)"', m.group(2))).replace('\\"', '"')
        if msgid != msgstr and "%" not in msgid and "{" not in msgid and len(msgid.split()) >= 3:
            out.append(msgid)
    return out


def _catalog_names() -> tuple[list[str], list[str]]:
    """The pure layers' own names: (English ones, French ones), multi-word only."""
    from cryoneuro.clinical.indications import INDICATIONS
    from cryoneuro.clinical.nerves import NERVES

    en = [n.name_en for n in NERVES.values()] + [i.label_en for i in INDICATIONS.values()]
    fr = [n.name_fr for n in NERVES.values()] + [i.label_fr for i in INDICATIONS.values()]
    pairs = [(e, f) for e, f in zip(en, fr, strict=True) if e != f]
    return [e for e, _f in pairs if len(e.split()) >= 2], [
        f for _e, f in pairs if len(f.split()) >= 2
    ]


def _check(client, pages: dict[str, list[str]]) -> list[str]:
    """Render every (username, url) in both languages; the problems found."""
    from django.contrib.auth import get_user_model

    data = _data_strings()
    english = _english_msgids() + _catalog_names()[0]
    french = _catalog_names()[1]
    problems: dict[str, set[str]] = defaultdict(set)
    checked = 0
    for username, urls in pages.items():
        client.force_login(get_user_model().objects.get(username=username))
        for url in urls:
            fr = client.get(url, HTTP_ACCEPT_LANGUAGE="fr", follow=True)
            en = client.get(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
            assert fr.status_code == en.status_code == 200, (username, url, fr.status_code)
            checked += 1
            fr_texts = visible_texts(fr.content.decode())
            en_texts = visible_texts(en.content.decode())
            where = f"{username} {url}"
            for text in set(fr_texts) & set(en_texts):
                if _untranslated(text, data):
                    problems[f"same in FR and EN: {text!r}"].add(where)
            fr_page, en_page = "\n".join(fr_texts), "\n".join(en_texts)
            for msgid in english:
                if msgid in fr_page:
                    problems[f"English on the French page: {msgid!r}"].add(where)
            for name in french:
                if name in en_page:
                    problems[f"French on the English page: {name!r}"].add(where)
            for bad in COLON_WITHOUT_SPACE.finditer(fr_page):
                context = fr_page[max(0, bad.start() - 40) : bad.end() + 20]
                problems[f"French typography, no space before ':': {context!r}"].add(where)
    assert checked
    return [f"{p}  ({', '.join(sorted(w)[:3])})" for p, w in sorted(problems.items())]


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    from cryoneuro.patients.models import Patient

    return {p.family_name: p for p in Patient.objects.all()}


def _owned_pages(demo) -> dict[str, list[str]]:
    from cryoneuro.evaluation.models import Evaluation
    from cryoneuro.followup.models import QuestionnaireResponse

    morel, lefevre, caron = demo["Morel"], demo["Lefèvre"], demo["Caron"]
    patient_pages = [
        f"/patients/{p.pk}/{page}"
        for p in (morel, lefevre, caron)
        for page in ("", "edit/", "follow-up/", "timeline/", "care-plan/", "appointments/new/")
    ]
    evaluations = [f"/evaluations/{e.pk}/" for e in Evaluation.objects.order_by("pk")]
    responses = [
        f"/questionnaires/{r.pk}/"
        for r in QuestionnaireResponse.objects.filter(patient=morel).order_by("pk")
    ]
    common = ["/", "/patients/", "/calendar/", "/follow-up/"]
    return {
        "dr.martin": [
            *common,
            "/patients/new/",
            "/appointments/requests/",
            *patient_pages,
            f"/patients/{caron.pk}/evaluations/new/",
            *evaluations,
            *responses,
        ],
        "inf.bernard": ["/", "/patients/", f"/patients/{morel.pk}/", *responses[:1]],
        "coord.petit": [
            "/",
            "/patients/",
            "/calendar/",
            "/calendar/manage/",
            "/appointments/requests/",
            f"/patients/{lefevre.pk}/appointments/new/",
        ],
        "admin": ["/", "/staff/accounts/", "/audit/"],
        "claire.morel": ["/", "/portal/appointments/", f"/patients/{morel.pk}/", *responses[:1]],
    }


def test_it_finds_no_untranslated_string_on_the_clinic_pages(client, demo):
    """Patients, evaluation, follow-up, care plans, scheduling, portal, home, accounts."""
    problems = _check(client, _owned_pages(demo))
    assert not problems, "\n".join(problems)


def test_it_finds_no_untranslated_string_on_the_plan_and_procedure_pages(client, demo):
    """Procedures and treatment plans (pages other engineers are changing)."""
    from django.contrib.auth import get_user_model

    from cryoneuro.procedures.models import Procedure
    from cryoneuro.treatmentplans.models import PlanComputation, TreatmentPlan

    procedures = [f"/procedures/{p.pk}/" for p in Procedure.objects.order_by("pk")]
    plans = [
        f"/patients/{p.patient_id}/plans/{p.pk}/" for p in TreatmentPlan.objects.order_by("pk")
    ]
    lefevre = demo["Lefèvre"]
    # a plan waiting for the task worker (issue 13): the page that follows it
    waiting = PlanComputation.objects.create(
        patient=lefevre, created_by=get_user_model().objects.get(username="dr.martin"), request={}
    )
    pages = {
        "dr.martin": [
            f"/patients/{lefevre.pk}/plans/computations/{waiting.pk}/",
            "/plans/",
            "/procedures/",
            f"/patients/{lefevre.pk}/plans/",
            f"/patients/{lefevre.pk}/plans/new/",
            *plans,
            *procedures,
        ],
        "inf.bernard": ["/procedures/", *procedures[:2]],
    }
    problems = _check(client, pages)
    assert not problems, "\n".join(problems)


SOURCE = Path(__file__).resolve().parents[2] / "src/cryoneuro"
PY_MSGID = re.compile(r'\b(?:_|_lazy|gettext|gettext_lazy|_l)\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]')
TEMPLATE_MSGID = re.compile(r'{%\s*translate\s+"([^"]+)"')


def test_every_literal_msgid_in_the_source_has_a_french_translation():
    """A string marked for translation but missing from the French catalogue shows in
    English on French pages, and the page checks above cannot see it (they look for the
    catalogue's msgids): the questionnaire's "Too many questions are left unanswered in
    one part." was such a string (issue 11). Literal msgids of the Python code and of
    ``{% translate %}`` are looked up in the project's catalogue, then in Django's."""
    from django.utils import translation

    text = PO.read_text(encoding="utf-8")
    known = {
        "".join(re.findall(r'"(.*)"', m.group(1))).replace('\\"', '"')
        for m in re.finditer(r'^msgid ((?:".*"\n)+)', text, re.M)
    }
    missing = []
    files = [
        *((f, PY_MSGID) for f in SOURCE.rglob("*.py") if "migrations" not in f.parts),
        *((f, TEMPLATE_MSGID) for f in SOURCE.rglob("*.html")),
    ]
    for path, pattern in files:
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            msgid = m.group(1).replace('\\"', '"')
            # templates write a literal % as %% in the catalogue
            if msgid in known or (pattern is TEMPLATE_MSGID and msgid.replace("%", "%%") in known):
                continue
            with translation.override("fr"):
                if translation.gettext(msgid) != msgid:  # Django's own catalogue
                    continue
            missing.append(f"{path.relative_to(SOURCE)}: {msgid!r}")
    assert not missing, "\n".join(missing)
