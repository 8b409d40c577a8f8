#!/usr/bin/env python3
"""plenty against its peers, on the same files, in one run.

Parts (--parts, comma-separated):

  leontief  For each n in --sizes (and each --structures), `plenty generate` writes a seeded random economy
            (k inputs per product, column sums of A from U(0.6, 0.9)) to the scratch folder. Then, one after
            the other on the very same A.mtx, d.csv and l.csv:
              plenty values DIR --method auto --tolerance TOL          (all cores, or --threads)
              plenty values DIR --method bicgstab ...                  (only if auto picked another method)
              peer.py leontief --A .. --d .. --l .. --method bicgstab  (SciPy, OPENBLAS_NUM_THREADS=1)
              peer.py leontief ... --method jacobi                     (if --peer-methods has it)
            Each one solves (I - A) x = d and v (I - A) = l to a relative residual of TOL.
  dense     `plenty generate --n DENSE_N --k DENSE_K --pymrio` writes a dense pymrio folder; then
              plenty multipliers DIR/pymrio                            (dense LU, then solves)
              peer.py pymrio --dir DIR/pymrio                          (pymrio load + calc_all: inv(I - A))
            Add `values` to --dense-commands to time `plenty values DIR/pymrio --labour DIR/l.csv` too.

For every process it records the solve time the tool reports (plenty: summary.seconds; peer: "seconds"), the
wall time of the whole process, its peak resident set size (ru_maxrss from os.wait4: everything the process
held at its peak, reading the files included) and its CPU time. One JSON line per measurement goes to
bench/runs/<date>-<host>/raw.jsonl; at the end a Markdown table (medians over --repeat runs) is printed and
saved next to it.

Standard library only. The peers run under the peer venv's python (--peer-python), through
bench/peer/peer.py (--peer). plenty runs from a private copy of its release binary (so a concurrent
`cargo build` cannot swap it in the middle of a run).
"""
import argparse
import datetime as _dt
import hashlib
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_PLENTY = REPO / "target" / "release" / "plenty"
DEFAULT_PEER = Path(__file__).resolve().parent / "peer" / "peer.py"
DEFAULT_PEER_PYTHON = REPO / ".venv-peer" / "bin" / "python"

PEER_LABELS = {"bicgstab": "SciPy BiCGSTAB", "jacobi": "SciPy Jacobi", "spsolve": "SciPy spsolve (SuperLU)"}


# --------------------------------------------------------------------------------------------- small helpers

def parse_size(text):
    t = text.strip().lower().replace("_", "")
    m = re.fullmatch(r"10\^(\d+)", t)
    if m:
        return 10 ** int(m.group(1))
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", t)
    if m:
        v = float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[m.group(2)]
    else:
        v = float(t)  # 1e5
    if v != int(v) or v < 2:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(v)


def size_list(text):
    return [parse_size(s) for s in text.split(",") if s.strip()]


def word_list(choices):
    def parse(text):
        words = [w.strip() for w in text.split(",") if w.strip()]
        bad = [w for w in words if w not in choices]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {bad}; choose from {sorted(choices)}")
        return words
    return parse


def pow10(n):
    """10^4 for 10000, else the number with thin spacing."""
    if n > 0:
        e = round(math.log10(n))
        if 10 ** e == n and e >= 2:
            return f"10^{e}"
    return f"{n:,}".replace(",", " ")


def secs(t):
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return "–"
    if t >= 100:
        return f"{t:.0f} s"
    if t >= 10:
        return f"{t:.1f} s" if t < 20 else f"{t:.0f} s"
    if t <= 0:
        return f"{t:g} s"
    decimals = max(0, 1 - math.floor(math.log10(t)))
    return f"{t:.{decimals}f} s"


def nbytes(b):
    if b is None:
        return "–"
    for unit, f in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= f:
            v = b / f
            return f"{v:.1f} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{b} B"


