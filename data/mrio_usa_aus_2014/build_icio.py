"""Writes icio/ICIO_extract_USA_AUS_2014.csv: the two-region system of ./pymrio in the exact
CSV layout of the OECD ICIO releases (as pymrio's parse_oecd reads them), to test plenty's
ICIO reader. Rows CCC_SECTOR, then TLS, VA and OUT; columns CCC_SECTOR, then the final-demand
columns CCC_HFCE, CCC_NPISH, CCC_GGFC, CCC_GFCF, CCC_INVNT of each region, then the exports to
the rest of the world as the column ROW_HFCE (the extract has no ROW sectors), then OUT.
TLS is zero (the national tables give no taxes on products); VA = OUT - column sums of Z (the
value added implied by the built system). Usage: python build_icio.py (after build.py).
"""

import pathlib

import numpy as np
import pandas as pd
import pymrio

HERE = pathlib.Path(__file__).resolve().parent
CODES = {"CONS_h": "HFCE", "CONS_np": "NPISH", "CONS_g": "GGFC", "GFCF": "GFCF", "INVEN": "INVNT"}

io = pymrio.load_all(HERE / "pymrio")
Z, Y, x = io.Z, io.Y, io.x["indout"]
labels = [f"{r}_{s}" for r, s in Z.index]
cols = {}
for (r, s), lab in zip(Z.columns, labels):
    cols[lab] = Z[(r, s)].to_numpy()
for r in io.get_regions():
    for c, code in CODES.items():
        cols[f"{r}_{code}"] = Y[(r, c)].to_numpy()
cols["ROW_HFCE"] = sum(Y[(r, "EXP_ROW")].to_numpy() for r in io.get_regions())
cols["OUT"] = x.to_numpy()
table = pd.DataFrame(cols, index=pd.Index(labels, name="V1"))
va = x.to_numpy() - Z.to_numpy().sum(axis=0)
extra = pd.DataFrame(0.0, index=["TLS", "VA", "OUT"], columns=table.columns)
extra.loc["VA", labels] = va
extra.loc["OUT", labels] = x.to_numpy()
table = pd.concat([table, extra])
table.index.name = "V1"
out = HERE / "icio"
out.mkdir(exist_ok=True)
table.to_csv(out / "ICIO_extract_USA_AUS_2014.csv")
print(f"wrote {out / 'ICIO_extract_USA_AUS_2014.csv'}: {table.shape}")
