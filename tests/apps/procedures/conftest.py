import datetime as dt

import pytest
from django.utils import timezone

from tests.apps.procedures.helpers import *  # noqa: F403


@pytest.fixture(autouse=True)
def _afternoon():
    """Many tests record a morning's procedure from 09:00 today: the clock is put at 12:00
    when the tests run earlier in the day (a time in the future is refused, issue 11)."""
    noon = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(), dt.time(12, 0)), timezone.get_current_timezone()
    )
    if timezone.now() >= noon:
        yield
        return
    import time_machine

    with time_machine.travel(noon, tick=True):
        yield
