"""Fixtures for the pure clinical layer: cases built from a dict, no database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from clinical_cases import eligible_data

from cryoneuro.clinical.eligibility import Case


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(indication: str = "knee_arthrosis", **overrides: Any) -> Case:
        return Case.model_validate(eligible_data(indication, **overrides))

    return make
