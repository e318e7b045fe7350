"""Roll-up benchmark: `renew --format json` over 550 stores of 50 agreements each, against one
store of the same 27,500 agreements, both warm (cache filled by an earlier run).

    python bench/rollup.py [--stores 550] [--per-store 50] [--runs 5] [--work DIR]

Prints the medians and their ratio (target: under 1.5) and writes bench/ROLLUP.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COOPCTL = Path(sys.executable).parent / "coopctl"


def generate(n: int, out: Path, seed: int) -> None:
    if not (out / "coopctl.toml").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--agreements", str(n), "--out", str(out),
                        "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)


def timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([str(COOPCTL), *args], check=False, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=550)
    parser.add_argument("--per-store", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=HERE / "stores" / "rollup")
    a = parser.parse_args()
    work = a.work
    work.mkdir(parents=True, exist_ok=True)
    generate(a.stores * a.per_store, work / "one", 1)
    for i in range(1, a.stores + 1):
        generate(a.per_store, work / f"s{i}", i)
    env = dict(os.environ, COOPCTL_CACHE_DIR=str(work / "cache"))
    one = ["renew", "--format", "json", "--as-of", "2026-06-30", "--store", str(work / "one")]
    many = ["renew", "--format", "json", "--as-of", "2026-06-30"]
    for i in range(1, a.stores + 1):
        many += ["--store", str(work / f"s{i}")]
    timed(one, env), timed(many, env)  # fill the caches
    single, rollup = [], []
    for _ in range(a.runs):  # alternate, so that machine noise hits both alike
        single.append(timed(one, env))
        rollup.append(timed(many, env))
    s, r = statistics.median(single), statistics.median(rollup)
    text = (f"# Roll-up benchmark\n\nWritten by `bench/rollup.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} cores.\n\n"
            f"| read | median s | ratio |\n|---|---:|---:|\n"
            f"| one store of {a.stores * a.per_store:,} agreements, warm | {s:.2f} | 1.00 |\n"
            f"| {a.stores} stores of {a.per_store} agreements, warm | {r:.2f} | {r / s:.2f} |\n\n"
            f"Target: the roll-up under 1.5× the single store: {'met' if r / s < 1.5 else 'NOT met'}.\n")
    (HERE / "ROLLUP.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
