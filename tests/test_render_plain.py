"""Tables without Rich: piped output is laid out by plain string code exactly as Rich lays it out,
and a terminal gets at most `MAX_TERMINAL_ROWS` rows with a line saying how to see the rest."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from coopctl.views import tables as render

ONE_CELL_TEXT = st.text(alphabet=st.sampled_from(list("abcdefghij KLMNOP-.,0123456789éøßΩЖ─")), max_size=30)
KEYS = ["id", "partner", "state", "days", "summary"]


def rich_lines(texts, columns, shown, widths, title, right, wrap) -> list[str]:
    from rich.console import Console

    width = max(sum(widths) + 2 * (len(widths) - 1), 1)
    console = Console(file=io.StringIO(), width=width, highlight=False, emoji=False, markup=False,
                      soft_wrap=False, force_terminal=False, color_system=None)
    with console.capture() as captured:
        console.print(render.rich_table(texts, columns, shown, widths, title, right, wrap))
    return [line.rstrip() for line in captured.get().splitlines()]


WORDS = st.lists(st.text(alphabet=st.sampled_from(list("abcdefghijKLMNOP-.,0123456789éøßΩЖ─")), min_size=1,
                         max_size=12), max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.fixed_dictionaries({k: WORDS if k in ("partner", "summary") else ONE_CELL_TEXT for k in KEYS}),
                  min_size=1, max_size=6),
    headers=st.lists(st.text(alphabet="ABCDEFGH xyz", min_size=1, max_size=12), min_size=5, max_size=5),
    right=st.sets(st.sampled_from(KEYS)),
    keep=st.sets(st.sampled_from(KEYS)),
    width=st.integers(min_value=10, max_value=140),
    title=st.one_of(st.none(), ONE_CELL_TEXT.filter(lambda t: t.strip())),
)
def test_plain_lines_are_what_rich_prints(rows, headers, right, keep, width, title):
    """Names and sentences (single spaces between words) wrap as Rich wraps them; other cells are cut."""
    columns = list(zip(KEYS, headers))
    wrap = ("partner", "summary")
    texts = render.cells(rows, columns)
    plain, natural, shown, widths, dropped = render.arrange(texts, columns, title, tuple(right), tuple(keep), width,
                                                            wrap)
    assert plain
    lines = render.plain_lines(texts, columns, shown, widths, natural, title, tuple(right), wrap)
    spills = shown[0] == 0 and natural[0] > widths[0]  # an id too long for its column: a line of its own (not Rich)
    if lines is not None and not spills:
        assert lines == rich_lines(texts, columns, shown, widths, title, tuple(right), wrap)


def test_text_only_rich_can_measure_goes_to_rich():
    rows = [{"id": "tianjin", "partner": "天津市"}, {"id": "x", "partner": "e\u0301"}]
    columns = [("id", "ID"), ("partner", "Partner")]
    assert not render.arrange(render.cells(rows, columns), columns, None, (), (), 80, ())[0]


def test_a_piped_table_has_every_row_and_no_rich(capsys, monkeypatch):
    import sys

    rows = [{"id": f"agreement-{i:05d}", "state": "active"} for i in range(5000)]
    for name in [m for m in sys.modules if m.startswith("rich")]:
        monkeypatch.delitem(sys.modules, name)
    render.print_table(rows, [("id", "ID"), ("state", "State")])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5001 and out[1] == "agreement-00000  active"
    assert not any(m.startswith("rich.console") for m in sys.modules)


def test_a_terminal_gets_the_first_rows_and_how_to_see_all(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr(render, "_output_is_terminal", lambda: True)
    monkeypatch.setattr(render, "show", lambda table, width=None: shown.append(table.row_count))
    rows = [{"id": f"a{i}"} for i in range(render.MAX_TERMINAL_ROWS + 1234)]
    render.print_table(rows, [("id", "ID")])
    assert shown == [render.MAX_TERMINAL_ROWS]
    note = capsys.readouterr().out
    assert "1,234 more rows" in note and "--format csv" in note

    shown.clear()
    render.print_table(rows[:10], [("id", "ID")])
    assert shown == [10] and capsys.readouterr().out == ""
