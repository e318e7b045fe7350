"""How fast is coopctl, as a ratio to starting Python itself? Prints a Markdown table and writes it to bench/RESULTS.md.

    .venv/bin/python bench/run.py            # stores of 20, 1,000, 10,000 and 100,000 agreements (about 3 min on 2 cores)
    .venv/bin/python bench/run.py --quick    # 20, 1,000 and 10,000 only (about 1 min), printed, not written

Run it with the interpreter of the environment coopctl is installed in (`pip install .` or `-e .`):
every timing is of the `coopctl` script next to it, a whole process as a user starts it, and
is given as a ratio to B, that interpreter's `python -c 'import tomllib'`, timed in the same
run, alternating with the command, so that a noisy machine moves both alike. A ratio is the
median of the per-pair ratios; milliseconds are medians; memory is the peak resident set of
the process. Output goes to a pipe (/dev/null), as in a script; stores are made by
bench/generate.py in bench/stores/ with a fixed seed.

"The daily path" is how coopctl is used: a cron job asks about a new day every day, and an
officer changes the store between questions. Each timed run of it asks an --as-of date no
earlier run asked, so records may come from the cache but nothing computed for a date can;
"the same day again" repeats one question on an unchanged store (it must not be slower).
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


OTHER_READERS = (["renew", "--format", "json"], ["list"], ["list", "--format", "json"], ["list", "--format", "csv"],
                 ["dormant"], ["coverage"], ["timeline"], ["report"], ["report", "--format", "json"], ["check"])


def other_peaks(coopctl: list[str], fixed: list[str], env: dict[str, str]) -> str:
    """A Markdown table: the peak memory and wall time of one run of each of `OTHER_READERS`."""
    lines = ["| command | peak MiB | ≤ 400 MiB | s |", "|---|---:|---|---:|"]
    for words in OTHER_READERS:
        elapsed, peak = run_once(coopctl + words + fixed, env)
        lines.append(f"| `{' '.join(words)}` | {peak:,.0f} | {'yes' if peak <= 400 else '**no**'} | {elapsed:.1f} |")
    return "\n".join(lines)


class Bench:
    def __init__(self, runs: int, env: dict[str, str]):
        self.runs = runs
        self.env = env
        self.base = [sys.executable, "-c", "import tomllib"]
        self.rows: list[Row] = []

    def paired(self, size: str, what: str, argv, runs: int | None = None, before=None,
               target: float | None = None, warm: bool = True, note: str = "", ok=(0, 1)) -> Row:
        """Median time of `argv` (a list, or a function giving each run's list) and of B, alternating;
        `before()` runs untimed before each run; an exit code not in `ok` stops the run."""
        runs = runs or self.runs
        command = argv if callable(argv) else (lambda: argv)
        if warm:  # a first run that fills the cache and the OS's file cache
            if before:
                before()
            run_once(command(), self.env, ok)
        times, bases, ratios, peaks = [], [], [], []
        for _ in range(runs):
            base, _ = run_once(self.base, self.env)
            if before:
                before()
            elapsed, peak = run_once(command(), self.env, ok)
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


def new_days(start: str = AS_OF):
    """Each call, the next day after `start`: the daily path never asks a date twice."""
    from datetime import date, timedelta

    day = [date.fromisoformat(start)]

    def following() -> str:
        day[0] += timedelta(days=1)
        return day[0].isoformat()

    return following


def numbered(text: str):
    """Each call, `text` with the next number: a write that records something new every run."""
    count = [0]

    def following() -> str:
        count[0] += 1
        return f"{text} {count[0]}"

    return following


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
    memory_table = ""
    phase_tables: list[tuple[int, str]] = []
    for n in sizes:
        root = generate(n)
        label = f"{n:,}"
        fixed = ["--store", str(root), "--as-of", AS_OF]
        big = n >= 100_000
        r = big_runs if big else runs
        if n == 20:
            bench.paired(label, "`list`", coopctl + ["list"] + fixed, target=4)
            bench.paired(label, "`renew --format json`", coopctl + ["renew", "--format", "json"] + fixed, target=4)
            example = ["--store", str(example_store()), "--as-of", "2023-08-22"]
            bench.paired("example", "`list` (the bundled East Java store)", coopctl + ["list"] + example, target=4)
            bench.paired("example", "`renew --format json` (the bundled East Java store)",
                         coopctl + ["renew", "--format", "json"] + example, target=4)
            continue
        day = new_days()
        daily = {1_000: 5, 10_000: 8, 100_000: 75}[n]
        bench.paired(label, "`renew --check`, the daily path",
                     lambda: coopctl + ["renew", "--check", "--store", str(root), "--as-of", day()], runs=r,
                     target=daily)
        bench.paired(label, "`renew --check`, the same day again, nothing changed",
                     coopctl + ["renew", "--check"] + fixed, runs=r)
        if n == 10_000:
            bench.paired(label, "`renew --format json`, the daily path",
                         lambda: coopctl + ["renew", "--format", "json", "--store", str(root), "--as-of", day()],
                         runs=r, target=10)
            bench.paired(label, "`list` (every row, piped), the daily path",
                         lambda: coopctl + ["list", "--store", str(root), "--as-of", day()], runs=r)
            bench.paired(label, "`renew --check`, the first run after one file changed",
                         lambda: coopctl + ["renew", "--check", "--store", str(root), "--as-of", day()],
                         runs=min(r, 5), before=touch_one(root))
            agreement_id, sector = first_agreement(root)
            visit = numbered("Benchmark visit")  # a new activity each run: coopctl refuses a duplicate (exit 1)
            bench.paired(label, "`log` (record one activity: a write)",
                         lambda: coopctl + ["log", agreement_id, visit(), "--date", AS_OF, "--sector", sector,
                                            "--store", str(root)], runs=r, target=8, ok=(0,))
        # no cache at all, against tomllib parsing the same files in one process
        parse = tomllib_seconds(root, runs=1 if big else 3)

        def no_cache() -> None:
            shutil.rmtree(cache_dir, ignore_errors=True)

        if n >= 10_000:  # where the time of the daily path goes (the cache filled first, as the daily path finds it)
            phase_tables.append((n, subprocess.run([sys.executable, str(HERE / "phases.py"), str(root)], env=env,
                                                   check=True, capture_output=True, text=True).stdout.strip()))
            print(phase_tables[-1][1], flush=True)
        if big:  # what the other reading commands hold at their peak, beside the target's row
            memory_table = other_peaks(coopctl, fixed, env)
            print(memory_table, flush=True)
        cold = bench.paired(label, "`renew --check`, no cache at all", coopctl + ["renew", "--check"] + fixed,
                            runs=2 if big else 3, before=no_cache, warm=False,
                            note=f"tomllib alone: {parse * 1000:,.0f} ms")
        cold_ratio = cold.ms / 1000 / parse
        cold.note += f"; {cold_ratio:.2f}× tomllib" + (" (target ≤ 1.0×)" if big else "")
        if big:
            cold.target, cold.met = "≤ 1.0× tomllib", cold_ratio <= 1.0
            summary["peak"] = max(row.peak_mib for row in bench.rows if row.size == label)
    elapsed = time.perf_counter() - started

    lines = ["# coopctl benchmark", "",
             f"Written by `bench/run.py{' --quick' if args.quick else ''}` on {time.strftime('%Y-%m-%d %H:%M %Z')}, "
             f"in {elapsed / 60:.1f} minutes.", ""] + machine() + [
        f"- B (`python -c 'import tomllib'`, same interpreter, timed alternately with each command): "
        f"median {statistics.median(r.base_ms for r in bench.rows):.1f} ms", "",
        "Stores come from `bench/generate.py` (seed 1); output goes to a pipe. 'The daily path': each run asks an "
        "--as-of date no earlier run asked (as cron does, day after day), so the records may come from the cache "
        "(`coopctl/storage/cache.py`) but everything shown is computed for that day. 'The same day again' repeats "
        "one question on an unchanged store. 'The first run after one file changed' re-reads one hand-edited "
        "partner file; 'no cache at all' runs with the cache emptied before each run.", "", HEADER]
    lines += [format_row(r) for r in bench.rows]
    if "peak" in summary:
        lines += ["", f"Peak memory at 100,000 agreements: {summary['peak']:,.0f} MiB (target ≤ 400 MiB: "
                  f"{'met' if summary['peak'] <= 400 else '**not met**'})."]
    if memory_table:
        lines += ["", "## Peak memory of the other commands at 100,000 agreements", "",
                  "The target's row is `renew --check` above; these are the other commands that read every "
                  "agreement, each run once with the cache filled, for the record.", "", memory_table]
    if phase_tables:
        lines += ["", "## Where the time goes", "",
                  "`bench/phases.py` splits one run of `renew --check` on the daily path into its phases, in one "
                  "process (each the least of 5 runs, each a new day), beside what no code of coopctl can go below: "
                  "starting Python, importing Typer, a stat of every file and unmarshalling the cache."]
        for n, text in phase_tables:
            lines += ["", f"{n:,} agreements:", "", text]
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
    from coopctl.storage.location import example_path

    return example_path()


if __name__ == "__main__":
    sys.exit(main())
