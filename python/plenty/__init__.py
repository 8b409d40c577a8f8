"""plenty from Python: input-output analysis and economic planning on plenty's Rust core.

Reading, every number and every decision come from the Rust crates (the native module
``plenty._plenty``, the same readers and solvers as the ``plenty`` command line); this layer
only turns them into labelled pandas objects and back. See docs/python.md.

>>> import plenty
>>> e = plenty.read("examples/specs/germany_1995.toml")
>>> plenty.multipliers(e).head()                        # doctest: +SKIP

Labels of a multi-regional table (``region/sector``) become a ``(region, sector)``
MultiIndex. Solves release the GIL.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _plenty
from ._plenty import InputError, PlanError, PlentyError, SolveError

__all__ = [
    "Economy",
    "PlanningEconomy",
    "read",
    "read_planning",
    "leontief",
    "leontief_inverse",
    "values",
    "multipliers",
    "plan",
    "ghosh",
    "ghosh_matrices",
    "linkages",
    "type2",
    "cost_push",
    "prices_of_production",
    "extract",
    "sda",
    "footprint",
    "ras",
    "gras",
    "from_pymrio",
    "to_pymrio",
    "PlentyError",
    "InputError",
    "SolveError",
    "PlanError",
]

__version__ = _plenty.VERSION

_SETTINGS = ("method", "tolerance", "max_iterations", "dense_limit")


def _f64(a: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype="<f8"))


def _bytes(a: Any) -> bytes:
    return _f64(a).tobytes()


def _vec(b: bytes) -> np.ndarray:
    return np.frombuffer(b, dtype="<f8")


def _settings_json(settings: Dict[str, Any]) -> str:
    unknown = set(settings) - set(_SETTINGS)
    if unknown:
        raise TypeError(
            f"unknown solver setting(s) {sorted(unknown)}; the settings are {list(_SETTINGS)}"
        )
    return json.dumps({k: v for k, v in settings.items() if v is not None})


def _index(labels: Sequence[str], names=("region", "sector"), single: str = "sector") -> pd.Index:
    """A (region, sector) MultiIndex when every label is ``region/sector``, else a flat Index."""
    labels = list(labels)
    if labels and all("/" in l for l in labels):
        pairs = [tuple(l.split("/", 1)) for l in labels]
        return pd.MultiIndex.from_tuples(pairs, names=list(names))
    return pd.Index(labels, name=single)


def _labels_of(index: Optional[Union[pd.Index, Sequence[str]]], n: int) -> List[str]:
    """plenty's flat labels (``region/sector``) from a pandas index or a list."""
    if index is None:
        return [f"p{i}" for i in range(n)]
    if isinstance(index, pd.MultiIndex):
        return ["/".join(str(p) for p in t) for t in index]
    return [str(l) for l in index]


def _is_sparse(m: Any) -> bool:
    try:
        import scipy.sparse as sp  # noqa: F401

        return sp.issparse(m)
    except ImportError:  # pragma: no cover - SciPy is optional
        return False


