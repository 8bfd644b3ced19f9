import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from cryoneuro.audit import triggers
from cryoneuro.audit.models import AppendOnlyError, AuditEntry
from cryoneuro.audit.services import audit_record, audit_verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reasons_in_english():
    """The reasons are translated (the audit page is French by default); these tests
    read them in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


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
    rows = list(page.context["entries"])
    assert rows and all(e.action == "export" and e.actor_username == "dr.house" for e in rows)
    verified = client.get("/audit/", {"verify": "1"})
    assert verified.context["report"].ok


# --- Someone who can write to the database (issue 13 §2) -----------------------------


def _rewrite_from(seq: int, *, with_secret: bytes | None, change: dict) -> None:
    """What an attacker with database access does: change entry ``seq``, recompute every
    later seal with ``with_secret`` (None: plain SHA-256, as the old chain was) and reset
    the head, so that every link still matches."""
    import hashlib
    import hmac as hmac_module

    entries = list(AuditEntry.objects.order_by("seq"))
    prev = entries[seq - 2].hash if seq > 1 else "0" * 64
    with triggers.suspended_triggers(connection), connection.cursor() as cursor:
        for entry in entries[seq - 1 :]:
            if entry.seq == seq:
                for field, value in change.items():
                    setattr(entry, field, value)
            entry.prev_hash = prev
            payload = entry.canonical_payload()
            if with_secret is None:
                entry.hash = hashlib.sha256(payload).hexdigest()
            else:
                entry.hash = hmac_module.new(with_secret, payload, hashlib.sha256).hexdigest()
            cursor.execute(
                "UPDATE audit_auditentry SET actor_username = %s, prev_hash = %s, hash = %s "
                "WHERE seq = %s",
                [entry.actor_username, entry.prev_hash, entry.hash, entry.seq],
            )
            prev = entry.hash
        cursor.execute("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [prev])


def test_new_entries_are_sealed_with_the_key_kept_outside_the_database(chain, settings):
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry.mac_key_id == "test"
    # The seal is not a plain hash of the content: it needs the key.
    import hashlib

    assert entry.hash != hashlib.sha256(entry.canonical_payload()).hexdigest()
    assert settings.AUDIT_KEYS.split(":")[1] not in str(
        list(AuditEntry.objects.values_list("detail", "hash"))
    )


def test_a_rewritten_chain_without_the_key_is_refused_at_the_first_changed_entry(chain):
    assert audit_verify_chain().ok
    _rewrite_from(2, with_secret=None, change={"actor_username": "someone.else"})
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == 2
    assert "altered" in report.reason
    with pytest.raises(CommandError, match="#2"):
        call_command("audit_verify")


def test_a_rewritten_chain_with_a_guessed_key_is_refused_too(chain):
    _rewrite_from(1, with_secret=b"\x00" * 32, change={"actor_username": "someone.else"})
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == 1


def test_a_chain_cut_at_the_tail_with_its_head_reset_is_caught_by_the_anchor(chain, settings):
    call_command("audit_verify")  # anchors the head, as the nightly job does
    anchored = AuditEntry.objects.order_by("-seq").first()
    with triggers.suspended_triggers(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [anchored.seq])
        previous = AuditEntry.objects.get(seq=anchored.seq - 1)
        cursor.execute(
            "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1",
            [previous.seq, previous.hash],
        )
    # Without the anchor the shortened chain is self-consistent...
    assert audit_verify_chain(use_anchors=False).ok
    # ...with it, the missing entry is named.
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == anchored.seq
    assert "shortened" in report.reason
    with pytest.raises(CommandError, match=f"#{anchored.seq}"):
        call_command("audit_verify")


def test_a_chain_rewritten_with_the_stolen_key_is_caught_by_the_anchor(chain, physician):
    call_command("audit_verify")
    first_anchor_seq = AuditEntry.objects.order_by("-seq").first().seq
    audit_record(actor=physician, action="view", detail={"note": "after the anchor"})
    call_command("audit_verify")
    from cryoneuro.audit.keys import current_key

    _rewrite_from(
        first_anchor_seq + 1,
        with_secret=current_key().secret,
        change={"actor_username": "someone.else"},
    )
    assert audit_verify_chain(use_anchors=False).ok  # the seals verify: the key was used
    report = audit_verify_chain()
    assert not report.ok
    # The first anchor still holds, so the change lies after it.
    assert report.first_broken_seq == first_anchor_seq + 1
    assert "compromised" in report.reason


def test_a_forged_anchor_line_is_refused(chain, settings):
    call_command("audit_verify")
    path = settings.AUDIT_ANCHOR_FILE
    text = path.read_text()
    path.write_text(text.replace('"seq": ', '"seq": 9', 1))
    report = audit_verify_chain()
    assert not report.ok and "anchor file" in report.reason and "line 1" in report.reason


def test_unkeyed_entries_may_only_precede_keyed_ones(chain):
    import hashlib

    last = AuditEntry.objects.order_by("-seq").first()
    with triggers.suspended_triggers(connection), connection.cursor() as cursor:
        last.mac_key_id = ""
        unkeyed = hashlib.sha256(last.canonical_payload()).hexdigest()
        cursor.execute(
            "UPDATE audit_auditentry SET mac_key_id = '', hash = %s WHERE seq = %s",
            [unkeyed, last.seq],
        )
        cursor.execute("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [unkeyed])
    report = audit_verify_chain()
    assert not report.ok and report.first_broken_seq == last.seq
    assert "not sealed with a key" in report.reason


def test_the_nightly_run_mails_the_anchor_to_the_operators(chain, settings, mailoutbox):
    settings.ADMINS = [("Ops", "ops@clinic.example")]
    call_command("audit_verify", "--mail-admins")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ops@clinic.example"]
    head = AuditEntry.objects.order_by("-seq").first()
    assert f"seq={head.seq} seal={head.hash}" in message.body


def test_keys_are_validated_and_named_when_bad():
    from django.core.exceptions import ImproperlyConfigured

    from cryoneuro.audit.keys import parse_keys

    assert parse_keys("a:" + "11" * 32 + ", b:" + "22" * 40)[-1].key_id == "b"
    for bad, named in [
        ("a:" + "11" * 8, "'a' has 8 bytes"),
        ("a:zz", "'a' is not hexadecimal"),
        ("noseparator", "'noseparator' is not 'id:hex'"),
        ("a:" + "11" * 32 + ",a:" + "22" * 32, "appears twice"),
        ("", "holds no key"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=named):
            parse_keys(bad)


def test_the_audit_page_reports_a_broken_chain_in_french(client, administrator, chain):
    from django.utils import translation

    _rewrite_from(2, with_secret=None, change={"actor_username": "someone.else"})
    client.force_login(administrator)
    with translation.override("fr"):
        page = client.get("/audit/", {"verify": "1"}, HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert "l’entrée n° 2 a été modifiée" in text


def test_a_chain_that_began_unkeyed_before_the_upgrade_still_verifies(chain, physician):
    """Entries written before keyed seals (migration audit 0003) keep their SHA-256; the
    keyed entries written since link to them."""
    import hashlib
    import hmac as hmac_module

    from cryoneuro.audit.keys import current_key

    entries = list(AuditEntry.objects.order_by("seq"))
    prev = "0" * 64
    with triggers.suspended_triggers(connection), connection.cursor() as cursor:
        for index, entry in enumerate(entries):
            entry.prev_hash = prev
            if index < 2:  # the two oldest were written before the upgrade
                entry.mac_key_id = ""
                entry.hash = hashlib.sha256(entry.canonical_payload()).hexdigest()
            else:
                entry.hash = hmac_module.new(
                    current_key().secret, entry.canonical_payload(), hashlib.sha256
                ).hexdigest()
            cursor.execute(
                "UPDATE audit_auditentry SET mac_key_id = %s, prev_hash = %s, hash = %s "
                "WHERE seq = %s",
                [entry.mac_key_id, entry.prev_hash, entry.hash, entry.seq],
            )
            prev = entry.hash
        cursor.execute("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [prev])
    audit_record(actor=physician, action="view", detail={"note": "after the upgrade"})
    report = audit_verify_chain()
    assert report.ok and report.checked == len(entries) + 1
    assert AuditEntry.objects.filter(mac_key_id="").count() == 2
