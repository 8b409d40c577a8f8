#!/usr/bin/env python3
"""A performance model of the distributed Leontief solve, fitted to measured runs.

  python3 bench/dist/model.py --runs bench/dist/runs/DATE/raw.jsonl --comm COMM.json [--comm-tcp TCP.json]

Per BiCGSTAB iteration (x and v solved in lockstep, as `plenty values` does) every rank does
four products (A and Aᵀ for each system) over its non-zeros, about 20 passes over its share of
the vectors, four ghost exchanges and about six reductions (all-gathers of the chunk sums):

    T_iter(P) = c · nnz/P                                  compute: c per non-zero, vectors included
              + 4 · (α_x + g(P) · 8 / β)                   ghost exchanges: latency, bytes/bandwidth
              + 6 · t_gather(n)                            reductions: all-gather of n/16384 sums

c is fitted to the one-rank runs (per structure: with sector locality, and random); α_x and β
to the exchange timings of `comm_cost` (8 KiB to 64 MiB); t_gather is measured; g(P), the
ghosts of the busiest rank, comes from `plenty partition` where it can be computed and from
the formulas below at 10^8 products:

    random inputs (k per product):   g ≈ n(1 − 1/P)·[(1 − (1 − 1/P)^k) + (1 − e^(−k/P))]
    local inputs, basic goods first:  g ≈ n(1 − 1/P)        (rank 0 owns the basic goods, whose
                                                              rows touch every column)
    local, basic-good rows split:     g ≈ 2·bandwidth + n/1000

Standard library only. Prints the fitted terms, the model against the measured runs, and the
predictions for 10^8 products on 16 and 64 nodes.
"""
import argparse
import json
import math