class Economy:
    """An input-output economy: technical coefficients ``A``, flows ``Z``, gross output ``x``,
    final demand ``Y`` and satellites ``S`` (per unit of output) and ``F`` (totals).

    Build one with :func:`read`, :meth:`from_flows`, :meth:`from_coefficients` or
    :func:`from_pymrio`. Every frame is labelled with :attr:`index`.
    """

    def __init__(self, native: "_plenty.NativeEconomy", pymrio_meta: Optional[dict] = None):
        self._native = native
        self._pymrio = pymrio_meta
        self._labels = native.labels()
        self._index = _index(self._labels)

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_flows(
        cls,
        Z: Any,
        x: Any,
        labels: Optional[Sequence[str]] = None,
        Y: Optional[Any] = None,
        F: Optional[Any] = None,
        units: Optional[Dict[str, str]] = None,
        labour: Optional[str] = None,
    ) -> "Economy":
        """An economy from flows ``Z`` (NumPy array, SciPy sparse matrix or DataFrame) and gross
        output ``x``: ``A = Z diag(x)⁻¹`` (Miller & Blair 2022, §2.2), a zero column where
        ``x_j = 0``. ``Y``: final demand (columns are categories); ``F``: satellite totals
        (rows are accounts), turned into intensities ``F_j / x_j``; ``labour`` names the
        satellite that is labour."""
        return cls._build("flows", Z, x, labels, Y, F, None, units, labour)

    @classmethod
    def from_coefficients(
        cls,
        A: Any,
        labels: Optional[Sequence[str]] = None,
        Y: Optional[Any] = None,
        S: Optional[Any] = None,
        x: Optional[Any] = None,
        units: Optional[Dict[str, str]] = None,
        labour: Optional[str] = None,
    ) -> "Economy":
        """An economy from technical coefficients ``A`` (NumPy, SciPy sparse or DataFrame).
        ``S``: satellite intensities per unit of output (rows are accounts); ``x`` a recorded
        gross output, if any (else ``Z`` is computed from the solved ``x = L·y``)."""
        return cls._build("coefficients", A, x, labels, Y, None, S, units, labour)

    @classmethod
    def _build(cls, kind, M, x, labels, Y, F, S, units, labour) -> "Economy":
        n = M.shape[0]
        if labels is None and isinstance(M, pd.DataFrame):
            labels = M.index
        flat = _labels_of(labels, n)
        xs = None if x is None else _f64(x.iloc[:, 0] if isinstance(x, pd.DataFrame) else x).ravel()
        xb = None if (kind == "coefficients" or xs is None) else xs.tobytes()
        if _is_sparse(M):
            csr = M.tocsr()
            csr.sort_indices()
            native = _plenty.from_csr(
                flat,
                kind,
                np.ascontiguousarray(csr.indptr, dtype="<i8").tobytes(),
                np.ascontiguousarray(csr.indices, dtype="<i8").tobytes(),
                _bytes(csr.data),
                xb,
            )
        else:
            native = _plenty.from_dense(flat, kind, _bytes(np.asarray(M)), xb)
        e = cls(native)
        if kind == "coefficients" and xs is not None:
            e._recorded_x = xs
        if Y is not None:
            Yf = Y if isinstance(Y, pd.DataFrame) else pd.DataFrame(np.asarray(Y).reshape(n, -1))
            for c in Yf.columns:
                name = "/".join(str(p) for p in c) if isinstance(c, tuple) else str(c)
                e._native = e._native.with_final_demand(name, _bytes(Yf[c]))
        rows = None
        if F is not None:
            Ff = F if isinstance(F, pd.DataFrame) else pd.DataFrame(np.atleast_2d(np.asarray(F)))
            with np.errstate(divide="ignore", invalid="ignore"):
                rows = [
                    (r, np.where(xs > 0, _f64(Ff.loc[r]) / np.where(xs > 0, xs, 1.0), 0.0))
                    for r in Ff.index
                ]
        elif S is not None:
            Sf = S if isinstance(S, pd.DataFrame) else pd.DataFrame(np.atleast_2d(np.asarray(S)))
            rows = [(r, _f64(Sf.loc[r])) for r in Sf.index]
        for r, v in rows or []:
            name = "/".join(str(p) for p in r) if isinstance(r, tuple) else str(r)
            unit = (units or {}).get(name)
            e._native = e._native.with_satellite(name, unit, _bytes(v), name == labour)
        if labour is not None and e._native.labour_name() != labour:
            e._native = e._native.with_labour(labour)
        return e

    def with_labour(self, name: str) -> "Economy":
        """The same economy with the satellite ``name`` as its labour account."""
        return self._like(self._native.with_labour(name))

    def with_satellite(self, name: str, intensity: Any, unit: Optional[str] = None, labour: bool = False) -> "Economy":
        """The same economy with one more satellite (per unit of output)."""
        return self._like(self._native.with_satellite(name, unit, _bytes(intensity), labour))

    def _like(self, native) -> "Economy":
        e = Economy(native, self._pymrio)
        if hasattr(self, "_recorded_x"):
            e._recorded_x = self._recorded_x
        return e

    # -- the tables -------------------------------------------------------------------------

    @property
    def labels(self) -> List[str]:
        """plenty's flat product labels (``region/sector`` for a multi-regional table)."""
        return list(self._labels)

    @property
    def index(self) -> pd.Index:
        """The products: a ``(region, sector)`` MultiIndex for a multi-regional table."""
        return self._index

    @property
    def n(self) -> int:
        return len(self._labels)

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        sats = [s[0] for s in self._native.satellites()]
        return (
            f"<plenty.Economy: {self.n} products, {self._native.nnz()} non-zero coefficients, "
            f"{len(self.Y.columns)} final-demand categories, satellites {sats}>"
        )

    @property
    def A(self) -> pd.DataFrame:
        """Technical coefficients ``A`` (dense; see :meth:`A_sparse`)."""
        a = _vec(self._native.a_dense()).reshape(self.n, self.n)
        return pd.DataFrame(a, index=self._index, columns=self._index)

    def A_sparse(self):
        """``A`` as a SciPy CSR matrix (needs SciPy)."""
        import scipy.sparse as sp

        indptr, idx, data = self._native.a_csr()
        return sp.csr_matrix(
            (_vec(data), np.frombuffer(idx, dtype="<i8"), np.frombuffer(indptr, dtype="<i8")),
            shape=(self.n, self.n),
        )

    @property
    def x(self) -> pd.Series:
        """Gross output: as recorded by the table, else solved, ``x = (I − A)⁻¹ y``."""
        rec = self._native.recorded_output()
        if rec is not None:
            v = _vec(rec)
        elif hasattr(self, "_recorded_x"):
            v = self._recorded_x
        else:
            v = leontief(self)["gross_output"].to_numpy()
        return pd.Series(v, index=self._index, name="x")

    @property
    def Z(self) -> pd.DataFrame:
        """Flows ``Z = A diag(x)``."""
        A = self.A
        return A * self.x.to_numpy()[np.newaxis, :]

    @property
    def Y(self) -> pd.DataFrame:
        """Final demand: one column per category (``(region, category)`` columns for a
        multi-regional table)."""
        fd = self._native.final_demand()
        cols = [name for name, _ in fd]
        data = np.column_stack([_vec(b) for _, b in fd]) if fd else np.zeros((self.n, 0))
        return pd.DataFrame(data, index=self._index, columns=_index(cols, ("region", "category"), "category"))

    @property
    def S(self) -> pd.DataFrame:
        """Satellite intensities per unit of output (rows: accounts; columns: products)."""
        sats = self._native.satellites()
        data = np.vstack([_vec(b) for _, _, b in sats]) if sats else np.zeros((0, self.n))
        return pd.DataFrame(data, index=pd.Index([s[0] for s in sats], name="satellite"), columns=self._index)

    @property
    def F(self) -> pd.DataFrame:
        """Satellite totals ``F = S diag(x)``."""
        return self.S * self.x.to_numpy()[np.newaxis, :]

    @property
    def satellites(self) -> Dict[str, pd.Series]:
        """Each satellite's intensities, by name."""
        S = self.S
        return {k: S.loc[k].rename(k) for k in S.index}

    @property
    def units(self) -> pd.Series:
        """The unit of each satellite (None where unknown)."""
        sats = self._native.satellites()
        return pd.Series([s[1] for s in sats], index=pd.Index([s[0] for s in sats], name="satellite"), name="unit", dtype=object)

    @property
    def labour(self) -> Optional[str]:
        """The name of the labour satellite, if any."""
        return self._native.labour_name()

    @property
    def warnings(self) -> List[str]:
        """Warnings about the input, as the CLI shows them."""
        return self._native.warnings()

    @property
    def notes(self) -> List[str]:
        return self._native.notes()

    @property
    def inputs(self) -> List[str]:
        """The files read."""
        return self._native.inputs()

    def provenance(self) -> dict:
        """plenty's version and the SHA-256 of the input files (and of them together)."""
        return json.loads(self._native.provenance())

    # -- analyses as methods ----------------------------------------------------------------

    def leontief(self, d=None, **settings) -> pd.DataFrame:
        return leontief(self, d, **settings)

    def leontief_inverse(self, **settings) -> pd.DataFrame:
        return leontief_inverse(self, **settings)

    def values(self, l=None, d=None, **settings) -> pd.DataFrame:
        return values(self, l, d, **settings)

    def multipliers(self, **settings) -> pd.DataFrame:
        return multipliers(self, **settings)

    def ghosh(self, primary_inputs=None, **settings) -> pd.DataFrame:
        return ghosh(self, primary_inputs, **settings)

    def linkages(self, **kw) -> pd.DataFrame:
        return linkages(self, **kw)

    def footprint(self, **settings) -> Dict[str, pd.DataFrame]:
        return footprint(self, **settings)

    def type2(self, income: str, households: str, employment: Optional[str] = None, **settings) -> pd.DataFrame:
        return type2(self, income, households, employment, **settings)

    def cost_push(self, change, **settings) -> pd.DataFrame:
        return cost_push(self, change, **settings)

    def prices_of_production(self, profit_rate: float, l=None, **settings) -> pd.DataFrame:
        return prices_of_production(self, profit_rate, l, **settings)

    def extract(self, sectors, kind: str = "complete", **settings) -> pd.DataFrame:
        return extract(self, sectors, kind, **settings)

    def sda(self, later: "Economy", satellite: Optional[str] = None, **settings) -> pd.DataFrame:
        return sda(self, later, satellite, **settings)


