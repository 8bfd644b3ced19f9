"""cryoneuro.planning: physics + anatomy -> a treatment plan (no Django).

Quick start::

    from cryoneuro.planning import PlanInputs, make_plan

    plan = make_plan(PlanInputs(depth=6e-3, diameter=1e-3, probe="16g"))
    plan.protocol.compact          # e.g. "120": the shortest protocol within limits
    plan.tolerance["radial_mm"]    # how much further the probe may lie from the nerve
    plan.to_dict()                 # JSON-ready, with every input and the software version

``inputs_for_nerve`` fills the nerve type and label from the clinical catalog, and
``relief_window`` gives the expected relief window for the inputs.
"""

from cryoneuro.planning.clinical import inputs_for_nerve, relief_window
from cryoneuro.planning.geometry import ProbeFrame
from cryoneuro.planning.inputs import (
    DEFAULT_LIMITS,
    LIMIT_SOURCES,
    PROBE_REACH_M,
    ClinicalLimits,
    PlanInputError,
    PlanInputs,
    Structure,
)
from cryoneuro.planning.planner import (
    Candidate,
    Plan,
    PlanComputationError,
    ProtocolChoice,
    make_plan,
    software_version,
)

__all__ = [
    "DEFAULT_LIMITS",
    "LIMIT_SOURCES",
    "PROBE_REACH_M",
    "Candidate",
    "ClinicalLimits",
    "Plan",
    "PlanComputationError",
    "PlanInputError",
    "PlanInputs",
    "ProbeFrame",
    "ProtocolChoice",
    "Structure",
    "inputs_for_nerve",
    "make_plan",
    "relief_window",
    "software_version",
]
