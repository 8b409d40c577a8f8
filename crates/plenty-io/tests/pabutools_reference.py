"""The reference outcomes for plenty's participatory budgeting rules, computed by pabutools.

Usage: python pabutools_reference.py FILE.pb...

Prints one JSON object per file: {"path": ..., "rules": {rule: [project ids in the order
selected]}}. The rule names are those of crates/plenty-io/tests/pabutools.rs. A ballot with a
`weight` column (plenty's extension for delegated votes) is repeated `weight` times.
Default tie-breaking (lexicographic on the project id) throughout.
"""
import json
import sys

from pabutools.election import (
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    parse_pabulib,
)
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

SATS = {"cost": Cost_Sat, "cardinality": Cardinality_Sat}


def expand(profile):
    ballots = []
    for b in profile:
        w = int(b.meta.get("weight", 1))
        ballots.extend([b] * w)
    return ApprovalProfile(ballots)


def names(alloc):
    return [p.name for p in alloc]


def rules(instance, profile):
    out = {}
    for key, sat in SATS.items():
        out[f"greedy-{key}"] = names(
            greedy_utilitarian_welfare(instance, profile, sat_class=sat)
        )
        out[f"mes-{key}"] = names(
            method_of_equal_shares(instance, profile, sat_class=sat)
        )
        out[f"mes-{key}+increment"] = names(
            method_of_equal_shares(
                instance, profile, sat_class=sat, voter_budget_increment=1
            )
        )
        out[f"mes-{key}+greedy"] = names(
            completion_by_rule_combination(
                instance,
                profile,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [{"sat_class": sat}, {"sat_class": sat}],
            )
        )
        out[f"mes-{key}+increment+greedy"] = names(
            completion_by_rule_combination(
                instance,
                profile,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [{"sat_class": sat, "voter_budget_increment": 1}, {"sat_class": sat}],
            )
        )
    return out


for path in sys.argv[1:]:
    instance, profile = parse_pabulib(path)
    print(json.dumps({"path": path, "rules": rules(instance, expand(profile))}))