def _attach(df: pd.DataFrame, e: Economy, out: dict, settings: dict) -> pd.DataFrame:
    df.attrs["solve"] = {k: v for k, v in out.items() if k.endswith("_solve") or k in ("identity", "method", "inverse_worst_relative_residual")}
    df.attrs["provenance"] = dict(e.provenance(), settings=settings)
    return df


def _vector_arg(e: Economy, v) -> Optional[bytes]:
    """A vector in the economy's order: a Series labelled like the economy is aligned by its
    labels (a missing label is an error), anything else is taken in order."""
    if v is None:
        return None
    if isinstance(v, pd.Series) and not v.index.equals(e.index):
        missing = e.index.difference(v.index)
        if len(missing) == 0 or len(v) != e.n:
            if len(missing):
                raise InputError(f"the vector has no value for {list(missing)[:5]} …; label it like economy.index")
            v = v.reindex(e.index)
    return _bytes(v)


def leontief(e: Economy, d=None, **settings) -> pd.DataFrame:
    """Gross output ``x = (I − A)⁻¹ d`` for final demand ``d`` (default: the economy's total
    final demand), Miller & Blair (2022) §2.3. Columns ``final_demand`` and ``gross_output``
    (and ``recorded_output`` where the table records one), as ``plenty leontief``. The GIL is
    released during the solve."""
    js, _ = e._native.leontief(_settings_json(settings), _vector_arg(e, d), False)
    out = json.loads(js)
    df = pd.DataFrame({"final_demand": out["final_demand"], "gross_output": out["gross_output"]}, index=e.index)
    rec = e._native.recorded_output()
    if rec is not None:
        df["recorded_output"] = _vec(rec)
    return _attach(df, e, out, settings)


