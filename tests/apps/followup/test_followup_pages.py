import datetime as dt

import pytest
from django.utils import timezone

from cryoneuro.followup.models import QuestionnaireResponse
from tests.apps.procedures.helpers import run_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal_patient(cleared_patient, make_user, nurse):
    user = make_user("patient", "claire")
    cleared_patient.user = user
    cleared_patient.save()
    start = (timezone.now() - dt.timedelta(days=8)).replace(hour=9, minute=0)
    procedure = run_procedure(cleared_patient, nurse, start=start)
    return user, cleared_patient, procedure


def test_the_patient_fills_a_questionnaire_in_the_portal(portal_patient, client, login):
    user, patient, procedure = portal_patient
    login(user)
    home = client.get(f"/patients/{patient.pk}/").content.decode()
    item = procedure.followup_items.get(day=7)
    assert f"/follow-up/items/{item.pk}/questionnaire/" in home
    item_url = f"/follow-up/items/{item.pk}/questionnaire/"
    response = client.get(item_url)
    assert response.status_code == 200
    assert not QuestionnaireResponse.objects.filter(item=item).exists()  # nothing typed yet
    # htmx autosave: the first answer creates the draft and keeps it
    saved = client.post(item_url, {"nrs": "3", "action": "save"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "save-status" in saved.content.decode()
    draft = QuestionnaireResponse.objects.get(item=item)
    url = f"/questionnaires/{draft.pk}/"
    assert client.get(url).status_code == 200
    assert client.get(item_url)["Location"] == url  # the item now opens its draft
    client.post(item_url, {"nrs": "3", "action": "save"}, HTTP_HX_REQUEST="true")
    assert QuestionnaireResponse.objects.filter(item=item).count() == 1  # never a second
    draft.refresh_from_db()
    assert draft.is_draft and draft.nrs == 3
    # completing with questions left: 422, still a draft, nothing lost
    incomplete = client.post(url, {"nrs": "3", "bpi_mood": "2", "action": "complete"})
    assert incomplete.status_code == 422
    draft.refresh_from_db()
    assert draft.is_draft and draft.answers["bpi"] == {"mood": 2}


def test_the_timeline_page_draws_an_svg(portal_patient, client, login):
    user, patient, _ = portal_patient
    login(user)
    page = client.get(f"/patients/{patient.pk}/timeline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'class="band relief"' in html and 'class="marker"' in html
    assert "style=" not in html.split("<main", 1)[1]  # CSP: no inline styles


def test_another_patient_cannot_open_the_questionnaire(
    portal_patient, client, login, make_user, make_patient
):
    _, patient, procedure = portal_patient
    other = make_user("patient", "bob")
    make_patient("Bob", user=other)
    login(other)
    item = procedure.followup_items.get(day=7)
    assert client.get(f"/follow-up/items/{item.pk}/questionnaire/").status_code == 403
    assert client.get(f"/patients/{patient.pk}/timeline/").status_code == 403
    assert client.get(f"/patients/{patient.pk}/follow-up/").status_code == 403
    assert client.get("/follow-up/").status_code == 403


def test_staff_manage_the_schedule(portal_patient, nurse, client, login):
    _, patient, procedure = portal_patient
    login(nurse)
    assert client.get(f"/patients/{patient.pk}/follow-up/").status_code == 200
    assert client.get("/follow-up/").status_code == 200
    bad = client.post(f"/patients/{patient.pk}/follow-up/items/", {"kind": "x", "due_date": "nope"})
    assert bad.status_code == 422
    ok = client.post(
        f"/patients/{patient.pk}/follow-up/items/", {"kind": "call", "due_date": "2030-01-02"}
    )
    assert ok.status_code == 302
    item = procedure.followup_items.get(day=7)
    client.post(f"/follow-up/items/{item.pk}/", {"action": "send"})
    item.refresh_from_db()
    assert item.status == "sent"
    client.post(f"/follow-up/items/{item.pk}/", {"due_date": "2030-02-03", "status": ""})
    item.refresh_from_db()
    assert item.due_date == dt.date(2030, 2, 3)
    created = client.post(f"/patients/{patient.pk}/questionnaires/new/")
    assert created.status_code == 302


def test_an_invalid_answer_does_not_lose_the_valid_ones(portal_patient, client, login):
    user, _patient, procedure = portal_patient
    login(user)
    item = procedure.followup_items.get(day=7)
    client.post(f"/follow-up/items/{item.pk}/questionnaire/", {"action": "save"})
    draft = QuestionnaireResponse.objects.get(item=item)
    response = client.post(
        f"/questionnaires/{draft.pk}/",
        {"nrs": "4", "pgic": "2", "drug_0": "oxycodone", "action": "save"},
    )
    assert response.status_code == 422  # the dose is missing
    draft.refresh_from_db()
    assert draft.answers["nrs"] == 4 and draft.answers["pgic"] == 2 and draft.is_draft


def test_it_creates_no_draft_when_a_questionnaire_is_only_opened(portal_patient, client, login):
    user, _patient, procedure = portal_patient
    login(user)
    item = procedure.followup_items.get(day=7)
    for _n in range(3):
        page = client.get(f"/follow-up/items/{item.pk}/questionnaire/")
        assert page.status_code == 200 and 'name="nrs"' in page.content.decode()
    assert not QuestionnaireResponse.objects.filter(item=item).exists()
    # without JavaScript, the first "save" creates the draft and shows it
    saved = client.post(
        f"/follow-up/items/{item.pk}/questionnaire/", {"nrs": "5", "action": "save"}
    )
    draft = QuestionnaireResponse.objects.get(item=item)
    assert saved["Location"] == f"/questionnaires/{draft.pk}/"
    assert draft.nrs == 5 and draft.is_draft