def ratio(a, b, fmt="{:.1f}×"):
    if a is None or b is None or b == 0:
        return "–"
    r = a / b
    if r < 0.1:
        return f"{r:.2g}×"
    if r >= 10:
        return f"{r:.0f}×"
    return fmt.format(r)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def quiet_run(cmd, **kw):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)
        return r.stdout.strip() if r.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def log(msg):
    print(f"[{_dt.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------- measurement

# os.wait4 on a child of this script is not enough: Linux starts a child's ru_maxrss at the resident size of the
# process it was forked from (and subprocess forks with vfork, sharing this script's memory), so every child would
# report at least this script's own peak. A small launcher, started afresh, forks the command and reports the
# command's own rusage; what it adds is its own size at the fork (about 5 MB, `python3 -S`).
LAUNCHER = r"""
import json, os, signal, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    except OSError as e:
        os.write(2, f"cannot run {cmd[0]}: {e}\n".encode())
    os._exit(127)
def stop(signum, frame):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(report, "w") as f:
    json.dump({"wall_s": wall, "maxrss_kb": ru.ru_maxrss, "utime": ru.ru_utime, "stime": ru.ru_stime,
               "status": status}, f)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def measure(cmd, env=None, timeout=None, stdout_path=None, stderr_path=None, report_path=None):
    """Run cmd under the launcher; return its wall time, peak RSS (bytes) and CPU time, from os.wait4."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    report = Path(report_path or (str(stdout_path) + ".rusage.json"))
    report.unlink(missing_ok=True)
    timed_out = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, str(report), *cmd], env=env,
                            stdout=out, stderr=err, stdin=subprocess.DEVNULL)

    def kill():
        timed_out.set()
        proc.terminate()  # the launcher kills the command, then reports

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    try:
        returncode = proc.wait()
    except BaseException:  # Ctrl-C or SIGTERM: do not leave the command running
        proc.terminate()
        proc.wait()
        raise
    finally:
        if timer:
            timer.cancel()
    outer = time.perf_counter() - t0
    for f in (out, err):
        if hasattr(f, "close"):
            f.close()
    try:
        ru = json.loads(report.read_text())
        report.unlink()
    except (OSError, ValueError):
        ru = {"wall_s": None, "maxrss_kb": None, "utime": None, "stime": None}
    return {
        "returncode": returncode,
        "timed_out": timed_out.is_set(),
        "wall_s": ru["wall_s"] if ru["wall_s"] is not None else outer,
        "peak_rss_bytes": ru["maxrss_kb"] * 1024 if ru["maxrss_kb"] is not None else None,  # Linux: kB
        "cpu_user_s": ru["utime"],
        "cpu_sys_s": ru["stime"],
    }


def tail(path, lines=8):
    try:
        text = Path(path).read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join(text[-lines:])


# --------------------------------------------------------------------------------------------- the bench

