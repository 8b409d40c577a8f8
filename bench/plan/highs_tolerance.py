#!/usr/bin/env python3
"""HiGHS PDLP on an MPS file at a chosen tolerance: how long HiGHS needs for a given accuracy.

HiGHS's PDLP stops at its own relative tolerances (1e-7 by default); on the baseline's planning
LP at n = 10^4 that leaves λ about 3e-6 off. This sets `primal_feasibility_tolerance`,
`dual_feasibility_tolerance` and `pdlp_d_gap_tol` to TOL and prints one JSON line: time, status,
λ (the LP minimises −λ), PDLP iterations and HiGHS's largest primal infeasibility.

    .venv-peer/bin/python bench/plan/highs_tolerance.py plan.mps 1e-8 [time limit, s]
"""
import json
import sys
import time

import highspy


def main():
    mps, tol = sys.argv[1], float(sys.argv[2])
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 600.0
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(mps)
    h.setOptionValue("solver", "pdlp")
    h.setOptionValue("time_limit", limit)
    for option in ["primal_feasibility_tolerance", "dual_feasibility_tolerance", "pdlp_d_gap_tol"]:
        h.setOptionValue(option, tol)
    t = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t
    info = h.getInfo()
    print(json.dumps({"tool": "highs-pdlp", "tolerance": tol, "seconds": seconds,
                      "status": h.modelStatusToString(h.getModelStatus()),
                      "lambda": -info.objective_function_value, "pdlp_iterations": info.pdlp_iteration_count,
                      "max_primal_infeasibility": info.max_primal_infeasibility}))


if __name__ == "__main__":
    main()
