"""pymrio's footprint accounts of a system, as JSON, for plenty's issue_17 tests.

Usage: python pymrio_footprints.py FOLDER   (a pymrio save_all folder, read with load_all)
       python pymrio_footprints.py test     (pymrio.load_test(), the system of data/pymrio_test)

Prints {"regions": [...], "sectors": [...], "accounts": {extension folder name: {stressor:
{"unit", "D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg" (one number per region),
"D_cba", "D_pba", "D_imp", "D_exp" (regions x sectors)}}}}. Stressors are the row labels
joined by "/", as plenty names them. Everything is computed by pymrio's calc_all().
"""

import json
import sys

import pymrio

src = sys.argv[1]
io = pymrio.load_test() if src == "test" else pymrio.load_all(src)
io.calc_all()
regions = list(io.get_regions())
sectors = list(io.get_sectors())
out = {"regions": regions, "sectors": sectors, "accounts": {}}
for ext in io.get_extensions(data=True):
    # The attribute name is the folder name plenty reads.
    name = next(k for k, v in vars(io).items() if v is ext)
    acc = {}
    for i, row in enumerate(ext.F.index):
        label = "/".join(row) if isinstance(row, tuple) else str(row)
        entry = {}
        for key in ["D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg"]:
            d = getattr(ext, key)
            entry[key] = [float(d.iloc[i][r]) for r in regions]
        for key in ["D_cba", "D_pba", "D_imp", "D_exp"]:
            d = getattr(ext, key).iloc[i]
            entry[key] = [[float(d[(r, s)]) for s in sectors] for r in regions]
        if ext.unit is not None:
            entry["unit"] = str(ext.unit.iloc[i, 0])
        acc[label] = entry
    out["accounts"][name] = acc
print(json.dumps(out))
