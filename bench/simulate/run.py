#!/usr/bin/env python3
"""Benchmark of `plenty simulate` (issue #16): 100 years of an economy of 10 000 products,
re-planned every year, against what a hand-written SciPy script does for the same plans.

The peer: SciPy's BiCGSTAB solve of (I - A) x = d to a relative residual of 1e-12, once per
year for 100 years, on the very same matrix (written by `plenty generate` with the scenario's
generator settings), cold and warm-started from last year's solution. That is only the
gross-output solve of each year's plan, with no capacities, accounting or feedback: a lower
bound on what a hand-written simulation costs. (SciPy's sparse direct solve, spsolve, was
tried first: SuperLU's fill-in on this random structure ran for over 10 minutes of CPU
without finishing the first 100 solves.)

    python3 bench/simulate/run.py            # needs target/release/plenty and scipy
Prints one JSON line per measurement.
"""
import json, os, platform, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLENTY = os.path.join(ROOT, "target", "release", "plenty")
SCENARIO = os.path.join(ROOT, "bench", "simulate", "generated_10k.toml")


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    import numpy as np
    import scipy.io
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    with tempfile.TemporaryDirectory() as tmp:
        gen = os.path.join(tmp, "economy")
        subprocess.run([PLENTY, "-q", "generate", "--n", "10000", "--k", "10", "--seed", "7",
                        "--out", gen], check=True)
        runs = []
        for _ in range(3):
            out = os.path.join(tmp, "sim")
            t = time.perf_counter()
            subprocess.run([PLENTY, "-q", "simulate", SCENARIO, "--out", out], check=True,
                           stderr=subprocess.DEVNULL)
            runs.append(time.perf_counter() - t)
        import csv
        rows = list(csv.reader(l for l in open(os.path.join(tmp, "sim", "series.csv"))
                               if not l.startswith("#")))
        k = rows[0].index("solve_sweeps")
        sweeps = [float(r[k]) for r in rows[1:]]
        a = sp.csc_matrix(scipy.io.mmread(os.path.join(gen, "A.mtx")))
        d = np.loadtxt(os.path.join(gen, "d.csv"), skiprows=1)
        m = sp.identity(a.shape[0], format="csc") - a
        def peer_run(warm):
            t = time.perf_counter()
            x = None
            for year in range(100):
                x, info = spla.bicgstab(m, d * (1.0 + 0.01 * year), x0=x if warm else None,
                                        rtol=1e-12, atol=0.0)
                assert info == 0
            return time.perf_counter() - t
        peer = [peer_run(False) for _ in range(3)]
        peer_warm = [peer_run(True) for _ in range(3)]
    record = {
        "bench": "simulate 100 years, 10^4 products",
        "date": time.strftime("%Y-%m-%d"),
        "machine": cpu_model(),
        "cores": os.cpu_count(),
        "plenty_simulate_s": sorted(runs),
        "scipy_bicgstab_100_years_cold_s": sorted(peer),
        "scipy_bicgstab_100_years_warm_s": sorted(peer_warm),
        "ratio_median_scipy_cold_over_plenty": sorted(peer)[1] / sorted(runs)[1],
        "sweeps_first_year_cold": sweeps[0],
        "sweeps_warm_median": sorted(sweeps[1:])[len(sweeps[1:]) // 2],
        "sweeps_warm_max": max(sweeps[1:]),
    }
    print(json.dumps(record))


if __name__ == "__main__":
    sys.exit(main())