def leontief_inverse(e: Economy, **settings) -> pd.DataFrame:
    """The Leontief inverse ``L = (I − A)⁻¹`` (Miller & Blair 2022, §2.3), one LU and one solve
    per column (the GIL released); at most 10 000 products."""
    js, L = e._native.leontief(_settings_json(settings), None if e._native.final_demand() else _bytes(np.zeros(e.n)), True)
    out = json.loads(js)
    df = pd.DataFrame(_vec(L).reshape(e.n, e.n), index=e.index, columns=e.index)
    return _attach(df, e, out, settings)


def values(e: Economy, l=None, d=None, **settings) -> pd.DataFrame:
    """Labour values ``v = l (I − A)⁻¹`` (the vertically integrated labour coefficients: in the
    field's words, total employment multipliers per unit of final demand) and gross output,
    as ``plenty values``: columns ``direct_labour``, ``labour_value``, ``final_demand``,
    ``gross_output``. ``attrs["solve"]["identity"]`` holds the check ``v·d = l·x``."""
    if d is None and not e._native.final_demand():
        d = np.zeros(e.n)
    js = e._native.values(_settings_json(settings), _vector_arg(e, l), _vector_arg(e, d))
    out = json.loads(js)
    cols = ["direct_labour", "labour_value", "final_demand", "gross_output"]
    df = pd.DataFrame({c: out[c] for c in cols}, index=e.index)
    return _attach(df, e, out, settings)


def multipliers(e: Economy, **settings) -> pd.DataFrame:
    """Output multipliers (Type I, the column sums of ``(I − A)⁻¹``) and, per satellite ``s``,
    ``<s>_direct``, ``<s>_effect`` = ``s (I − A)⁻¹`` and ``<s>_type_i`` = effect / direct, as
    ``plenty multipliers`` (Miller & Blair 2022, §6.2–6.3). The GIL is released."""
    out = json.loads(e._native.multipliers(_settings_json(settings)))
    data = {"output_multiplier": out["output_multiplier"]}
    for s in out["satellites"]:
        data[f"{s['name']}_direct"] = s["direct"]
        data[f"{s['name']}_effect"] = s["total"]
        data[f"{s['name']}_type_i"] = [np.nan if t is None else t for t in s["type_i"]]
    df = pd.DataFrame(data, index=e.index)
    return _attach(df, e, out, settings)


def ghosh(e: Economy, primary_inputs=None, **settings) -> pd.DataFrame:
    """Ghosh's supply-side model (Miller & Blair 2022, §12.1), as
    ``plenty_core::io_analysis::ghosh``: per sector ``gross_output``, ``direct_forward`` (row
    sums of ``B``), ``total_forward`` (row sums of ``G``), ``total_forward_normalised``,
    ``primary_inputs`` and the ``output`` they give (``x' = v' G``; by default the base year's
    primary inputs, which reproduce ``x``). ``G`` is not formed (see :func:`ghosh_matrices`)."""
    out = json.loads(e._native.ghosh(_settings_json(settings), _vector_arg(e, primary_inputs)))
    cols = ["gross_output", "direct_forward", "total_forward", "total_forward_normalised", "primary_inputs", "output"]
    df = pd.DataFrame({c: out[c] for c in cols if c in out}, index=e.index)
    df.attrs["solve"] = {"identity_error": out.get("identity_error"), "solves": out.get("solves")}
    df.attrs["provenance"] = dict(e.provenance(), settings=settings)
    return df


def ghosh_matrices(e: Economy, **settings):
    """``(B, G)``: the allocation coefficients ``B = diag(x)⁻¹ Z`` and the Ghosh inverse
    ``G = (I − B)⁻¹ = diag(x)⁻¹ L diag(x)`` as DataFrames (pymrio's ``calc_B``, ``calc_G``)."""
    b, g = e._native.ghosh_matrices(_settings_json(settings))
    n = e.n
    B = pd.DataFrame(_vec(b).reshape(n, n), index=e.index, columns=e.index)
    G = pd.DataFrame(_vec(g).reshape(n, n), index=e.index, columns=e.index)
    return B, G


