"""Reading several stores at once: a province's regencies, or a country's provinces.

Each store's rows are computed by the same queries as for one store, then
merged: every row carries its store's `owner`, and an id that two stores both
use is qualified as `owner-slug/id` (only then, so that ids stay short).
"""

from collections import Counter
from typing import NamedTuple

from coopctl.core.ids import fold


class Part(NamedTuple):
    """One store's share of a roll-up: its owner and its computed result."""

    owner: str
    result: object


def owner_slug(owner: str) -> str:
    return fold(owner) or "store"


def merge_rows(parts: list[Part], id_keys: tuple[str, ...] = ("id", "partner_id")) -> list[dict]:
    """Concatenate row lists, adding `owner` and qualifying colliding ids. The rows are the parts' own:
    a single part's are given their owner in place (nothing can collide)."""
    if len(parts) == 1:
        owner = parts[0].owner
        for row in parts[0].result:
            row["owner"] = owner
        return parts[0].result
    seen: dict[str, Counter] = {key: Counter() for key in id_keys}
    for part in parts:
        for key in id_keys:
            for value in {row.get(key) for row in part.result if row.get(key) is not None}:
                seen[key][value] += 1
    merged = []
    for part in parts:
        prefix = owner_slug(part.owner)
        for row in part.result:
            row = dict(row, owner=part.owner)
            for key in id_keys:
                value = row.get(key)
                if value is not None and seen[key][value] > 1:
                    row[key] = f"{prefix}/{value}"
            merged.append(row)
    return merged


def merge_sector_reports(parts: list[Part]) -> dict:
    first = parts[0].result
    agreements = merge_rows([Part(p.owner, p.result["agreements"]) for p in parts])
    partners = merge_rows([Part(p.owner, p.result["partners"]) for p in parts], ("id",))
    activities = merge_rows([Part(p.owner, p.result["activities"]) for p in parts], ("agreement", "partner_id"))
    activities.sort(key=lambda r: r["date"], reverse=True)
    return {**{k: first[k] for k in ("sector", "label", "label_id")},
            "owners": [p.owner for p in parts], "partners": partners, "agreements": agreements,
            "activities": activities}


def _sum_counts(dicts: list[dict]) -> dict:
    total: Counter = Counter()
    for d in dicts:
        total.update(d)
    return dict(total)


def _merge_categories(reports: list[dict]) -> dict:
    """The stores' `by_category` groups added up, in the order of the legal categories."""
    from coopctl.core.records import CATEGORIES

    merged = {}
    for category in CATEGORIES:
        groups = [r["by_category"][category] for r in reports if category in r["by_category"]]
        if groups:
            merged[category] = {"agreements": sum(g["agreements"] for g in groups),
                                "in_force": sum(g["in_force"] for g in groups),
                                "ids": [i for g in groups for i in g["ids"]]}
    return merged


def merge_portfolios(parts: list[Part], urgency) -> dict:
    reports = [p.result for p in parts]
    attention = merge_rows([Part(p.owner, p.result["needs_attention"]) for p in parts])
    attention.sort(key=urgency)
    by_sector = _sum_counts([r["by_sector"] for r in reports])
    return {
        "owner": ", ".join(p.owner for p in parts),
        "owners": [p.owner for p in parts],
        "as_of": reports[0]["as_of"],
        "country": reports[0]["country"],
        "partners": sum(r["partners"] for r in reports),
        "partners_without_agreement": [row["id"] for row in merge_rows(
            [Part(p.owner, [{"id": i} for i in p.result["partners_without_agreement"]]) for p in parts], ("id",))],
        "agreements": sum(r["agreements"] for r in reports),
        "by_state": {k: sum(r["by_state"].get(k, 0) for r in reports) for k in reports[0]["by_state"]},
        "by_kind": dict(sorted(_sum_counts([r["by_kind"] for r in reports]).items())),
        "by_country": dict(sorted(_sum_counts([r["by_country"] for r in reports]).items())),
        "by_type": dict(sorted(_sum_counts([r["by_type"] for r in reports]).items())),
        "by_category": _merge_categories(reports),
        "by_sector": dict(sorted(by_sector.items(), key=lambda kv: (-kv[1], kv[0]))),
        "needs_attention": attention,
        "ending_within_12_months": sorted(
            merge_rows([Part(p.owner, p.result["ending_within_12_months"]) for p in parts]),
            key=lambda r: (r["last_end"], r["id"])),
        "dormant": merge_rows([Part(p.owner, p.result["dormant"]) for p in parts]),
        "stalled": merge_rows([Part(p.owner, p.result["stalled"]) for p in parts], ("id",)),
        "uncovered_sectors": [s for s in reports[0]["uncovered_sectors"]
                              if all(s in r["uncovered_sectors"] for r in reports)],
    }


