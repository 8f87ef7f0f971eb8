"""Pure-Python IAM policy evaluation and privilege-escalation analysis.

No AWS calls: everything works on policy documents (dicts or JSON strings).
See ``docs/iam-evaluator.md`` for the decision rules.
"""

from __future__ import annotations

from .conditions import evaluate_conditions
from .evaluate import (
    ActionSet,
    Decision,
    PolicyLike,
    PolicySet,
    allows,
    as_policy,
    evaluate,
    is_full_admin,
    service_wildcards,
)
from .matching import action_matches, normalize_context, resource_matches
from .policy import Condition, Policy, PolicyError, Principal, Statement, parse_policy
from .privesc import (
    ADMIN_SENTINELS,
    EscalationFinding,
    escalation_paths,
    principal_is_admin,
)
from .privesc_methods import FAMILIES, METHODS, EscalationMethod

__all__ = [
    "ADMIN_SENTINELS",
    "FAMILIES",
    "METHODS",
    "ActionSet",
    "Condition",
    "Decision",
    "EscalationFinding",
    "EscalationMethod",
    "Policy",
    "PolicyError",
    "PolicyLike",
    "PolicySet",
    "Principal",
    "Statement",
    "action_matches",
    "allows",
    "as_policy",
    "escalation_paths",
    "evaluate",
    "evaluate_conditions",
    "is_full_admin",
    "normalize_context",
    "parse_policy",
    "principal_is_admin",
    "resource_matches",
    "service_wildcards",
]
