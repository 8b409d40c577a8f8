#!/usr/bin/env python3
"""Distributed Leontief solves: plenty on 1 and 2 MPI ranks against SciPy, on the same files.

  python3 bench/dist/run.py --sizes 1e6,1e7 --ranks 1,2 [--structure local] [--shards 2]
                            [--hub-rows ghosts,split] [--peer] [--plenty target/release/plenty]
                            [--out bench/dist/runs]

For each size it generates an economy (k inputs per product) with `plenty generate`, sharded
(`--shards`, Parquet, never whole in one process) and, for the SciPy peer, as Matrix Market;
then runs `mpirun -np P plenty values DIR --distributed --method bicgstab --hub-rows H` for each
P and each mode H (on 1 rank only the default `ghosts`: one rank has no hubs to split), and
`bench/peer/peer.py leontief --method bicgstab` on the same economy. Threads: each rank gets
`nproc / P` rayon threads (RAYON_NUM_THREADS), so that all cores are used and none is shared.
It records, per run: wall seconds (the whole mpirun, and the solve alone from plenty's report),
iterations, bytes sent per iteration, collectives, seconds communicating, and each rank's peak
resident memory (VmHWM, from plenty's report), in `<out>/<date>/raw.jsonl`, and prints a
Markdown table. Standard library only; Linux only.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def print_table(machine, cores, header, cells):
    """Prints the command line, the date and the machine, then a Markdown table."""
    print(f"`{' '.join(sys.argv)}` — {machine['date']}, {machine['cpu']}, {cores} cores\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in cells:
        print("| " + " | ".join(row) + " |")


def run(cmd, env=None):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-4000:]}")
    return wall, p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1e6")
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--structure", default="local", choices=["local", "random"])
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--hub-rows", default="ghosts", help="modes of the hub rows to run: ghosts, split or both")
    ap.add_argument("--peer", action="store_true", help="run SciPy's bicgstab on the same economy")
    ap.add_argument("--plenty", default="target/release/plenty")
    ap.add_argument("--python", default=".venv-peer/bin/python")
    ap.add_argument("--tmp", default="bench/tmp/dist")
    ap.add_argument("--out", default="bench/dist/runs")
    ap.add_argument("--keep", action="store_true", help="keep the generated economies")
    args = ap.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    ranks = [int(r) for r in args.ranks.split(",")]
    cores = os.cpu_count() or 1
    date = datetime.datetime.now(datetime.timezone.utc)
    outdir = os.path.join(args.out, date.strftime("%Y-%m-%d"))
    os.makedirs(outdir, exist_ok=True)
    os.makedirs(args.tmp, exist_ok=True)
    raw = open(os.path.join(outdir, "raw.jsonl"), "a")
    machine = {"date": date.isoformat(timespec="seconds"), "cpu": cpu_model(), "cores": cores,
               "mpirun": shutil.which("mpirun"), "argv": sys.argv}
    raw.write(json.dumps({"part": "run", **machine}) + "\n")
    rows = []
    for n in sizes:
        sharded = os.path.join(args.tmp, f"{args.structure}-{n}-sharded")
        plain = os.path.join(args.tmp, f"{args.structure}-{n}")
        gen = [args.plenty, "generate", "--n", str(n), "--k", str(args.k), "--structure", args.structure,
               "--seed", "1", "-q"]
        if not os.path.exists(os.path.join(sharded, "economy.toml")):
            run(gen + ["--shards", str(args.shards), "--out", sharded])
        modes = args.hub_rows.split(",")
        for p, hubs in [(p, h) for p in ranks for h in modes if p > 1 or h == "ghosts"]:
            env = dict(os.environ, RAYON_NUM_THREADS=str(max(1, cores // p)),
                       OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
            report = os.path.join(args.tmp, f"values-{n}-{p}.json")
            cmd = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(p),
                   "-x", "RAYON_NUM_THREADS", args.plenty, "values", sharded, "--distributed",
                   "--method", "bicgstab", "--hub-rows", hubs, "-q", "-o", report]
            wall, _ = run(cmd, env)
            s = json.load(open(report))["summary"]
            d = s["distributed"]
            rec = {"part": "plenty", "n": n, "k": args.k, "structure": args.structure, "ranks": p, "hub_rows": hubs,
                   "threads_per_rank": max(1, cores // p), "wall": wall, "seconds": s.get("seconds"),
                   "distributed": d, "command": " ".join(cmd)}
            raw.write(json.dumps(rec) + "\n")
            raw.flush()
            per_rank = d["per_rank"]
            rows.append({
                "n": n, "who": f"plenty, {p} rank{'s' if p > 1 else ''}" + (", hub rows split" if hubs == "split" else ""),
                "wall": wall,
                "solve": (s.get("seconds") or {}).get("solve_x_and_v"),
                "iterations": d["matrix_vector_products"],
                "bytes": d["bytes_sent_per_iteration"], "comm": d["seconds_communicating_max"],
                "peak": " / ".join(f"{r['peak_memory_bytes'] / 2**20:,.0f}" for r in per_rank),
            })
        if args.peer:
            if not os.path.exists(os.path.join(plain, "A.mtx")):
                run(gen + ["--out", plain])
            cmd = [args.python, "bench/peer/peer.py", "leontief", "--A", os.path.join(plain, "A.mtx"),
                   "--d", os.path.join(plain, "d.csv"), "--l", os.path.join(plain, "l.csv"), "--method", "bicgstab"]
            wall, p = run(cmd)
            out = json.loads(p.stdout.strip().splitlines()[-1])
            raw.write(json.dumps({"part": "scipy", "n": n, "wall": wall, "result": out, "command": " ".join(cmd)}) + "\n")
            rows.append({"n": n, "who": "SciPy bicgstab, 1 process", "wall": wall, "solve": out["seconds"],
                         "iterations": None, "bytes": None, "comm": None, "peak": None})
        if not args.keep:
            shutil.rmtree(plain, ignore_errors=True)
    raw.close()
    f = lambda v, fmt: "–" if v is None else format(v, fmt)
    print_table(machine, cores,
                ["n", "run", "solve x and v (s)", "whole run (s)", "mat-vecs", "bytes sent / iteration",
                 "s communicating", "peak memory per rank (MiB)"],
                [[f"{r['n']:.0e}", r["who"], f(r["solve"], ".2f"), f"{r['wall']:.1f}", f(r["iterations"], "d"),
                  f(r["bytes"], ",.0f"), f(r["comm"], ".3f"), r["peak"] or "–"] for r in rows])


if __name__ == "__main__":
    main()