def linkages(e: Economy, forward: str = "ghosh", kind: str = "total", critical: float = 1.0, **settings) -> pd.DataFrame:
    """Rasmussen's backward and forward linkages, raw and normalised, with the key-sector
    class, as ioanalysis' ``linkages`` and ``key.sector`` (Miller & Blair 2022, §12.2).
    ``forward``: ``"ghosh"`` or ``"leontief"``; ``kind``: ``"total"`` or ``"direct"``."""
    ls = json.dumps({"forward": forward, "kind": kind, "critical": critical})
    out = json.loads(e._native.linkages(_settings_json(settings), ls))
    cols = ["backward_direct", "backward_total", "forward_direct", "forward_total", "backward_normalised", "forward_normalised"]
    df = pd.DataFrame({c: out[c] for c in cols}, index=e.index)
    df["class"] = out["classes"]
    df["key_sector"] = [i in set(out["key_sectors"]) for i in range(e.n)]
    df.attrs["solve"] = {"solves": out.get("solves"), "settings": out.get("settings")}
    df.attrs["provenance"] = dict(e.provenance(), settings=settings)
    return df


def _per_sector(e: Economy, out: dict, settings: dict, skip=()) -> pd.DataFrame:
    """The per-sector vectors of a core result (lists of length n) as the columns of a frame
    labelled like the economy; its other fields (scalars, solve reports) go to ``attrs``."""
    cols = {k: v for k, v in out.items()
            if k not in skip and k != "products" and isinstance(v, list) and len(v) == e.n
            and all(isinstance(x, (int, float)) or x is None for x in v)}
    df = pd.DataFrame({k: [np.nan if x is None else x for x in v] for k, v in cols.items()}, index=e.index)
    df.attrs["result"] = {k: v for k, v in out.items() if k not in cols and k != "products"}
    df.attrs["provenance"] = dict(e.provenance(), settings=settings)
    return df


def type2(e: Economy, income: str, households: str, employment: Optional[str] = None, **settings) -> pd.DataFrame:
    """Type I and Type II multipliers with households endogenous (Miller & Blair 2022, §6.2),
    as ``plenty type2``: the household row holds the labour-income coefficients of satellite
    ``income``, the household column the consumption shares of final-demand category
    ``households``. Columns ``output_type_i``, ``output_type_ii``, ``income_type_i_multiplier``,
    ``income_type_ii_multiplier``, their ratios, …; with ``employment`` (a satellite), the
    employment multipliers as ``employment_*`` columns."""
    out = json.loads(e._native.type2(_settings_json(settings), income, households, employment))
    df = _per_sector(e, out, settings, skip=("employment",))
    if out.get("employment"):
        for k, v in out["employment"].items():
            df["employment_" + k] = v
    return df


def cost_push(e: Economy, change, **settings) -> pd.DataFrame:
    """Cost-push prices (Miller & Blair 2022, §2.6): ``p = (v_c + Δ)(I − A)⁻¹`` for a change
    ``Δ`` of each sector's value-added coefficient, as indices relative to the base year's
    prices of 1. Columns ``base_coefficients``, ``change``, ``base_prices``, ``prices``,
    ``price_change``."""
    return _per_sector(e, json.loads(e._native.cost_push(_settings_json(settings), _vector_arg(e, change))), settings)


def prices_of_production(e: Economy, profit_rate: float, l=None, **settings) -> pd.DataFrame:
    """Prices of production at a uniform profit rate ``r`` in wage units,
    ``p = l (I − (1 + r) A)⁻¹``, with the labour values and the price-to-value ratios (as
    ``plenty prices --profit-rate``). ``attrs["result"]["status"]`` says whether the prices
    are valid (``r`` below ``1/ρ(A) − 1``)."""
    out = json.loads(e._native.profit_rate_prices(_settings_json(settings), float(profit_rate), _vector_arg(e, l)))
    return _per_sector(e, out, settings)


def extract(e: Economy, sectors, kind: str = "complete", **settings) -> pd.DataFrame:
    """Hypothetical extraction (Miller & Blair 2022, §12.2.5) of the sectors named in
    ``sectors`` (labels, or (region, sector) pairs): ``kind`` "complete", "backward" or
    "forward". Columns ``base_output``, ``extracted_output``, ``loss``; the total and
    relative loss are in ``attrs["result"]``."""
    if isinstance(sectors, (str, tuple)):
        sectors = [sectors]
    index = list(e.index)
    positions = []
    for s in sectors:
        if s not in index:
            raise InputError(f"extract: no sector {s!r}; the sectors are {index[:8]} …")
        positions.append(index.index(s))
    return _per_sector(e, json.loads(e._native.extract(_settings_json(settings), positions, kind)), settings)


def sda(e: Economy, later: Economy, satellite: Optional[str] = None, **settings) -> pd.DataFrame:
    """The additive two-polar structural decomposition (Miller & Blair 2022, §13.1) of the
    change in gross output from ``e`` to ``later``: ``change = technology + final_demand``
    (the average of the two polar forms). With ``satellite``, its change split into
    ``intensity``, ``technology`` and ``final_demand`` as ``satellite_*`` columns."""
    out = json.loads(e._native.sda(later._native, _settings_json(settings), satellite))
    df = _per_sector(e, out, settings, skip=("satellite",))
    if out.get("satellite"):
        for k in ("change", "intensity", "technology", "final_demand"):
            df["satellite_" + k] = out["satellite"][k]
    return df


