"""`make run` loads the demo clinic once: a second run neither duplicates nor fails."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_loads_the_demo_once_and_prints_the_logins(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    from cryoneuro.evaluation.models import Evaluation
    from cryoneuro.patients.models import Patient

    call_command("load_demo")
    first = capsys.readouterr().out
    counts = (Patient.objects.count(), Evaluation.objects.count())
    call_command("load_demo", url="http://127.0.0.1:8123/")
    second = capsys.readouterr().out
    assert "demo clinic: http://127.0.0.1:8000/" in first  # the default
    assert "demo clinic: http://127.0.0.1:8123/" in second  # `make run PORT=8123`
    assert (Patient.objects.count(), Evaluation.objects.count()) == counts
    outcomes = set(Evaluation.objects.values_list("outcome", flat=True))
    assert outcomes == {"eligible", "needs_review", "not_eligible"}
    for role in ("administrator", "physician", "nurse", "coordinator", "patient"):
        assert role in first and role in second
    # the same passwords both times (kept in var/, not regenerated)
    assert first.split("Demo logins")[1] == second.split("Demo logins")[1]


def test_demo_patients_cover_every_indication_and_contraindication(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    from cryoneuro.clinical.indications import INDICATIONS
    from cryoneuro.evaluation.models import Evaluation

    call_command("load_demo")
    assert set(INDICATIONS) <= set(Evaluation.objects.values_list("indication", flat=True))
    fired = {
        hit["code"]
        for d in Evaluation.objects.values_list("decision", flat=True)
        for hit in d["fired"]
    }
    from cryoneuro.clinical.eligibility import RULES

    contraindications = {rule.code for rule in RULES if rule.severity == "contraindication"}
    assert contraindications <= fired


def test_the_demo_shows_a_bleeding_tier_decision_for_apixaban(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    from cryoneuro.evaluation.models import Evaluation

    call_command("load_demo")
    evaluation = Evaluation.objects.get(patient__family_name="Caron")
    hit = next(h for h in evaluation.decision["fired"] if h["code"] == "NR_ANTICOAGULANT")
    assert (
        "intermediate bleeding-risk tier (Intercostal nerve, not compressible)" in hit["message_en"]
    )
    assert "stop apixaban 3 days before; restart 24 h after" in hit["message_en"]
    assert "arrêter l'apixaban 3 jours avant" in hit["message_fr"]
    assert evaluation.ruleset_version == "2026.12.7"


def test_the_demo_treated_patients_have_their_allergies_recorded(tmp_path, settings, client):
    settings.VAR_DIR = tmp_path
    from cryoneuro.patients.models import Patient
    from cryoneuro.procedures.models import Procedure

    call_command("load_demo")
    treated = Patient.objects.filter(pk__in=Procedure.objects.values_list("patient_id", flat=True))
    assert treated.exists()
    assert not treated.filter(allergies_recorded_at__isnull=True).exists()
    from cryoneuro.accounts.models import User

    physician = User.objects.filter(role="physician").first()
    client.force_login(physician)
    for patient in treated:
        page = client.get(f"/patients/{patient.pk}/").content.decode()
        assert "Allergies not recorded yet" not in page and "Allergies non renseignées" not in page


def test_the_demo_deep_target_apixaban_interval_is_sourced(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    from cryoneuro.evaluation.models import Evaluation

    call_command("load_demo")
    evaluation = Evaluation.objects.get(patient__family_name="Caron")
    hit = next(h for h in evaluation.decision["fired"] if h["code"] == "NR_ANTICOAGULANT")
    assert "not verified" not in hit["message_en"]  # ESAIC/ESRA 2022 deep-block row
