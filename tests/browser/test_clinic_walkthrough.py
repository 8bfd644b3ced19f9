"""Issue 11's walk, in both languages, through the real pages, each role in its own
browser context whose Accept-Language picks the page's language:

1. the coordinator registers a patient and sends the portal invitation (the set-password
   link is read from Django's outbox; the patient follows it, chooses a password and logs
   in to the portal);
2. the physician evaluates (eligible) and plans (ipbsn at the form's shallow defaults);
3. the coordinator books the procedure appointment (a 20-45 min ambulatory slot, the
   first free one on the procedure day);
4. on the procedure day the nurse admits the patient from that appointment (preselected)
   with the plan's nerves, and records the checklist: pre-check (WHO sign-in: identity,
   site and side, marking, allergies recorded by the physician), imaging, positioning, disinfection, local
   anaesthesia, probe insertion, the nerve (probe, gas) and its freeze-thaw cycles as the
   plan says, probe removal, surveillance, discharge; the appointment becomes attended
   and the procedure is closed;
5. a week later the patient fills the day-7 questionnaire in the portal on a 390 px phone;
6. the physician sees it on the patient's page and on the timeline (pain trajectory).

Every page visited is checked for the other language: no English msgid of the French
catalogue (nor an English nerve or indication name) on a French page, no French
translation of the catalogue (nor a French nerve or indication name) on an English page.

The clock: the walk runs on tomorrow's date (clinic time) from 08:40, under
``time_machine`` (which moves the live server's clock too, not the browser's monotonic
timers); the clock is moved to each step's time before it is recorded, so that no time
is in the future or before the previous step whatever the hour the test runs at.
Sessions end with the browser (no cookie expiry), so the moved clock does not log anyone
out; each role logs in in its own context.

Screenshots (French walk, ``CRYONEURO_SCREENSHOTS=docs/screenshots``): plan, procedure
record, patient page, timeline, portal questionnaire at phone width.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache

import pytest
from playwright.sync_api import expect

from tests.apps.test_untranslated_strings import PO, _catalog_names, _english_msgids
from tests.apps.visible_text import visible_texts
from tests.browser.test_portal_phone import PHONE, _assert_fits

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("CRYONEURO_SCREENSHOTS")

TEXT = {
    "fr": {
        "home": "Mon travail",
        "eligible": "Éligible à la cryoneurolyse",
        "feasible": "Réalisable",
        "checkin": "Admission pour une intervention",
        "appointment": "Rendez-vous",
        "booked": "Réservé",
        "no_allergies_yet": "Allergies non renseignées",
        "procedure_type": "Intervention de cryoneurolyse",
        "attended": "Honoré",
        "identity": "Identité confirmée par le patient avec deux identifiants",
        "as_planned": "Nerfs conformes au plan",
        "closed": "Clôturée",
        "send": "Envoyer mes réponses",
    },
    "en": {
        "home": "My work",
        "eligible": "Eligible for cryoneurolysis",
        "feasible": "Feasible",
        "checkin": "Check-in for a procedure",
        "appointment": "Appointment",
        "booked": "Booked",
        "no_allergies_yet": "Allergies not recorded yet",
        "procedure_type": "Cryoneurolysis procedure",
        "attended": "Attended",
        "identity": "Identity confirmed by the patient with two identifiers",
        "as_planned": "Nerves as planned",
        "closed": "Closed",
        "send": "Send my answers",
    },
}


@cache
def _french_msgstrs() -> tuple[str, ...]:
    """Multi-word French translations of the catalogue that differ from their msgid."""
    out = []
    for entry in PO.read_text(encoding="utf-8").split("\n\n"):
        if entry.lstrip().startswith("#~") or "msgid_plural" in entry:
            continue
        m = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if not m:
            continue
        msgid = "".join(re.findall(r'"(.*)"', m.group(1))).replace('\\"', '"')
        msgstr = "".join(re.findall(r'"(.*)"', m.group(2))).replace('\\"', '"')
        if msgid != msgstr and not re.search(r"[%{]", msgstr) and len(msgstr.split()) >= 3:
            out.append(msgstr)
    return tuple(out)


@cache
def _other_language(lang: str) -> tuple[str, ...]:
    if lang == "fr":
        return tuple(_english_msgids() + _catalog_names()[0])
    return _french_msgstrs() + tuple(_catalog_names()[1])


def _assert_in_language(page, lang: str) -> None:
    """The page is in ``lang``: no text of the other language's catalogue is shown."""
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang, page.url
    shown = "\n".join(visible_texts(page.content()))
    found = sorted({s for s in _other_language(lang) if s in shown})
    assert not found, f"{page.url} ({lang}) shows the other language: {found}"


