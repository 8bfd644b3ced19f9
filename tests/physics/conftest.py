"""Shared helpers for the physics tests (no settings that affect other test folders)."""

from __future__ import annotations

import pytest

from cryoneuro.physics import Tissue


@pytest.fixture
def sharp_tissue() -> Tissue:
    """The CRYO-SET tissue with a narrow (0.1 K) phase change at 0 degC and no sources."""
    return Tissue(
        "sharp", 0.5, 2.0, 3.6e6, 1.796e6, 250e6, -0.05, 0.05, perfusion=0.0, metabolic_heat=0.0
    )
