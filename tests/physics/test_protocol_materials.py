"""Protocols and material presets."""

from __future__ import annotations

import math

import pytest

from cryoneuro.physics import (
    CRYOGENS,
    PROBES,
    TISSUES,
    LayeredTissue,
    Phase,
    Protocol,
    Tissue,
    gauge_to_diameter,
    tissue_preset,
)


def test_it_parses_the_compact_protocol() -> None:
    p = Protocol.parse("2x120/60")
    assert p.phases == (Phase("freeze", 120.0), Phase("passive_thaw", 60.0), Phase("freeze", 120.0))
    assert p.duration == 300.0
    assert Protocol.parse("3x120/60+90").phases[-1] == Phase("passive_thaw", 90.0)
    assert Protocol.parse("120").phases == (Phase("freeze", 120.0),)
    assert Protocol.parse("90/30").duration == 120.0


def test_it_parses_explicit_phases() -> None:
    p = Protocol.parse("freeze:90, active:20, freeze:90, thaw:30")
    assert [ph.kind for ph in p.phases] == ["freeze", "active_thaw", "freeze", "passive_thaw"]
    assert p.phase_at(95.0).kind == "active_thaw"
    assert p.boundaries == (0.0, 90.0, 110.0, 200.0, 230.0)


@pytest.mark.parametrize(
    "bad", ["", "2x", "0x120/60", "2x120", "melt:10", "freeze:abc", "freeze:0"]
)
def test_it_refuses_bad_protocols(bad: str) -> None:
    with pytest.raises(ValueError):
        Protocol.parse(bad)


def test_it_has_sourced_presets() -> None:
    assert {
        "soft_tissue",
        "muscle",
        "fat",
        "skin",
        "tendon",
        "bone",
        "water",
        "gel_phantom",
    } <= set(TISSUES)
    assert {"co2", "n2o", "argon"} <= set(CRYOGENS)
    for item in [*TISSUES.values(), *CRYOGENS.values(), *PROBES.values()]:
        assert item.source
    assert CRYOGENS["n2o"].boiling_point == -88.5
    assert CRYOGENS["co2"].boiling_point == -78.5
    assert all(1.2e-3 < PROBES[g].diameter < 2.2e-3 for g in ("14g", "16g", "18g"))
    assert gauge_to_diameter(14) > gauge_to_diameter(18)


def test_it_validates_tissue_values() -> None:
    with pytest.raises(ValueError, match="k_frozen"):
        Tissue("bad", 0.5, -1.0, 3.6e6, 1.8e6, 250e6)
    with pytest.raises(ValueError, match="t_liquidus"):
        Tissue("bad", 0.5, 2.0, 3.6e6, 1.8e6, 250e6, t_solidus=-1.0, t_liquidus=-8.0)
    assert tissue_preset("water").ice_k_exponent == 1.0


def test_it_stacks_layers_along_depth() -> None:
    lt = LayeredTissue.of(("skin", 2e-3), ("fat", 8e-3), ("muscle", math.inf))
    assert lt.tissue_at(1e-3).name == "skin"
    assert lt.tissue_at(5e-3).name == "fat"
    assert lt.tissue_at(50e-3).name == "muscle"
    assert not lt.is_uniform


def test_it_round_trips_any_protocol_through_its_compact_form() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    phases = st.lists(
        st.builds(
            Phase,
            st.sampled_from(["freeze", "passive_thaw", "active_thaw"]),
            st.integers(1, 900).map(float),
        ),
        min_size=1,
        max_size=6,
    )

    @settings(max_examples=60, deadline=None)
    @given(phases)
    def check(items: list[Phase]) -> None:
        p = Protocol(tuple(items))
        assert Protocol.parse(p.compact) == p
        assert p.duration == sum(ph.duration for ph in items)

    check()
