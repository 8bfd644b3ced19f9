"""cryoneuro.physics: a cryoprobe bioheat solver with phase change and nerve injury zones.

Pure numerics (numpy, scipy, numba; no Django). Quick start::

    from cryoneuro.physics import simulate, Nerve

    res = simulate(probe="16g", cryogen="n2o", tissue="muscle", protocol="2x120/60")
    res.iceball_radius[-1]                    # m from the probe axis, at the end
    res.min_temperature_at([(3e-3, 4e-3)])    # degC, coldest reached at r=3 mm, z=4 mm
    res.nerve_cross_section_min(3e-3, 4e-3, 1e-3)   # (coldest, warmest) over a 1 mm nerve
    res.classify_nerve(Nerve((3e-3, -5e-3, 4e-3), (3e-3, 5e-3, 4e-3), diameter=1e-3)).worst

Coordinates (axisymmetric default): ``r`` from the probe axis, ``z`` along it, ``z = 0``
at the closed tip, the active (freezing) segment is ``0 <= z <= probe.active_length``.
With ``Axisymmetric(tip_depth=d)`` the skin surface is the plane ``z = d`` (probe inserted
perpendicular to the skin) and a ``LayeredTissue`` is laid along depth ``d - z``.

Main names:

- materials: :class:`Tissue`, :data:`TISSUES`, :func:`tissue_preset`, :class:`Layer`,
  :class:`LayeredTissue`, :class:`Cryogen`, :data:`CRYOGENS`, :func:`cryogen_preset`,
  :class:`Probe`, :data:`PROBES`, :func:`probe_preset`, :func:`gauge_to_diameter`;
- protocol and probe boundary: :class:`Protocol` (``Protocol.parse("2x120/60")``),
  :class:`Phase`, :class:`PrescribedSurfaceTemperature`, :class:`CryogenLimited`;
- geometries: :class:`Planar1D`, :class:`Radial1D`, :class:`Axisymmetric` (default);
  3-D: :func:`simulate_3d` with :class:`ProbePlacement` (several or angled probes) on a
  :class:`Cartesian3D` box or a :class:`GradedGrid3D` (``GradedGrid3D.around(...)``,
  refined around the probes and the nerve) -> :class:`FreezeResult3D`;
- :func:`simulate` -> :class:`FreezeResult`; :class:`SimulationSetup` (resolved inputs);
- injury: :class:`Nerve`, :class:`NerveInjury`, :class:`InjuryClass`,
  :class:`InjuryThresholds`;
- observers (custom hooks into the time loop): :class:`Observer`, :class:`StepState`;
- exact solutions: :func:`neumann_stefan`, :func:`steady_frozen_radius`.
"""

from cryoneuro.physics.convection import ConvectionEstimate, NaturalConvection
from cryoneuro.physics.exact import NeumannSolution, neumann_stefan, steady_frozen_radius
from cryoneuro.physics.grid import Axisymmetric, Planar1D, Radial1D
from cryoneuro.physics.injury import InjuryClass, InjuryThresholds, classify
from cryoneuro.physics.materials import (
    CRYOGENS,
    PROBES,
    TISSUES,
    Cryogen,
    Layer,
    LayeredTissue,
    Probe,
    Tissue,
    cryogen_preset,
    gauge_to_diameter,
    probe_preset,
    tissue_preset,
)
from cryoneuro.physics.observers import Observer, StepState
from cryoneuro.physics.protocol import (
    CryogenLimited,
    Phase,
    PrescribedSurfaceTemperature,
    ProbeBoundary,
    Protocol,
)
from cryoneuro.physics.result import FreezeResult, Nerve, NerveInjury
from cryoneuro.physics.solver import (
    CORNER_DISTANCE,
    DEFAULT_THRESHOLDS,
    SimulationSetup,
    near_probe_corners,
    simulate,
)
from cryoneuro.physics.solver3d import (
    Cartesian3D,
    FreezeResult3D,
    GradedGrid3D,
    ProbePlacement,
    simulate_3d,
)

__all__ = [
    "CORNER_DISTANCE",
    "CRYOGENS",
    "DEFAULT_THRESHOLDS",
    "PROBES",
    "TISSUES",
    "Axisymmetric",
    "Cartesian3D",
    "ConvectionEstimate",
    "Cryogen",
    "CryogenLimited",
    "FreezeResult",
    "FreezeResult3D",
    "GradedGrid3D",
    "InjuryClass",
    "InjuryThresholds",
    "Layer",
    "LayeredTissue",
    "NaturalConvection",
    "Nerve",
    "NerveInjury",
    "NeumannSolution",
    "Observer",
    "Phase",
    "Planar1D",
    "PrescribedSurfaceTemperature",
    "Probe",
    "ProbeBoundary",
    "ProbePlacement",
    "Protocol",
    "Radial1D",
    "SimulationSetup",
    "StepState",
    "Tissue",
    "classify",
    "cryogen_preset",
    "gauge_to_diameter",
    "near_probe_corners",
    "neumann_stefan",
    "probe_preset",
    "simulate",
    "simulate_3d",
    "steady_frozen_radius",
    "tissue_preset",
]
