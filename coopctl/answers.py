"""Listings answered from the cache: a partner file unchanged since the same question was last asked
is not read again (see `coopctl.cache.Answers` for why that is safe)."""

from __future__ import annotations

from datetime import date

from coopctl import queries
from coopctl.dates import Duration
from coopctl.store import Loaded, collector_paused


def renewal_rows(loaded: Loaded, as_of: date, within: Duration | None = None) -> list[dict]:
    """`queries.renewal_rows` of a loaded store, each partner's part remembered for the next run.

    The collector is paused meanwhile, as while loading: tens of thousands of new rows and no garbage."""
    with collector_paused():
        return _renewal_rows(loaded, as_of, within)


def _renewal_rows(loaded: Loaded, as_of: date, within: Duration | None) -> list[dict]:
    store = loaded.store
    cache = loaded.cache
    answers = cache.answers(("renew", as_of, str(within) if within else None)) if cache else None
    if answers is None:
        return queries.renewal_rows(store, as_of, within)
    partners = store.partners
    names = {partner_id: loaded.files[partner_id].name for partner_id in partners}
    lazy = hasattr(partners, "forget")
    if lazy:  # partners read from the cache: one shard at a time, each let go when done (memory stays flat)
        from coopctl.cache import shard_of

        order = sorted(names, key=lambda partner_id: shard_of(names[partner_id]))
    else:
        order = list(names)
    rows = []
    previous = None
    for partner_id in order:
        source = loaded.files[partner_id]
        part = answers.get(source.name, source.key)
        if part is None:
            part = queries.partner_renewal_rows(store, partners[partner_id], as_of, within)
            answers.put(source.name, source.key, part)
            if lazy:
                partners.forget(partner_id)
                if previous is not None and shard_of(previous) != shard_of(source.name):
                    cache.release(previous)
                previous = source.name
        rows.extend(part)
    answers.save()
    rows.sort(key=queries.urgency)
    return rows