def footprint(e: Economy, **settings) -> Dict[str, pd.DataFrame]:
    """Consumption- and production-based accounts of every stressor per region, as pymrio
    0.7's ``D_cba_reg``, ``D_pba_reg``, ``D_imp_reg``, ``D_exp_reg`` (Miller & Blair 2022,
    §10.5), with the direct emissions of final demand ``F_Y`` (in ``cba`` and ``pba``, as
    pymrio's ``calc_accounts`` adds them), by ``plenty_core::mrio::footprints``.

    Returns ``{"D_cba": …, "D_pba": …, "D_imp": …, "D_exp": …, "F_Y": …}``: DataFrames with
    one row per (extension, stressor) and one column per region; ``<name>_by_sector`` frames
    add the sector level. Extensions come from :func:`from_pymrio`'s record, else from the
    satellite names ``ext/stressor``."""
    if not isinstance(e.index, pd.MultiIndex):
        raise InputError("footprints need a multi-regional table: labels region/sector (a (region, sector) index)")
    rows = [tuple(map(str, t)) for t in e.index]
    Y = e.Y
    if not isinstance(Y.columns, pd.MultiIndex):
        raise InputError("footprints need final-demand columns region/category")
    ycols = [tuple(map(str, t)) for t in Y.columns]
    F = e.F
    units = e.units
    exts = []
    groups = _extension_groups(e, list(F.index))
    for key, members, stressors, F_Y in groups:
        fy = None
        if F_Y is not None:
            fy = _bytes(F_Y.reindex(columns=Y.columns).fillna(0.0).to_numpy())
        exts.append((key, stressors, [units.get(r) for r in members], _bytes(F.loc[members].to_numpy()), fy))
    out = json.loads(
        _plenty.footprints(_settings_json(settings), rows, _bytes(e.Z.to_numpy()), _bytes(e.x.to_numpy()),
                           _bytes(Y.to_numpy()), ycols, exts)
    )
    idx = pd.MultiIndex.from_tuples([(s["extension"], s["stressor"]) for s in out["stressors"]], names=["extension", "stressor"])
    regions = pd.Index(out["regions"], name="region")
    res = {}
    for key, name in (("cba", "D_cba"), ("pba", "D_pba"), ("imp", "D_imp"), ("exp", "D_exp")):
        res[name] = pd.DataFrame([s[key] for s in out["stressors"]], index=idx, columns=regions)
        cols = pd.MultiIndex.from_product([out["regions"], out["sectors"]], names=["region", "sector"])
        res[name + "_by_sector"] = pd.DataFrame(
            [np.asarray(s[key + "_by_sector"]).ravel() for s in out["stressors"]], index=idx, columns=cols
        )
    res["F_Y"] = pd.DataFrame([s["f_y"] for s in out["stressors"]], index=idx, columns=regions)
    for v in res.values():
        v.attrs["solve"] = {"solve": out["solve"], "output_gap": out["output_gap"],
                            "identity": {f"{s['extension']}/{s['stressor']}": s["identity"] for s in out["stressors"]}}
        v.attrs["provenance"] = dict(e.provenance(), settings=settings)
    return res


def _extension_groups(e: Economy, names: List[str]):
    """``(extension, satellite names, stressor labels, F_Y or None)`` per extension."""
    meta = e._pymrio
    out = []
    if meta is not None:
        for ext in meta["extensions"]:
            prefix = ext["key"] + "/"
            members = [r for r in names if r.startswith(prefix)]
            out.append((ext["key"], members, [m[len(prefix):] for m in members], ext["F_Y"]))
        return out
    groups: Dict[str, List[str]] = {}
    for r in names:
        key = r.split("/", 1)[0] if "/" in r else "satellites"
        groups.setdefault(key, []).append(r)
    for key, members in groups.items():
        out.append((key, members, [m.split("/", 1)[1] if "/" in m else m for m in members], None))
    return out


def _balance(prior, row_targets, column_targets, gras: bool, tolerance: float, max_iterations: int):
    P = prior.to_numpy(dtype=float) if isinstance(prior, pd.DataFrame) else np.asarray(prior, dtype=float)
    r, c = P.shape
    b, js = _plenty.balance(r, c, _bytes(P), _bytes(row_targets), _bytes(column_targets), gras, tolerance, max_iterations)
    out = json.loads(js)
    M = _vec(b).reshape(r, c)
    df = pd.DataFrame(M, index=prior.index, columns=prior.columns) if isinstance(prior, pd.DataFrame) else pd.DataFrame(M)
    df.attrs["balancing"] = out
    return df


def ras(prior, row_targets, column_targets, tolerance: float = 1e-10, max_iterations: int = 10_000) -> pd.DataFrame:
    """RAS: ``Z = diag(r) Z⁰ diag(s)`` with the row and column sums given (Miller & Blair 2022,
    §7.4). ``attrs["balancing"]`` holds the multipliers, iterations, the largest margin error
    and the status (``converged``, ``not-converged``, ``infeasible``)."""
    return _balance(prior, row_targets, column_targets, False, tolerance, max_iterations)


