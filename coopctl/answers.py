"""Listings answered from the cache: a partner file unchanged since the same question was last asked
is not read again (see `coopctl.cache.Answers` for why that is safe)."""

from __future__ import annotations

from datetime import date
from operator import itemgetter
from typing import Any, Callable

from coopctl import queries
from coopctl.dates import Duration
from coopctl.model import Partner, Store
from coopctl.store import Loaded, collector_paused
from coopctl.text import json_list, json_list_item


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
            found.append((queries.urgency(row), json_list_item(row)))
        return found

    question = ("renew", as_of, str(within) if within else None)  # the owner is in the settings, in the header
    with collector_paused():
        found = _remembered(loaded, question, "json", items)
    if found is None:
        return None
    found.sort(key=itemgetter(0))
    return json_list([item for _, item in found])


def _remembered(loaded: Loaded, question: tuple, kind: str, compute: Callable[[Store, Partner], list]) -> list | None:
    """Every partner's part of the answer, from the cache where its file is unchanged, else `compute`d
    (and remembered); None when the store has no cache."""
    cache = loaded.cache
    if cache is None:
        return None
    answers = cache.answers(question, kind)
    store = loaded.store
    partners = store.partners
    names = {partner_id: loaded.files[partner_id].name for partner_id in partners}
    lazy = hasattr(partners, "forget")
    if lazy:  # partners read from the cache: one shard at a time, each let go when done (memory stays flat)
        from coopctl.cache import shard_of

        order = sorted(names, key=lambda partner_id: shard_of(names[partner_id]))
    else:
        order = list(names)
    found: list = []
    previous = None
    for partner_id in order:
        source = loaded.files[partner_id]
        part = answers.get(source.name, source.key)
        if part is None:
            part = compute(store, partners[partner_id])
            answers.put(source.name, source.key, part)
            if lazy:
                partners.forget(partner_id)
                if previous is not None and shard_of(previous) != shard_of(source.name):
                    cache.release(previous)
                previous = source.name
        found.extend(part)
    answers.save()
    return found
