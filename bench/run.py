"""How fast is coopctl, as a ratio to starting Python itself? Prints a Markdown table and writes it to bench/RESULTS.md.

    .venv/bin/python bench/run.py            # stores of 20, 1,000, 10,000 and 100,000 agreements (about 3 min on 2 cores)
    .venv/bin/python bench/run.py --quick    # 20, 1,000 and 10,000 only (about 1 min), printed, not written

Run it with the interpreter of the environment coopctl is installed in (`pip install .` or `-e .`):
every timing is of the `coopctl` script next to it, a whole process as a user starts it, and
is given as a ratio to B, that interpreter's `python -c 'import tomllib'`, timed in the same
run, alternating with the command, so that a noisy machine moves both alike. A ratio is the
median of the per-pair ratios; milliseconds are medians; memory is the peak resident set of
the process. Output goes to a pipe (/dev/null), as in a script; stores are made by
bench/generate.py in bench/stores/ with a fixed seed, and read at a fixed --as-of date.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORES = HERE / "stores"
AS_OF = "2026-06-30"
MiB = 1024 * 1024


@dataclass
class Row:
    size: str
    what: str
    ms: float
    base_ms: float
    ratio: float
    peak_mib: float
    target: str = ""
    met: bool | None = None
    note: str = ""


def coopctl_command() -> list[str]:
    script = Path(sys.executable).parent / ("coopctl.exe" if os.name == "nt" else "coopctl")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "coopctl"]


def child_env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are kept and reused
    for name in ("COOPCTL_STORE", "COOPCTL_CACHE", "COOPCTL_DEBUG", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(name, None)
    env.update(COOPCTL_CACHE_DIR=str(cache_dir), COLUMNS="120", NO_COLOR="1")
    return env


def run_once(argv: list[str], env: dict[str, str], ok=(0, 1)) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one whole process, output to /dev/null."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024) / MiB
    else:  # pragma: no cover - Windows has no wait4
        process.wait()
        elapsed, code, peak = time.perf_counter() - started, process.returncode, float("nan")
    err = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if code not in ok:
        raise SystemExit(f"bench: {' '.join(argv)} exited {code}: {err.strip()[:500]}")
    return elapsed, peak


class Bench:
    def __init__(self, runs: int, env: dict[str, str]):
        self.runs = runs
        self.env = env
        self.base = [sys.executable, "-c", "import tomllib"]
        self.rows: list[Row] = []

    def paired(self, size: str, what: str, argv: list[str], runs: int | None = None, before=None,
               target: float | None = None, warm: bool = True, note: str = "") -> Row:
        """Median time of `argv` and of B, alternating; `before()` runs untimed before each run."""
        runs = runs or self.runs
        if warm:  # a first run that fills the cache and the OS's file cache
            if before:
                before()
            run_once(argv, self.env)
        times, bases, ratios, peaks = [], [], [], []
        for _ in range(runs):
            base, _ = run_once(self.base, self.env)
            if before:
                before()
            elapsed, peak = run_once(argv, self.env)
            times.append(elapsed)
            bases.append(base)
            ratios.append(elapsed / base)
            peaks.append(peak)
        row = Row(size, what, statistics.median(times) * 1000, statistics.median(bases) * 1000,
                  statistics.median(ratios), max(peaks), f"≤ {target:g}× B" if target else "",
                  statistics.median(ratios) <= target if target else None, note)
        self.rows.append(row)
        print(format_row(row), flush=True)
        return row


def format_row(row: Row) -> str:
    met = "" if row.met is None else ("yes" if row.met else "**no**")
    return (f"| {row.size} | {row.what} | {row.ms:,.0f} | {row.ratio:.2f}× | {row.target} | {met} | "
            f"{row.peak_mib:,.0f} | {row.note} |")


HEADER = ("| store | command | median ms | ratio to B | target | met | peak MiB | note |\n"
          "|---|---|---:|---:|---|---|---:|---|")


def generate(n: int) -> Path:
    out = STORES / f"n{n}"
    started = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--agreements", str(n), "--out", str(out), "--force"],
                   check=True, stderr=subprocess.DEVNULL)
    print(f"  (generated {n:,} agreements in {time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)
    time.sleep(2.1)  # coopctl caches a file only once it is 2 s old (see coopctl/cache.py); a user's files are older
    return out


def tomllib_seconds(root: Path, runs: int = 3) -> float:
    """What parsing every file of the store with tomllib takes in one process (best of `runs`)."""
    script = (
        "import os, sys, time, tomllib\n"
        "root = sys.argv[1]\n"
        "paths = [os.path.join(root, 'coopctl.toml')] + sorted(e.path for e in os.scandir(os.path.join(root, 'partners')))\n"
        "best = None\n"
        f"for _ in range({runs}):\n"
        "    t = time.perf_counter()\n"
        "    for p in paths:\n"
        "        with open(p, 'rb') as f:\n"
        "            tomllib.load(f)\n"
        "    e = time.perf_counter() - t\n"
        "    best = e if best is None else min(best, e)\n"
        "print(best)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(root)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def touch_one(root: Path):
    """Before each run, a hand edit of one partner file (its name changes; the file is rewritten in place)."""
    path = sorted((root / "partners").glob("*.toml"))[0]
    flip = [False]

    def change() -> None:
        flip[0] = not flip[0]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('name = "', 'name = "x', 1) if flip[0] else text.replace('name = "x', 'name = "', 1),
                        encoding="utf-8")

    return change


def forget_answers(cache_dir: Path):
    """Before each run, drop the rows and table cells `renew` remembered for the question (as on the first
    run of a new day); its JSON stays remembered (the breakdown after this row reads it)."""

    def forget() -> None:
        for kind in ("rows", "table"):
            for path in cache_dir.glob(f"stores/*/answers-{kind}.pickle"):
                path.unlink()

    return forget


BREAKDOWN = """
import gc, json, os, sys, time
from datetime import date
from pathlib import Path
t0 = time.perf_counter()
from coopctl.app import answers
from coopctl.views import render
from coopctl.storage import store
gc.disable()  # as every coopctl command runs (cli.command)
t1 = time.perf_counter()
loaded = store.load(Path(sys.argv[1]), lazy=True)
t2 = time.perf_counter()
data = answers.renewal_json(loaded, date.fromisoformat(sys.argv[2]))
t3 = time.perf_counter()
saved, sys.stdout = sys.stdout, open(os.devnull, "w", encoding="utf-8")
render.write_json_bytes(data)
sys.stdout.close()
sys.stdout = saved
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "rows": t3 - t2, "json": t4 - t3, "bytes": len(data),
                  "files": len(loaded.files), "parsed": loaded.parsed}))