def gras(prior, row_targets, column_targets, tolerance: float = 1e-10, max_iterations: int = 10_000) -> pd.DataFrame:
    """GRAS (Junius & Oosterhaven 2003; Lenzen, Wood & Gallego 2007): RAS for a prior with
    negative entries, each entry keeping its sign."""
    return _balance(prior, row_targets, column_targets, True, tolerance, max_iterations)


def read(path: Union[str, os.PathLike], flows_with_output: Optional[Union[str, os.PathLike]] = None) -> Economy:
    """Reads an input-output economy with the command line's reader: an economy file, an
    import specification of a real table (``.toml`` with ``[table]``), a pymrio folder, a
    matrix folder, Matrix Market, triplets or a labelled CSV (``flows_with_output``: the CSV
    holds flows and this file gross output). Raises :class:`InputError` with the file, line
    and column of what is wrong."""
    return Economy(
        _plenty.read(os.fspath(path), None if flows_with_output is None else os.fspath(flows_with_output))
    )


# -- planning -------------------------------------------------------------------------------


class PlanningEconomy:
    """A planning economy (products with targets, processes, labour types, resources), read
    by :func:`read_planning` from a planning file or folder, as ``plenty plan`` reads it."""

    def __init__(self, native: "_plenty.NativePlanning"):
        self._native = native
        self.products, self.processes, self.labour_types, self.resources = native.names()
        self.name = native.name()

    def __repr__(self) -> str:
        return (
            f"<plenty.PlanningEconomy {self.name or ''}: {len(self.products)} products, "
            f"{len(self.processes)} processes, {len(self.labour_types)} labour types, "
            f"{len(self.resources)} resources>"
        )

    def plan(self) -> "Plan":
        return plan(self)


def read_planning(path: Union[str, os.PathLike]) -> PlanningEconomy:
    """Reads a planning file (``.toml`` with ``[[product]]`` and ``[[process]]``) or a planning
    folder (written by ``plenty generate-plan``)."""
    return PlanningEconomy(_plenty.read_planning(os.fspath(path)))


class Plan:
    """The optimal plan: ``lam`` (λ, the fulfilment of the targets), ``status``, ``method``,
    ``certificate`` (primal and dual residuals, relative gap, objectives), and the frames
    ``products`` (targets, gross and net output, surplus, valuation), ``processes``
    (intensity, capacity, profit) and ``limits`` (labour and resources: available, used,
    valuation)."""

    def __init__(self, e: PlanningEconomy, out: dict):
        self.raw = out
        self.lam: float = out["lambda"]
        self.status: str = out["status"]
        self.method: str = out["method"]
        self.certificate: dict = out["certificate"]
        self.notes: List[str] = out["notes"]
        nan = lambda v: [np.nan if t is None else t for t in v]  # noqa: E731
        self.products = pd.DataFrame(
            {
                "target": out["targets"],
                "gross_output": out["gross_output"],
                "net_output": out["net_output"],
                "surplus": out["surplus"],
                "valuation": out["product_valuation"],
                "binds": out["product_binds"],
            },
            index=pd.Index(e.products, name="product"),
        )
        self.processes = pd.DataFrame(
            {
                "intensity": out["intensity"],
                "capacity": nan(out["capacity"]),
                "at_capacity": out["at_capacity"],
                "profit": out["profit"],
            },
            index=pd.Index(e.processes, name="process"),
        )
        rows = [f"labour:{n}" for n in e.labour_types] + [f"resource:{n}" for n in e.resources]
        self.limits = pd.DataFrame(
            {
                "available": nan(out["labour_available"]) + nan(out["resource_available"]),
                "used": out["labour_used"] + out["resource_used"],
                "valuation": out["labour_valuation"] + out["resource_valuation"],
                "binds": out["labour_binds"] + out["resource_binds"],
            },
            index=pd.Index(rows, name="limit"),
        )

    @property
    def intensities(self) -> pd.Series:
        return self.processes["intensity"]

    @property
    def valuations(self) -> pd.Series:
        """Valuations (dual prices) of products, labour and resources, in fulfilment per unit."""
        return pd.concat([self.products["valuation"], self.limits["valuation"]])

    def __repr__(self) -> str:
        return f"<plenty.Plan λ = {self.lam:.6g}, {self.status} by {self.method}, relative gap {self.certificate.get('relative_gap')}>"


def plan(planning_economy: Union[PlanningEconomy, str, os.PathLike]) -> Plan:
    """Solves Kantorovich's problem (maximise λ) as ``plenty plan`` does with its defaults,
    with the GIL released. Raises :class:`PlanError` when there is no optimal plan."""
    e = planning_economy if isinstance(planning_economy, PlanningEconomy) else read_planning(planning_economy)
    return Plan(e, json.loads(e._native.plan()))


# -- pymrio ---------------------------------------------------------------------------------