def merge_coverage(parts: list[Part]) -> dict:
    reports = [p.result for p in parts]
    # every partner of a store appears in its by_kind lists, prospects included
    counts = Counter(i for p in parts for i in {i for ids in p.result["by_kind"].values() for i in ids})

    def qualify(owner: str, partner_id: str) -> str:
        return f"{owner_slug(owner)}/{partner_id}" if counts[partner_id] > 1 else partner_id

    matrix = [dict(row, owner=p.owner, partner_id=qualify(p.owner, row["partner_id"]))
              for p in parts for row in p.result["matrix"]]
    sectors = sorted({s for r in reports for s in r["sectors"]})
    grouped: dict[str, dict[str, list[str]]] = {"by_country": {}, "by_kind": {}}
    for p in parts:
        for group, target in grouped.items():
            for key, ids in p.result[group].items():
                target.setdefault(key, []).extend(qualify(p.owner, i) for i in ids)

    def tagged(key: str, id_key: str = "id") -> list[dict]:
        return [dict(row, owner=p.owner, **{id_key: qualify(p.owner, row[id_key])})
                for p in parts for row in p.result[key]]

    return {
        "as_of": reports[0]["as_of"],
        "owners": [p.owner for p in parts],
        "sectors": sectors,
        "matrix": matrix,
        "uncovered": [s for s in reports[0]["uncovered"] if s["id"] not in sectors],
        "by_country": dict(sorted(grouped["by_country"].items())),
        "by_kind": dict(sorted(grouped["by_kind"].items())),
        "stalled": tagged("stalled"),
        "stalled_months": reports[0]["stalled_months"],
        "prospects": tagged("prospects"),
    }


def merge_documents(parts: list[Part], urgency) -> dict:
    """Several stores' report documents as one, with a by-owner summary (the national or provincial view)."""
    documents = [p.result for p in parts]
    first = documents[0]
    by_owner = [{"owner": p.owner, "partners": p.result["portfolio"]["partners"],
                 "agreements": p.result["portfolio"]["agreements"],
                 "in_force": sum(c["in_force"] for c in p.result["portfolio"]["by_category"].values()),
                 "by_category": {k: c["agreements"] for k, c in p.result["portfolio"]["by_category"].items()}}
                for p in parts]
    labels: dict = {}
    for d in documents:
        labels |= d["sector_labels"]
    activities = merge_rows([Part(p.owner, p.result["activities"]) for p in parts], ("agreement", "partner_id"))
    activities.sort(key=lambda r: (r["date"], r["agreement"]), reverse=True)
    return first | {
        "portfolio": merge_portfolios([Part(p.owner, p.result["portfolio"]) for p in parts], urgency),
        "coverage": merge_coverage([Part(p.owner, p.result["coverage"]) for p in parts]),
        "agreements": merge_rows([Part(p.owner, p.result["agreements"]) for p in parts]),
        "timeline": merge_rows([Part(p.owner, p.result["timeline"]) for p in parts]),
        "activities": activities,
        "sector_labels": labels,
        "by_owner": by_owner if len(parts) > 1 else [],
    }
