"""Where the time of `renew --check` goes, phase by phase, in one process: a Markdown table.

    .venv/bin/python bench/phases.py bench/stores/n10000            # after bench/run.py made the store
    .venv/bin/python bench/phases.py bench/stores/n10000 --runs 7

`bench/run.py` times whole processes; this splits one run of the daily path into what
coopctl does (each phase the least of `--runs` runs, each run a new as-of date, the
store's cache filled first, as the daily path finds it) and measures what no code of
coopctl can go below: starting Python, importing Typer, and reading the cached records
without making them into records. bench/run.py appends its table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import glob
import io
import marshal
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def process_ms(code: str, runs: int = 11) -> float:
    """Median wall time of `python -c code`, a whole process, in ms."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def phases(root: Path, runs: int) -> dict[str, float]:
    """The least time of each phase of `renew --check` (a table piped at 120 columns) over `runs` new days."""
    from coopctl.app import queries
    from coopctl.storage import loader
    from coopctl.views import formats, listing

    columns, collecting = os.environ.get("COLUMNS"), gc.isenabled()
    os.environ["COLUMNS"] = "120"
    gc.disable()  # as the command line runs
    try:
        return _phases(root, runs, queries, loader, formats, listing)
    finally:
        if collecting:
            gc.enable()
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns


def _phases(root: Path, runs: int, queries, loader, formats, listing) -> dict[str, float]:
    loader.load_valid(root)  # the cache filled, as the daily path finds it
    best: dict[str, float] = {}
    day = date(2026, 6, 30)
    for _ in range(runs):
        day += timedelta(days=1)
        t0 = time.perf_counter()
        store = loader.load_valid(root).store
        t1 = time.perf_counter()
        snapshot = queries.Snapshot(store, day)
        facts = list(snapshot.each())
        t2 = time.perf_counter()
        attention = [f for f in facts if f.needs_attention]
        attention.sort(key=queries._urgency)
        t3 = time.perf_counter()
        rows = [queries.agreement_row(f) for f in attention]
        t4 = time.perf_counter()
        stdout, sys.stdout = sys.stdout, io.StringIO()
        try:
            listing.show_agreements(rows, "table", listing.RENEW_COLUMNS, listing.RENEW_FIELDS, empty="-")
        finally:
            sys.stdout = stdout
        t5 = time.perf_counter()
        formats.json_bytes(rows)
        t6 = time.perf_counter()
        for name, spent in (("load", t1 - t0), ("facts", t2 - t1), ("attention", t3 - t2), ("rows", t4 - t3),
                            ("table", t5 - t4), ("json", t6 - t5)):
            best[name] = min(best.get(name, float("inf")), spent * 1000)
        best["agreements"], best["listed"] = len(facts), len(rows)
    return best


def floor(root: Path, cache_dir: str | None) -> dict[str, float]:
    """What reading the cached records costs before any record is made: the stat of every file, and reading and
    unmarshalling the cache's shards."""
    from coopctl.storage import cache

    folder = os.path.join(root, "partners") + os.sep
    names = os.listdir(folder)
    started = time.perf_counter()
    for name in names:
        os.stat(folder + name)
    stat_ms = (time.perf_counter() - started) * 1000
    base = Path(cache_dir) if cache_dir else cache.base_dir()
    shards = sorted(glob.glob(str(base / "stores" / f"{root.resolve().name}-*" / "shard-*.cache")))
    collecting = gc.isenabled()
    gc.disable()  # as the command line reads them
    try:
        started = time.perf_counter()
        for path in shards:
            with open(path, "rb") as f:
                marshal.loads(f.read())
        unmarshal_ms = (time.perf_counter() - started) * 1000
    finally:
        if collecting:
            gc.enable()
    return {"stat": stat_ms, "unmarshal": unmarshal_ms, "shards": len(shards)}


def table(root: Path, runs: int) -> str:
    b = process_ms("import tomllib")
    typer = process_ms("import typer")
    cli = process_ms("import coopctl.cli; coopctl.cli.registered('renew'); "  # what `renew` imports
                     "import coopctl.app.queries, coopctl.storage.loader, coopctl.storage.cache, coopctl.views.listing")
    p = phases(root, runs)  # (fills the cache first)
    found = floor(root, os.environ.get("COOPCTL_CACHE_DIR"))
    inside = sum(p[k] for k in ("load", "facts", "attention", "rows", "table"))
    rows = [
        ("Python starts (B: `python -c 'import tomllib'`)", b),
        ("importing Typer, beyond B", typer - b),
        ("importing what `renew` runs (coopctl's command line, library and views), beyond Typer", cli - typer),
        ("loading the store: its records from the cache, and the store's checks", p["load"]),
        ("  of which: a stat of every partner file (no code of coopctl)", found["stat"]),
        ("  of which: reading and unmarshalling the cache (no code of coopctl)", found["unmarshal"]),
        (f"every agreement's facts at the date ({p['agreements']:,.0f})", p["facts"]),
        ("what needs attention, in renew's order", p["attention"]),
        (f"the rows of the {p['listed']:,.0f} agreements listed", p["rows"]),
        ("the table, piped at 120 columns", p["table"]),
        ("(the same rows as JSON, for `--format json`)", p["json"]),
    ]
    lines = ["| phase | ms | × B |", "|---|---:|---:|"]
    lines += [f"| {what} | {ms:,.1f} | {ms / b:.2f} |" for what, ms in rows]
    lines += [f"| **start-up and the phases above (not JSON)** | {cli + inside:,.1f} | {(cli + inside) / b:.2f} |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(args.store, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
