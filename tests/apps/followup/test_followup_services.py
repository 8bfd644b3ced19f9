import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cryoneuro.followup import services
from cryoneuro.followup.models import ItemKind, ItemStatus
from tests.apps.procedures.helpers import run_procedure

pytestmark = pytest.mark.django_db


def _start(days_ago=0):
    return (timezone.now() - dt.timedelta(days=days_ago)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )


def _answer(patient, user, procedure, day, nrs, *, analgesics=None, complete=True):
    from cryoneuro.procedures.selectors import local_date

    response = services.questionnaire_start(
        patient=patient,
        user=user,
        instruments=["nrs", "analgesics"],
        answered_on=local_date(procedure) + dt.timedelta(days=day),
    )
    response.procedure = procedure
    response.save()
    answers = {"nrs": nrs, "analgesics": analgesics or []}
    return services.questionnaire_save(
        response=response, user=user, answers=answers, complete=complete
    )[0]


def test_discharge_generates_the_schedule_from_defaults_and_the_window(full_procedure):
    items = list(full_procedure.followup_items.all())
    days = [(i.day, i.kind) for i in items]
    assert (1, "call") in days and (7, "questionnaire") in days and (30, "visit") in days
    assert (180, "questionnaire") in days
    # the ipbsn window's earliest end of relief adds a questionnaire (no default within 14 d)
    from cryoneuro.procedures.selectors import procedure_relief_window

    window_day = int(procedure_relief_window(full_procedure).end_days[0])
    if not any(
        abs(d - window_day) <= 14 for d, k in days if k == "questionnaire" and d != window_day
    ):
        assert (window_day, "questionnaire") in days
    knee = next(i for i in items if i.day == 7)
    assert knee.instruments[:2] == ["nrs", "bpi"] and "koos" in knee.instruments
    from django.utils import translation

    assert knee.label == "" and knee.label_code == "questionnaire"
    with translation.override("fr"):
        assert knee.display_label == "Questionnaire J7"
    with translation.override("en"):
        assert knee.display_label == "Questionnaire day 7"


def test_the_schedule_follows_the_settings(cleared_patient, nurse, settings):
    settings.FOLLOWUP_SCHEDULE = [{"day": 3, "kind": "call"}, {"day": 14, "kind": "visit"}]
    settings.FOLLOWUP_ADD_WINDOW_ITEM = False
    procedure = run_procedure(cleared_patient, nurse, start=_start())
    assert [(i.day, i.kind) for i in procedure.followup_items.all()] == [(3, "call"), (14, "visit")]


def test_due_questionnaires_are_emailed_in_the_patients_language(cleared_patient, nurse):
    cleared_patient.preferred_language = "en"
    cleared_patient.save()
    procedure = run_procedure(cleared_patient, nurse, start=_start(days_ago=8))
    sent = services.followup_send_due()
    assert sent == 1  # day 7 only; the day-1 call is not e-mailed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cleared_patient.email]
    assert "follow-up questionnaire" in message.subject
    item = procedure.followup_items.get(day=7)
    assert f"/follow-up/items/{item.pk}/questionnaire/" in message.body
    assert item.status == ItemStatus.SENT
    assert services.followup_send_due() == 0  # idempotent


def test_a_cancelled_item_is_not_sent(cleared_patient, nurse):
    procedure = run_procedure(cleared_patient, nurse, start=_start(days_ago=8))
    item = procedure.followup_items.get(day=7)
    services.followup_item_update(item=item, user=nurse, status=ItemStatus.CANCELLED)
    assert services.followup_send_due() == 0
    assert mail.outbox == []
    # and French by default
    services.followup_item_update(item=item, user=nurse, status=ItemStatus.PLANNED)
    assert services.followup_send_due() == 1
    assert "questionnaire de suivi" in mail.outbox[0].subject


def test_partial_answers_stay_a_draft_and_are_merged(full_procedure, nurse):
    item = full_procedure.followup_items.get(day=7)
    response = services.questionnaire_start(patient=full_procedure.patient, user=nurse, item=item)
    response, problems = services.questionnaire_save(
        response=response, user=nurse, answers={"nrs": 4, "bpi": {"mood": 3}}, complete=True
    )
    assert response.is_draft
    assert "bpi" in problems and "koos" in problems and "nrs" not in problems
    response, _ = services.questionnaire_save(response=response, user=nurse, answers={"pgic": 2})
    response.refresh_from_db()
    assert response.answers["nrs"] == 4 and response.answers["bpi"] == {"mood": 3}
    assert response.answers["pgic"] == 2
    assert response.nrs == 4
    # the same draft is reopened for the item
    assert (
        services.questionnaire_start(patient=full_procedure.patient, user=nurse, item=item)
        == response
    )


