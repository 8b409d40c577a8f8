"""Recount a plenty round's project vote with pabutools.

Usage: python pabutools_service.py FILE.pb

The file is what `GET /api/rounds/{id}/election.pb` serves. META `plenty_rule` names the rule
the service used: `mes-cost+increment+greedy` (Method of Equal Shares with cost satisfaction,
each voter's share raised by META `plenty_increment` until exhaustive, then greedy
completion), `mes-cost+greedy`, or `greedy-cost`. Ballots with a `weight` column (delegated
votes) are repeated `weight` times. Prints the funded project ids as a JSON list, in order.
"""
import json
import sys
from fractions import Fraction

from pabutools.election import ApprovalProfile, Cost_Sat, parse_pabulib
from pabutools.fractions import frac
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

instance, profile = parse_pabulib(sys.argv[1])
ballots = []
for b in profile:
    ballots.extend([b] * int(b.meta.get("weight", 1)))
profile = ApprovalProfile(ballots)
rule = instance.meta["plenty_rule"]
if rule == "greedy-cost":
    out = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
else:
    mes = {"sat_class": Cost_Sat}
    if rule == "mes-cost+increment+greedy":
        step = Fraction(instance.meta["plenty_increment"])
        mes["voter_budget_increment"] = frac(step.numerator, step.denominator)
    out = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [mes, {"sat_class": Cost_Sat}],
    )
print(json.dumps([p.name for p in out]))