class Bench:
    def __init__(self, args):
        self.args = args
        self.scratch = Path(args.scratch).resolve()
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.records = []
        self.started = _dt.datetime.now(_dt.timezone.utc)
        host = args.machine or (socket.gethostname().split(".")[0] or "machine")
        host = re.sub(r"[^A-Za-z0-9_.-]+", "-", host) or "machine"
        self.run_dir = Path(args.runs_dir).resolve() / f"{self.started.strftime('%Y-%m-%d')}-{host}"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.raw = self.run_dir / "raw.jsonl"
        self.run_id = self.started.strftime("%Y%m%dT%H%M%SZ")
        self.command = "python3 bench/run.py" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
        self.problems = []

        src = Path(args.plenty)
        if not src.is_file():
            sys.exit(f"no plenty binary at {src}; build it: cargo build --release -p plenty-cli (or pass --build)")
        self.plenty_sha = sha256(src)
        if args.copy_binary:
            self.plenty = self.scratch / f"plenty-{self.plenty_sha[:12]}"
            if not self.plenty.exists():
                shutil.copy2(src, self.plenty)
        else:
            self.plenty = src
        self.nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.plenty_threads = args.threads or self.nproc
        self.machine = self.describe_machine(src)

    # ---- context

    def describe_machine(self, src):
        cpu = None
        mem = None
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal"):
                    mem = int(line.split()[1]) * 1024
        except OSError:
            pass
        git = ["git", "-C", str(REPO)]
        commit = quiet_run(git + ["rev-parse", "--short", "HEAD"])
        # read-only: does the work tree differ from HEAD (tracked files)? `git diff` does not write the index
        dirty = None
        try:
            r = subprocess.run(git + ["diff", "--quiet", "HEAD", "--"], capture_output=True, timeout=60)
            dirty = {0: False, 1: True}.get(r.returncode)
        except (OSError, subprocess.SubprocessError):
            pass
        peer_versions = None
        pv = quiet_run([str(self.args.peer_python), "-c",
                        "import json, numpy, scipy\n"
                        "v = {'python': __import__('platform').python_version(), 'numpy': numpy.__version__,"
                        " 'scipy': scipy.__version__}\n"
                        "try:\n import pymrio; v['pymrio'] = pymrio.__version__\nexcept Exception as e: v['pymrio'] = None\n"
                        "try:\n import highspy; v['highspy'] = getattr(highspy, '__version__', 'present')\n"
                        "except Exception: v['highspy'] = None\n"
                        "try:\n b = numpy.__config__.CONFIG['Build Dependencies']['blas']; v['blas'] = f\"{b['name']} {b.get('version', '')}\"\n"
                        "except Exception: pass\n"
                        "print(json.dumps(v))"])
        if pv:
            peer_versions = json.loads(pv)
        return {
            "date_utc": self.started.isoformat(timespec="seconds"),
            "hostname": socket.gethostname(),
            "nproc": self.nproc,
            "cpu_model": cpu,
            "mem_total_bytes": mem,
            "kernel": platform.release(),
            "plenty_version": quiet_run([str(self.plenty), "--version"]),
            "plenty_binary": str(src),
            "plenty_binary_sha256": self.plenty_sha,
            "plenty_binary_mtime_utc": _dt.datetime.fromtimestamp(src.stat().st_mtime, _dt.timezone.utc)
            .isoformat(timespec="seconds"),
            "git_commit": commit,
            "git_worktree_differs_from_head": dirty,
            "peer": str(self.args.peer),
            "peer_python": str(self.args.peer_python),
            "peer_versions": peer_versions,
            "plenty_threads": self.plenty_threads,
            "peer_env": {"OPENBLAS_NUM_THREADS": "1"},
            "dense_peer_env": {"OPENBLAS_NUM_THREADS": str(self.args.dense_peer_threads or self.nproc)},
        }

    def emit(self, rec):
        rec = {"run_id": self.run_id, **rec}
        self.records.append(rec)
        with open(self.raw, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, sort_keys=False) + "\n")

    def warn(self, msg):
        self.problems.append(msg)
        log("PROBLEM: " + msg)

    # ---- process runners

    def plenty_cmd(self, *args):
        cmd = [str(self.plenty), *args, "-q"]
        if self.args.threads:
            cmd += ["--threads", str(self.args.threads)]
        return cmd

    def run(self, label, cmd, env_extra=None, out_json=None):
        env = dict(os.environ)
        env.update(env_extra or {})
        base = self.scratch / "logs"
        base.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", label)
        so, se = base / f"{stem}.stdout", base / f"{stem}.stderr"
        if out_json and Path(out_json).exists():
            Path(out_json).unlink()
        log(f"{label}: {' '.join(shlex.quote(c) for c in cmd)}")
        m = measure(cmd, env=env, timeout=self.args.timeout, stdout_path=so, stderr_path=se)
        m["command"] = cmd
        if env_extra:
            m["env"] = env_extra
        if m["returncode"] != 0:
            m["stderr_tail"] = tail(se)
            why = "timed out" if m["timed_out"] else f"exit {m['returncode']}"
            detail = ("\n    " + m["stderr_tail"].replace("\n", "\n    ")) if m["stderr_tail"] else ""
            self.warn(f"{label} {why}: {' '.join(shlex.quote(c) for c in cmd)}{detail}")
        m["stdout_path"], m["stderr_path"] = str(so), str(se)
        log(f"{label}: wall {m['wall_s']:.3f} s, peak RSS {nbytes(m['peak_rss_bytes'])}, rc {m['returncode']}")
        return m

    # ---- instances

    def generate(self, n, k, structure, pymrio, tag):
        folder = self.scratch / f"{tag}-n{n}-k{k}-{structure}-seed{self.args.seed}"
        settings = {"n": n, "k": k, "structure": structure, "seed": self.args.seed,
                    "column_sum_low": self.args.column_sum_low, "column_sum_high": self.args.column_sum_high}
        gj = folder / "generator.json"
        if gj.exists() and not self.args.regenerate:
            try:
                g = json.loads(gj.read_text())
                s = g.get("settings", {})
                same = all(s.get(key) == val for key, val in settings.items())
                version = (self.machine["plenty_version"] or "?").split()[-1]
                if same and g.get("plenty_version") == version \
                        and (not pymrio or (folder / "pymrio" / "Z.txt").exists()) \
                        and (folder / "A.mtx").exists():
                    log(f"reusing {folder} (pass --regenerate to write it again)")
                    return folder, None
            except (OSError, ValueError, AttributeError):
                pass
        if folder.exists():
            shutil.rmtree(folder)
        cmd = self.plenty_cmd("generate", "--n", str(n), "--k", str(k), "--seed", str(self.args.seed),
                              "--structure", structure,
                              "--column-sum-low", repr(self.args.column_sum_low),
                              "--column-sum-high", repr(self.args.column_sum_high), "--out", str(folder))
        if pymrio:
            cmd.append("--pymrio")
        m = self.run(f"generate-{tag}-n{n}-{structure}", cmd)
        return folder, m

    @staticmethod
    def mtx_header(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("%") or not line.strip():
                    continue
                rows, cols, nnz = (int(x) for x in line.split()[:3])
                return rows, cols, nnz
        raise ValueError(f"{path}: no size line")

    def size_info(self, folder):
        mtx = folder / "A.mtx"
        rows, cols, nnz = self.mtx_header(mtx)
        return {"n": rows, "nnz": nnz, "csr_bytes": nnz * 12 + (rows + 1) * 8, "mtx_bytes": mtx.stat().st_size,
                "dense_bytes": rows * cols * 8}

    # ---- parsing outputs

    @staticmethod
    def plenty_summary(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)["summary"]

    @staticmethod
    def peer_json(stdout_path):
        lines = [l for l in Path(stdout_path).read_text().splitlines() if l.strip().startswith("{")]
        return json.loads(lines[-1]) if lines else None

    # ---- the leontief part

    def leontief(self):
        a = self.args
        for structure in a.structures:
            for n in a.sizes:
                if a.k >= n:
                    self.warn(f"skipping n = {n}: k = {a.k} must be below n")
                    continue
                folder, gm = self.generate(n, a.k, structure, pymrio=False, tag="leontief")
                if gm is not None and gm["returncode"] != 0:
                    continue
                size = self.size_info(folder)
                common = {"part": "leontief", "structure": structure, "k": a.k, "seed": a.seed,
                          "tolerance": a.tolerance, **size, "machine": self.machine}
                if gm is not None:
                    self.emit({**common, "tool": "plenty", "what": "generate", "method": None, "repeat": 0,
                               "solve_s": None, **strip(gm)})
                plenty_methods = list(a.plenty_methods)
                for r in range(a.repeat):
                    i = 0
                    while i < len(plenty_methods):
                        method = plenty_methods[i]
                        i += 1
                        out = self.scratch / f"values-n{n}-{structure}-{method}.json"
                        cmd = self.plenty_cmd("values", str(folder), "--method", method,
                                              "--tolerance", repr(a.tolerance), "-o", str(out))
                        m = self.run(f"plenty-values-{method}-n{n}-{structure}-r{r}", cmd, out_json=out)
                        rec = {**common, "tool": "plenty", "what": "values", "method": method, "repeat": r,
                               "threads": self.plenty_threads, **strip(m)}
                        if m["returncode"] == 0:
                            s = self.plenty_summary(out)
                            gx, gv = s.get("gross_output_solve", {}), s.get("labour_values_solve", {})
                            ident = s.get("identity", {})
                            rec.update({
                                "solve_s": s["seconds"]["solve_x_and_v"], "read_s": s["seconds"].get("read"),
                                "method_used": [gx.get("method"), gv.get("method")],
                                "iterations": [gx.get("iterations"), gv.get("iterations")],
                                "status": [gx.get("status"), gv.get("status")],
                                "relres_x": gx.get("relative_residual"), "relres_v": gv.get("relative_residual"),
                                "l_dot_x": ident.get("l_dot_x"), "v_dot_d": ident.get("v_dot_d"),
                                "identity_rel_diff": ident.get("relative_difference"),
                            })
                            if a.verify:
                                rec["verified"] = self.verify(folder, out)
                            if method == "auto" and gx.get("method") != "bicgstab" \
                                    and "bicgstab" not in plenty_methods:
                                log(f"auto picked {gx.get('method')} at n = {n}; timing bicgstab too")
                                plenty_methods.append("bicgstab")
                            for key in ("relres_x", "relres_v"):
                                if rec[key] is not None and rec[key] > 10 * a.tolerance:
                                    self.warn(f"plenty values --method {method} n = {n}: {key} = {rec[key]:.3g}"
                                              f" > 10 × tolerance")
                        else:
                            rec["solve_s"] = None
                        if not a.keep and out.exists():
                            out.unlink()
                        self.emit(rec)
                    for pm in a.peer_methods:
                        if pm == "spsolve" and n > a.spsolve_max_n:
                            if r == 0:
                                log(f"not running spsolve at n = {n} > --spsolve-max-n {a.spsolve_max_n}")
                            continue
                        cmd = [str(a.peer_python), str(a.peer), "leontief", "--A", str(folder / "A.mtx"),
                               "--d", str(folder / "d.csv"), "--l", str(folder / "l.csv"),
                               "--method", pm, "--tol", repr(a.tolerance)]
                        m = self.run(f"peer-{pm}-n{n}-{structure}-r{r}", cmd,
                                     env_extra={"OPENBLAS_NUM_THREADS": "1"})
                        rec = {**common, "tool": "scipy", "what": "peer.py leontief", "method": pm, "repeat": r,
                               "threads": 1, **strip(m)}
                        p = self.peer_json(m["stdout_path"]) if m["returncode"] == 0 else None
                        if p:
                            lx, vd = p.get("l_dot_x"), p.get("v_dot_d")
                            rec.update({
                                "solve_s": p.get("seconds"), "seconds_x": p.get("seconds_x"),
                                "seconds_v": p.get("seconds_v"), "relres_x": p.get("relres_x"),
                                "relres_v": p.get("relres_v"), "l_dot_x": lx, "v_dot_d": vd,
                                "identity_rel_diff": abs(vd - lx) / abs(lx) if lx else None,
                                "info": p.get("info"),
                            })
                            if p.get("n") != size["n"] or p.get("nnz") != size["nnz"]:
                                self.warn(f"peer read n = {p.get('n')}, nnz = {p.get('nnz')}; A.mtx says {size}")
                        else:
                            rec["solve_s"] = None
                        self.emit(rec)
                self.cross_check(n, structure)
                if not a.keep:
                    shutil.rmtree(folder, ignore_errors=True)

    def cross_check(self, n, structure):
        """Do plenty and the peer agree on l·x (they solved the same system)?"""
        recs = [r for r in self.records if r.get("part") == "leontief" and r.get("n") == n
                and r.get("structure") == structure and r.get("l_dot_x") is not None]
        ref = [r["l_dot_x"] for r in recs if r["tool"] == "plenty"]
        for r in recs:
            if r["tool"] != "plenty" and ref:
                d = abs(r["l_dot_x"] - ref[0]) / abs(ref[0])
                if d > 1e-6:
                    self.warn(f"n = {n} {structure}: l·x of {r['tool']} {r['method']} differs from plenty's by {d:.2g}")

    def verify(self, folder, out_json):
        """Recompute plenty's residuals from its own x and v (peer venv python; not timed)."""
        code = (
            "import json, sys, numpy as np, scipy.io, scipy.sparse as sp\n"
            "A = sp.csr_matrix(scipy.io.mmread(sys.argv[1]))\n"
            "t = json.load(open(sys.argv[2]))['tables']['labour_values']['columns']\n"
            "x, v = np.array(t['gross_output']), np.array(t['labour_value'])\n"
            "d, l = np.array(t['final_demand']), np.array(t['direct_labour'])\n"
            "rx = np.linalg.norm(x - A @ x - d) / np.linalg.norm(d)\n"
            "rv = np.linalg.norm(v - A.T @ v - l) / np.linalg.norm(l)\n"
            "print(json.dumps({'relres_x': float(rx), 'relres_v': float(rv)}))\n")
        r = subprocess.run([str(self.args.peer_python), "-c", code, str(folder / "A.mtx"), str(out_json)],
                           capture_output=True, text=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
        if r.returncode != 0:
            self.warn(f"verification failed: {r.stderr.strip()[-500:]}")
            return None
        v = json.loads(r.stdout.strip().splitlines()[-1])
        log(f"recomputed residuals of plenty's x and v: {v['relres_x']:.3g}, {v['relres_v']:.3g}")
        if max(v.values()) > 10 * self.args.tolerance:
            self.warn(f"{out_json.name}: recomputed residuals {v} exceed 10 × tolerance")
        return v

    def verify_dense(self, pfolder, out_json):
        """plenty's multipliers against pymrio's (pymrio.load_all, so the satellite is read too; untimed)."""
        code = (
            "import json, sys, numpy as np, pymrio\n"
            "io = pymrio.load_all(sys.argv[1]); io.calc_all()\n"
            "t = json.load(open(sys.argv[2]))['tables']['multipliers']['columns']\n"
            "L = io.L.to_numpy(); om = L.sum(axis=0)\n"
            "rel = lambda a, b: float(np.max(np.abs(np.asarray(a) - b) / np.maximum(np.abs(b), 1e-300)))\n"
            "res = {'output_multiplier': rel(t['output_multiplier'], om)}\n"
            "for name, ext in zip(io.get_extensions(), io.get_extensions(data=True)):\n"
            "    for i, row in enumerate(ext.M.index):\n"
            "        key = f'{name}/{row[0] if isinstance(row, tuple) else row}_effect'\n"
            "        if key in t: res[key] = rel(t[key], ext.M.to_numpy()[i])\n"
            "print(json.dumps(res))\n")
        r = subprocess.run([str(self.args.peer_python), "-c", code, str(pfolder), str(out_json)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.warn(f"dense verification failed: {r.stderr.strip()[-500:]}")
            return None
        v = json.loads(r.stdout.strip().splitlines()[-1])
        log(f"plenty's multipliers against pymrio's (max relative difference): {v}")
        if len(v) < 2:
            self.warn("dense verification: pymrio.load_all found no satellite to compare")
        if max(v.values()) > 1e-8:
            self.warn(f"plenty's multipliers differ from pymrio's: {v}")
        return v

    # ---- the dense part

    def dense(self):
        a = self.args
        n = a.dense_n
        k = a.dense_k or max(1, min(n // 10, n - 1))
        folder, gm = self.generate(n, k, "random", pymrio=True, tag="dense")
        if gm is not None and gm["returncode"] != 0:
            return
        size = self.size_info(folder)
        pfolder = folder / "pymrio"
        size["pymrio_bytes"] = sum(p.stat().st_size for p in pfolder.rglob("*") if p.is_file())
        common = {"part": "dense", "structure": "random", "k": k, "seed": a.seed, **size, "machine": self.machine}
        if gm is not None:
            self.emit({**common, "tool": "plenty", "what": "generate --pymrio", "method": None, "repeat": 0,
                       "solve_s": None, **strip(gm)})
        peer_threads = str(a.dense_peer_threads or self.nproc)
        for r in range(a.repeat):
            for what in a.dense_commands:
                out = self.scratch / f"dense-{what}-n{n}.json"
                if what == "multipliers":
                    cmd = self.plenty_cmd("multipliers", str(pfolder), "-o", str(out))
                else:  # values: the pymrio folder's "labour" satellite is not taken as labour; pass l.csv
                    cmd = self.plenty_cmd("values", str(pfolder), "--labour", str(folder / "l.csv"),
                                          "--tolerance", repr(a.tolerance), "-o", str(out))
                m = self.run(f"plenty-{what}-dense-n{n}-r{r}", cmd, out_json=out)
                rec = {**common, "tool": "plenty", "what": what, "method": "auto", "repeat": r,
                       "threads": self.plenty_threads, **strip(m)}
                if m["returncode"] == 0:
                    s = self.plenty_summary(out)
                    sec = s.get("seconds", {})
                    rec["solve_s"] = sec.get("solve", sec.get("solve_x_and_v"))
                    rec["read_s"] = sec.get("read")
                    rec["storage"] = s.get("economy", {}).get("storage")
                    if what == "multipliers":
                        if a.verify and r == 0:
                            rec["verified"] = self.verify_dense(pfolder, out)
                        rec["solves"] = s.get("solves")
                        rec["method_used"] = sorted({rep.get("method") for item in s.get("solves") or []
                                                     for rep in item.values() if isinstance(rep, dict)})
                    else:
                        rec["relres_x"] = s.get("gross_output_solve", {}).get("relative_residual")
                        rec["relres_v"] = s.get("labour_values_solve", {}).get("relative_residual")
                        rec["method_used"] = [s.get("gross_output_solve", {}).get("method"),
                                              s.get("labour_values_solve", {}).get("method")]
                        rec["identity_rel_diff"] = s.get("identity", {}).get("relative_difference")
                else:
                    rec["solve_s"] = None
                if not a.keep and out.exists():
                    out.unlink()
                self.emit(rec)
            cmd = [str(a.peer_python), str(a.peer), "pymrio", "--dir", str(pfolder)]
            m = self.run(f"peer-pymrio-dense-n{n}-r{r}", cmd, env_extra={"OPENBLAS_NUM_THREADS": peer_threads})
            rec = {**common, "tool": "pymrio", "what": "peer.py pymrio", "method": "calc_all",
                   "repeat": r, "threads": int(peer_threads), **strip(m)}
            p = self.peer_json(m["stdout_path"]) if m["returncode"] == 0 else None
            if p:
                rec["solve_s"] = p.get("seconds")
                if p.get("n") != n:
                    self.warn(f"pymrio loaded n = {p.get('n')} from {pfolder}, expected {n}")
            else:
                rec["solve_s"] = None
                if m["returncode"] != 0:
                    self.warn(f"pymrio could not process the folder written by `plenty generate --pymrio`"
                              f" ({pfolder}):\n    {m.get('stderr_tail', '')}")
            self.emit(rec)
        if not a.keep:
            shutil.rmtree(folder, ignore_errors=True)

    # ---- report

    def table(self):
        a = self.args
        recs = [r for r in self.records]
        lines = []
        extra_peers = [pm for pm in a.peer_methods if pm != "bicgstab"]
        if "leontief" in a.parts:
            head = ["n", "non-zeros", "plenty x+v solve", "SciPy BiCGSTAB x+v", "ratio",
                    "plenty peak RSS / CSR size", "SciPy peak RSS"]
        else:
            head = ["n", "non-zeros", "plenty solve", "pymrio calc_all", "ratio",
                    "plenty peak RSS / dense size", "pymrio peak RSS"]
            extra_peers = []
        for pm in extra_peers:
            head += [f"{PEER_LABELS[pm]} x+v", "ratio"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        structures = a.structures if "leontief" in a.parts else []
        for structure in structures:
            for n in a.sizes:
                rows = [r for r in recs if r["part"] == "leontief" and r["n"] == n and r["structure"] == structure]
                primary = a.plenty_methods[0]  # auto, unless --plenty-methods starts with another
                pl = [r for r in rows if r["tool"] == "plenty" and r["what"] == "values" and r["method"] == primary]
                if not pl:
                    continue
                ok = [r for r in pl if r["returncode"] == 0]
                p_solve = median(r["solve_s"] for r in ok)
                p_rss = median(r["peak_rss_bytes"] for r in ok)
                nnz, csr = pl[0]["nnz"], pl[0]["csr_bytes"]
                used = ok[0]["method_used"][0] if ok else None

                def peer(pm):
                    pr = [r for r in rows if r["tool"] == "scipy" and r["method"] == pm and r["returncode"] == 0
                          and r.get("solve_s") is not None]
                    return median(r["solve_s"] for r in pr), median(r["peak_rss_bytes"] for r in pr), pr

                s_solve, s_rss, _ = peer("bicgstab")
                label = pow10(n) + ("" if structure == "random" else f" ({structure})")
                p_cell = secs(p_solve) if ok else f"failed (exit {pl[0]['returncode']})"
                if used and used != "bicgstab" and primary != "bicgstab":
                    bi = [r for r in rows if r["tool"] == "plenty" and r["what"] == "values"
                          and r["method"] == "bicgstab" and r["returncode"] == 0]
                    p_cell += f" ({used}" + (f"; bicgstab {secs(median(r['solve_s'] for r in bi))}" if bi else "") + ")"
                cells = [label, pow10(nnz), p_cell,
                         secs(s_solve) if "bicgstab" in a.peer_methods else "not run",
                         ratio(s_solve, p_solve), ratio(p_rss, csr) + f" ({nbytes(p_rss)} / {nbytes(csr)})",
                         nbytes(s_rss)]
                for pm in extra_peers:
                    e_solve, _, _ = peer(pm)
                    if pm == "spsolve" and n > a.spsolve_max_n:
                        cells += ["not run", "–"]
                    else:
                        cells += [secs(e_solve), ratio(e_solve, p_solve)]
                lines.append("| " + " | ".join(cells) + " |")
        if "dense" in a.parts:
            n = a.dense_n
            rows = [r for r in recs if r["part"] == "dense" and r["n"] == n]
            for what in a.dense_commands:
                pl = [r for r in rows if r["tool"] == "plenty" and r["what"] == what and r["returncode"] == 0]
                pr = [r for r in rows if r["tool"] == "pymrio" and r["returncode"] == 0
                      and r.get("solve_s") is not None]
                if not rows:
                    continue
                p_solve = median(r["solve_s"] for r in pl)
                p_rss = median(r["peak_rss_bytes"] for r in pl)
                s_solve = median(r["solve_s"] for r in pr)
                s_rss = median(r["peak_rss_bytes"] for r in pr)
                nnz = rows[0]["nnz"]
                dense_b = rows[0]["dense_bytes"]
                cells = [f"{pow10(n)} dense, pymrio", pow10(nnz),
                         (secs(p_solve) + f" (`{what}`, dense LU)") if pl else "failed",
                         (secs(s_solve) + " (pymrio `calc_all`)") if pr else "failed",
                         ratio(s_solve, p_solve),
                         ratio(p_rss, dense_b) + f" ({nbytes(p_rss)} / {nbytes(dense_b)} dense n²·8)",
                         nbytes(s_rss) + " (pymrio)"]
                cells += ["", ""] * len(extra_peers)
                lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def details(self):
        """Every median, for checking: tool, method, solve, wall, CPU, peak RSS, residuals, identity."""
        a = self.args
        head = ["part", "n", "structure", "tool", "command", "method used", "solve (median)", "read", "wall", "CPU",
                "peak RSS", "relres x", "relres v", "|v·d − l·x| / l·x", "iterations x, v", "runs"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        groups = {}
        for r in self.records:
            key = (r["part"], r["n"], r["structure"], r["tool"], r["what"], r.get("method"))
            groups.setdefault(key, []).append(r)
        for (part, n, structure, tool, what, method), rs in groups.items():
            ok = [r for r in rs if r["returncode"] == 0]
            f = lambda key: median(r.get(key) for r in ok)
            e = lambda v: "–" if v is None else f"{v:.1e}"
            mu = ok[0].get("method_used") if ok else None
            it = ok[0].get("iterations") if ok else None
            if tool == "scipy" and ok and ok[0].get("info") is not None:
                it = ok[0]["info"] if method == "jacobi" else None
            cpu = median((r["cpu_user_s"] + r["cpu_sys_s"]) for r in ok if r.get("cpu_user_s") is not None)
            cells = [part, pow10(n), structure, tool, f"{what} {method or ''}".strip(),
                     ", ".join(sorted(set(mu))) if mu else "–", secs(f("solve_s")), secs(f("read_s")),
                     secs(f("wall_s")), secs(cpu),
                     nbytes(f("peak_rss_bytes")), e(f("relres_x")), e(f("relres_v")), e(f("identity_rel_diff")),
                     ", ".join(str(i) for i in it) if it else "–", f"{len(ok)}/{len(rs)}"]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def report(self, elapsed):
        m = self.machine
        pv = m.get("peer_versions") or {}
        header = (f"{m['date_utc']}, {m['cpu_model']}, {m['nproc']} cores, {nbytes(m['mem_total_bytes'])} RAM; "
                  f"{m['plenty_version']} (commit {m['git_commit']}"
                  f"{', work tree differs from HEAD' if m['git_worktree_differs_from_head'] else ''}), "
                  f"{self.plenty_threads} threads; SciPy {pv.get('scipy')}, NumPy {pv.get('numpy')}, "
                  f"pymrio {pv.get('pymrio')} ({pv.get('blas', 'BLAS ?')}); "
                  f"SciPy with OPENBLAS_NUM_THREADS=1, pymrio with OPENBLAS_NUM_THREADS={m['dense_peer_env']['OPENBLAS_NUM_THREADS']}. "
                  f"k = {self.args.k}, seed {self.args.seed}, column sums U({self.args.column_sum_low}, "
                  f"{self.args.column_sum_high}), tolerance {self.args.tolerance:g}; "
                  f"median of {self.args.repeat} run{'s' if self.args.repeat > 1 else ''}.")
        text = "\n".join([
            header, "", self.table(), "", f"Produced by `{self.command}` in {elapsed:.0f} s.", "",
            "<details><summary>All measurements (medians)</summary>", "", self.details(), "", "</details>", ""])
        if self.problems:
            text += "\nProblems:\n" + "\n".join(f"- {p}" for p in self.problems) + "\n"
        return text


def strip(m):
    """The measurement without the log file paths."""
    return {k: v for k, v in m.items() if k not in ("stdout_path", "stderr_path")}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", type=word_list({"leontief", "dense"}), default=["leontief", "dense"],
                   help="which parts to run (default: leontief,dense)")
    p.add_argument("--sizes", type=size_list, default=[10 ** 4, 10 ** 5, 10 ** 6],
                   help="leontief sizes n, e.g. 1e4,1e5 or 10^4,100k (default: 10^4,10^5,10^6)")
    p.add_argument("--structures", "--structure", type=word_list({"random", "local"}), default=["random"],
                   help="generator structures for the leontief part: random, local or random,local (default: random)")
    p.add_argument("--k", type=int, default=10, help="inputs per product in the leontief part (default: 10)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default: 1)")
    p.add_argument("--column-sum-low", type=float, default=0.6)
    p.add_argument("--column-sum-high", type=float, default=0.9)
    p.add_argument("--tolerance", type=float, default=1e-10, help="relative residual for every solver (default: 1e-10)")
    p.add_argument("--plenty-methods", type=word_list({"auto", "bicgstab", "jacobi", "dense-lu"}), default=["auto"],
                   help="plenty `values --method` to time; auto is the table's column, and bicgstab is added "
                        "whenever auto picks another method (default: auto)")
    p.add_argument("--peer-methods", type=word_list(set(PEER_LABELS)), default=["bicgstab"],
                   help="peer.py leontief methods: bicgstab, jacobi, spsolve (spsolve fills in: small n only; "
                        "default: bicgstab)")
    p.add_argument("--spsolve-max-n", type=parse_size, default=5000,
                   help="largest n for the spsolve peer (SuperLU fills in: 279 s at 10^4; default: 5000)")
    p.add_argument("--dense-n", type=parse_size, default=5000, help="sectors of the dense table (default: 5000)")
    p.add_argument("--dense-k", type=int, default=None,
                   help="non-zeros per column of the dense table (default: n/10, so 500 at n = 5000)")
    p.add_argument("--dense-commands", type=word_list({"multipliers", "values"}), default=["multipliers"],
                   help="plenty commands on the pymrio folder: multipliers, values (default: multipliers)")
    p.add_argument("--dense-peer-threads", type=int, default=None,
                   help="OPENBLAS_NUM_THREADS for pymrio (dense BLAS/LAPACK; default: all cores, like plenty)")
    p.add_argument("--repeat", type=int, default=1, help="runs of each command; the table shows the median (default: 1)")
    p.add_argument("--threads", type=int, default=None, help="plenty --threads (default: plenty's own, all cores)")
    p.add_argument("--keep", action="store_true", help="keep generated economies and plenty's outputs in the scratch folder")
    p.add_argument("--regenerate", action="store_true", help="write kept economies again instead of reusing them")
    p.add_argument("--verify", action="store_true",
                   help="recompute the residuals of plenty's x and v with NumPy (untimed)")
    p.add_argument("--timeout", type=float, default=3 * 3600, help="seconds before a process is killed (default: 10800)")
    p.add_argument("--scratch", default=str(BENCH / "tmp"), help="scratch folder (default: bench/tmp, git-ignored)")
    p.add_argument("--runs-dir", default=str(BENCH / "runs"), help="results go to RUNS_DIR/<date>-<host>/ (default: bench/runs)")
    p.add_argument("--machine", default=None, help="name for the results folder (default: the hostname)")
    p.add_argument("--plenty", default=str(DEFAULT_PLENTY), help=f"plenty binary (default: {DEFAULT_PLENTY})")
    p.add_argument("--no-copy-binary", dest="copy_binary", action="store_false",
                   help="run the binary in place instead of a private copy in the scratch folder")
    p.add_argument("--build", action="store_true", help="cargo build --release -p plenty-cli first")
    p.add_argument("--peer", default=str(DEFAULT_PEER), help=f"peer.py (default: {DEFAULT_PEER})")
    p.add_argument("--peer-python", default=str(DEFAULT_PEER_PYTHON),
                   help=f"python of the peer venv (default: {DEFAULT_PEER_PYTHON})")
    args = p.parse_args()
    if args.repeat < 1:
        p.error("--repeat must be at least 1")

    if args.build:
        log("cargo build --release -p plenty-cli")
        r = subprocess.run(["cargo", "build", "--release", "-p", "plenty-cli"], cwd=REPO)
        if r.returncode != 0:
            sys.exit("cargo build failed")
    for what, path in (("peer python", args.peer_python), ("peer.py", args.peer)):
        if not Path(path).exists():
            sys.exit(f"no {what} at {path}; see bench/README.md (set up the peer venv)")

    # SIGTERM: unwind like Ctrl-C, so the running child is killed and the partial table is written
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.perf_counter()
    b = Bench(args)
    log(f"results: {b.raw}")
    b.emit({"part": "run", "n": None, "structure": None, "tool": None, "what": "run", "method": None,
            "returncode": 0, "command": b.command, "args": {k: v for k, v in vars(args).items()},
            "machine": b.machine})
    try:
        if "leontief" in args.parts:
            b.leontief()
        if "dense" in args.parts:
            b.dense()
    finally:
        elapsed = time.perf_counter() - t0
        if Path(args.plenty).is_file() and sha256(args.plenty) != b.plenty_sha:
            b.warn(f"{args.plenty} was rebuilt during the run (this run used the copy of the binary at the start,"
                   f" sha256 {b.plenty_sha[:12]})")
        b.records = [r for r in b.records if r["part"] != "run"]
        text = b.report(elapsed)
        md = b.run_dir / f"table-{b.run_id}.md"
        md.write_text(text, encoding="utf-8")
        print(text)
        log(f"{len(b.records)} measurements appended to {b.raw}; table in {md}; {elapsed:.0f} s in all")
        if not args.keep:
            if args.copy_binary and b.plenty.parent == b.scratch:
                b.plenty.unlink(missing_ok=True)
            shutil.rmtree(b.scratch / "logs", ignore_errors=True)
            try:
                b.scratch.rmdir()  # only if empty
            except OSError:
                pass


if __name__ == "__main__":
    main()