def test_mme_is_computed_with_cdc_2022_factors(full_procedure, nurse):
    response = _answer(
        full_procedure.patient,
        nurse,
        full_procedure,
        7,
        3,
        analgesics=[
            {"drug": "oxycodone", "route": "oral", "daily_dose": 20.0},  # 30 MME
            {"drug": "tramadol", "route": "oral", "daily_dose": 200.0},  # 40 MME
            {"drug": "fentanyl_transdermal", "daily_dose": 25.0},  # 60 MME
            {"drug": "paracetamol", "daily_dose": 3000.0},  # 0
        ],
    )
    assert not response.is_draft
    assert response.mme_per_day == pytest.approx(130.0)
    drugs = response.scores["analgesics"]["drugs"]
    assert [d["mme_per_day"] for d in drugs] == [30.0, 40.0, 60.0, 0.0]


def test_mme_flows_into_the_timeline(full_procedure, nurse):
    from cryoneuro.followup.timeline import build_chart

    _answer(
        full_procedure.patient,
        nurse,
        full_procedure,
        7,
        3,
        analgesics=[{"drug": "codeine", "route": "oral", "daily_dose": 240.0}],
    )  # 36 MME
    _answer(
        full_procedure.patient,
        nurse,
        full_procedure,
        30,
        2,
        analgesics=[{"drug": "codeine", "route": "oral", "daily_dose": 120.0}],
    )  # 18 MME
    chart = build_chart(patient=full_procedure.patient)
    assert [p["value"] for p in chart.mme_points] == [36.0, 18.0]
    assert chart.summary["first_mme"] == 36.0 and chart.summary["last_mme"] == 18.0
    assert chart.mme_path.startswith("M")
    # baseline (procedure day) then the two answers
    assert [p["value"] for p in chart.nrs_points] == [7, 3, 2]
    assert chart.nrs_points[0]["kind"] == "baseline"
    assert len(chart.markers) == 1 and {b["kind"] for b in chart.bands} == {"relief", "ending"}
    # the second MME point is drawn lower (smaller value) than the first
    assert chart.mme_points[1]["y"] > chart.mme_points[0]["y"]


def test_the_timeline_says_when_an_mme_could_not_be_computed(full_procedure, nurse, client, login):
    from cryoneuro.followup.timeline import build_chart

    _answer(
        full_procedure.patient,
        nurse,
        full_procedure,
        7,
        3,
        analgesics=[{"drug": "codeine", "route": "oral", "daily_dose": 240.0}],
    )  # 36 MME
    _answer(
        full_procedure.patient,
        nurse,
        full_procedure,
        30,
        2,
        analgesics=[{"drug": "fentanyl", "route": "buccal", "daily_dose": 400.0}],
    )  # no sourced factor: not plotted (not a fall to zero)
    chart = build_chart(patient=full_procedure.patient)
    assert [p["value"] for p in chart.mme_points] == [36.0]
    [gap] = chart.summary["mme_not_computed"]
    assert gap["drugs"] == "fentanyl (buccal)"
    login(nurse)
    from django.urls import reverse

    page = client.get(reverse("followup_timeline", args=[full_procedure.patient.pk]))
    assert page.status_code == 200 and b'id="mme-not-computed"' in page.content


def test_response_and_end_of_relief_are_detected(cleared_patient, nurse):
    procedure = run_procedure(cleared_patient, nurse, start=_start(days_ago=200))
    patient = cleared_patient
    for day, nrs in [(1, 6), (7, 3), (30, 2), (90, 3), (120, 6), (150, 7)]:
        _answer(patient, nurse, procedure, day, nrs)
    site = services.relief_tracking(patient=patient)[0]
    session = site["sessions"][0]
    assert session["baseline"] == 7
    assert session["course"].status == "relief_ended"
    assert session["course"].onset_day == 7
    assert session["course"].end_day == 120
    assert session["vs_window"] in ("earlier", "within", "later")
    assert site["next_step"].action == "retreatment_consultation"


