#!/usr/bin/env python3
"""Optimal plans, plenty against HiGHS on the very same LP (issue #3).

Two kinds of instance (`--instance`):

* `baseline` (default): the planning LP of bench/peer/baseline.py, from its own generator
  and seed, written as MPS by HiGHS (bench/plan/baseline_mps.py): the instance of the issue's
  baseline figures. plenty solves it with `plenty lp` (native PDLP, each row's violation within
  the tolerance times 1 + |its bound|, then a crossover to the exact vertex where the basis is
  small enough).
* `plenty`: `plenty generate-plan --n N` writes a planning folder (same distributions, plenty's
  own generator) with its LP as MPS; `plenty plan` solves the folder (policy iteration when
  labour is the only scarce input, else the native PDLP).

Then HiGHS (highspy, via bench/peer/peer.py) solves the same MPS with each chosen solver,
one after the other, each under a time limit. For each solve the table gives the time, λ, the
largest absolute row violation (HiGHS's `max_primal_infeasibility`; plenty's measured the same
way on the same file) and the ratio HiGHS / plenty.

    python3 bench/plan/run.py --sizes 1000,10000 --solvers pdlp,ipm --timeout 300

Results are appended to bench/plan/runs/<date>.jsonl and printed as a Markdown table.
"""
import argparse
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--solvers", default="pdlp,ipm", help="HiGHS solvers: any of simplex, ipm, pdlp")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per HiGHS solve")
    p.add_argument("--tolerance", default="1e-6")
    p.add_argument("--seed", default="1")
    p.add_argument("--instance", default="baseline", choices=["baseline", "plenty"])
    p.add_argument("--extra", default="",
                   help="more generator options: `plenty generate-plan` ('--structure local') or baseline_mps.py")
    p.add_argument("--python", default=str(ROOT / ".venv-peer/bin/python"))
    p.add_argument("--peer", default=str(ROOT / "bench/peer/peer.py"))
    a = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "plenty-cli"], cwd=ROOT, check=True)
    plenty = ROOT / "target/release/plenty"
    runs = ROOT / "bench/plan/runs"
    runs.mkdir(parents=True, exist_ok=True)
    out_path = runs / f"{datetime.date.today().isoformat()}.jsonl"
    rows = []
    work = pathlib.Path(tempfile.mkdtemp(prefix="plenty-plan-bench-"))
    try:
        for n in [int(float(x)) for x in a.sizes.split(",")]:
            folder = work / f"n{n}"
            report = work / f"plan-{n}.json"
            if a.instance == "baseline":
                folder.mkdir(parents=True, exist_ok=True)
                gen = [a.python, str(ROOT / "bench/plan/baseline_mps.py"), "--n", str(n), "--seed", a.seed,
                       "--out", str(folder / "plan.mps")] + a.extra.split()
                subprocess.run(gen, check=True, capture_output=True)
                cmd = [str(plenty), "lp", str(folder / "plan.mps"), "--tolerance", a.tolerance, "-q", "-o", str(report)]
            else:
                gen = [str(plenty), "generate-plan", "--n", str(n), "--seed", a.seed, "--out", str(folder), "-q"]
                gen += a.extra.split()
                subprocess.run(gen, check=True, capture_output=True)
                cmd = [str(plenty), "plan", str(folder), "--tolerance", a.tolerance, "-q", "-o", str(report)]
            t0 = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            rec = {"n": n, "tool": "plenty", "instance": a.instance, "extra": a.extra, "tolerance": a.tolerance,
                   "wall_s": wall, "returncode": r.returncode}
            if r.returncode == 0:
                s = json.load(open(report))["summary"]
                if a.instance == "baseline":
                    # HiGHS wrote the LP as `minimise −λ`.
                    rec.update({"solve_s": s["seconds_total"]["solve"], "lambda": -s["objective"],
                                "status": s["status"], "method": s["method"], "iterations": s["iterations"],
                                "certificate": s["certificate"], "max_row_violation": s["max_row_violation"],
                                "crossover": s["crossover"]})
                else:
                    rec.update({"solve_s": s["seconds_total"]["solve"], "lambda": s["lambda"],
                                "status": s["status"], "method": s["method"], "iterations": s["iterations"],
                                "certificate": s["certificate"]})
            else:
                rec["stderr"] = r.stderr[-2000:]
            rows.append(rec)
            print(json.dumps(rec), flush=True)
            for solver in a.solvers.split(","):
                t0 = time.perf_counter()
                try:
                    q = subprocess.run([a.python, a.peer, "lp", "--mps", str(folder / "plan.mps"), "--solver", solver],
                                       capture_output=True, text=True, timeout=a.timeout,
                                       env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
                    peer = {"n": n, "tool": f"highs-{solver}", "instance": a.instance, "extra": a.extra,
                            "wall_s": time.perf_counter() - t0, "returncode": q.returncode}
                    if q.returncode == 0:
                        j = json.loads(q.stdout.strip().splitlines()[-1])
                        lam = -j["objective"] if a.instance == "baseline" else j["objective"]
                        peer.update({"solve_s": j["seconds"], "lambda": lam, "status": j["status"],
                                     "iterations": j["iterations"],
                                     "max_row_violation": j.get("max_primal_infeasibility")})
                    else:
                        peer["stderr"] = q.stderr[-2000:]
                except subprocess.TimeoutExpired:
                    peer = {"n": n, "tool": f"highs-{solver}", "instance": a.instance, "extra": a.extra,
                            "timeout_s": a.timeout,
                            "status": f"not finished in {a.timeout:.0f} s"}
                rows.append(peer)
                print(json.dumps(peer), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    with open(out_path, "a") as f:
        for r in rows:
            f.write(json.dumps({**r, "at": stamp, "commit": commit, "cores": os.cpu_count()}) + "\n")
    print()
    print("| n | solver | time | λ | largest row violation | status | HiGHS / plenty |")
    print("|---|---|---|---|---|---|---|")
    for n in sorted({r["n"] for r in rows}):
        mine = next((r for r in rows if r["n"] == n and r["tool"] == "plenty"), None)
        for r in [x for x in rows if x["n"] == n]:
            t = r.get("solve_s")
            ratio = ""
            if r["tool"] != "plenty" and mine and mine.get("solve_s"):
                ratio = f"{t / mine['solve_s']:.1f}×" if t else f"> {a.timeout / mine['solve_s']:.0f}×"
            lam = f"{r['lambda']:.9g}" if r.get("lambda") is not None else "—"
            time_s = f"{t:.2f} s" if t else "—"
            name = f"plenty ({r.get('method')})" if r["tool"] == "plenty" else r["tool"]
            viol = f"{r['max_row_violation']:.1e}" if r.get("max_row_violation") is not None else "—"
            print(f"| {n} | {name} | {time_s} | {lam} | {viol} | {r.get('status')} | {ratio} |")
    print(f"\nrecords appended to {out_path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
