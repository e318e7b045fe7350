"""Listings answered from the cache: a partner file unchanged since the same question was last asked
is not read again (see `coopctl.storage.cache.Answers` for why that is safe)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from sys import intern
from typing import Any, Callable

from coopctl.app import queries
from coopctl.core.dates import Duration
from coopctl.core.records import Partner, Store
from coopctl.storage.store import Loaded, collector_paused
from coopctl.core.text import json_list, json_list_item


def renewal_rows(loaded: Loaded, as_of: date, within: Duration | None = None) -> list[dict]:
    """`queries.renewal_rows` of a loaded store, each partner's part remembered for the next run."""
    question = ("renew", as_of, str(within) if within else None)
    with collector_paused():
        rows = _remembered(loaded, question, "rows",
                           lambda store, partner: queries.partner_renewal_rows(store, partner, as_of, within))
        if rows is None:
            return queries.renewal_rows(loaded.store, as_of, within)
        rows.sort(key=queries.urgency)
        return rows


def renewal_json(loaded: Loaded, as_of: date, within: Duration | None = None) -> bytes | None:
    """`text.json_bytes(rows)` for the `renewal_rows` of one store, each row with its store's `owner`
    (as a listing gives them): what `renew --format json` prints. Each partner's part is remembered as
    its JSON, so that a second run does not even rebuild the rows. None when the store has no cache."""
    owner = loaded.store.settings.owner

    def items(store: Store, partner: Partner) -> list[tuple[Any, bytes]]:
        found = []
        for row in queries.partner_renewal_rows(store, partner, as_of, within):
            row["owner"] = owner
            found.append((queries.urgency_text(row), json_list_item(row)))
        return found

    question = ("renew", as_of, str(within) if within else None)  # the owner is in the settings, in the header
    with collector_paused():
        found = _remembered(loaded, question, "json", items)
    if found is None:
        return None
    found.sort(key=itemgetter(0))
    return json_list([item for _, item in found])


@dataclass
class RenewalTable:
    """`renew`'s listing as a table shows it: each row's cells, most urgent first, and what the
    command says after the table."""

    cells: list[tuple[str, ...]]
    urgent: int  # rows due or lapsed
    late: int  # rows with an overdue milestone
    marked: frozenset[str]  # of the `marks` asked for, the row keys that hold a value in some row


def renewal_table(loaded: Loaded, as_of: date, within: Duration | None, view: tuple,
                  make_cells: Callable[[list[dict]], list[tuple[str, ...]]], marks: tuple[str, ...] = ()) -> RenewalTable | None:
    """The `renewal_rows` of one store made into table cells by `make_cells` (which may change the
    rows, not reorder them), each partner's part remembered as its cells. `view` names everything
    else the cells depend on (the columns, the language: `i18n.signature()`). None when the store
    has no cache."""
    question = ("renew", as_of, str(within) if within else None, "table", view, marks)

    def part(store: Store, partner: Partner) -> list[tuple]:
        rows = queries.partner_renewal_rows(store, partner, as_of, within)
        facts = []
        for row in rows:
            urgent, late = queries.renewal_alarm(row)
            facts.append((queries.urgency_text(row), urgent | late << 1 | sum(1 << (2 + i) for i, key in enumerate(marks)
                                                                       if row.get(key))))
        # Equal cells made one string (a state, a date): the answers file then holds each once.
        return [(key, flags, tuple(map(intern, texts))) for (key, flags), texts in zip(facts, make_cells(rows))]

    with collector_paused():
        found = _remembered(loaded, question, "table", part)
    if found is None:
        return None
    found.sort(key=itemgetter(0))
    every = 0
    urgent = late = 0
    for _, flags, _ in found:
        every |= flags
        urgent += flags & 1
        late += flags >> 1 & 1
    return RenewalTable([texts for _, _, texts in found], urgent, late,
                        frozenset(key for i, key in enumerate(marks) if every >> (2 + i) & 1))


def _remembered(loaded: Loaded, question: tuple, kind: str, compute: Callable[[Store, Partner], list]) -> list | None:
    """Every partner's part of the answer, from the cache where its file is unchanged, else `compute`d
    (and remembered); None when the store has no cache."""
    cache = loaded.cache
    if cache is None:
        return None
    answers = cache.answers(question, kind)
    if answers.covers(loaded.unchanged_state):  # every file unchanged since these answers were all made
        found = []
        for part in answers.every():
            found += part
        return found
    store = loaded.store
    partners = store.partners
    files = loaded.files
    found: list = []
    missing = []
    remembered = answers.get
    for partner_id in partners:
        source = files[partner_id]
        part = remembered(source.name, source.key)
        if part is None:
            missing.append(partner_id)
        else:
            found += part
    lazy = hasattr(partners, "forget")
    if lazy:  # partners read from the cache: one shard at a time, each let go when done (memory stays flat)
        from coopctl.storage.cache import shard_of

        missing.sort(key=lambda partner_id: shard_of(files[partner_id].name))
    previous = None
    for partner_id in missing:
        source = files[partner_id]
        part = compute(store, partners[partner_id])
        answers.put(source.name, source.key, part)
        if lazy:
            partners.forget(partner_id)
            if previous is not None and shard_of(previous) != shard_of(source.name):
                cache.release(previous)
            previous = source.name
        found += part
    # Known to be the answers for exactly the files of the store as it is: every file's, in its state
    # (a file re-read from disk in this run has no key, and its part is not kept).
    answers.save(loaded.unchanged_state if len(answers) == len(partners) else None)
    return found
