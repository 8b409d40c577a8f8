#!/usr/bin/env python3
"""plenty against the figure the engine issue quotes: SciPy BiCGSTAB "about 3.2 s" at n = 10^6.

That figure comes from bench/peer/baseline.py (`--part bicgstab`), not from peer.py: its own
generator and seed, SciPy's BiCGSTAB on `I − A` held as CSC for x and on `(I − A)ᵀ` converted to
CSR inside the timed region for v. This script runs that very measurement and plenty on the
very same economy, one after the other:

1. baseline.py's `gen_economy` (its own code, seed and distributions) makes A, d and l, written
   as A.mtx, d.csv and l.csv, the folder layout `plenty values` reads;
2. `plenty values FOLDER --tolerance 1e-10` solves x and v (its reported solve time);
3. baseline.py's `run_linear(..., "bicgstab")` solves the same (its reported `time`), in this
   process, on the economy it generated, OPENBLAS_NUM_THREADS=1.

    .venv-peer/bin/python bench/leontief_baseline.py --n 1000000 --repeat 3 \
        --out bench/runs/2026-11-29-vm/leontief_baseline.jsonl

Prints (and with --out appends) one JSON line per solve and the medians.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT / "bench" / "peer"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--plenty", default=str(ROOT / "target/release/plenty"))
    p.add_argument("--shared", default=str(SHARED), help="folder of baseline.py")
    p.add_argument("--out", help="also append the JSON lines to this file")
    a = p.parse_args()
    sink = open(a.out, "a") if a.out else None

    def emit(rec):
        print(json.dumps(rec), flush=True)
        if sink:
            sink.write(json.dumps(rec) + "\n")

    sys.path.insert(0, a.shared)
    import baseline  # noqa: E402 (the shared generator and measurement)
    import numpy as np
    import scipy.io

    As, ls, d, _ = baseline.gen_economy(a.n, a.k, a.seed, "random", 1)
    with tempfile.TemporaryDirectory(prefix="plenty-baseline-") as tmp:
        folder = pathlib.Path(tmp)
        scipy.io.mmwrite(str(folder / "A.mtx"), As[0].tocoo(), precision=17)
        np.savetxt(folder / "d.csv", d, fmt="%.17g", header="d", comments="")
        np.savetxt(folder / "l.csv", ls[0], fmt="%.17g", header="l", comments="")
        plenty_s, scipy_s = [], []
        for rep in range(a.repeat):
            out = folder / "values.json"
            subprocess.run([a.plenty, "values", str(folder), "--tolerance", "1e-10", "-q", "-o", str(out)],
                           check=True, capture_output=True)
            s = json.load(open(out))["summary"]
            rec = {"tool": "plenty", "n": a.n, "repeat": rep, "solve_s": s["seconds"]["solve_x_and_v"]}
            plenty_s.append(rec["solve_s"])
            emit(rec)
            res = {}
            baseline.run_linear("bicgstab", As, ls, d, res)
            rec = {"tool": "baseline.py bicgstab", "n": a.n, "repeat": rep, "solve_s": res["time"],
                   "relres_x": res["relres_x"], "relres_v": res["relres_v"]}
            scipy_s.append(res["time"])
            emit(rec)
    pm, sm = statistics.median(plenty_s), statistics.median(scipy_s)
    emit({"n": a.n, "plenty_median_s": pm, "baseline_bicgstab_median_s": sm, "ratio": sm / pm})


if __name__ == "__main__":
    main()