"""


def breakdown(root: Path, env: dict[str, str]) -> str:
    """Where a warm `renew --format json` spends its time, measured inside one process."""
    import json

    result = subprocess.run([sys.executable, "-c", BREAKDOWN, str(root), AS_OF], env=env, check=True,
                            capture_output=True, text=True, cwd=STORES)  # not the checkout: the installed coopctl
    d = json.loads(result.stdout)
    return (f"| {d['files']:,} | {d['import'] * 1000:,.0f} | {d['load'] * 1000:,.0f} ({d['parsed']:,} parsed) "
            f"| {d['rows'] * 1000:,.0f} ({d['bytes'] / 1e6:,.1f} MB) | {d['json'] * 1000:,.0f} |")


def first_agreement(root: Path) -> tuple[str, str]:
    path = sorted((root / "partners").glob("*.toml"))[0]
    agreement_id = sector = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("id = ") and agreement_id is None:
            agreement_id = line.split('"')[1]
        if line.startswith("sectors = [") and sector is None:
            sector = line.split('"')[1]
    return agreement_id, sector


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
            memory = f", {kb / MiB:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        commit = f"{commit}{' with uncommitted changes' if dirty else ''}" if commit else "unknown"
    except OSError:
        commit = "unknown"
    return [
        f"- Machine: {platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{memory}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- coopctl {v('coopctl')} (commit {commit}); typer {v('typer')}, rich {v('rich')}, "
        f"tomli-w {v('tomli-w')}, platformdirs {v('platformdirs')}, orjson {v('orjson')}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only stores of 20, 1,000 and 10,000 agreements")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per command (default 11, 5 at 100,000)")
    parser.add_argument("--out", type=Path, default=None,
                        help="Markdown file to write (default bench/RESULTS.md; none with --quick)")
    args = parser.parse_args(argv)
    out = args.out or (None if args.quick else HERE / "RESULTS.md")
    runs = args.runs or 11
    big_runs = args.runs or 5

    STORES.mkdir(exist_ok=True)
    cache_dir = STORES / "cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = child_env(cache_dir)
    bench = Bench(runs, env)
    coopctl = coopctl_command()
    started = time.perf_counter()
    print("\n".join(machine()) + "\n")
    print(HEADER)

    run_once(coopctl + ["--version"], env)  # compiles coopctl's modules once, as pip install does
    bench.paired("-", "`coopctl --version`", coopctl + ["--version"], target=3)
    bench.paired("-", "`coopctl --help`", coopctl + ["--help"], target=3)

    sizes = [20, 1_000, 10_000] + ([] if args.quick else [100_000])
    summary: dict[str, float] = {}
    breakdowns: list[str] = []
    for n in sizes:
        root = generate(n)
        label = f"{n:,}"
        store = ["--store", str(root), "--as-of", AS_OF]
        big = n >= 100_000
        r = big_runs if big else runs
        if n == 20:
            bench.paired(label, "`list`", coopctl + ["list"] + store, target=4)
            bench.paired(label, "`renew --format json`", coopctl + ["renew", "--format", "json"] + store, target=4)
            bench.paired("example", "`list` (the bundled East Java store)",
                         coopctl + ["list", "--store", str(example_store()), "--as-of", "2023-08-22"])
            continue
        bench.paired(label, "`renew --format json`, warm", coopctl + ["renew", "--format", "json"] + store, runs=r,
                     target=6 if n == 10_000 else None)
        bench.paired(label, "`renew --check`, warm", coopctl + ["renew", "--check"] + store, runs=r,
                     target=25 if big else None)
        if not big:
            bench.paired(label, "`list` (every row, piped), warm", coopctl + ["list"] + store, runs=r)
        bench.paired(label, "`renew --check`, first run after one file changed", coopctl + ["renew", "--check"] + store,
                     runs=min(r, 5), before=touch_one(root), warm=True)
        bench.paired(label, "`renew --check`, warm, a new day (records from the cache, every row computed)",
                     coopctl + ["renew", "--check"] + store, runs=min(r, 5), before=forget_answers(cache_dir), warm=True)
        if n == 10_000:
            agreement_id, sector = first_agreement(root)
            bench.paired(label, "`log` (record one activity: a write)",
                         coopctl + ["log", agreement_id, "Benchmark visit", "--date", AS_OF, "--sector", sector,
                                    "--store", str(root)], runs=r, target=8)
        breakdowns.append(breakdown(root, env))
        print("  (in one process, ms: agreements | import | load | rows | JSON) " + breakdowns[-1], file=sys.stderr)
        # cold: no cache at all, against tomllib parsing the same files in one process
        parse = tomllib_seconds(root, runs=1 if big else 3)

        def no_cache() -> None:
            shutil.rmtree(cache_dir, ignore_errors=True)

        cold = bench.paired(label, "`renew --check`, cold (no cache)", coopctl + ["renew", "--check"] + store,
                            runs=2 if big else 3, before=no_cache, warm=False,
                            note=f"tomllib alone: {parse * 1000:,.0f} ms")
        cold_ratio = cold.ms / 1000 / parse
        cold.note += f"; {cold_ratio:.2f}× tomllib" + (" (target ≤ 1.2×)" if big else "")
        if big:
            cold.target, cold.met = "≤ 1.2× tomllib", cold_ratio <= 1.2
            peak = max(row.peak_mib for row in bench.rows if row.size == label)
            summary["peak"] = peak
    elapsed = time.perf_counter() - started

    lines = ["# coopctl benchmark", "",
             f"Written by `bench/run.py{' --quick' if args.quick else ''}` on {time.strftime('%Y-%m-%d %H:%M %Z')}, "
             f"in {elapsed / 60:.1f} minutes.", ""] + machine() + [
        f"- B (`python -c 'import tomllib'`, same interpreter, timed alternately with each command): "
        f"median {statistics.median(r.base_ms for r in bench.rows):.1f} ms", "",
        "Stores come from `bench/generate.py` (seed 1) and are read with `--as-of " + AS_OF + "`; output goes to a "
        "pipe. 'warm' is a run after an earlier one, with the same question, left the cache filled: the parsed "
        "records and the rows (as JSON, or as a table's cells) each partner file gave (see `coopctl/cache.py`, "
        "`Answers`, and `coopctl/answers.py`); 'a new day' is warm "
        "records but every row computed again; 'first run after one file changed' re-reads one hand-edited "
        "partner file; 'cold' runs with no cache at all.", "", HEADER]
    lines += [format_row(r) for r in bench.rows]
    if "peak" in summary:
        lines += ["", f"Peak memory at 100,000 agreements: {summary['peak']:,.0f} MiB (target ≤ 400 MiB: "
                  f"{'met' if summary['peak'] <= 400 else '**not met**'})."]
    lines += ["", "Where a warm `renew --format json` spends its time, in one process (ms):", "",
              "| partner files | import coopctl | load the store (stat every file) | the rows' JSON, remembered | write it |",
              "|---:|---:|---:|---:|---:|"] + breakdowns
    missed = [r for r in bench.rows if r.met is False]
    lines += ["", f"Targets met: {sum(r.met is True for r in bench.rows)} of {sum(r.met is not None for r in bench.rows)}"
              + (f"; not met: {', '.join(f'{r.size} {r.what}' for r in missed)}." if missed else ".")]
    text = "\n".join(lines) + "\n"
    print("\n" + lines[-1])
    if out:
        out.write_text(text, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


def example_store() -> Path:
    sys.path.insert(0, str(HERE.parent))
    from coopctl.storage.store import example_path

    return example_path()


if __name__ == "__main__":
    sys.exit(main())
