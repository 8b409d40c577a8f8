#!/usr/bin/env python3
"""Writes an MPS file as a sharded LP in plenty's format (crates/plenty-io/src/lp_shard.rs), with
HiGHS reading the MPS and pyarrow writing the Parquet tables: a second, independent writer of
the format, and the way to give `mpirun plenty lp DIR` an LP that no rank reads whole.

  .venv-peer/bin/python bench/dist/shard_mps.py --mps plan.mps --shards 4 --out DIR

Shard s holds the columns and the rows of the s-th of K near-equal contiguous ranges (the first
ranges one longer), as `plenty generate-plan --shards` cuts them.
"""
import argparse
import hashlib
import os

import highspy
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def cut(n, k, s):
    base, extra = divmod(n, k)
    first = s * base + min(s, extra)
    return first, first + base + (1 if s < extra else 0)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write(table, path):
    pq.write_table(table, path, compression="none")
    return sha256(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mps", required=True)
    ap.add_argument("--shards", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(args.mps)
    lp = h.getLp()
    m, n = lp.num_row_, lp.num_col_
    a = lp.a_matrix_
    if a.format_ != highspy.MatrixFormat.kColwise:
        raise SystemExit("expected HiGHS's column-wise matrix")
    start = np.asarray(a.start_, dtype=np.int64)
    index = np.asarray(a.index_, dtype=np.uint32)
    value = np.asarray(a.value_, dtype=np.float64)
    cost = np.asarray(lp.col_cost_, dtype=np.float64)
    col_lo, col_hi = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    row_lo, row_hi = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    col_names = list(lp.col_names_) or [f"c{j}" for j in range(n)]
    row_names = list(lp.row_names_) or [f"r{i}" for i in range(m)]
    # HiGHS reads ±1e20 and beyond as infinite; plenty writes IEEE infinities.
    inf = highspy.kHighsInf
    for v in (col_lo, col_hi, row_lo, row_hi):
        v[v <= -inf] = -np.inf
        v[v >= inf] = np.inf
    os.makedirs(args.out, exist_ok=True)
    k = args.shards
    shards = []
    for s in range(k):
        c0, c1 = cut(n, k, s)
        r0, r1 = cut(m, k, s)
        e0, e1 = start[c0], start[c1]
        cols = np.repeat(np.arange(c0, c1, dtype=np.uint32), np.diff(start[c0:c1 + 1]))
        entries = f"shard-{s:04d}-entries.parquet"
        columns = f"shard-{s:04d}-columns.parquet"
        rows = f"shard-{s:04d}-rows.parquet"
        e_hash = write(pa.table({"row": pa.array(index[e0:e1], pa.uint32()), "column": pa.array(cols, pa.uint32()),
                                 "value": pa.array(value[e0:e1], pa.float64())}), os.path.join(args.out, entries))
        c_hash = write(pa.table({"column": pa.array(np.arange(c0, c1, dtype=np.uint64), pa.uint64()),
                                 "name": pa.array(col_names[c0:c1], pa.string()),
                                 "cost": pa.array(cost[c0:c1], pa.float64()),
                                 "lower": pa.array(col_lo[c0:c1], pa.float64()),
                                 "upper": pa.array(col_hi[c0:c1], pa.float64())}), os.path.join(args.out, columns))
        r_hash = write(pa.table({"row": pa.array(np.arange(r0, r1, dtype=np.uint64), pa.uint64()),
                                 "name": pa.array(row_names[r0:r1], pa.string()),
                                 "lower": pa.array(row_lo[r0:r1], pa.float64()),
                                 "upper": pa.array(row_hi[r0:r1], pa.float64())}), os.path.join(args.out, rows))
        shards.append((c0, c1, r0, r1, int(e1 - e0), entries, e_hash, columns, c_hash, rows, r_hash))
    sense = "maximize" if lp.sense_ == highspy.ObjSense.kMaximize else "minimize"
    with open(os.path.join(args.out, "lp.toml"), "w") as f:
        f.write(f'format = "plenty sharded LP"\nversion = 1\nsense = "{sense}"\noffset = {float(lp.offset_)!r}\n')
        f.write(f"rows = {m}\ncolumns = {n}\nnnz = {int(start[n])}\n")
        for (c0, c1, r0, r1, nnz, e, eh, c, ch, r, rh) in shards:
            f.write(f"\n[[shard]]\nfirst_column = {c0}\nend_column = {c1}\nfirst_row = {r0}\nend_row = {r1}\n"
                    f'nnz = {nnz}\nentries = "{e}"\nentries_sha256 = "{eh}"\ncolumns = "{c}"\n'
                    f'columns_sha256 = "{ch}"\nrows = "{r}"\nrows_sha256 = "{rh}"\n')
    print(f"wrote {args.out}: {m} rows, {n} columns, {int(start[n])} non-zeros in {k} shards")


if __name__ == "__main__":
    main()
