"""Planning an import, and applying it: all or nothing.

`plan_import` validates the whole file against the store and works out what would change: a
`Plan`, or `ImportProblems` listing every problem as `file:row:column: message` (in a JSON
export, `file:$.path: message`). Nothing is written there; `apply_import` hands the plan's
records to a store transaction.

A spreadsheet (a `Table` from `cells.read_file`): one row is one term of an agreement, and
`grouping` gathers the rows of each agreement. A new agreement is made from its rows; one the
store holds takes the file's filled cells, keeps what the empty ones leave, and gains sectors
and terms (a term is matched by its start). A change to what the store holds needs `update`
(else it is a problem), and so does a change to a partner.

A coopctl JSON export holds the whole store losslessly: the settings and each partner exactly
as their files hold them (the TOML writer's canonical data, with dates as ISO strings), so an
export imported into an empty store gives the same files byte for byte. A partner is read as
its file would be, and an agreement that differs is replaced whole.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from coopctl.core import checks
from coopctl.core.dates import PartialDate
from coopctl.core.ids import is_slug
from coopctl.core.records import AGREEMENT_TYPES, Agreement, AgreementSector, Partner, Settings, Store, Term
from coopctl.core.sectors import Vocabulary
from coopctl.i18n import t, tc, tn
from coopctl.interop.cells import EXPORT_FORMAT, EXPORT_VERSION, CellProblem, ImportProblems, JsonExport, Table
from coopctl.interop.columns import AGREEMENT_FIELDS, Row, header_names, read_rows
from coopctl.interop.grouping import AgreementIn, PartnerIn, StoreIndex, check_new_partners, group_rows
from coopctl.storage import decode


# ---------------------------------------------------------------- planning an import


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
        if counts["settings_updated"]:
            updated.append(t("the settings"))
        parts = ([t("added {what}", what=listed(added))] if added else []) + \
            ([t("updated {what}", what=listed(updated))] if updated else [])
        unchanged = counts["agreements_unchanged"]
        tail = tn(" ({n} agreement unchanged)", " ({n} agreements unchanged)", unchanged) if unchanged else ""
        if not parts:
            return t("import {name}: nothing to change, the store already holds it{tail}", name=self.name, tail=tail)
        return t("import {name}: {changes}{tail}", name=self.name, changes="; ".join(parts), tail=tail)


def plan_import(source: Table | JsonExport, store: Store, vocabulary: Vocabulary, update: bool) -> Plan:
    """Validate the whole file against the store and work out every change; ImportProblems if
    anything is wrong. Changes nothing: the records in the plan are new objects."""
    if isinstance(source, JsonExport):
        return _plan_json(source, store, update)
    problems: list[CellProblem] = []
    plan = Plan(source.name, notes=list(source.notes))
    rows = read_rows(source, vocabulary, problems, plan.notes)
    if problems and not rows:
        raise ImportProblems(source.name, problems, plan.notes)
    index = StoreIndex(store)
    groups = group_rows(source.name, rows, index, problems)
    check_new_partners(source.name, groups, problems)
    taken: dict[str, int] = {}  # agreement id -> the row that first named it
    for group in groups:
        _plan_agreement(source.name, group, index, update, plan, problems, taken)
    for partner in {id(g.partner): g.partner for g in groups}.values():
        _plan_partner(source.name, partner, update, plan, problems)
    if problems:
        raise ImportProblems(source.name, problems, plan.notes)
    return plan


def apply_import(tx, source: Table | JsonExport, update: bool) -> Plan:
    """Import a spreadsheet or a JSON export (read by `cells.read_file`) into the transaction's store: every row is
    validated against the store first (`ImportProblems` lists all that is wrong, and nothing changes), then every
    change is handed to the transaction."""
    plan = plan_import(source, tx.store, tx.vocabulary, update)
    if plan.settings is not None:
        tx.put_settings(plan.settings)
    for partner in plan.partners.values():
        tx.put(partner)
    return plan


# ---------------------------------------------------------------- planning from spreadsheet rows


def _term_from(row: Row) -> Term:
    v = row.values
    signed = v.get("signed")
    pending = bool(v.get("pending")) and signed is None
    return Term(start=v["start"], end=v.get("end"), signed=signed, pending=pending,
                number=v.get("number"), place=v.get("place"), note=v.get("note"))


def _check_term(name: str, row: Row, problems: list[CellProblem]) -> bool:
    v = row.values
    if "start" not in v:
        if "start" in row.columns and "start" not in row.bad:
            problems.append(CellProblem(name, row.row, row.col("start"),
                                        t("every row is a term and needs its start date")))
        return False
    if row.bad & {"end", "signed", "pending"}:
        return False
    ok = True
    if "end" in v and v["end"].last_day() < v["start"].first_day():
        problems.append(CellProblem(name, row.row, row.col("end"),
                                    t("the term ends ({end}) before it starts ({start})", end=v["end"], start=v["start"])))
        ok = False
    if v.get("pending") and "signed" in v:
        problems.append(CellProblem(name, row.row, row.col("pending"),
                                    t("a term cannot be both pending and signed; clear one of the two")))
        ok = False
    return ok


def _plan_agreement(name: str, group: AgreementIn, index: StoreIndex, update: bool, plan: Plan,
                    problems: list[CellProblem], taken: dict[str, int]) -> None:
    first = group.rows[0]
    partner = group.partner
    existing: Agreement | None = None
    if group.key[0] == "id":
        found = index.agreements.get(group.key[1])
        existing = found[1] if found else None
    elif partner.existing is not None:
        agreement_id = index.by_title.get((partner.id, group.key[2]))
        existing = index.agreements[agreement_id][1] if agreement_id else None

    terms: list[tuple[Row, Term]] = []
    starts: dict[PartialDate, int] = {}
    for row in group.rows:
        if not _check_term(name, row, problems):
            continue
        term = _term_from(row)
        if term.start in starts:
            message = t("a second term of {agreement} starting {start} (row {row} has one); one row per term",
                        agreement=group.values.get("title") or group.key[-1], start=term.start, row=starts[term.start])
            problems.append(CellProblem(name, row.row, row.col("start"), message))
            continue
        starts[term.start] = row.row
        terms.append((row, term))

    if existing is None:
        title = group.values.get("title")
        kind = group.values.get("type")
        bad = set().union(*(r.bad for r in group.rows))
        if title is None:
            problems.append(CellProblem(name, first.row, first.col("title"),
                                        t("a new agreement needs a title ({names})", names=header_names("title"))))
        if kind is None and "type" not in bad:
            problems.append(CellProblem(name, first.row, first.col("type"),
                                        t("a new agreement needs a type ({names}): one of {choices}",
                                          names=header_names("type"), choices=", ".join(AGREEMENT_TYPES))))
        if group.key[0] == "id":
            agreement_id = group.key[1]
        else:
            from coopctl.core.ids import slugify

            agreement_id = slugify(f"{partner.id}-{title}") if title else ""
            if agreement_id in index.agreements:
                other_partner, other = index.agreements[agreement_id]
                problems.append(CellProblem(name, first.row, first.col("title"),
                                            _id_taken(agreement_id, f"'{other.title}' ({other_partner.id})")))
                return
        if agreement_id in taken:
            problems.append(CellProblem(name, first.row, first.col("title") or first.col("id"),
                                        _id_taken(agreement_id, f"row {taken[agreement_id]}")))
            return
        taken[agreement_id] = first.row
        if title is None or kind is None or not agreement_id:
            return
        if sum(t.pending for _, t in terms) > 1:
            problems.append(CellProblem(name, first.row, None, _two_pending(agreement_id)))
            return
        agreement = Agreement(
            id=agreement_id, partner_id=partner.id, title=title, type=kind,
            sectors=tuple(AgreementSector(s) for s in group.sectors), unit=group.values.get("unit"),
            notice=group.values.get("notice"), terms=tuple(t for _, t in terms),
        )
        plan.partners[partner.id] = _target_partner(partner, plan).with_agreement(agreement)
        plan.counts["agreements_added"] += 1
        plan.counts["terms_added"] += len(agreement.terms)
        plan.lines.append(_add_agreement(agreement_id, plan.partners[partner.id].name, len(agreement.terms)))
        return

    if existing.id in taken:
        message = t("this row and row {row} are both agreement {id} (by id, and by partner and title); give them the "
                    "same id", row=taken[existing.id], id=existing.id)
        problems.append(CellProblem(name, first.row, None, message))
        return
    taken[existing.id] = first.row
    merged, changes, added, updated = _merge(existing, group, terms)
    if merged.terminated is not None and added:
        message = t("{agreement} was terminated on {date}; it takes no new terms", agreement=existing.id,
                    date=merged.terminated)
        problems.append(CellProblem(name, first.row, None, message))
        return
    if sum(t.pending for t in merged.terms) > 1:
        problems.append(CellProblem(name, first.row, None, _two_pending(existing.id)))
        return
    if not changes:
        plan.counts["agreements_unchanged"] += 1
        return
    if not update:
        message = _needs_update(t("agreement {id}", id=existing.id), "; ".join(changes))
        problems.append(CellProblem(name, first.row, None, message))
        return
    plan.partners[partner.id] = _target_partner(partner, plan).with_agreement(merged)
    plan.counts["agreements_updated"] += 1
    plan.counts["terms_added"] += added
    plan.counts["terms_updated"] += updated
    plan.lines.append(t("update agreement {id}: {changes}", id=existing.id, changes="; ".join(changes)))


def _merge(existing: Agreement, group: AgreementIn,
           terms: list[tuple[Row, Term]]) -> tuple[Agreement, list[str], int, int]:
    """The agreement with the file's values: given cells replace, empty cells keep what is
    there, sectors are only added, a term is matched by its start or added."""
    changes: list[str] = []
    values = {}
    for key in AGREEMENT_FIELDS:
        if key in group.values and getattr(existing, key) != group.values[key]:
            changes.append(_changed(key, getattr(existing, key), group.values[key]))
            values[key] = group.values[key]
    sectors = existing.sectors
    new_sectors = [s for s in group.sectors if existing.open_sector(s) is None]
    if new_sectors:
        sectors += tuple(AgreementSector(s) for s in new_sectors)
        changes.append(t("sectors + {ids}", ids=", ".join(new_sectors)))
    merged_terms = list(existing.terms)
    at = {t.start: i for i, t in enumerate(merged_terms)}
    added = updated = 0
    for row, incoming in terms:
        i = at.get(incoming.start)
        if i is None:
            merged_terms.append(incoming)
            end = incoming.end or tc("term", "open")
            changes.append(t("new pending term {start}..{end}", start=incoming.start, end=end) if incoming.pending
                           else t("new term {start}..{end}", start=incoming.start, end=end))
            added += 1
            continue
        term = merged_terms[i]
        term_changes, new = [], {}
        for key in ("end", "signed", "number", "place", "note"):
            if key in row.values and getattr(term, key) != getattr(incoming, key):
                term_changes.append(_changed(key, getattr(term, key), getattr(incoming, key)))
                new[key] = getattr(incoming, key)
        pending = term.pending
        if "signed" in row.values:
            pending = False
        elif "pending" in row.values:
            pending = bool(row.values["pending"])
        if pending != term.pending:
            term_changes.append(_changed("pending", "yes" if term.pending else "no", "yes" if pending else "no"))
            new["pending"] = pending
        if term_changes:
            merged_terms[i] = term._replace(**new)
            changes.append(t("term from {start}: {changes}", start=term.start, changes=", ".join(term_changes)))
            updated += 1
    merged = existing._replace(sectors=sectors, terms=tuple(merged_terms), **values)
    return merged, changes, added, updated


def _target_partner(partner: PartnerIn, plan: Plan) -> Partner:
    """The partner record the plan will write: a copy of the existing one, or a new one."""
    if partner.id in plan.partners:
        return plan.partners[partner.id]
    if partner.existing is not None:
        target = partner.existing
    else:
        v = partner.values
        target = Partner(id=partner.id, name=v.get("partner", partner.id), kind=v.get("kind", "foreign-institution"),
                         country=v.get("country"), local_name=v.get("local_name"), level=v.get("level"))
    plan.partners[partner.id] = target
    return target


def _plan_partner(name: str, partner: PartnerIn, update: bool, plan: Plan, problems: list[CellProblem]) -> None:
    if partner.existing is None:
        if partner.id in plan.partners:
            plan.lines.insert(plan.counts["partners_added"],
                              t("add partner {id} ({name})", id=partner.id, name=plan.partners[partner.id].name))
            plan.counts["partners_added"] += 1
        return
    changes = []
    fields = {"partner": "name", "local_name": "local_name", "country": "country", "kind": "kind", "level": "level"}
    new_values = {}
    for key, attribute in fields.items():
        if key in partner.values and getattr(partner.existing, attribute) != partner.values[key]:
            if key == "partner" and partner.values[key].casefold() in (partner.existing.name.casefold(),
                                                                       (partner.existing.local_name or "").casefold(),
                                                                       partner.existing.id):
                continue  # named by its id or local name, not renamed
            changes.append(_changed(attribute, getattr(partner.existing, attribute), partner.values[key]))
            new_values[attribute] = partner.values[key]
    if not changes:
        return
    if not update:
        row, column = partner.where.get(next(k for k in fields if k in partner.values and fields[k] in new_values),
                                        (partner.first_row, None))
        message = _needs_update(t("partner {id}", id=partner.id), "; ".join(changes))
        problems.append(CellProblem(name, row, column, message))
        return
    plan.partners[partner.id] = _target_partner(partner, plan)._replace(**new_values)
    plan.lines.insert(plan.counts["partners_added"] + plan.counts["partners_updated"],
                      t("update partner {id}: {changes}", id=partner.id, changes="; ".join(changes)))
    plan.counts["partners_updated"] += 1


# ---------------------------------------------------------------- importing a JSON export


def _json_path(base: str, path: tuple) -> str:
    text = base
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _plan_json(source: JsonExport, store: Store, update: bool) -> Plan:
    """A coopctl JSON export: each partner whole, read exactly as its file would be."""
    name, data = source.name, source.data
    problems: list[CellProblem] = []
    plan = Plan(name)

    def at(path: str, message: str) -> CellProblem:
        return CellProblem(name, None, None, message, path)

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        what = t("a JSON array; perhaps the output of 'coopctl list --json'") if isinstance(data, list) else (
            t("it has no \"format\": \"coopctl-export\""))
        raise ImportProblems(name, [at("$", _not_an_export(what))])
    if not isinstance(data.get("version"), int) or data["version"] > EXPORT_VERSION:
        message = t("this export has version {version}, newer than this coopctl reads ({supported}); upgrade coopctl",
                    version=data.get("version"), supported=EXPORT_VERSION)
        raise ImportProblems(name, [at("$.version", message)])
    if not isinstance(data.get("partners"), list):
        raise ImportProblems(name, [at("$.partners", _not_an_export(t("'partners' must be a list")))])

    def reporter(base: str):
        def report(path: tuple, message: str) -> None:
            problems.append(at(_json_path(base, path), message))
        return report

    with decode.full_dates_as_strings():
        settings = decode.Decoder(Vocabulary()).settings(data.get("settings", {}), reporter("$.settings"),
                                                         store.settings.owner)
    empty_store = not store.partners
    if empty_store:
        new_settings = settings
    else:
        known = {s.id for s in store.settings.sectors}
        missing = [s for s in settings.sectors if s.id not in known]
        new_settings = store.settings
        if missing:
            new_settings = dataclasses.replace(store.settings, sectors=store.settings.sectors + missing)
        if dataclasses.replace(settings, sectors=()) != dataclasses.replace(store.settings, sectors=()):
            differences = [f.name for f in dataclasses.fields(Settings)
                           if f.name != "sectors" and getattr(settings, f.name) != getattr(store.settings, f.name)]
            plan.notes.append(f"{name}: " + t("the file's settings ({differences}) were not taken: the store already "
                                              "holds partners (settings are taken only into an empty store)",
                                              differences=", ".join(differences)))
    if new_settings != store.settings:
        changed = [f.name for f in dataclasses.fields(Settings)
                   if getattr(new_settings, f.name) != getattr(store.settings, f.name)]
        plan.settings = new_settings
        plan.counts["settings_updated"] += 1
        plan.lines.insert(0, t("update settings: {changes}", changes=", ".join(changed)))
    decoder = decode.Decoder(Vocabulary(new_settings.sectors))

    owner_of: dict[str, str] = {a.id: p.id for p in store.partners.values() for a in p.agreements}
    seen_partners: dict[str, int] = {}
    seen_agreements: dict[str, str] = {}
    for i, item in enumerate(data["partners"]):
        base = f"$.partners[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not is_slug(item["id"]):
            got = item.get("id") if isinstance(item, dict) else item
            problems.append(at(base + ".id", t("a partner needs an 'id': lowercase letters, digits and '-' (got {value})",
                                               value=repr(got))))
            continue
        partner_id = item["id"]
        from coopctl.storage.files import WINDOWS_RESERVED

        if partner_id in WINDOWS_RESERVED:
            problems.append(at(base + ".id", t("'{id}' cannot be a partner id (a reserved file name on Windows); add a "
                                               "'partner_id' column", id=partner_id)))
            continue
        if partner_id in seen_partners:
            problems.append(at(base + ".id", t("partner '{id}' is already in partners[{index}]", id=partner_id,
                                               index=seen_partners[partner_id])))
            continue
        seen_partners[partner_id] = i
        before = len(problems)
        with decode.full_dates_as_strings():
            partner = decoder.partner(partner_id, {k: v for k, v in item.items() if k != "id"}, reporter(base))
        if partner is not None:
            for finding in checks.check_partner(new_settings, partner):
                reporter(base)(finding.path, finding.message)
        if partner is None or len(problems) > before:
            continue
        for j, agreement in enumerate(partner.agreements):
            where = _json_path(base, ("agreements", j, "id"))
            if agreement.id in seen_agreements:
                problems.append(at(where, t("agreement id '{id}' is already used by {where}", id=agreement.id,
                                            where=seen_agreements[agreement.id])))
            elif owner_of.get(agreement.id, partner_id) != partner_id:
                elsewhere = t("partner {id} in the store", id=owner_of[agreement.id])
                problems.append(at(where, t("agreement id '{id}' is already used by {where}", id=agreement.id,
                                            where=elsewhere)))
            seen_agreements[agreement.id] = t("partner {id} (partners[{index}])", id=partner_id, index=i)
        _plan_json_partner(name, base, partner, store.partners.get(partner_id), update, plan, problems)
    if problems:
        raise ImportProblems(name, problems, plan.notes)
    return plan


def _plan_json_partner(name: str, base: str, partner: Partner, existing: Partner | None, update: bool,
                       plan: Plan, problems: list[CellProblem]) -> None:
    if existing is None:
        plan.partners[partner.id] = partner
        plan.counts["partners_added"] += 1
        plan.counts["agreements_added"] += len(partner.agreements)
        plan.counts["terms_added"] += sum(len(a.terms) for a in partner.agreements)
        plan.lines.append(t("add partner {id} ({name})", id=partner.id, name=partner.name))
        plan.lines += [_add_agreement(a.id, partner.name, len(a.terms)) for a in partner.agreements]
        return
    target = existing
    lines: list[str] = []
    counts: Counter = Counter()
    own = [name for name in Partner._fields if name not in ("id", "agreements")]
    differing = [key for key in own if getattr(existing, key) != getattr(partner, key)]
    if differing:
        if not update:
            message = _needs_update(t("partner {id}", id=partner.id), ", ".join(differing))
            problems.append(CellProblem(name, None, None, message, base))
        target = target._replace(**{key: getattr(partner, key) for key in differing})
        counts["partners_updated"] += 1
        lines.append(t("update partner {id}: {changes}", id=partner.id, changes=", ".join(differing)))
    current = {a.id: a for a in existing.agreements}
    for j, agreement in enumerate(partner.agreements):
        old = current.get(agreement.id)
        if old is None:
            target = target.with_agreement(agreement)
            counts["agreements_added"] += 1
            counts["terms_added"] += len(agreement.terms)
            lines.append(_add_agreement(agreement.id, target.name, len(agreement.terms)))
        elif old == agreement:
            counts["agreements_unchanged"] += 1
        else:
            replaced = t("replaced by the file's version")
            if not update:
                message = _needs_update(t("agreement {id}", id=agreement.id), replaced)
                problems.append(CellProblem(name, None, None, message, _json_path(base, ("agreements", j))))
            target = target.with_agreement(agreement)
            old_terms = {t.start: t for t in old.terms}
            counts["agreements_updated"] += 1
            counts["terms_added"] += sum(1 for t in agreement.terms if t.start not in old_terms)
            counts["terms_updated"] += sum(1 for t in agreement.terms if t.start in old_terms and old_terms[t.start] != t)
            lines.append(t("update agreement {id}: {changes}", id=agreement.id, changes=replaced))
    plan.counts += counts
    if lines:
        plan.partners[partner.id] = target
        plan.lines += lines


# ---------------------------------------------------------------- messages written in more than one place


def _add_agreement(agreement_id: str, partner_name: str, terms: int) -> str:
    """The line for an agreement added: its id, and its partner by name (the id is in the agreement's already)."""
    return tn("add agreement {id} ({partner}): {n} term", "add agreement {id} ({partner}): {n} terms", terms,
              id=agreement_id, partner=partner_name)


def _needs_update(what: str, changes: str) -> str:
    return t("{what} already exists and differs ({changes}); pass --update to update it", what=what, changes=changes)


def _changed(what: str, old: object, new: object) -> str:
    return f"{what} {old if old not in (None, '') else t('(none)')} -> {new}"


def _two_pending(agreement_id: str) -> str:
    return t("{agreement} would have more than one pending (unsigned) term", agreement=agreement_id)


def _id_taken(agreement_id: str, other: str) -> str:
    return t("the agreement id '{id}' (made from partner and title) is already used by {other}; add an 'id' column "
             "to name this one", id=agreement_id, other=other)


def _not_an_export(what: str) -> str:
    return t("this JSON is not a coopctl export ({what}); import reads the files that "
             "'coopctl export --format json' writes", what=what)
