"""The HTML report in a real browser: headless Chromium (Debian's `chromium`; `.ci/run` installs it, and with
COOPCTL_CI set the test fails rather than skips when it is missing).

The example's page loads with no console message and no request leaving the file, a screenshot at 1280x900 is
not blank and shows the timeline, printing gives at least two A4 pages, and a page of hostile names runs no
script (Chromium logs every console message and dialog with --enable-logging=stderr; the page's DOM after load
holds no script or img element)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app
from test_report_html import AS_OF, hostile_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("COOPCTL_CI"):
    raise RuntimeError("chromium is missing: .ci/run installs it")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

TERM_BLUE = (0x2E, 0x6D, 0xA4)  # a signed term's bar (views/templates/timeline.svg.j2)


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", "--disable-background-networking", "--enable-logging=stderr",
         "--v=0", f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, env=os.environ | {"HOME": str(tmp_path)})


def console_lines(stderr: str) -> list[str]:
    """What the page said: console messages, refused loads, dialogs."""
    return [line for line in stderr.splitlines()
            if re.search(r"CONSOLE|Refused to|Content Security Policy|alert\(|javascript dialog", line, re.I)]


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """An 8-bit RGB or RGBA PNG's rows of pixels (the standard library's zlib, and PNG's row filters undone)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(png):
        size, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += size + 12
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6)
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, step, rows


def report(tmp_path: Path, store: Path, name: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(app, ["report", "--format", "html", "-o", str(out), "--store", str(store),
                                      "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return out


def test_the_example_report_in_chromium(example, tmp_path):
    page = report(tmp_path, example, "laporan.html")
    shot = tmp_path / "shot.png"
    run = chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1280,900")
    assert run.returncode == 0, run.stderr[-2000:]
    assert not console_lines(run.stderr), console_lines(run.stderr)
    width, step, rows = pixels(shot.read_bytes())
    assert width == 1280 and len(rows) == 900
    colours = {row[i:i + 3] for row in rows[::7] for i in range(0, len(row), step * 5)}
    assert len(colours) > 20  # not blank
    blue = bytes(TERM_BLUE)
    assert sum(row[i:i + 3] == blue for row in rows for i in range(0, len(row), step)) > 500  # the bars show
    pdf = tmp_path / "laporan.pdf"
    run = chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert run.returncode == 0, run.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 2
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595) < 3 and abs(float(h) - 842) < 3 for w, h in boxes)  # A4


def test_a_page_of_hostile_names_runs_no_script(tmp_path):
    page = report(tmp_path, hostile_store(tmp_path), "hostile.html")
    run = chromium(tmp_path, page, "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    assert not console_lines(run.stderr), console_lines(run.stderr)
    dom = run.stdout
    assert "<body" in dom and "alert(1)" in dom  # the names are there, as text
    assert not re.search(r"<script|<img", dom, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
