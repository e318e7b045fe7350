"""A store that `check` passes never makes another command fail (issue 14): a property test generates stores
whose values sit at the bounds (dates 1900-01-01 and 9998-12-31, whole or partial; durations of 1 day and 20
years; months 1 and 240) and runs every listing on them, at as-of dates at the bounds too: `check` is clean
and each exits 0 (the --check modes 0 or 1), with no traceback and no internal error.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer import testing as typer_testing
from typer.testing import CliRunner

from coopctl.cli import app

runner = CliRunner()
_FAST = hasattr(typer_testing, "_get_command")
_command = typer_testing._get_command(app) if _FAST else None

EDGE_DAYS = [date(1900, 1, 1), date(1900, 1, 31), date(1900, 12, 31), date(9998, 1, 1), date(9998, 12, 1),
             date(9998, 12, 31), date(2024, 2, 29)]
DURATIONS = ["1d", "7305d", "1m", "240m", "20y", "1y", "18m"]
MONTHS = [1, 2, 239, 240]
AS_OF = ["1900-01-01", "9998-12-31", "2025-01-01", "1900-12-31", "9998-01-01"]
FORMATS = ["table", "json", "csv", "md"]

days = st.sampled_from(EDGE_DAYS) | st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31))


@st.composite
def stored_date(draw, at_least: date | None = None):
    """A date as a store holds it: a bare TOML date, or "YYYY-MM" / "YYYY" (first day at least `at_least`)."""
    day = draw(days.filter(lambda d: at_least is None or d >= at_least))
    precision = draw(st.sampled_from(["day", "day", "month", "year"]))
    if precision == "month" and (at_least is None or date(day.year, day.month, 1) >= at_least):
        return f"{day.year:04d}-{day.month:02d}", day
    if precision == "year" and (at_least is None or date(day.year, 1, 1) >= at_least):
        return f"{day.year:04d}", day
    return day, day


def _last_day(value) -> date:
    if isinstance(value, date):
        return value
    if len(value) == 4:
        return date(int(value), 12, 31)
    import calendar

    year, month = int(value[:4]), int(value[5:])
    return date(year, month, calendar.monthrange(year, month)[1])


@st.composite
def agreement(draw, aid: str) -> dict:
    terms = []
    start, _ = draw(stored_date())
    for _ in range(draw(st.integers(1, 3))):
        term: dict = {"start": start}
        if draw(st.booleans()) or not terms:
            end, _ = draw(stored_date(at_least=_last_day(start)))
            term["end"] = end
        if draw(st.booleans()):
            term["signed"] = draw(stored_date())[0]
        terms.append(term)
        if "end" not in term or _last_day(term["end"]) >= date(9998, 12, 30):
            break
        start = _last_day(term["end"]) + timedelta(days=1)  # the next term starts the day after
    if draw(st.booleans()):
        terms[-1]["pending"] = True
        terms[-1].pop("signed", None)  # a pending term is not signed yet (check refuses both)
    data = {"id": aid, "title": f"Agreement {aid}", "type": draw(st.sampled_from(["mou", "pks", "loi", "sister-city"])),
            "sectors": ["trade"], "terms": terms,
            "activities": [{"date": draw(stored_date())[0], "sector": "trade", "summary": f"visit {i}",
                            "type": draw(st.sampled_from(["visit-in", "evaluation", "note"]))}
                           for i in range(draw(st.integers(0, 2)))],
            "milestones": [{"id": "evaluation", "date": draw(stored_date())[0], "term_end": terms[0].get("end", terms[0]["start"])}
                           for _ in range(draw(st.integers(0, 1)))]}
    if draw(st.booleans()):
        data["notice"] = draw(st.sampled_from(DURATIONS))
    if draw(st.integers(0, 4)) == 0:
        data["terminated"] = draw(stored_date())[0]
    return data


@st.composite
def stores(draw) -> tuple[dict, dict[str, dict]]:
    settings_data: dict = {"owner": "Bounds Bureau",
                           "notice": {"foreign": draw(st.sampled_from(DURATIONS)),
                                      "domestic": draw(st.sampled_from(DURATIONS))},
                           "procedures": {"foreign": {"evaluation": draw(st.sampled_from(DURATIONS)),
                                                      "signing": draw(st.sampled_from(DURATIONS))}}}
    for key in ("dormant_months", "stalled_months", "review_months"):
        if draw(st.booleans()):
            settings_data[key] = draw(st.sampled_from(MONTHS))
    partners = {}
    for i in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["foreign-local-gov", "domestic-region", "third-party"]))
        partners[f"p{i}"] = {"name": f"Partner {i}", "country": "JP" if kind.startswith("foreign") else "ID",
                             "kind": kind, "since": draw(stored_date())[0],
                             "agreements": [draw(agreement(f"p{i}-a{j}")) for j in range(draw(st.integers(1, 2)))]}
    return settings_data, partners


def invoke(root: Path, args: list[str]):
    if _FAST:
        real, typer_testing._get_command = typer_testing._get_command, lambda _app: _command
    try:
        result = runner.invoke(app, [*args, "--store", str(root)])
    finally:
        if _FAST:
            typer_testing._get_command = real
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, (args, result.stderr)
    return result


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(drawn=stores(), as_of=st.sampled_from(AS_OF), fmt=st.sampled_from(FORMATS))
def test_a_store_at_the_bounds_checks_clean_and_every_listing_works(tmp_path_factory, drawn, as_of, fmt):
    settings_data, partners = drawn
    root = tmp_path_factory.mktemp("bounds")
    (root / "partners").mkdir()
    (root / "coopctl.toml").write_text(tomli_w.dumps(settings_data), encoding="utf-8")
    for pid, data in partners.items():
        (root / "partners" / f"{pid}.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    check = invoke(root, ["check"])
    assert check.exit_code == 0, (check.stdout, settings_data, partners)
    agreements = [a["id"] for p in partners.values() for a in p["agreements"]]
    runs = [["list"], ["renew"], ["renew", "--within", "20y"], ["renew", "--within", "1d"], ["report"],
            ["report", "--sector", "trade"], ["activities"], ["dormant"], ["dormant", "--months", "240"], ["coverage"],
            ["timeline"], ["show", agreements[0]], ["show", "p0"], ["plan", agreements[-1]]]
    for args in runs:
        result = invoke(root, [*args, "--format", fmt, "--as-of", as_of])
        assert result.exit_code == 0, (args, as_of, result.stderr)
    for args in (["renew", "--check"], ["dormant", "--check"]):
        assert invoke(root, [*args, "--as-of", as_of]).exit_code in (0, 1), args
    for args in (["export", "--format", "csv"], ["export", "--format", "json"], ["calendar"],
                 ["calendar", "--within", "20y"]):
        result = invoke(root, [*args, "--as-of", as_of])
        assert result.exit_code == 0, (args, as_of, result.stderr)
