#!/usr/bin/env python3
"""Counting votes: `plenty vote` against pabutools on the same pabulib files, in one run (issue #14).

Generates seeded random approval elections as pabulib `.pb` files (voters × projects × approval
density), then for every file and rule, one after the other: pabutools 1.2.3 (in a child process
of the venv's Python, under a time cap) and `plenty vote` (the release binary, the CLI's own
flags). The outcomes (the funded project ids, in order) must be identical; the table gives both
times and the ratio pabutools / plenty.

What is timed:

* pabutools: the rule call alone (`method_of_equal_shares(...)` etc.), after the file is parsed
  and the profile built; parsing is not counted. A child process still running after the cap
  (parsing included) is stopped and shown as "> cap" (its outcome is then unknown, and the
  ratio is a lower bound).
* plenty: the whole process, `plenty vote FILE --rule … --completion …`, wall clock: start-up,
  reading and hashing the file, the count and the output.

Rules (pabutools call → plenty flags):

| rule | pabutools | plenty vote |
|---|---|---|
| mes-cost | `method_of_equal_shares(sat_class=Cost_Sat)` | `--rule mes` |
| mes-card | `method_of_equal_shares(sat_class=Cardinality_Sat)` | `--rule mes-cardinality` |
| mes+increment | `…, voter_budget_increment=STEP` | `--completion increment --increment STEP` |
| mes+greedy | `completion_by_rule_combination(MES, greedy)` | `--completion greedy` |
| mes+increment+greedy | the same with `voter_budget_increment=STEP` | `--completion increment-greedy` |
| greedy | `greedy_utilitarian_welfare(Cost_Sat)` | `--rule greedy` |

    python3 bench/vote/pabutools_speed.py                       # 10^3, 10^4, 10^5 voters
    python3 bench/vote/pabutools_speed.py --voters 1000 --cap 60 --rules mes-cost,greedy

The Markdown table goes to standard output and to bench/vote/runs/<date>.md, with the command,
the date and the CPU model; one JSON line per measurement goes to bench/vote/runs/<date>.jsonl.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import random
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]

RULES = {
    "mes-cost": (["--rule", "mes"], "mes", "cost", False, False),
    "mes-card": (["--rule", "mes-cardinality"], "mes", "cardinality", False, False),
    "mes+increment": (["--rule", "mes", "--completion", "increment"], "mes", "cost", True, False),
    "mes+greedy": (["--rule", "mes", "--completion", "greedy"], "mes", "cost", False, True),
    "mes+increment+greedy": (
        ["--rule", "mes", "--completion", "increment-greedy"], "mes", "cost", True, True),
    "greedy": (["--rule", "greedy"], "greedy", "cost", False, False),
}


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


def write_pb(path, voters, projects, density, seed, share):
    """A random approval election: costs uniform in [0.5, 1.5] × budget / 20 (so MES funds
    a few dozen projects), each voter approves each project with probability `density` (at
    least one), budget = share × voters."""
    rng = random.Random(seed)
    budget = share * voters
    ids = [f"p{j:03d}" for j in range(projects)]
    costs = [rng.randint(budget // 40, 3 * budget // 40) for _ in ids]
    with open(path, "w") as f:
        f.write("META\nkey;value\n")
        f.write(f"description;random approval election, seed {seed}\n")
        f.write(f"num_projects;{projects}\nnum_votes;{voters}\nbudget;{budget}\n")
        f.write("vote_type;approval\nPROJECTS\nproject_id;cost\n")
        for i, c in zip(ids, costs):
            f.write(f"{i};{c}\n")
        f.write("VOTES\nvoter_id;vote\n")
        for v in range(voters):
            chosen = [i for i in ids if rng.random() < density] or [rng.choice(ids)]
            f.write(f"{v};{','.join(chosen)}\n")


def worker(path, rule, step):
    """Runs one pabutools rule on one file; prints {"selected": [...], "seconds": t}."""
    from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    _, kind, sat_name, increment, greedy_after = RULES[rule]
    sat = Cost_Sat if sat_name == "cost" else Cardinality_Sat
    instance, profile = parse_pabulib(path)
    t0 = time.perf_counter()
    if kind == "greedy":
        out = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    else:
        params = {"sat_class": sat}
        if increment:
            params["voter_budget_increment"] = step
        if greedy_after:
            out = completion_by_rule_combination(
                instance, profile, [method_of_equal_shares, greedy_utilitarian_welfare],
                [params, {"sat_class": sat}])
        else:
            out = method_of_equal_shares(instance, profile, **params)
    seconds = time.perf_counter() - t0
    print(json.dumps({"selected": [p.name for p in out], "seconds": seconds}))


def plenty_selected(stdout):
    """The funded ids from `plenty vote`'s table (the lines between "funded:" and the blank
    line; the first column after the header)."""
    lines = stdout.splitlines()
    k = next(i for i, l in enumerate(lines) if l.startswith("funded:"))
    ids = []
    for line in lines[k + 2:]:
        if not line.strip():
            break
        ids.append(line.split()[0])
    return ids


def fmt(t):
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voters", default="1000,10000,100000")
    ap.add_argument("--projects", default="80")
    ap.add_argument("--densities", default="0.05,0.3")
    ap.add_argument("--rules", default=",".join(RULES))
    ap.add_argument("--share", type=int, default=100, help="budget per voter (budget = share × voters)")
    ap.add_argument("--increment", default="1", help="voter_budget_increment / --increment")
    ap.add_argument("--cap", type=float, default=300.0, help="time cap of one pabutools run, seconds")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--python", default=str(ROOT / ".venv-peer/bin/python"))
    ap.add_argument("--plenty", default=str(ROOT / "target/release/plenty"))
    ap.add_argument("--worker", nargs=3, metavar=("FILE", "RULE", "STEP"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        path, rule, step = a.worker
        worker(path, rule, int(step) if step.isdigit() else float(step))
        return
    runs = ROOT / "bench/vote/runs"
    runs.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today().isoformat()
    header = {"date": subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip(),
              "command": " ".join([pathlib.Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
              "machine": machine(),
              "plenty": subprocess.run([a.plenty, "--version"], capture_output=True,
                                       text=True).stdout.strip(),
              "pabutools": subprocess.run(
                  [a.python, "-c", "import importlib.metadata as m; print(m.version('pabutools'))"],
                  capture_output=True, text=True).stdout.strip()}
    work = pathlib.Path(tempfile.mkdtemp(prefix="plenty-vote-bench-"))
    rows = []
    with open(runs / f"{today}.jsonl", "a") as log:
        log.write(json.dumps(header) + "\n")
        for n in [int(float(x)) for x in a.voters.split(",")]:
            for m in [int(x) for x in a.projects.split(",")]:
                for d in [float(x) for x in a.densities.split(",")]:
                    path = work / f"n{n}-m{m}-d{d}.pb"
                    write_pb(path, n, m, d, a.seed, a.share)
                    for rule in a.rules.split(","):
                        flags = RULES[rule][0]
                        cmd = [a.plenty, "vote", str(path), *flags]
                        if RULES[rule][3]:
                            cmd += ["--increment", a.increment]
                        t0 = time.perf_counter()
                        p = subprocess.run(cmd, capture_output=True, text=True)
                        t_plenty = time.perf_counter() - t0
                        if p.returncode != 0:
                            sys.exit(f"plenty failed on {path} {rule}: {p.stderr}")
                        ours = plenty_selected(p.stdout)
                        # The cap bounds the child process (the rule call and parsing the
                        # file); a stopped run is shown as "> cap".
                        try:
                            q = subprocess.run(
                                [a.python, __file__, "--worker", str(path), rule, a.increment],
                                capture_output=True, text=True, timeout=a.cap)
                            res = json.loads(q.stdout)
                            t_pabu, theirs, capped = res["seconds"], res["selected"], False
                        except subprocess.TimeoutExpired:
                            t_pabu, theirs, capped = a.cap, None, True
                        same = None if theirs is None else theirs == ours
                        rec = {"voters": n, "projects": m, "density": d, "rule": rule,
                               "plenty_s": t_plenty, "pabutools_s": t_pabu,
                               "pabutools_capped": capped, "same": same,
                               "funded": len(ours)}
                        log.write(json.dumps(rec) + "\n")
                        log.flush()
                        rows.append(rec)
                        print(json.dumps(rec), file=sys.stderr)
                    path.unlink()
    out = [f"Command: `{header['command']}`  ",
           f"Date: {header['date']}; CPU: {header['machine']['cpu_model']} "
           f"({header['machine']['cores']} cores); {header['plenty']}; "
           f"pabutools {header['pabutools']}; pabutools cap {a.cap:.0f} s per run; "
           f"increment {a.increment}; budget {a.share} × voters.", "",
           "| voters | projects | density | rule | funded | pabutools | plenty | ratio | same outcome |",
           "|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for r in rows:
        pab = ("> " if r["pabutools_capped"] else "") + fmt(r["pabutools_s"])
        ratio = r["pabutools_s"] / r["plenty_s"]
        out.append(f"| {r['voters']} | {r['projects']} | {r['density']} | {r['rule']} | "
                   f"{r['funded']} | {pab} | {fmt(r['plenty_s'])} | "
                   f"{'≥ ' if r['pabutools_capped'] else ''}{ratio:.0f}× | "
                   f"{'—' if r['same'] is None else ('yes' if r['same'] else 'NO')} |")
    table = "\n".join(out) + "\n"
    print(table)
    with open(runs / f"{today}.md", "a") as f:
        f.write(table + "\n")
    if any(r["same"] is False for r in rows):
        sys.exit("outcomes differ")


if __name__ == "__main__":
    main()
