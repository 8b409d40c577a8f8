#!/usr/bin/env python3
"""Planning LPs across MPI ranks: plenty's PDLP on 1 process, and on 1 and 2 ranks, against HiGHS,
all on the same MPS file in the same run.

  python3 bench/dist/lp_run.py --n 1e5 --ranks 1,2 --tolerance 1e-4 [--shards 2] [--highs pdlp]
                               [--plenty target/release/plenty] [--out bench/dist/runs]

The instance is the baseline's planning LP (`bench/plan/baseline_mps.py --n N --tech 2`: N balance
rows and a labour row, 2N processes and λ). plenty runs `plenty lp MPS --backend pdlp
--no-crossover --tolerance T` in one process (all cores), then `mpirun -np P plenty lp MPS
--distributed --tolerance T` for each P (each rank gets nproc / P threads; across ranks there is
no crossover, so the single-process run has none either); with `--shards K` also from the same
LP written in K shards by bench/dist/shard_mps.py (each rank reads only its shards). HiGHS solves the same file through
bench/peer/peer.py with the chosen solver and its default tolerances. It records wall seconds
(whole process), solve seconds (from the reports), iterations, the objective, bytes sent per
iteration, seconds communicating, and peak resident memory (per rank from plenty's report; of
the process from wait4 otherwise), in `<out>/<date>/lp-raw.jsonl`, and prints a Markdown table.
Standard library only; Linux only.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from run import cpu_model, print_table  # noqa: E402


def run(cmd, env=None):
    """Runs cmd; returns (wall seconds, stdout, peak resident MiB of the process itself, from wait4)."""
    import tempfile
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code != 0:
            sys.exit(f"failed ({code}): {' '.join(cmd)}\n{err.read()[-4000:]}")
        return wall, out.read(), usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="1e5")
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--shards", type=int, default=0,
                    help="also write the MPS as K shards (bench/dist/shard_mps.py) and run each P on them")
    ap.add_argument("--highs", default="ipm", help="HiGHS solver (simplex, ipm, pdlp, choose), or none")
    ap.add_argument("--plenty", default="target/release/plenty")
    ap.add_argument("--python", default=".venv-peer/bin/python")
    ap.add_argument("--tmp", default="bench/tmp/distlp")
    ap.add_argument("--out", default="bench/dist/runs")
    args = ap.parse_args()
    n = int(float(args.n))
    ranks = [int(r) for r in args.ranks.split(",")]
    cores = os.cpu_count() or 1
    date = datetime.datetime.now(datetime.timezone.utc)
    outdir = os.path.join(args.out, date.strftime("%Y-%m-%d"))
    os.makedirs(outdir, exist_ok=True)
    os.makedirs(args.tmp, exist_ok=True)
    raw = open(os.path.join(outdir, "lp-raw.jsonl"), "a")
    machine = {"date": date.isoformat(timespec="seconds"), "cpu": cpu_model(), "cores": cores,
               "mpirun": shutil.which("mpirun"), "argv": sys.argv}
    raw.write(json.dumps({"part": "run", **machine}) + "\n")
    mps = os.path.join(args.tmp, f"plan-{n}.mps")
    if not os.path.exists(mps):
        run([args.python, "bench/plan/baseline_mps.py", "--n", str(n), "--tech", "2", "--out", mps])
    rows = []
    tol = str(args.tolerance)
    # One process, all cores.
    report = os.path.join(args.tmp, f"lp-{n}-single.json")
    cmd = [args.plenty, "lp", mps, "--backend", "pdlp", "--no-crossover", "--tolerance", tol, "-q", "-o", report]
    wall, _, peak = run(cmd)
    s = json.load(open(report))["summary"]
    raw.write(json.dumps({"part": "plenty-single", "n": n, "wall": wall, "peak_mib": peak, "summary": s,
                          "command": " ".join(cmd)}) + "\n")
    rows.append({"who": "plenty PDLP, 1 process", "wall": wall, "solve": s["seconds_total"]["solve"],
                 "iterations": s["iterations"], "objective": s["objective"], "bytes": None, "comm": None,
                 "peak": peak})
    inputs = [("MPS file", mps)]
    if args.shards:
        sharded = os.path.join(args.tmp, f"plan-{n}-shards-{args.shards}")
        if not os.path.exists(os.path.join(sharded, "lp.toml")):
            run([args.python, "bench/dist/shard_mps.py", "--mps", mps, "--shards", str(args.shards), "--out", sharded])
        inputs.append((f"{args.shards} shards", sharded))
    for (what, source), p in [(i, p) for i in inputs for p in ranks]:
        env = dict(os.environ, RAYON_NUM_THREADS=str(max(1, cores // p)),
                   OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        report = os.path.join(args.tmp, f"lp-{n}-{p}.json")
        cmd = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(p), "-x", "RAYON_NUM_THREADS",
               args.plenty, "lp", source, "--distributed", "--tolerance", tol, "-q", "-o", report]
        wall, _, _ = run(cmd, env)
        s = json.load(open(report))["summary"]
        d = s["distributed"]
        raw.write(json.dumps({"part": "plenty-mpi", "n": n, "ranks": p, "input": what, "wall": wall,
                              "summary": s, "command": " ".join(cmd)}) + "\n")
        raw.flush()
        rows.append({"who": f"plenty PDLP, {p} rank{'s' if p > 1 else ''}, from the {what}", "wall": wall,
                     "solve": s["seconds_total"]["solve"], "iterations": s["iterations"],
                     "objective": s["objective"], "bytes": d["bytes_sent_per_iteration"],
                     "comm": d["seconds_communicating_max"],
                     "peak": max(r["peak_memory_bytes"] for r in d["per_rank"]) / 2**20})
    if args.highs != "none":
        cmd = [args.python, "bench/peer/peer.py", "lp", "--mps", mps, "--solver", args.highs]
        wall, out, peak = run(cmd)
        h = json.loads(out.strip().splitlines()[-1])
        raw.write(json.dumps({"part": "highs", "n": n, "wall": wall, "result": h, "command": " ".join(cmd)}) + "\n")
        rows.append({"who": f"HiGHS {args.highs} (highspy), 1 process", "wall": wall, "solve": h["seconds"],
                     "iterations": None, "objective": h["objective"], "bytes": None, "comm": None, "peak": peak})
    raw.close()
    f = lambda v, fmt: "–" if v is None else format(v, fmt)
    print_table(machine, cores,
                ["run", "solve (s)", "whole run (s)", "iterations", "objective λ", "bytes sent / iteration",
                 "s communicating", "peak memory per process (MiB)"],
                [[r["who"], f"{r['solve']:.1f}", f"{r['wall']:.1f}", f(r["iterations"], "d"), f"{r['objective']:.8f}",
                  f(r["bytes"], ",.0f"), f(r["comm"], ".2f"), f(r["peak"], ",.0f")] for r in rows])


if __name__ == "__main__":
    main()
