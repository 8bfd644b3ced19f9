"""Pure clinical knowledge for cryoneurolysis: indications, eligibility rules, target
nerves, questionnaires, MME, regeneration and outcome tracking.

No Django here: the layer is importable from a notebook, the CLI or a batch job. Every
clinical figure carries its source and is a parameter (see each module).
"""

from cryoneuro.clinical.analgesics import mme_per_day, total_mme_per_day
from cryoneuro.clinical.eligibility import (
    DEFAULT_THRESHOLDS,
    RULES,
    RULESET_VERSION,
    Case,
    Decision,
    Rule,
    RuleHit,
    Thresholds,
    TreatmentTried,
    assess,
    case_errors,
    case_json_schema,
)
from cryoneuro.clinical.indications import INDICATIONS, Indication, IndicationCode, indication
from cryoneuro.clinical.nerves import NERVES, TargetNerve, nerve, nerves_for, procedure_minutes
from cryoneuro.clinical.outcomes import (
    NextStep,
    ReliefCourse,
    Session,
    is_response,
    next_step,
    relief_course,
    relief_vs_window,
)
from cryoneuro.clinical.questionnaires import DN4Answers
from cryoneuro.clinical.regeneration import (
    ReliefWindow,
    expected_relief_window,
    relief_window_for_nerve,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "INDICATIONS",
    "NERVES",
    "RULES",
    "RULESET_VERSION",
    "Case",
    "DN4Answers",
    "Decision",
    "Indication",
    "IndicationCode",
    "NextStep",
    "ReliefCourse",
    "ReliefWindow",
    "Rule",
    "RuleHit",
    "Session",
    "TargetNerve",
    "Thresholds",
    "TreatmentTried",
    "assess",
    "case_errors",
    "case_json_schema",
    "expected_relief_window",
    "indication",
    "is_response",
    "mme_per_day",
    "nerve",
    "nerves_for",
    "next_step",
    "procedure_minutes",
    "relief_course",
    "relief_vs_window",
    "relief_window_for_nerve",
    "total_mme_per_day",
]