def test_two_failed_sessions_propose_other_treatments(cleared_patient, nurse):
    first = run_procedure(cleared_patient, nurse, start=_start(days_ago=200))
    for day, nrs in [(7, 7), (30, 6)]:
        _answer(cleared_patient, nurse, first, day, nrs)
    second = run_procedure(cleared_patient, nurse, start=_start(days_ago=100))
    for day, nrs in [(7, 7), (35, 7)]:
        _answer(cleared_patient, nurse, second, day, nrs)
    site = services.relief_tracking(patient=cleared_patient)[0]
    assert [s["course"].status for s in site["sessions"]] == ["no_response", "no_response"]
    assert site["next_step"].action == "consider_other_treatments"
    assert site["next_step"].failed_sessions == 2


def test_ongoing_relief_continues_follow_up(full_procedure, nurse):
    _answer(full_procedure.patient, nurse, full_procedure, 7, 2)
    site = services.relief_tracking(patient=full_procedure.patient)[0]
    assert site["sessions"][0]["course"].status == "responding"
    assert site["next_step"].action == "continue_follow_up"


def test_staff_add_and_reschedule_items(full_procedure, nurse):
    item = services.followup_item_add(
        patient=full_procedure.patient,
        user=nurse,
        kind=ItemKind.CALL,
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    assert item.procedure == full_procedure and item.day == 3
    assert item.instruments == ["nrs", "analgesics", "side_effects"]
    new_day = item.due_date + dt.timedelta(days=2)
    services.followup_item_update(item=item, user=nurse, due_date=new_day)
    item.refresh_from_db()
    assert item.due_date == new_day


def test_the_daily_command_sends_what_is_due(cleared_patient, nurse, capsys):
    from django.core.management import call_command

    run_procedure(cleared_patient, nurse, start=_start(days_ago=8))
    call_command("followup_send")
    assert "1 questionnaire(s) sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_a_new_session_at_the_same_site_supersedes_the_open_items(cleared_patient, nurse):
    first = run_procedure(cleared_patient, nurse, start=_start(days_ago=100))
    open_before = first.followup_items.filter(status="planned", due_date__gt=timezone.localdate())
    assert open_before.exists()
    run_procedure(cleared_patient, nurse, start=_start())
    assert not first.followup_items.filter(status__in=["planned", "sent"]).exists()


def test_the_patients_own_relief_updates_the_next_prediction(cleared_patient, nurse, client, login):
    # session 1 at the site: relief ended on day 30, well before the population window;
    # session 2: its prediction (and the next one) moves towards the patient's 30 days
    first = run_procedure(cleared_patient, nurse, start=_start(days_ago=300))
    for day, nrs in [(7, 3), (30, 7), (90, 7)]:
        _answer(cleared_patient, nurse, first, day, nrs)
    second = run_procedure(cleared_patient, nurse, start=_start(days_ago=20))
    _answer(cleared_patient, nurse, second, 7, 3)
    site = services.relief_tracking(patient=cleared_patient)[0]
    s1, s2 = site["sessions"]
    assert s1["course"].end_day == 30
    assert not s1["window"].personalised  # no earlier session: the population window
    assert s1["window"].end_days == s1["population_window"].end_days
    assert s2["window"].personalised and s2["window"].observed_end_days == (30.0,)
    pop_low, pop_high = s2["population_window"].end_days
    low, high = s2["window"].end_days
    assert low < pop_low and high < pop_high  # moved towards 30 days, part way
    assert low > 30 * 0.5
    nxt = site["next_window"]
    assert nxt.personalised and site["observed_end_days"] == [30.0]
    login(nurse)
    page = client.get(f"/patients/{cleared_patient.pk}/follow-up/").content.decode()
    assert 'class="next-window" data-personalised="true"' in page
    assert "relief lasted 30 days" in page or "soulagement a duré 30 jours" in page


def test_one_opioid_measure_shows_no_trend_on_the_timeline(full_procedure, nurse, client):
    import re

    _answer(
        full_procedure.patient,
        nurse,
        full_procedure,
        7,
        3,
        analgesics=[{"drug": "codeine", "route": "oral", "daily_dose": 240.0}],
    )  # 36 MME, the only opioid point
    client.force_login(nurse)
    page = client.get(
        f"/patients/{full_procedure.patient.pk}/timeline/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    summary = re.search(r'<p class="summary" id="timeline-summary">(.*?)</p>', page, re.S)
    assert summary, page[:2000]
    text = re.sub(r"<[^>]+>", "", summary.group(1))
    opioids, pain = text.split(" · ")
    assert "→" not in opioids and "36" in opioids and "une seule mesure" in opioids
    assert "7 → 3/10" in pain  # the procedure-day baseline and the answer: a trend
