"""What an import would change (`Plan`), and the messages the spreadsheet and JSON imports share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from coopctl.core.records import Partner, Settings
from coopctl.i18n import t, tn
from coopctl.interop.inference import Inferred


@dataclass
class Plan:
    """What an import would change: the partners to write (whole, as they will be) and the
    settings, with one line per change and the counts for the summary."""

    name: str
    partners: dict[str, Partner] = field(default_factory=dict)
    settings: Settings | None = None
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    inferred: list[Inferred] = field(default_factory=list)  # every value the file did not give (dry run: marked ~)
    rejected: dict[int, list[str]] = field(default_factory=dict)  # with --rejects: row -> why it is not imported
    problems: list = field(default_factory=list)  # with --rejects: the CellProblems of the rejected rows
    header_row: int | None = None
    rows: int = 0  # the file's rows (of data)

    def percent_imported(self) -> int:
        """The share of the file's rows that are imported (rounded down: 85.7% is 85)."""
        return (self.rows - len(self.rejected)) * 100 // self.rows if self.rows else 100

    def summary(self) -> str:
        """The one line an import says: what it added and updated, and what it left unchanged."""
        counts = self.counts

        def listed(items: list[str]) -> str:
            if len(items) > 1:
                return t("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])
            return "".join(items)

        def counted(verb: str) -> list[str]:
            partners, agreements, terms = (counts[f"{what}_{verb}"] for what in ("partners", "agreements", "terms"))
            return ([tn("{n} partner", "{n} partners", partners)] if partners else []) + \
                ([tn("{n} agreement", "{n} agreements", agreements)] if agreements else []) + \
                ([tn("{n} term", "{n} terms", terms)] if terms else [])

        added, updated = counted("added"), counted("updated")
        if counts["documents_added"]:
            added.append(tn("{n} document record", "{n} document records", counts["documents_added"]))
        if counts["settings_updated"]:
            updated.append(t("the settings"))
        parts = ([t("added {what}", what=listed(added))] if added else []) + \
            ([t("updated {what}", what=listed(updated))] if updated else [])
        unchanged = counts["agreements_unchanged"]
        tail = tn(" ({n} agreement unchanged)", " ({n} agreements unchanged)", unchanged) if unchanged else ""
        if self.rejected:
            tail += tn("; {n} of {rows} rows not imported ({percent}% imported)",
                       "; {n} of {rows} rows not imported ({percent}% imported)", len(self.rejected),
                       rows=self.rows, percent=self.percent_imported())
        if not parts:
            return t("import {name}: nothing to change, the store already holds it{tail}", name=self.name, tail=tail)
        return t("import {name}: {changes}{tail}", name=self.name, changes="; ".join(parts), tail=tail)


def add_agreement_line(agreement_id: str, partner_name: str, terms: int) -> str:
    """The line for an agreement added: its id, and its partner by name (the id is in the agreement's already)."""
    return tn("add agreement {id} ({partner}): {n} term", "add agreement {id} ({partner}): {n} terms", terms,
              id=agreement_id, partner=partner_name)


def needs_update(what: str, changes: str) -> str:
    return t("{what} already exists and differs ({changes}); pass --update to update it", what=what, changes=changes)


def changed(what: str, old: object, new: object) -> str:
    return f"{what} {old if old not in (None, '') else t('(none)')} -> {new}"
