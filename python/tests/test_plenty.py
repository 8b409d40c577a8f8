"""Tests of the `plenty` Python package (issue #17, section 4). Every number is checked against
an independent computation: pymrio 0.7's `calc_all` (the peer venv) or NumPy following the
textbook's formula (Miller & Blair 2022, ch. 2 and 6), on real tables from data/."""

import json
import subprocess
import threading
import time

import numpy as np
import pandas as pd
import pytest

import plenty
from conftest import require

RTOL = 1e-9


def numpy_inverse(A):
    """L = (I − A)⁻¹ by NumPy (Miller & Blair 2022, eq. 2.11)."""
    A = np.asarray(A, dtype=float)
    return np.linalg.inv(np.eye(len(A)) - A)


# -- reading --------------------------------------------------------------------------------


def test_issue_17_read_real_table_matches_numpy(root):
    """Germany 1995 (Eurostat Manual table 15.4): A, x, Y and the employment satellite read by
    the CLI's reader; labour values and multipliers against NumPy's inverse."""
    e = plenty.read(root / "examples/specs/germany_1995.toml")
    assert e.n == 6 and e.labour == "employment"
    A = e.A
    assert list(A.index) == e.labels and isinstance(A, pd.DataFrame)
    # Z = A diag(x) gives back the recorded flows' column sums: A·x row sums equal Z·1.
    np.testing.assert_allclose(e.Z.to_numpy(), A.to_numpy() * e.x.to_numpy(), rtol=1e-12)
    L = numpy_inverse(A)
    l = e.S.loc["employment"].to_numpy()
    d = e.Y.sum(axis=1).to_numpy()
    v = plenty.values(e)
    np.testing.assert_allclose(v["labour_value"], l @ L, rtol=RTOL)
    np.testing.assert_allclose(v["gross_output"], L @ d, rtol=RTOL)
    assert v.attrs["solve"]["identity"]["relative_difference"] < 1e-12
    m = plenty.multipliers(e)
    np.testing.assert_allclose(m["output_multiplier"], L.sum(axis=0), rtol=RTOL)
    np.testing.assert_allclose(m["gva_effect"], e.S.loc["gva"].to_numpy() @ L, rtol=RTOL)
    np.testing.assert_allclose(
        m["employment_type_i"], (l @ L) / np.where(l != 0, l, np.nan), rtol=RTOL
    )
    Linv = plenty.leontief_inverse(e)
    np.testing.assert_allclose(Linv.to_numpy(), L, rtol=1e-9, atol=1e-12)
    # Provenance names the inputs' hash, as the CLI's outputs do.
    prov = v.attrs["provenance"]
    assert len(prov["input_hash"]) == 64 and any("Beutel_15_4.csv" in f["path"] for f in prov["inputs"])


