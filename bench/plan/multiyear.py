#!/usr/bin/env python3
"""Five-year plans (issue #13): plenty against HiGHS on Cockshott-model instances, plenty's
harmony plans against the optimum, and re-plans against cold plans.

For each size n (T = 5 years, `plenty generate-plan --family multi-year`, which writes
Cockshott's four spreadsheets and the LP as plan.mps built from them), one after the other:

* `plenty plan DIR` (Σλ, certified to 1e-9; the method the core chooses);
* HiGHS's interior point and PDLP (highspy, through bench/peer/peer.py) on plan.mps, under a
  time limit; the table gives the ratio HiGHS / plenty for the fastest HiGHS run that agrees;
* `plenty plan DIR --objective harmony`: its Σλ as a share of the optimum, and the labour it
  leaves idle (Cockshott's Java harmony heuristic reaches about 66 % of the optimum and leaves
  25–35 % of labour idle, see ANCHORS);
* `plenty plan DIR --replan` after a year in which nothing went wrong (horizon kept) and after a
  year in which the first industry delivered 80 % of its plan (horizon rolled on): the re-plan's
  solve time against the cold plan's.

Records go to bench/plan/runs/<date>.jsonl with the machine, the command and the versions.

    python3 bench/plan/multiyear.py --sizes 200,1000 --timeout 600
"""
import argparse
import datetime
import json
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from families import ROOT, machine, start_run, timed  # noqa: E402


def plenty_json(plenty, args, out, timeout):
    p, secs, err = timed([plenty, *args, "-q", "-o", str(out)], timeout)
    if p is None or not out.exists():
        return {"status": err or "failed", "seconds": secs}
    s = json.loads(out.read_text())["summary"]
    s["process_seconds"] = secs
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="200,1000")
    ap.add_argument("--years", default="5")
    ap.add_argument("--peers", default="ipm,pdlp")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--python", default=str(ROOT / ".venv-peer/bin/python"))
    a = ap.parse_args()
    plenty, peer, out_path, header = start_run("multiyear-run")
    work = pathlib.Path(tempfile.mkdtemp(prefix="plenty-multiyear-"))
    rows = []
    with open(out_path, "a") as log:
        log.write(json.dumps(header) + "\n")
        for n in [int(float(x)) for x in a.sizes.split(",")]:
            d = work / f"n{n}"
            subprocess.run([plenty, "generate-plan", "--family", "multi-year", "--n", str(n), "--years", a.years,
                            "--k", "5", "--seed", a.seed, "--out", str(d), "-q"], check=True, capture_output=True)
            r = {"part": "multiyear", "n": n, "years": int(a.years)}
            r["plenty"] = plenty_json(plenty, ["plan", str(d)], d / "plan.json", a.timeout * 2)
            for solver in a.peers.split(","):
                p, secs, err = timed([a.python, peer, "lp", "--mps", str(d / "plan.mps"), "--solver", solver,
                                      "--sense", "max"], a.timeout)
                if p is None or p.returncode != 0:
                    r[solver] = {"status": err or "failed", "seconds": secs}
                else:
                    x = json.loads(p.stdout.strip().splitlines()[-1])
                    r[solver] = {"status": x["status"], "seconds": x["seconds"], "objective": x["objective"]}
            r["harmony"] = plenty_json(plenty, ["plan", str(d), "--objective", "harmony"], d / "harmony.json",
                                       a.timeout * 2)
            (d / "calm.toml").write_text('horizon = "keep"\n')
            (d / "shock.toml").write_text('horizon = "roll"\n[delivered]\ng0 = 0.8\n')
            r["replan_calm"] = plenty_json(plenty, ["plan", str(d), "--replan", str(d / "calm.toml")],
                                           d / "calm.json", a.timeout * 2)
            r["replan_shock"] = plenty_json(plenty, ["plan", str(d), "--replan", str(d / "shock.toml")],
                                            d / "shock.json", a.timeout * 2)
            for k in ("plenty", "harmony", "replan_calm", "replan_shock"):
                for drop in ("binding", "consumption_index", "share_invested", "capital_index", "stocks_after"):
                    r[k].pop(drop, None)
            log.write(json.dumps(r) + "\n")
            log.flush()
            rows.append(r)
            print(json.dumps(r)[:2000], file=sys.stderr)
    print(table(rows, a))


def table(rows, a):
    out = [f"Command: `{' '.join(sys.argv)}`; {datetime.date.today().isoformat()}; {machine()['cpu_model']}, "
           f"{machine()['cores']} cores. plenty: its solve time (s); HiGHS: its run (s).", "",
           "| n | plenty Σλ (method, iterations) | plenty s | " + " | ".join(f"HiGHS {p}" for p in a.peers.split(","))
           + " | HiGHS / plenty | harmony: Σλ / optimum, labour idle, s | re-plan (calm, shock) / cold |",
           "|---|---|---|" + "---|" * len(a.peers.split(",")) + "---|---|---|"]
    for r in rows:
        p = r["plenty"]
        opt = p.get("sum_lambda")
        t = (p.get("seconds_total") or {}).get("solve") or p.get("process_seconds")
        method = (p.get("strategy") or [{}])[-1].get("method")
        cells, agree = [], []
        for s in a.peers.split(","):
            x = r[s]
            good = x.get("objective") is not None and opt and abs(x["objective"] - opt) <= 1e-6 * (1 + abs(opt))
            cells.append(f"{x['seconds']:.2f}" + ("" if good else f" ({x.get('status')})"))
            if good:
                agree.append(x["seconds"])
        ratio = f"{min(agree) / t:.1f}×" if agree and t else "—"
        h = r["harmony"]
        harmony = "—"
        if h.get("sum_lambda") and opt:
            idle = h.get("labour_idle")
            idle = f"{100 * idle:.1f} %" if idle is not None else "?"
            harmony = f"{h['sum_lambda'] / opt:.3f}, {idle}, {(h.get('seconds_total') or {}).get('solve', 0):.1f}"
        rp = []
        for k in ("replan_calm", "replan_shock"):
            s = (r[k].get("seconds_total") or {})
            rp.append(f"{s['replan'] / s['solve']:.2f}" if s.get("replan") and s.get("solve") else "—")
        out.append(f"| {r['n']} | {opt} ({method}, {p.get('iterations')}) | {t:.2f} | " + " | ".join(cells)
                   + f" | {ratio} | {harmony} | {', '.join(rp)} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