def fit_line(xs, ys):
    """Least squares y = a + b x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def ghosts_random(n, p, k):
    if p == 1:
        return 0.0
    return n * (1 - 1 / p) * ((1 - (1 - 1 / p) ** k) + (1 - math.exp(-k / p)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--comm", required=True, help="comm_cost JSON (shared memory)")
    ap.add_argument("--comm-tcp", help="comm_cost JSON over TCP (--mca btl tcp,self)")
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()
    runs = [json.loads(l) for l in open(args.runs) if l.strip()]
    runs = [r for r in runs if r.get("part") == "plenty"]
    # A later run of the same case (size, ranks, inputs, hub rows) supersedes an earlier one:
    # the file accumulates runs of successive versions, and the model describes the newest.
    latest = {}
    for r in runs:
        r.setdefault("hub_rows", "ghosts")
        latest[(r["n"], r["ranks"], r["structure"], r["hub_rows"])] = r
    runs = list(latest.values())

    def comm_terms(path):
        c = json.load(open(path))
        sizes = [8 * 1024, 1 << 20, 8 << 20, 64 << 20]
        xs = [s for s in sizes if f"exchange_{s}" in c]
        alpha, inv_beta = fit_line(xs, [c[f"exchange_{s}"] for s in xs])
        return {"alpha": max(alpha, c.get("gather_1", 0.0)), "beta": 1 / inv_beta, "gather_1": c["gather_1"],
                "gather": {int(k.split("_")[-1]): v for k, v in c.items() if k.startswith("gather_chunks_")}}

    shm = comm_terms(args.comm)
    tcp = comm_terms(args.comm_tcp) if args.comm_tcp else None
    print("## Fitted terms\n")
    for name, t in [("shared memory", shm), ("TCP loopback", tcp)]:
        if t:
            print(f"- {name}: exchange latency α = {t['alpha'] * 1e6:.1f} µs, bandwidth β = {t['beta'] / 1e9:.2f} GB/s, "
                  f"all-gather of one number {t['gather_1'] * 1e6:.1f} µs")
    # c per structure from one-rank runs: solve seconds / (iterations · 4 · nnz)... iterations are
    # BiCGSTAB steps = matrix_vector_products / 4 (two per system and step).
    cost = {}
    fit_threads = {}
    for r in runs:
        if r["ranks"] != 1:
            continue
        d = r["distributed"]
        steps = d["matrix_vector_products"] / 4
        nnz = sum(x["nonzeros"] for x in d["per_rank"])
        solve = r["seconds"]["solve_x_and_v"]
        cost.setdefault(r["structure"], []).append(solve / (steps * nnz))
        fit_threads[r["structure"]] = r.get("threads_per_rank", 1)
    for s, v in cost.items():
        cost[s] = sorted(v)[len(v) // 2]
        print(f"- compute, {s} inputs: c = {cost[s] * 1e9:.2f} ns per non-zero per BiCGSTAB step "
              f"(four products and the vector updates; one rank of {fit_threads[s]} threads)")

    def predict(n, nnz, p, structure, ghosts, net, threads):
        # On one machine the ranks share its cores: a rank with fewer threads than the fit
        # computes proportionally slower.
        c = cost.get(structure) or next(iter(cost.values()))
        comp = c * nnz / p * fit_threads.get(structure, threads) / threads
        exch = 4 * (net["alpha"] + ghosts * 8 / net["beta"]) if p > 1 else 0.0
        g = net["gather"]
        key = min(g, key=lambda m: abs(math.log(m / n))) if g else None
        red = 6 * (g[key] if key else net["gather_1"]) if p > 1 else 0.0
        return comp, exch, red

    print("\n## The model against the measured runs\n")
    print("| n | structure | ranks | hub rows | measured s / step | model s / step (compute + exchanges + reductions) | error |")
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        d = r["distributed"]
        steps = d["matrix_vector_products"] / 4
        nnz = sum(x["nonzeros"] for x in d["per_rank"])
        g = max(sum(x["ghosts"]) for x in d["per_rank"])
        comp, exch, red = predict(r["n"], nnz, r["ranks"], r["structure"], g, shm, r.get("threads_per_rank", 1))
        meas = r["seconds"]["solve_x_and_v"] / steps
        model = comp + exch + red
        print(f"| {r['n']:.0e} | {r['structure']} | {r['ranks']} | {r['hub_rows']} | {meas:.4f} | {model:.4f} "
              f"({comp:.4f} + {exch:.4f} + {red:.4f}) | {100 * (model / meas - 1):+.0f} % |")

    print("\n## Predictions: 10^8 products, k = 10 (10^9 non-zeros)\n")
    print("Assumptions: a node computes at the rate c measured here per 2 cores (memory-bound; a node with more "
          "memory channels is faster, so these times are upper bounds for compute); networks: the TCP loopback "
          "measured here (pessimistic), and an InfiniBand-class network, α = 2 µs, β = 12 GB/s per node "
          "(assumed, not measured); reductions cost 6 all-gathers of 6 104 numbers, latency-bound (log₂P "
          "rounds of α). Ghosts as in the formulas above, for the busiest rank.\n")
    # The steps of both solves at 10^8: the median of the measured runs of each structure (the
    # iteration count barely grows with n on these economies: 10–15 steps, 42–60 products, from
    # 10^6 to 4·10^7).
    steps_of = {}
    for r in runs:
        steps_of.setdefault(r["structure"], []).append(r["distributed"]["matrix_vector_products"] / 4)
    steps_of = {k: sorted(v)[len(v) // 2] for k, v in steps_of.items()}
    print("| nodes | inputs | ghosts of the busiest rank | network | s per step (compute + exchanges + reductions) | steps/s | both solves (steps) |")
    print("|---|---|---|---|---|---|---|")
    n, nnz = 10**8, 10**9
    ib = {"alpha": 2e-6, "beta": 12e9, "gather_1": 2e-6, "gather": {}}
    for p in [16, 64]:
        cases = [("random", ghosts_random(n, p, args.k), "random"),
                 ("local, basic goods on one rank", n * (1 - 1 / p), "local"),
                 ("local, basic-good rows split", 2 * 50 + n / 1000, "local")]
        for label, g, structure in cases:
            for netname, net in [("TCP (measured)", tcp), ("InfiniBand (assumed)", ib)]:
                if net is None:
                    continue
                c = cost.get(structure) or next(iter(cost.values()))
                comp = c * nnz / p
                exch = 4 * (net["alpha"] + g * 8 / net["beta"])
                red = 6 * (math.ceil(math.log2(p)) * net["alpha"] + 6104 * 8 / net["beta"])
                tot = comp + exch + red
                steps = steps_of.get(structure, 60)
                print(f"| {p} | {label} | {g:,.0f} | {netname} | {tot:.3f} ({comp:.3f} + {exch:.3f} + {red:.4f}) "
                      f"| {1 / tot:.1f} | {tot * steps:.0f} s ({steps:.0f}) |")


if __name__ == "__main__":
    main()
