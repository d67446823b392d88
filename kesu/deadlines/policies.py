"""Which policy sets each deadline of a case. Pure: works on plain facts, not models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseFacts:
    kind: str
    severity: str
    category_code: str | None
    category_parent_code: str | None
    # The responsible unit's materialised path ("/1/4/9/"), or the intake unit's.
    unit_path: str


@dataclass(frozen=True)
class PolicyFacts:
    id: int
    kind: str
    severity: str
    category_code: str | None
    unit_path: str | None
    priority: int
    targets: frozenset[str]


def matches(policy: PolicyFacts, case: CaseFacts) -> bool:
    if policy.kind and policy.kind != case.kind:
        return False
    if policy.severity and policy.severity != case.severity:
        return False
    if policy.category_code and policy.category_code not in (
        case.category_code,
        case.category_parent_code,
    ):
        return False
    return not policy.unit_path or case.unit_path.startswith(policy.unit_path)


def specificity(policy: PolicyFacts, case: CaseFacts) -> tuple:
    """Higher is more specific: more criteria set; then an exact sub-category over its
    parent, a deeper org unit over a shallower one; then priority; then the newer policy."""
    criteria = sum(
        bool(value)
        for value in (policy.kind, policy.severity, policy.category_code, policy.unit_path)
    )
    exact_category = policy.category_code is not None and policy.category_code == case.category_code
    unit_depth = policy.unit_path.count("/") if policy.unit_path else 0
    return (criteria, exact_category, unit_depth, policy.priority, policy.id)


def select_policy(policies: Iterable[PolicyFacts], case: CaseFacts, target: str) -> int | None:
    """The id of the policy that sets `target` for `case`, or None when no policy does."""
    candidates = [p for p in policies if target in p.targets and matches(p, case)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: specificity(p, case)).id
