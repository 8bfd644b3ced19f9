import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from cryoneuro.audit import triggers
from cryoneuro.audit.models import AppendOnlyError, AuditEntry
from cryoneuro.audit.services import audit_record, audit_verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(physician, make_patient):
    patient = make_patient()
    for action in ("view", "update", "export"):
        audit_record(
            actor=physician,
            action=action,
            obj=patient,
            patient_id=patient.pk,
            detail={"note": action},
        )
    return patient


def test_it_links_every_entry_to_the_previous_one(chain):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    report = audit_verify_chain()
    assert report.ok and report.checked == len(entries)


def test_it_records_who_what_which_patient_when_and_from_where(rf, physician, make_patient):
    patient = make_patient()
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    entry = audit_record(
        actor=physician, action="view", request=request, obj=patient, patient_id=patient.pk
    )
    assert entry.actor_username == "dr.house" and entry.actor_role == "physician"
    assert entry.patient_id == patient.pk and entry.ip_address == "10.1.2.3"
    assert entry.object_type == "patients.patient" and entry.at.utcoffset().total_seconds() == 0


def test_it_refuses_changes_through_the_orm(chain):
    entry = AuditEntry.objects.first()
    entry.detail = {"note": "rewritten"}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_it_refuses_changes_in_the_database_itself(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'view' WHERE seq = 2")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")


def test_it_detects_a_tampered_entry_and_names_it(chain):
    first_patient_entry = AuditEntry.objects.filter(action="update").get()
    with triggers.suspended_triggers(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_username = 'someone.else' WHERE seq = %s",
            [first_patient_entry.seq],
        )
    report = audit_verify_chain()
    assert not report.ok
    assert report.first_broken_seq == first_patient_entry.seq
    with pytest.raises(CommandError, match=f"#{first_patient_entry.seq}"):
        call_command("audit_verify")


def test_it_detects_a_deleted_entry(chain):
    with triggers.suspended_triggers(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == 2


def test_it_detects_entries_cut_from_the_end(chain):
    last = AuditEntry.objects.order_by("-seq").first().seq
    with triggers.suspended_triggers(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [last])
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == last


def test_the_command_says_the_chain_is_intact(chain, capsys):
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_administrators_browse_and_filter_the_trail(client, administrator, physician, chain):
    client.force_login(administrator)
    page = client.get("/audit/", {"username": "dr.house", "action": "export"})
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert rows and all(e.action == "export" and e.actor_username == "dr.house" for e in rows)
    verified = client.get("/audit/", {"verify": "1"})
    assert verified.context["report"].ok
