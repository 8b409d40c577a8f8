#!/usr/bin/env python3
"""Optimal plans on every instance family, plenty against HiGHS and Clarabel on the same MPS file
(issue #12).

Families (`plenty generate-plan` writes each as MPS):

* `random`: Kantorovich's single-year plan, 2 techniques per product, random input structure;
* `local`: the same with sector locality (`--structure local`);
* `multi-year`: Cockshott's N-year plan with capital stocks (`--family multi-year --years 5`).

For each family and size, one after the other on the very same file: `plenty lp --backend auto`
(the method plenty chooses, named in the table), HiGHS's simplex, interior point and PDLP
(highspy, through bench/peer/peer.py), and Clarabel (its Python wheel, the pure-Rust interior
point). Each peer runs under a time limit. The table gives each time and the ratio peer / plenty
for the fastest HiGHS solver whose objective agrees with the best answer to the tolerance, and for
Clarabel. Records are appended to bench/plan/runs/<date>.jsonl with the machine, the command and
the versions.

    python3 bench/plan/families.py --families random,local,multi-year --sizes 100,1000 --timeout 300
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu_model": model, "cores": os.cpu_count(), "platform": platform.platform()}


def timed(cmd, timeout, env=None):
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, timeout, "timeout"
    return p, time.perf_counter() - t0, None


def start_run(part):
    """Builds plenty (release), and returns its binary, the peer script, today's record file
    under bench/plan/runs and the run's header record (date, command, machine, version)."""
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "plenty-cli"], cwd=ROOT, check=True)
    plenty = str(ROOT / "target/release/plenty")
    runs = ROOT / "bench/plan/runs"
    runs.mkdir(parents=True, exist_ok=True)
    out_path = runs / f"{datetime.date.today().isoformat()}.jsonl"
    header = {"part": part, "date": datetime.datetime.now().isoformat(timespec="seconds"),
              "command": " ".join(sys.argv), "machine": machine(),
              "plenty": subprocess.run([plenty, "--version"], capture_output=True, text=True).stdout.strip()}
    return plenty, str(ROOT / "bench/peer/peer.py"), out_path, header


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", default="random,local,multi-year")
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--years", default="5")
    ap.add_argument("--peers", default="simplex,ipm,pdlp,clarabel")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--tolerance", default="1e-6")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--python", default=str(ROOT / ".venv-peer/bin/python"))
    a = ap.parse_args()
    plenty, peer, out_path, header = start_run("families-run")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    rows = []
    work = pathlib.Path(tempfile.mkdtemp(prefix="plenty-families-"))
    with open(out_path, "a") as log:
        log.write(json.dumps(header) + "\n")
        for family in a.families.split(","):
            for n in [int(float(x)) for x in a.sizes.split(",")]:
                d = work / f"{family}-{n}"
                gen = [plenty, "generate-plan", "--n", str(n), "--seed", a.seed, "--out", str(d), "-q"]
                if family == "local":
                    gen += ["--structure", "local"]
                if family == "multi-year":
                    gen += ["--family", "multi-year", "--years", a.years, "--k", "5"]
                subprocess.run(gen, check=True, capture_output=True)
                mps = str(d / "plan.mps")
                record = {"part": "families", "family": family, "n": n, "mps": mps}
                out = d / "plenty.json"
                p, secs, err = timed([plenty, "lp", mps, "--tolerance", a.tolerance, "-q", "-o", str(out)],
                                     a.timeout * 4)
                s = json.loads(out.read_text())["summary"] if p and p.returncode == 0 else {}
                record["plenty"] = {"seconds": secs, "status": s.get("status", err or "failed"),
                                    "objective": s.get("objective"), "method": s.get("method"),
                                    "iterations": s.get("iterations"), "solve_seconds":
                                    s.get("seconds_total", {}).get("solve"),
                                    "certificate": s.get("certificate"), "choice": s.get("method_choice")}
                for solver in a.peers.split(","):
                    p, secs, err = timed([a.python, peer, "lp", "--mps", mps, "--solver", solver],
                                         a.timeout, env)
                    if p is None or p.returncode != 0:
                        record[solver] = {"status": err or "failed", "seconds": secs}
                    else:
                        r = json.loads(p.stdout.strip().splitlines()[-1])
                        record[solver] = {"status": r["status"], "seconds": r["seconds"],
                                          "objective": r["objective"], "process_seconds": secs}
                log.write(json.dumps(record) + "\n")
                log.flush()
                rows.append(record)
                print(json.dumps(record), file=sys.stderr)
    print(table(rows, a))


def table(rows, a):
    tol = float(a.tolerance)
    peers = a.peers.split(",")
    out = [f"Command: `{' '.join(sys.argv)}`; {datetime.date.today().isoformat()}; {machine()['cpu_model']}, "
           f"{machine()['cores']} cores. Times are the solvers' own (plenty: its solve; peers: their run), s.", "",
           "| family | n | plenty (method) | " + " | ".join(peers) + " | best HiGHS / plenty | Clarabel / plenty |",
           "|---|---|---|" + "---|" * len(peers) + "---|---|"]
    for r in rows:
        objs = [r[k].get("objective") for k in ["plenty"] + peers if isinstance(r.get(k), dict)
                and r[k].get("objective") is not None and str(r[k].get("status")).lower() in ("optimal", "solved")]
        best = max(objs, key=abs) if objs else None

        def ok(k):
            x = r.get(k, {})
            if x.get("objective") is None or best is None:
                return False
            # Agreement to the certificate's scale: 2·tol·(1 + |best|).
            return abs(x["objective"] - best) <= 2 * tol * (1.0 + abs(best)) and \
                str(x.get("status")).lower() in ("optimal", "solved")

        pl = r["plenty"]
        t_plenty = pl.get("solve_seconds") or pl["seconds"]
        cells = []
        for k in peers:
            x = r.get(k, {})
            cells.append(f"{x['seconds']:.2f}" + ("" if ok(k) else f" ({x.get('status')})"))
        highs = [r[k]["seconds"] for k in peers if k != "clarabel" and ok(k)]
        ratio = f"{min(highs) / t_plenty:.1f}×" if highs and ok("plenty") else "—"
        cr = f"{r['clarabel']['seconds'] / t_plenty:.1f}×" if "clarabel" in r and ok("clarabel") and ok("plenty") else "—"
        out.append(f"| {r['family']} | {r['n']} | {t_plenty:.2f} ({pl.get('method')}, {pl.get('status')}) | "
                   + " | ".join(cells) + f" | {ratio} | {cr} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
