"""Registrations at the same moment never get the same patient identifier."""

import datetime as dt
import threading

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_gives_distinct_identifiers_under_concurrent_registration(physician):
    from cryoneuro.patients.models import Patient
    from cryoneuro.patients.services import patient_create

    barrier = threading.Barrier(10)
    errors = []

    def register(i):
        try:
            barrier.wait()
            patient_create(
                created_by=physician,
                family_name=f"Same{i}",
                given_name="Moment",
                birth_date=dt.date(1970, 1, 1),
                sex="unknown",
            )
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    identifiers = list(Patient.objects.values_list("identifier", flat=True))
    assert len(identifiers) == 10 and len(set(identifiers)) == 10
    assert all(i.startswith("CN-") for i in identifiers)
