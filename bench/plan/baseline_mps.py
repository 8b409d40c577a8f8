#!/usr/bin/env python3
"""Writes the Kantorovich planning LP of bench/peer/baseline.py as an MPS file.

The very instance of the issue's baseline figures: baseline.py's own generator and seed, and its
own LP construction (`run_lp`), so HiGHS and plenty are timed on the LP those figures were
measured on, not on a look-alike:

    max λ  s.t.  Σ_t (I − A_t) x_t − λ d ≥ 0,  Σ_t l_t·x_t ≤ L,  0 ≤ x_t ≤ cap_t

written by HiGHS itself (as `minimise −λ`). `run_lp` builds the model and hands it to HiGHS;
here HiGHS's `run` is replaced by a write of the model, so no line of the construction is
copied.

    .venv-peer/bin/python bench/plan/baseline_mps.py --n 10000 --tech 2 --out plan.mps
"""
import argparse
import pathlib
import sys
import types

SHARED = pathlib.Path(__file__).resolve().parents[1] / "peer"


class _Written(Exception):
    """Raised by the patched `run` once the model is on disk."""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--structure", default="random", choices=["random", "local"])
    p.add_argument("--tech", type=int, default=2)
    p.add_argument("--out", required=True)
    p.add_argument("--shared", default=str(SHARED), help="folder of baseline.py")
    a = p.parse_args()
    sys.path.insert(0, a.shared)
    import baseline  # noqa: E402 (the shared generator)
    import highspy

    out = str(pathlib.Path(a.out).resolve())
    real = highspy.Highs

    class Writer(real):
        def run(self):
            status = self.writeModel(out)
            if status not in (highspy.HighsStatus.kOk, highspy.HighsStatus.kWarning):
                raise SystemExit(f"HiGHS could not write {out}: {status}")
            raise _Written()

    As, ls, d, rng = baseline.gen_economy(a.n, a.k, a.seed, a.structure, a.tech)
    args = types.SimpleNamespace(verbose=False, solver="simplex", time_limit=1.0, crossover="off")
    res = {}
    highspy.Highs = Writer
    try:
        baseline.run_lp(args, As, ls, d, rng, res)
        raise SystemExit("baseline.run_lp returned without running HiGHS; its interface changed")
    except _Written:
        pass
    finally:
        highspy.Highs = real
    print(f"{out}: {res['lp_rows']} rows, {res['lp_cols']} columns, {res['lp_nnz']} non-zeros")


if __name__ == "__main__":
    main()