def _assert_links_open(page) -> None:
    """Every link of the page's main part opens for this user (no link it cannot follow:
    issue 11 §5)."""
    hrefs = page.locator("main a[href^='/']").evaluate_all(
        "els => [...new Set(els.map(e => e.getAttribute('href')))]"
    )
    closed = []
    for href in hrefs:
        status = page.request.get(href, max_redirects=0).status
        if status >= 400:
            closed.append(f"{href} ({status})")
    assert not closed, f"{page.url}: links that do not open: {closed}"


def _context(browser, live_server, lang, viewport=None, **kwargs):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR" if lang == "fr" else "en-GB",
        viewport=viewport or {"width": 1280, "height": 900},
        **kwargs,
    )
    context.set_default_timeout(15_000)
    return context


def _staff_login(page, username, clock):
    """Password, then the TOTP code; the clock is first moved off the end of a 30 s TOTP
    period, so that the code typed is still the server's when it checks it."""
    import time

    from tests.conftest import PASSWORD, TOTP_SECRET, totp_now

    left = 30 - time.time() % 30
    if left < 8:
        clock.shift(left + 1)

    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", totp_now(TOTP_SECRET))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state("networkidle")


def _patient_login(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state("networkidle")


def _clinic(physician_user):
    """The clinic's resources, open 09:00-17:00 every day."""
    from cryoneuro.scheduling.models import OpeningHours, Resource, ResourceKind

    resources = [
        Resource.objects.create(
            kind=ResourceKind.PRACTITIONER, name="Dr House", user=physician_user
        ),
        Resource.objects.create(kind=ResourceKind.PROCEDURE_ROOM, name="Salle 1"),
        Resource.objects.create(kind=ResourceKind.CONSOLE, name="Console"),
        Resource.objects.create(kind=ResourceKind.RECOVERY, name="Surveillance 1"),
    ]
    for resource in resources:
        for weekday in range(7):
            OpeningHours.objects.create(
                resource=resource, weekday=weekday, opens=dt.time(9, 0), closes=dt.time(17, 0)
            )


class _Day:
    """Clock times on the walk's procedure day (clinic zone)."""

    def __init__(self, day: dt.date):
        self.day = day

    def at(self, hh_mm_ss: str, days: int = 0) -> dt.datetime:
        from django.utils import timezone

        naive = dt.datetime.combine(
            self.day + dt.timedelta(days=days), dt.time.fromisoformat(hh_mm_ss)
        )
        return timezone.make_aware(naive, timezone.get_current_timezone())


def _step(page, clock, day, code, at, fields):
    """Record a checklist step at ``at`` (HH:MM or HH:MM:SS), the clock just after it."""
    clock.move_to(day.at(at if at.count(":") == 2 else f"{at}:00") + dt.timedelta(seconds=20))
    form = page.locator(f"#step-{code} form")
    for name, value in {**fields, "at": at}.items():
        control = form.locator(f"[name='{code}-{name}']")
        if value in ("yes", "no"):  # a yes/no question: two radio buttons, none checked
            form.locator(f"input[type=radio][name='{code}-{name}'][value='{value}']").check()
        elif control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#step-{code}")).to_have_attribute("data-done", "true")


def _clock_text(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M:%S")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_it_walks_the_whole_path_as_each_role(
    browser, live_server, coordinator, physician, nurse, lang, mailoutbox
):
    import time_machine
    from django.utils import timezone

    from cryoneuro.followup.models import QuestionnaireResponse
    from cryoneuro.patients.models import Patient
    from cryoneuro.procedures.models import Procedure
    from cryoneuro.scheduling.models import Appointment
    from cryoneuro.treatmentplans.models import TreatmentPlan

    text = TEXT[lang]
    day = _Day(timezone.localdate() + dt.timedelta(days=1))
    _clinic(physician)
    with time_machine.travel(day.at("08:40:00"), tick=True) as clock:
        # 1. coordinator: registers the patient, sends the portal invitation
        ctx = _context(browser, live_server, lang)
        page = ctx.new_page()
        _staff_login(page, "coord.ada", clock)
        expect(page.locator("h1")).to_have_text(text["home"])
        _assert_in_language(page, lang)
        _assert_links_open(page)
        page.goto("/patients/new/")
        _assert_in_language(page, lang)
        page.fill("#id_family_name", "Lefèvre")
        page.fill("#id_given_name", "Marc")
        page.fill("#id_birth_date", "1952-09-14")
        page.select_option("#id_sex", "male")
        page.fill("#id_email", "marc.lefevre@example.org")
        page.select_option("#id_preferred_language", lang)
        page.check("#id_consent_data_processing")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text("LEFÈVRE")
        _assert_in_language(page, lang)
        patient = Patient.objects.get(family_name="Lefèvre")
        page.locator("details summary").first.click()
        page.fill("#id_username", f"marc.{lang}")
        page.locator(f"form[action='/patients/{patient.pk}/portal-account/'] button").click()
        expect(page.locator(".messages")).to_contain_text("marc.lefevre@example.org")
        assert len(mailoutbox) == 1
        link = re.search(r"https?://\S+", mailoutbox[0].body)
        assert link is not None
        ctx.close()

        # the patient follows the invitation link, chooses a password, logs in
        password = "Une-phrase-de-passe-longue-42"
        ctx = _context(browser, live_server, lang)
        page = ctx.new_page()
        page.goto(link.group(0).replace("http://testserver", live_server.url))
        _assert_in_language(page, lang)
        page.fill("#id_password1", password)
        page.fill("#id_password2", password)
        page.locator("button[name=action][type=submit]").click()
        page.wait_for_load_state("networkidle")
        _patient_login(page, f"marc.{lang}", password)
        expect(page.locator("h1")).to_contain_text("Marc")
        _assert_in_language(page, lang)
        ctx.close()

        # 2. physician: evaluates (eligible), then plans
        ctx = _context(browser, live_server, lang)
        page = ctx.new_page()
        _staff_login(page, "dr.house", clock)
        page.goto(f"/patients/{patient.pk}/evaluations/new/")
        _assert_in_language(page, lang)
        page.select_option("#id_indication", "knee_arthrosis")
        page.fill("#id_pain_location", "genou droit")
        page.select_option("#id_side", "right")
        page.fill("#id_pain_duration_months", "18")
        page.fill("#id_nrs", "7")
        page.select_option("#id_surgery_declined_or_impossible", "yes")
        page.select_option("#id_treatments-0-kind", "medication")
        page.fill("#id_treatments-0-name", "paracétamol")
        page.select_option("#id_treatments-0-result", "partial_relief")
        page.select_option("#id_treatments-1-kind", "infiltration")
        page.fill("#id_treatments-1-name", "infiltration")
        page.select_option("#id_treatments-1-result", "no_relief")
        page.fill("#id_platelets_g_per_l", "230")
        page.select_option("#id_target_is_mixed_motor_nerve", "no")
        page.select_option("#id_consent", "given")
        page.locator("#evaluation-form button[type=submit]").click()
        expect(page.locator("#decision .outcome")).to_contain_text(text["eligible"])
        _assert_in_language(page, lang)
        # the allergies, asked on every page that shows the patient until recorded
        expect(page.locator("#allergy-banner")).to_contain_text(text["no_allergies_yet"])
        page.goto(f"/patients/{patient.pk}/allergies/")
        _assert_in_language(page, lang)
        page.locator("input[name=substances][value=latex]").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("#allergy-banner")).to_contain_text(re.compile("latex", re.I))
        page.goto(f"/patients/{patient.pk}/plans/new/")
        _assert_in_language(page, lang)
        page.select_option("#id_nerve", "ipbsn")
        page.locator("#compute-plan").click()
        page.wait_for_url(re.compile(r"/plans/\d+/#plan-result$"), timeout=60_000)
        expect(page.locator("h2.nerve-title .badge").first).to_have_text(text["feasible"])
        _assert_in_language(page, lang)
        relief = page.locator("#plan-relief p").first.inner_text()
        assert not re.search(r"\d{4}-\d\d-\d\d", relief), relief  # dates in the locale
        if SHOTS and lang == "fr":
            page.screenshot(path=f"{SHOTS}/plan.png", full_page=True)
        ctx.close()
        plan = TreatmentPlan.objects.get(patient=patient)
        protocol = plan.result["protocol"]
        cycles, freeze_s, thaw_s = (
            int(protocol["cycles"]),
            int(protocol["freeze_s"]),
            int(protocol["thaw_s"]),
        )

        # 3. coordinator: books the procedure, the first free slot on the procedure day
        clock.move_to(day.at("08:45:00"))  # a new TOTP period for the second login
        ctx = _context(browser, live_server, lang)
        page = ctx.new_page()
        _staff_login(page, "coord.ada", clock)
        page.goto(f"/patients/{patient.pk}/")
        page.locator(f"#appointments a[href='/patients/{patient.pk}/appointments/new/']").click()
        expect(page.locator("input[name=start]").first).to_be_visible()
        page.wait_for_load_state("networkidle")  # htmx is ready before the first change
        duration = page.locator("#slots p.muted").first
        page.select_option("#id_type", "procedure")
        page.select_option("#id_nerve_codes", ["ipbsn"])
        expect(duration).to_contain_text("25", timeout=15_000)  # the zone's minutes
        page.wait_for_load_state("networkidle")
        minutes = int(re.search(r"\d+", duration.inner_text()).group(0))
        assert 20 <= minutes <= 45  # an ambulatory act
        _assert_in_language(page, lang)
        first = page.locator("input[name=start]").first
        assert dt.datetime.fromisoformat(first.get_attribute("value")) == day.at("09:00:00")
        first.check()
        page.locator("#book-form button.primary[type=submit]").click()
        page.wait_for_load_state("networkidle")
        booked = page.locator("#appointments li[data-status=booked]")
        expect(booked).to_have_count(1)
        expect(booked).to_contain_text("09:00")
        expect(booked).to_contain_text(text["procedure_type"])
        _assert_in_language(page, lang)
        _assert_links_open(page)  # the coordinator's view of the patient
        ctx.close()
        appointment = Appointment.objects.get(patient=patient)
        assert appointment.type.code == "procedure" and appointment.nerve_codes == ["ipbsn"]
        assert (appointment.main_end - appointment.start) == dt.timedelta(minutes=minutes)

        # 4. procedure day: the nurse admits the patient from the day's appointment
        clock.move_to(day.at("08:58:00"))
        ctx = _context(browser, live_server, lang)
        page = ctx.new_page()
        _staff_login(page, "nurse.joy", clock)
        _assert_links_open(page)  # the nurse's home
        page.goto(f"/patients/{patient.pk}/")
        _assert_in_language(page, lang)
        _assert_links_open(page)
        page.locator(f"a[href='/patients/{patient.pk}/procedures/new/']").click()
        expect(page.locator("h1")).to_contain_text(text["checkin"])
        expect(page.locator("#today-appointment")).to_contain_text("09:00")
        expect(page.locator("#id_appointment")).to_have_value(str(appointment.pk))
        expect(page.locator("#id_site_label")).to_have_value("genou droit")  # from the record
        _assert_in_language(page, lang)
        # the plan of the booked nerve is preselected
        expect(page.locator(f"input[name=plan_id][value='{plan.pk}']")).to_be_checked()
        page.locator("#checkin-form button[type=submit]").click()
        expect(page.locator("#step-pre_check")).to_be_visible()
        expect(page.locator("#procedure-appointment")).to_contain_text(text["appointment"])
        expect(page.locator("#procedure-appointment")).to_contain_text(text["booked"])
        procedure = Procedure.objects.get(patient=patient)
        assert procedure.planned_nerves == ["ipbsn"] and procedure.plan_ids == [plan.pk]
        _assert_in_language(page, lang)

        # the checklist, each step recorded when done (the clock at its time)
        pre_check = page.locator("#step-pre_check form")
        expect(pre_check).to_contain_text(text["identity"])
        expect(pre_check).to_contain_text("1952")  # the second identifier
        assert pre_check.locator("input[type=radio]:checked").count() == 0  # none preset
        _step(
            page,
            clock,
            day,
            "pre_check",
            "09:02",
            {
                "identity_confirmed": "yes",
                "site_side_confirmed": "yes",
                "site_marked": "yes",
                "consent_signed": "yes",
                "allergies_confirmed": "yes",
                "anticoagulation_taken": "no",
                "infection_at_site": "no",
                "baseline_nrs": "7",
            },
        )
        expect(page.locator("#allergy-banner")).to_contain_text(
            re.compile("latex", re.I)
        )  # to re-confirm
        _step(
            page,
            clock,
            day,
            "imaging",
            "09:04",
            {"modality": "ultrasound", "nerve_identified": "yes"},
        )
        _step(page, clock, day, "positioning", "09:06", {"position": "supine"})
        _step(page, clock, day, "disinfection", "09:08", {"antiseptic": "chlorhexidine_alcohol"})
        _step(page, clock, day, "anaesthesia", "09:10", {"agent": "lidocaine_1", "volume_ml": "4"})
        _step(
            page,
            clock,
            day,
            "insertion",
            "09:14",
            {"guidance": "ultrasound", "tip_confirmed": "yes"},
        )
        _assert_in_language(page, lang)
        # the nerve of the plan, its probe and gas, then the cycles the plan says
        expect(page.locator("#id_nerve-nerve_code")).to_have_value("ipbsn")
        page.fill("#id_nerve-probe", "Iovera 27G")
        page.select_option("#id_nerve-cryogen", "n2o")
        page.locator("#add-nerve").click()
        expect(page.locator("form[action*='/cycles/']")).to_be_visible()
        start = day.at("09:16:00")
        for _ in range(cycles):
            stop = start + dt.timedelta(seconds=freeze_s)
            thawed = stop + dt.timedelta(seconds=thaw_s)
            clock.move_to(thawed + dt.timedelta(seconds=10))
            cycle = page.locator("form[action*='/cycles/']")
            cycle.locator("[name$='-freeze_start']").fill(_clock_text(start))
            cycle.locator("[name$='-freeze_stop']").fill(_clock_text(stop))
            cycle.locator("[name$='-thaw_stop']").fill(_clock_text(thawed))
            cycle.locator("[name$='-min_temperature_c']").fill("-88")
            cycle.locator("button[type=submit]").click()
            expect(page.locator("#step-nerves table")).to_contain_text(_clock_text(thawed)[:5])
            start = thawed + dt.timedelta(seconds=30)
        expect(page.locator("#step-nerves")).to_have_attribute("data-done", "true")
        expect(page.locator("#plan-verdict")).to_have_attribute("data-as-planned", "true")
        expect(page.locator("#plan-verdict")).to_contain_text(text["as_planned"])
        expect(page.locator("[data-protocol-differs]")).to_have_attribute(
            "data-protocol-differs", "false"
        )
        _step(page, clock, day, "probe_removal", "09:28", {"haemostasis": "yes", "dressing": "yes"})
        _step(
            page,
            clock,
            day,
            "surveillance",
            "09:48",
            {
                "nrs": "2",
                "heart_rate": "70",
                "systolic": "128",
                "diastolic": "76",
                "spo2": "98",
                "minutes": "20",
            },
        )
        _step(page, clock, day, "discharge", "09:50", {"advice_given": "yes", "accompanied": "yes"})
        # imaging to probe removal: 24 min, within the usual 20-45
        expect(page.locator("#duration")).to_have_attribute("data-verdict", "within")
        # the booking is completed by the discharge
        expect(page.locator("#procedure-appointment")).to_contain_text(text["attended"])
        expect(page.locator("#plan-verdict")).to_contain_text(text["as_planned"])
        _assert_in_language(page, lang)
        if SHOTS and lang == "fr":
            page.screenshot(path=f"{SHOTS}/procedure.png", full_page=True)
        page.locator("#close-button").click()
        expect(page.locator("#procedure-status")).to_have_attribute("data-status", "closed")
        expect(page.locator("#procedure-status")).to_have_text(text["closed"])
        _assert_in_language(page, lang)
        ctx.close()
        appointment.refresh_from_db()
        assert appointment.status == "attended"
        item = procedure.followup_items.get(day=7, kind="questionnaire")

        # 5. a week later, the patient fills the questionnaire in the portal, on a phone
        clock.move_to(day.at("18:30:00", days=7))
        ctx = _context(browser, live_server, lang, viewport=PHONE, is_mobile=True, has_touch=True)
        page = ctx.new_page()
        _patient_login(page, f"marc.{lang}", password)
        expect(page.locator("h1")).to_contain_text("Marc")
        _assert_fits(page)
        _assert_in_language(page, lang)
        _assert_links_open(page)
        if SHOTS and lang == "fr":
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=f"{SHOTS}/portal-phone.png")
        page.locator(f"a.fill-link[href='/follow-up/items/{item.pk}/questionnaire/']").click()
        expect(page.locator("#questionnaire-form")).to_be_visible()
        _assert_fits(page)
        _assert_in_language(page, lang)
        page.locator("input[name=nrs][value='3']").check()
        expect(page.locator("#save-status")).to_have_attribute("data-status", "draft")
        page.locator("input[name=pgic][value='2']").check()
        # sending now is refused, saying what is missing, in the page's language
        page.locator("#complete-button").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("#questionnaire-form .error").first).to_be_visible()
        _assert_in_language(page, lang)
        if SHOTS and lang == "fr":
            page.screenshot(path=f"{SHOTS}/questionnaire-phone.png")
        # every other question answered (the middle answer of each list)
        page.evaluate(
            """() => {
              const form = document.getElementById('questionnaire-form');
              const radios = [...form.querySelectorAll('input[type=radio]')];
              for (const name of new Set(radios.map(e => e.name))) {
                const group = radios.filter(e => e.name === name);
                if (!group.some(e => e.checked)) group[Math.floor(group.length / 2)].checked = true;
              }
              for (const select of form.querySelectorAll('select')) {
                if (select.value || /^(drug|route)_/.test(select.name)) continue;
                const options = [...select.options].filter(o => o.value);
                select.value = options[Math.floor(options.length / 2)].value;
              }
            }"""
        )
        page.select_option("#id_drug_0", "tramadol")
        page.select_option("#id_route_0", "oral")
        page.fill("#id_dose_0", "100")
        page.wait_for_timeout(700)  # the draft's autosave (600 ms after a change) is sent
        page.wait_for_load_state("networkidle")
        page.locator("#complete-button").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("main")).to_contain_text("MME")
        _assert_fits(page)
        _assert_in_language(page, lang)
        response = QuestionnaireResponse.objects.get(item=item)
        assert not response.is_draft and response.nrs == 3 and response.mme_per_day == 20.0
        ctx.close()

        # 6. the physician sees it: the patient's page and the pain trajectory
        clock.move_to(day.at("18:45:00", days=7))
        ctx = _context(browser, live_server, lang)
        page = ctx.new_page()
        _staff_login(page, "dr.house", clock)
        page.goto(f"/patients/{patient.pk}/")
        expect(page.locator("main")).to_contain_text(text["closed"])
        _assert_in_language(page, lang)
        _assert_links_open(page)
        if SHOTS and lang == "fr":
            page.screenshot(path=f"{SHOTS}/patient.png", full_page=True)
        page.goto(f"/patients/{patient.pk}/timeline/")
        # before the procedure (7) and day 7 (3)
        expect(page.locator("#timeline-chart .nrs-point")).to_have_count(2)
        expect(page.locator("#timeline-chart .mme-point")).to_have_count(1)
        titles = page.locator("#timeline-chart .nrs-point title").evaluate_all(
            "els => els.map(e => e.textContent)"
        )
        assert any("NRS 7" in t for t in titles) and any("NRS 3" in t for t in titles)
        _assert_in_language(page, lang)
        if SHOTS and lang == "fr":
            page.screenshot(path=f"{SHOTS}/timeline.png", full_page=True)
        ctx.close()


def test_the_catalogue_checks_find_the_other_language():
    """The walk's language check is not vacuous: it knows English and French strings."""
    assert "Nerves as planned" in _other_language("fr")
    assert "Nerfs conformes au plan" in _other_language("en")
    assert not any("%" in s for s in _french_msgstrs())