def from_pymrio(io) -> Economy:
    """An economy from a pymrio ``IOSystem`` in memory: ``Z``, ``Y``, ``x`` (``Z·1 + Y·1``
    when absent, as pymrio computes it) and every extension's ``F`` as satellites named
    ``<extension>/<stressor>`` with their units. Regions, sectors, the extensions' row levels,
    ``F_Y`` and units are kept apart for :func:`to_pymrio`."""
    Z = io.Z
    Y = io.Y
    if Z is None or Y is None:
        raise InputError("the pymrio system has no Z or Y; load it with its flows (pymrio.load_all or calc_all on A)")
    if getattr(io, "x", None) is not None:
        x = io.x.iloc[:, 0].reindex(Z.index).to_numpy(dtype=float)
    else:
        x = (Z.sum(axis=1) + Y.sum(axis=1)).to_numpy(dtype=float)
    meta = {"name": getattr(io, "name", None), "extensions": [], "index_names": list(Z.index.names), "y_names": list(Y.columns.names)}
    F_rows = []
    units = {}
    for ext in io.get_extensions(data=True):
        key = _attr_name(io, ext)
        F = ext.F.reindex(columns=Z.columns)
        unit = getattr(ext, "unit", None)
        meta["extensions"].append(
            {
                "key": key,
                "name": ext.name,
                "index": F.index,
                "unit": unit,
                "F_Y": None if getattr(ext, "F_Y", None) is None else ext.F_Y.copy(),
            }
        )
        for r in F.index:
            label = "/".join(str(p) for p in (r if isinstance(r, tuple) else (r,)))
            name = f"{key}/{label}"
            F_rows.append((name, F.loc[r].to_numpy(dtype=float)))
            if unit is not None:
                u = unit.loc[r]
                units[name] = str(u.iloc[0] if isinstance(u, pd.Series) else u)
    Fdf = pd.DataFrame([v for _, v in F_rows], index=[n for n, _ in F_rows]) if F_rows else None
    e = Economy.from_flows(Z.to_numpy(dtype=float), x, labels=Z.index, Y=Y.reindex(Z.index), F=Fdf, units=units)
    e._pymrio = meta
    return e


def _attr_name(io, ext) -> str:
    for k, v in vars(io).items():
        if v is ext:
            return k
    return str(ext.name).lower().replace(" ", "_")


def to_pymrio(e: Economy, name: Optional[str] = None):
    """A pymrio ``IOSystem`` in memory with ``Z``, ``Y``, ``x``, ``A`` and one ``Extension``
    per satellite group, with pymrio's MultiIndex conventions (``region``, ``sector``;
    ``region``, ``category``; stressors with their units). ``calc_all()`` runs on it. An
    economy that came from :func:`from_pymrio` gets its regions, extensions, row levels,
    ``F_Y`` and units back; otherwise satellites ``ext/stressor`` are grouped by ``ext``, the
    rest go to an extension ``satellites``, and flat labels get the region ``"all"``."""
    import pymrio

    idx = e.index
    if not isinstance(idx, pd.MultiIndex):
        idx = pd.MultiIndex.from_tuples([("all", l) for l in e.labels], names=["region", "sector"])
    Z = pd.DataFrame(e.Z.to_numpy(), index=idx, columns=idx)
    A = pd.DataFrame(e.A.to_numpy(), index=idx, columns=idx)
    Yraw = e.Y
    ycols = Yraw.columns
    if not isinstance(ycols, pd.MultiIndex):
        ycols = pd.MultiIndex.from_tuples([("all", str(c)) for c in ycols], names=["region", "category"])
    Y = pd.DataFrame(Yraw.to_numpy(), index=idx, columns=ycols)
    x = pd.DataFrame({"indout": e.x.to_numpy()}, index=idx)
    io = pymrio.IOSystem(Z=Z, Y=Y, x=x, A=A, name=name or (e._pymrio or {}).get("name") or "plenty")
    F = e.F
    units = e.units
    meta = e._pymrio
    if meta is not None:
        for ext in meta["extensions"]:
            prefix = ext["key"] + "/"
            rows = [r for r in F.index if r.startswith(prefix)]
            Fe = pd.DataFrame(F.loc[rows].to_numpy(), index=ext["index"], columns=idx)
            setattr(io, ext["key"], pymrio.Extension(name=ext["name"], F=Fe, F_Y=ext["F_Y"], unit=ext["unit"]))
        return io
    groups: Dict[str, List[str]] = {}
    for r in F.index:
        key, _, stressor = r.partition("/") if "/" in r else ("satellites", "", r)
        groups.setdefault(key, []).append(r)
    for key, rows in groups.items():
        stressors = [r.split("/", 1)[1] if "/" in r else r for r in rows]
        sidx = pd.Index(stressors, name="stressor")
        Fe = pd.DataFrame(F.loc[rows].to_numpy(), index=sidx, columns=idx)
        unit = pd.DataFrame({"unit": [units.get(r) or "" for r in rows]}, index=sidx)
        setattr(io, key, pymrio.Extension(name=key, F=Fe, unit=unit))
    return io
