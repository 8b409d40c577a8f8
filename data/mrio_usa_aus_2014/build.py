"""Builds a two-region MRIO (USA and Australia, 2014, 56 WIOD industries each) from the
national input-output tables in ../wiod2016_usa_aus_clptheory, and saves it as a pymrio
folder (the layout of IOSystem.save_all) in ./pymrio/.

What is real: the domestic flows Z_rr, each region's domestic final demand (CONS_h, CONS_np,
CONS_g, GFCF, INVEN), its exports column EXP and gross output GO (WIOD 2016 NIOT, millions of
US dollars), and hours worked by employees H_EMPE (millions of hours) and persons engaged EMP
(thousands) of the WIOD Socio-Economic Accounts. What is assumed (the national tables have no
import rows and no destinations of exports), the proportional rule:

  * a fixed share THETA[r] of every industry's exports of region r goes to the other region s;
    the rest, (1 - THETA[r]) * EXP_r, stays as region r's final demand column "EXP_ROW"
    (exports to the rest of the world, outside the system);
  * region r's exports of product i to s are split among s's industries and s's final-demand
    categories CONS_h, CONS_np, CONS_g, GFCF in proportion to s's domestic use of product i
    (row i of Z_ss and of those columns of Y_ss; changes in inventories are left out because
    they can be negative); a product s does not use domestically goes to s's households.

Every row still sums to gross output (Z 1 + Y 1 = GO, as in the national table), so x = GO.
Usage: python build.py   (needs pandas and pymrio; run from anywhere)
"""

import pathlib

import numpy as np
import pandas as pd
import pymrio

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parent / "wiod2016_usa_aus_clptheory"
YEAR = 2014
REGIONS = {"USA": "usa", "AUS": "aus"}
# Assumed shares of each region's exports that go to the other region (round numbers of the
# order of the published bilateral shares; assumptions, not data).
THETA = {"USA": 0.015, "AUS": 0.05}
DOMESTIC_FD = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]
SPLIT_FD = ["CONS_h", "CONS_np", "CONS_g", "GFCF"]
CATEGORIES = DOMESTIC_FD + ["EXP_ROW"]


def national(region):
    iot = pd.read_csv(SRC / f"{REGIONS[region]}iot.csv")
    iot = iot[(iot.Year == YEAR) & (iot.Origin == "Domestic")].reset_index(drop=True)
    codes = list(iot.Code)
    sea = pd.read_csv(SRC / f"{REGIONS[region]}sea.csv")
    sea = sea[sea.year == YEAR].set_index("code").loc[codes]
    return {
        "codes": codes,
        "Z": iot[codes].to_numpy(float),
        "FD": iot[DOMESTIC_FD].to_numpy(float),
        "EXP": iot["EXP"].to_numpy(float),
        "GO": iot["GO"].to_numpy(float),
        "hours": sea["H_EMPE"].to_numpy(float),
        "persons": sea["EMP"].to_numpy(float),
    }


def build():
    tables = {r: national(r) for r in REGIONS}
    codes = tables["USA"]["codes"]
    assert codes == tables["AUS"]["codes"], "both tables must have the same industries"
    ns, regs = len(codes), list(REGIONS)
    n = ns * len(regs)
    Z = np.zeros((n, n))
    Y = np.zeros((n, len(regs) * len(CATEGORIES)))
    block = lambda r: slice(regs.index(r) * ns, (regs.index(r) + 1) * ns)
    ycols = lambda r: slice(regs.index(r) * len(CATEGORIES), (regs.index(r) + 1) * len(CATEGORIES))
    for r in regs:
        t = tables[r]
        Z[block(r), block(r)] = t["Z"]
        Y[block(r), ycols(r)][:, : len(DOMESTIC_FD)] = t["FD"]
        Y[block(r), ycols(r).start + len(DOMESTIC_FD)] = (1 - THETA[r]) * t["EXP"]
        for s in regs:
            if s == r:
                continue
            u = tables[s]
            split = [DOMESTIC_FD.index(c) for c in SPLIT_FD]
            use = np.hstack([u["Z"], u["FD"][:, split]])  # s's domestic use, by product
            total = use.sum(axis=1)
            exports = THETA[r] * t["EXP"]
            shares = np.divide(use, total[:, None], out=np.zeros_like(use), where=total[:, None] > 0)
            no_use = total <= 0
            shares[no_use, ns + SPLIT_FD.index("CONS_h")] = 1.0
            flows = shares * exports[:, None]
            Z[block(r), block(s)] = flows[:, :ns]
            for k, c in enumerate(SPLIT_FD):
                Y[block(r), ycols(s).start + CATEGORIES.index(c)] += flows[:, ns + k]
    x = np.concatenate([tables[r]["GO"] for r in regs])
    balance = Z.sum(axis=1) + Y.sum(axis=1) - x
    assert np.abs(balance).max() < 1e-2, f"rows do not sum to gross output: {np.abs(balance).max()}"
    va = x - Z.sum(axis=0)
    assert (va > -1e-6).all(), "imports exceed the room left by the domestic inputs"
    sectors = pd.MultiIndex.from_product([regs, codes], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([regs, CATEGORIES], names=["region", "category"])
    F = pd.DataFrame(
        [np.concatenate([tables[r]["hours"] for r in regs]), np.concatenate([tables[r]["persons"] for r in regs])],
        index=pd.Index(["hours of employees", "persons engaged"], name="stressor"),
        columns=sectors,
    )
    employment = dict(
        name="Employment",
        F=F,
        unit=pd.DataFrame({"unit": ["millions of hours", "thousands"]}, index=F.index),
    )
    io = pymrio.IOSystem(
        Z=pd.DataFrame(Z, index=sectors, columns=sectors),
        Y=pd.DataFrame(Y, index=sectors, columns=fd),
        x=pd.DataFrame({"indout": x}, index=sectors),
        unit=pd.DataFrame({"unit": ["M USD"] * n}, index=sectors),
        employment=employment,
        name="USA-AUS 2014 (built from WIOD 2016 national tables)",
    )
    return io


if __name__ == "__main__":
    io = build()
    out = HERE / "pymrio"
    io.save_all(out)
    print(f"saved {out}: {len(io.get_regions())} regions, {len(io.get_sectors())} sectors")
