"""The `plenty` Python package against pymrio's `calc_all` on the same generated system
(issue #17, section 4), at 2 000 and 5 000 sectors by default.

    python bench/python/calc_all.py [--sizes 2000 5000] [--regions 10] [--markdown]

Both get the same pandas frames: flows Z (dense, about 10 % non-zero, column sums of A below
0.8 so the system is productive), final demand Y (one category per region) and one extension
with two stressors. Timed, in the same process and run:

* pymrio: `IOSystem(Z, Y)` with the extension, then `calc_all()` (x, A, L by NumPy's inverse,
  S, M = S L, and the accounts D_cba, D_pba, D_imp, D_exp);
* plenty: `plenty.from_pymrio(io)` (A from Z and x), `plenty.leontief_inverse(e)` (L by one LU
  and n solves), `plenty.multipliers(e)` (M = S L by transposed solves), and the accounts
  D_cba etc. by `to_pymrio(...)` with L given, so that both end with the same results.

Both results are compared (max relative difference of L and M), so a fast wrong answer shows.
Use a release build of the package (`maturin build --release`, then pip install the wheel).
"""

import argparse
import datetime
import platform
import subprocess
import time

import numpy as np
import pandas as pd
import pymrio

import plenty


def system(n: int, regions: int, seed: int = 17):
    rng = np.random.default_rng(seed)
    per = n // regions
    n = per * regions
    idx = pd.MultiIndex.from_tuples(
        [(f"r{r}", f"s{s}") for r in range(regions) for s in range(per)], names=["region", "sector"]
    )
    cols = pd.MultiIndex.from_tuples([(f"r{r}", "households") for r in range(regions)], names=["region", "category"])
    Y = rng.random((n, regions)) * 100.0 + 1.0
    A = rng.random((n, n)) * (rng.random((n, n)) < 0.1)
    A *= 0.7 / A.sum(axis=0).max()
    # x = (I − A)⁻¹ y is not needed: Z = A diag(x) for a positive x, and pymrio's x = Z1 + Y1.
    x = rng.random(n) * 1e3 + 1e3
    Z = A * x[np.newaxis, :]
    F = rng.random((2, n)) * x
    sidx = pd.MultiIndex.from_tuples([("co2", "air"), ("n", "water")], names=["stressor", "compartment"])
    return (
        pd.DataFrame(Z, index=idx, columns=idx),
        pd.DataFrame(Y, index=idx, columns=cols),
        pd.DataFrame(F, index=sidx, columns=idx),
        pd.DataFrame({"unit": ["kg", "kg"]}, index=sidx),
    )


def io_system(Z, Y, F, unit):
    io = pymrio.IOSystem(Z=Z.copy(), Y=Y.copy(), name="bench")
    io.emissions = pymrio.Extension(name="Emissions", F=F.copy(), unit=unit.copy())
    return io


def run(n: int, regions: int):
    Z, Y, F, unit = system(n, regions)
    n = len(Z)
    io = io_system(Z, Y, F, unit)
    t0 = time.perf_counter()
    io.calc_all()
    t_pymrio = time.perf_counter() - t0

    fresh = io_system(Z, Y, F, unit)
    t0 = time.perf_counter()
    e = plenty.from_pymrio(fresh)
    L = plenty.leontief_inverse(e)
    m = plenty.multipliers(e)
    t_core = time.perf_counter() - t0
    # The accounts from plenty's L: pymrio's calc_all skips L (and A, x) when they are given.
    out = plenty.to_pymrio(e)
    out.L = L
    out.calc_all()
    t_plenty = time.perf_counter() - t0

    dL = np.max(np.abs(L.to_numpy() - io.L.to_numpy())) / np.max(np.abs(io.L.to_numpy()))
    M = io.emissions.M.to_numpy()
    got = np.vstack([m["emissions/co2/air_effect"], m["emissions/n/water_effect"]])
    dM = np.max(np.abs(got - M) / np.abs(M))
    dD = np.max(np.abs(out.emissions.D_cba.to_numpy() - io.emissions.D_cba.to_numpy())) / np.max(
        np.abs(io.emissions.D_cba.to_numpy())
    )
    return {
        "n": n,
        "pymrio_calc_all_s": t_pymrio,
        "plenty_L_M_s": t_core,
        "plenty_with_accounts_s": t_plenty,
        "ratio": t_pymrio / t_plenty,
        "max_rel_diff_L": dL,
        "max_rel_diff_M": dM,
        "max_rel_diff_D_cba": dD,
        "method": L.attrs["solve"].get("method"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000])
    ap.add_argument("--regions", type=int, default=10)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    model = next(
        (l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines() if l.startswith("Model name")),
        platform.processor(),
    )
    print(f"date {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}; machine {model}; "
          f"plenty {plenty.__version__}, pymrio {pymrio.__version__}, numpy {np.__version__}, pandas {pd.__version__}")
    rows = [run(n, a.regions) for n in a.sizes]
    if a.markdown:
        print("| sectors | pymrio calc_all (s) | plenty L and M (s) | plenty with the accounts (s) | pymrio / plenty | max rel. diff. L, M, D_cba |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['n']} | {r['pymrio_calc_all_s']:.2f} | {r['plenty_L_M_s']:.2f} | {r['plenty_with_accounts_s']:.2f} | "
                  f"{r['ratio']:.2f} | {r['max_rel_diff_L']:.1e}, {r['max_rel_diff_M']:.1e}, {r['max_rel_diff_D_cba']:.1e} |")
    else:
        for r in rows:
            print(r)


if __name__ == "__main__":
    main()