def test_issue_17_read_pymrio_folder_against_calc_all(root):
    """data/pymrio_test read by plenty (a (region, sector) MultiIndex) against pymrio's own
    test system after calc_all: A, L, x and the multipliers M = S L of both extensions."""
    pymrio = require("pymrio")
    io = pymrio.load_test()
    io.calc_all()
    e = plenty.read(root / "data/pymrio_test")
    assert isinstance(e.index, pd.MultiIndex) and list(e.index.names) == ["region", "sector"]
    assert e.index.equals(io.A.index)
    np.testing.assert_allclose(e.A.to_numpy(), io.A.to_numpy(), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(e.x.to_numpy(), io.x["indout"].to_numpy(), rtol=1e-12)
    L = plenty.leontief_inverse(e)
    np.testing.assert_allclose(L.to_numpy(), io.L.to_numpy(), rtol=1e-7, atol=1e-12)
    m = plenty.multipliers(e)
    for r in io.emissions.M.index:
        name = "emissions/" + "/".join(r)
        np.testing.assert_allclose(m[name + "_effect"], io.emissions.M.loc[r].to_numpy(), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(
        m["factor_inputs/Value Added_effect"], io.factor_inputs.M.iloc[0].to_numpy(), rtol=1e-7, atol=1e-12
    )
    # Final demand keeps (region, category) apart.
    assert list(e.Y.columns.names) == ["region", "category"] and e.Y.shape == io.Y.shape


# -- construction from NumPy, SciPy and pandas ---------------------------------------------


def test_issue_17_from_flows_numpy_scipy_pandas_agree(root):
    sp = require("scipy.sparse")
    ref = plenty.read(root / "examples/specs/japan_2011.toml")
    Z = ref.Z
    x = ref.x
    e_np = plenty.Economy.from_flows(Z.to_numpy(), x.to_numpy(), labels=ref.labels, Y=ref.Y)
    e_pd = plenty.Economy.from_flows(Z, x, Y=ref.Y)
    e_sp = plenty.Economy.from_flows(sp.csr_matrix(Z.to_numpy()), x.to_numpy(), labels=ref.labels, Y=ref.Y)
    assert e_sp._native.is_sparse() and not e_np._native.is_sparse()
    for e in (e_np, e_pd, e_sp):
        np.testing.assert_allclose(e.A.to_numpy(), ref.A.to_numpy(), rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(
            plenty.leontief(e)["gross_output"], numpy_inverse(ref.A) @ ref.Y.sum(axis=1).to_numpy(), rtol=1e-8
        )
    # Coefficients directly, with a labour satellite and a demand given as a Series.
    A = ref.A
    l = np.linspace(0.1, 1.0, ref.n)
    e = plenty.Economy.from_coefficients(A, S=pd.DataFrame([l], index=["hours"]), labour="hours")
    d = pd.Series(np.ones(ref.n), index=e.index)
    v = plenty.values(e, d=d)
    np.testing.assert_allclose(v["labour_value"], l @ numpy_inverse(A), rtol=RTOL)
    np.testing.assert_allclose(v["gross_output"], numpy_inverse(A) @ np.ones(ref.n), rtol=RTOL)
    # Sparse A back as SciPy.
    np.testing.assert_allclose(e_sp.A_sparse().toarray(), ref.A.to_numpy(), rtol=1e-12, atol=1e-16)


# -- pymrio interop -------------------------------------------------------------------------


def test_issue_17_pymrio_round_trip_in_memory():
    """from_pymrio → to_pymrio keeps regions, sectors, extensions, row levels and units apart;
    calc_all on the round-tripped system gives pymrio's own accounts."""
    pymrio = require("pymrio")
    io = pymrio.load_test()
    e = plenty.from_pymrio(io)
    assert e.units["emissions/emission_type1/air"] == "kg"
    back = plenty.to_pymrio(e)
    assert sorted(back.get_extensions()) == sorted(io.get_extensions())
    io.calc_all()
    back.calc_all()
    pd.testing.assert_frame_equal(back.Z, io.Z, check_exact=False, rtol=1e-12)
    assert back.emissions.F.index.equals(io.emissions.F.index)
    pd.testing.assert_frame_equal(back.emissions.unit, io.emissions.unit)
    for acc in ("D_cba", "D_pba", "D_imp", "D_exp"):
        got, want = getattr(back.emissions, acc), getattr(io.emissions, acc)
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9, atol=1e-6, err_msg=acc)
    # plenty's multipliers equal pymrio's M on the same in-memory system.
    m = plenty.multipliers(e)
    np.testing.assert_allclose(
        m["emissions/emission_type2/water_effect"], io.emissions.M.iloc[1].to_numpy(), rtol=1e-7, atol=1e-9
    )


def test_issue_17_to_pymrio_real_table_calc_all_equals_plenty(root):
    """A real national table (WIOD 2014, USA, 56 sectors, hours worked) given to pymrio by
    to_pymrio: calc_all's L and the hours multipliers M equal plenty's L-based results."""
    require("pymrio")
    e = plenty.read(root / "examples/specs/wiod_usa_2014.toml")
    io = plenty.to_pymrio(e)
    io.calc_all()
    L = plenty.leontief_inverse(e)
    np.testing.assert_allclose(io.L.to_numpy(), L.to_numpy(), rtol=1e-8, atol=1e-12)
    v = plenty.values(e)
    np.testing.assert_allclose(io.satellites.M.loc["hours"].to_numpy(), v["labour_value"], rtol=1e-8)
    np.testing.assert_allclose(io.x["indout"].to_numpy(), e.x.to_numpy(), rtol=1e-12)


# -- planning -------------------------------------------------------------------------------


def test_issue_17_plan_grain_worked_example(root):
    """examples/plans/grain.toml, worked by hand in its comments: plough 40 t on all the land,
    garden 15 t with the remaining 60 hours, λ = 55; an hour is worth 1/4 t, a hectare 3/4 t."""
    p = plenty.plan(root / "examples/plans/grain.toml")
    assert p.status == "optimal"
    assert p.lam == pytest.approx(55, rel=1e-6)
    assert p.intensities["plough"] == pytest.approx(40, rel=1e-6)
    assert p.intensities["garden"] == pytest.approx(15, rel=1e-6)
    assert p.limits.loc["labour:labour", "valuation"] == pytest.approx(0.25, rel=1e-6) or p.limits["valuation"].iloc[0] == pytest.approx(0.25, rel=1e-6)
    assert p.limits.loc["resource:land", "valuation"] == pytest.approx(0.75, rel=1e-6)
    assert p.certificate["relative_gap"] is not None and p.certificate["relative_gap"] < 1e-6


def test_issue_17_plan_no_optimal_plan_is_plan_error(root, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "bad"\n[labour]\nhours = 10\n[[product]]\nname = "a"\ntarget = 1\ncommitted = 100\n'
        '[[process]]\nname = "make"\nproduct = "a"\nlabour = 1\n'
    )
    with pytest.raises(plenty.PlanError):
        plenty.plan(bad)


# -- errors ---------------------------------------------------------------------------------


def test_issue_17_input_error_carries_position_and_cli_message(tmp_path, cli):
    f = tmp_path / "a.csv"
    f.write_text("product,x,y\nx,0.1,0.2\ny,0.3,oops\n")
    with pytest.raises(plenty.InputError) as exc:
        plenty.read(f)
    err = exc.value
    assert err.file == str(f) and err.line == 3 and err.column == 3, (err.file, err.line, err.column)
    assert isinstance(err, plenty.PlentyError)
    out = subprocess.run([cli, "values", str(f)], capture_output=True, text=True)
    assert out.returncode != 0
    assert str(err) in out.stderr, (str(err), out.stderr)


def test_issue_17_solve_error_on_unproductive_economy():
    A = np.array([[0.6, 0.5], [0.5, 0.6]])  # column sums 1.1: ρ(A) = 1.1 ≥ 1
    e = plenty.Economy.from_coefficients(A, labels=["a", "b"], S=[[1.0, 1.0]], labour="0")
    with pytest.raises(plenty.SolveError):
        plenty.values(e, d=[1.0, 1.0], method="jacobi")


def test_issue_17_bad_arguments_are_input_errors():
    with pytest.raises(plenty.InputError, match="negative"):
        plenty.Economy.from_coefficients(np.array([[0.1, -0.2], [0.0, 0.1]]))
    with pytest.raises(plenty.InputError, match="2 products"):
        e = plenty.Economy.from_coefficients(np.eye(2) * 0.1)
        plenty.leontief(e, d=[1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="unknown solver setting"):
        plenty.leontief(plenty.Economy.from_coefficients(np.eye(2) * 0.1), d=[1, 1], tolerence=1e-3)


# -- the GIL ---------------------------------------------------------------------------------


def test_issue_17_gil_released_during_solves():
    """A Python thread keeps counting while a solve runs in another thread: the solve holds
    no GIL. (With the GIL held the counter would stand still for the whole solve.)"""
    rng = np.random.default_rng(17)
    n = 1200
    A = rng.random((n, n)) * (0.9 / n)
    e = plenty.Economy.from_coefficients(A)
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    time.sleep(0.05)
    t0 = time.perf_counter()
    plenty.leontief_inverse(e)
    t1 = time.perf_counter()
    done.set()
    t.join()
    during = [x for x in ticks if t0 < x < t1]
    # The native part (LU and n solves) takes most of the call; the counter ticked during it.
    assert t1 - t0 > 0.05
    assert len(during) >= 0.25 * (t1 - t0) / 0.002, (len(during), t1 - t0)


# -- section 1's analyses, bound from plenty_core ------------------------------------------


def test_issue_17_ghosh_against_pymrio_calc_G():
    """B and G against pymrio's calc_B and calc_G (G inverted from B by pymrio, independent of
    plenty's L), and the forward linkages as G's row sums, on pymrio's test system."""
    pymrio = require("pymrio")
    from pymrio.tools import iomath

    io = pymrio.load_test()
    io.calc_all()
    e = plenty.from_pymrio(io)
    B, G = plenty.ghosh_matrices(e)
    Bp = iomath.calc_B(io.Z, io.x)
    Gp = iomath.calc_G(Bp)
    np.testing.assert_allclose(B.to_numpy(), np.asarray(Bp), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(G.to_numpy(), np.asarray(Gp), rtol=1e-7, atol=1e-9)
    g = plenty.ghosh(e)
    np.testing.assert_allclose(g["total_forward"], np.asarray(Gp).sum(axis=1), rtol=1e-7)
    np.testing.assert_allclose(g["direct_forward"], np.asarray(Bp).sum(axis=1), rtol=1e-9)
    # The base year's primary inputs give back x (x' = v' G).
    np.testing.assert_allclose(g["output"], e.x.to_numpy(), rtol=1e-8)


def test_issue_17_linkages_against_numpy(root):
    """Rasmussen's linkages on the Japan 2011 table, by NumPy following Miller & Blair §12.2:
    backward = column sums of L, forward (Ghosh) = row sums of G, normalised by their means."""
    e = plenty.read(root / "examples/specs/japan_2011.toml")
    L = numpy_inverse(e.A)
    x = e.x.to_numpy()
    G = (L * x[np.newaxis, :]) / x[:, np.newaxis]
    lk = plenty.linkages(e)
    bl = L.sum(axis=0)
    fl = G.sum(axis=1)
    np.testing.assert_allclose(lk["backward_total"], bl, rtol=1e-9)
    np.testing.assert_allclose(lk["forward_total"], fl, rtol=1e-9)
    np.testing.assert_allclose(lk["backward_normalised"], bl / bl.mean(), rtol=1e-9)
    np.testing.assert_allclose(lk["forward_normalised"], fl / fl.mean(), rtol=1e-9)
    key = (bl / bl.mean() > 1) & (fl / fl.mean() > 1)
    assert list(lk["key_sector"]) == list(key)


def test_issue_17_footprint_against_pymrio_accounts():
    """D_cba, D_pba, D_imp, D_exp per region against pymrio's calc_all on its test system."""
    pymrio = require("pymrio")
    io = pymrio.load_test()
    io.calc_all()
    e = plenty.from_pymrio(io)
    acc = plenty.footprint(e)
    for name in ("D_cba", "D_pba", "D_imp", "D_exp"):
        want = getattr(io.emissions, name + "_reg")
        got = acc[name].loc["emissions"]
        got.index = want.index
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-7, atol=1e-6, err_msg=name)


def test_issue_17_ras_and_gras_against_margins():
    """RAS meets its margins with Z = diag(r) Z⁰ diag(s) (checked with NumPy); GRAS keeps the
    sign of a negative entry and meets its margins."""
    rng = np.random.default_rng(3)
    P = rng.random((5, 4)) + 0.1
    u = P.sum(axis=1) * rng.uniform(0.8, 1.2, 5)
    v = P.sum(axis=0)
    v = v * u.sum() / v.sum()
    Z = plenty.ras(P, u, v)
    np.testing.assert_allclose(Z.sum(axis=1), u, rtol=1e-9)
    np.testing.assert_allclose(Z.sum(axis=0), v, rtol=1e-9)
    r = np.asarray(Z.attrs["balancing"]["row_multipliers"])
    s = np.asarray(Z.attrs["balancing"]["column_multipliers"])
    np.testing.assert_allclose(Z.to_numpy(), r[:, None] * P * s[None, :], rtol=1e-12)
    P2 = P.copy()
    P2[0, 0] = -0.5
    u2 = P2.sum(axis=1) * 1.1
    v2 = P2.sum(axis=0) * 1.1
    Z2 = plenty.gras(P2, u2, v2)
    assert Z2.iloc[0, 0] < 0
    np.testing.assert_allclose(Z2.sum(axis=1), u2, rtol=1e-8)
    np.testing.assert_allclose(Z2.sum(axis=0), v2, rtol=1e-8)


# -- the rest of section 1: Type II, prices, extraction, structural decomposition ----------


def test_issue_17_type2_matches_the_closed_model_by_numpy(root):
    """UK 2010 (ONS, 127 products): households made endogenous. The closed matrix
    [[A, h_c], [h_r, 0]] is built by NumPy from A, the compensation coefficients h_r and the
    household consumption shares h_c = y_households / Σ_j h_r,j x_j (Miller & Blair 2022, §6.2);
    its inverse's column sums and household row give the Type II multipliers."""
    e = plenty.read(root / "examples/specs/uk_2010.toml")
    t = plenty.type2(e, "compensation", "Households")
    A = e.A.to_numpy()
    n = len(A)
    hr = e.S.loc["compensation"].to_numpy()
    x = e.x.to_numpy()
    hc = e.Y["Households"].to_numpy() / (hr @ x)
    closed = np.zeros((n + 1, n + 1))
    closed[:n, :n], closed[:n, n], closed[n, :n] = A, hc, hr
    Lbar = numpy_inverse(closed)
    L = numpy_inverse(A)
    np.testing.assert_allclose(t["output_type_i"], L.sum(axis=0), rtol=RTOL)
    np.testing.assert_allclose(t["output_type_ii"], Lbar[:n, :n].sum(axis=0), rtol=RTOL)
    np.testing.assert_allclose(t["income_type_ii_effect"], Lbar[n, :n], rtol=RTOL)
    # Type II exceeds Type I wherever a sector pays wages: the induced round of spending.
    assert (t["output_type_ii"] > t["output_type_i"]).all()
    assert len(t.attrs["provenance"]["input_hash"]) == 64


def test_issue_17_prices_extraction_and_sda_match_numpy(root):
    """Cost-push prices and prices at a profit rate (Miller & Blair 2022, §2.6), hypothetical
    extraction (§12.2.5) and the two-polar structural decomposition (§13.1), each against NumPy
    on real tables: UK 2010 and WIOD USA 2010 → 2014."""
    uk = plenty.read(root / "examples/specs/uk_2010.toml")
    A = uk.A.to_numpy()
    n = len(A)
    L = numpy_inverse(A)
    vc = 1.0 - A.sum(axis=0)                     # base prices are 1: p = vc L
    change = np.zeros(n)
    change[uk.labels.index("35-1")] = 0.05       # electricity's value added per unit up 5 %
    cp = plenty.cost_push(uk, pd.Series(change, index=uk.index))
    np.testing.assert_allclose(cp["base_prices"], np.ones(n), rtol=1e-12)
    np.testing.assert_allclose(cp["prices"], (vc + change) @ L, rtol=RTOL)

    usa = plenty.read(root / "examples/specs/wiod_usa_2014.toml")
    Au = usa.A.to_numpy()
    lu = usa.S.loc["hours"].to_numpy()
    pp = plenty.prices_of_production(usa, 0.1)
    np.testing.assert_allclose(pp["prices"], lu @ np.linalg.inv(np.eye(len(Au)) - 1.1 * Au), rtol=RTOL)
    np.testing.assert_allclose(pp["labour_values"], lu @ numpy_inverse(Au), rtol=RTOL)

    ex = plenty.extract(uk, ["35-1", "64"])
    keep = [i for i, s in enumerate(uk.labels) if s not in ("35-1", "64")]
    y = uk.Y.sum(axis=1).to_numpy()
    x_without = np.zeros(n)
    x_without[keep] = numpy_inverse(A[np.ix_(keep, keep)]) @ y[keep]
    np.testing.assert_allclose(ex["extracted_output"], x_without, rtol=RTOL, atol=1e-6)
    np.testing.assert_allclose(ex["base_output"], L @ y, rtol=RTOL)
    assert ex.attrs["result"]["total_loss"] == pytest.approx((L @ y).sum() - x_without.sum(), rel=1e-9)

    usa10 = plenty.read(root / "examples/specs/wiod_usa_2010.toml")
    d = plenty.sda(usa10, usa, satellite="hours")
    L0, L1 = numpy_inverse(usa10.A.to_numpy()), numpy_inverse(Au)
    y0, y1 = usa10.Y.sum(axis=1).to_numpy(), usa.Y.sum(axis=1).to_numpy()
    dL, dy = L1 - L0, y1 - y0
    np.testing.assert_allclose(d["technology"], 0.5 * (dL @ y0 + dL @ y1), rtol=1e-8, atol=1e-6)
    np.testing.assert_allclose(d["final_demand"], 0.5 * (L0 @ dy + L1 @ dy), rtol=1e-8, atol=1e-6)
    np.testing.assert_allclose(d["technology"] + d["final_demand"], L1 @ y1 - L0 @ y0, rtol=1e-8, atol=1e-6)
    assert d.attrs["result"]["relative_residual"] < 1e-12
    # Hours: the parts add up to the change of the total.
    parts = d["satellite_intensity"] + d["satellite_technology"] + d["satellite_final_demand"]
    np.testing.assert_allclose(parts, d["satellite_change"], rtol=1e-9, atol=1e-6)
    with pytest.raises(plenty.InputError, match="no sector"):
        plenty.extract(uk, "99-9")
