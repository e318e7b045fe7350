"""Planning an import, and applying it: all or nothing, or (with `rejects`) every row that can be.

`plan_import` validates the whole file against the store and works out what would change: a
`Plan`, or `ImportProblems` listing every problem as `file:row:column: message` (in a JSON
export, `file:$.path: message`; `restoring` reads those). Nothing is written there; `apply_import`
hands the plan's records to a store transaction.

A spreadsheet (a `Table` from `cells.read_file`): one row is one term of an agreement, and
`grouping` gathers the rows of each agreement. What the sheet leaves out is inferred (`inference`,
`phrases`: a type from the title, a kind from the country and name, the start from the signing
date, sector phrases mapped to sectors, a renewal row as a new term) and every inferred value is
listed in the plan. A new agreement is made from its rows; one the store holds takes the file's
filled cells, keeps what the empty ones leave, and gains sectors and terms (a term is matched by its
start). A change to what the store holds needs `update` (else it is a problem), and so does a change
to a partner; a new term that overlaps none of the agreement's, with what comes with it, does not.

With `rejects`, a row with a problem is left out instead, and so is every row that depends on it (the
later rows of its agreement, the rows of a partner that cannot be made): the rest is planned again
until nothing more is wrong, and the plan lists the rows left out with their problems.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from coopctl.core.ids import fold
from coopctl.core.records import (AGREEMENT_TYPES, Agreement, AgreementSector, CustomSector, Partner, Store, Term,
                                  category_of)
from coopctl.core.sectors import Vocabulary
from coopctl.i18n import t, tc
from coopctl.interop.cells import CellProblem, ImportProblems, JsonExport, Table
from coopctl.interop.columns import AGREEMENT_FIELDS, Row, header_names, read_rows
from coopctl.interop.grouping import (AgreementIn, Guess, PartnerIn, StoreIndex, by_partner, check_new_partners,
                                      group_rows, title_key)
from coopctl.interop.inference import KB_TYPE, kind_of, sister_in, type_in
from coopctl.interop.phrases import Mapping, PhraseMapper
from coopctl.interop.plan import Plan, add_agreement_line, changed, needs_update
from coopctl.interop.restoring import plan_json


@dataclass
class ImportOptions:
    """How to import: `update` existing records, `infer` what the sheet leaves out (taking the `first` of
    several candidates), read columns by `mapping` (header -> field), and leave out bad rows (`rejects`)."""

    update: bool = False
    infer: bool = True
    first: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    rejects: bool = False


def plan_import(source: Table | JsonExport, store: Store, vocabulary: Vocabulary, update: bool = False,
                options: ImportOptions | None = None) -> Plan:
    """Validate the whole file against the store and work out every change; ImportProblems if
    anything is wrong (with `rejects`: if anything is wrong with the file as a whole). Changes
    nothing: the records in the plan are new objects."""
    options = options or ImportOptions(update=update)
    if isinstance(source, JsonExport):
        return plan_json(source, store, options.update)
    problems: list[CellProblem] = []
    notes = list(source.notes)
    rows, header_row = read_rows(source, problems, notes, options.mapping, options.infer)
    whole_file = [p for p in problems if p.row is None or header_row is None or p.row <= header_row]
    if whole_file or (problems and not rows):
        raise ImportProblems(source.name, problems, notes)
    if not options.rejects:
        plan, _ = _plan_rows(source, rows, store, vocabulary, options, problems, notes)
        if problems:
            raise ImportProblems(source.name, problems, plan.notes)
        return plan
    rejected: dict[int, list[CellProblem]] = {}
    for problem in problems:
        for row in problem.rows or (problem.row,):  # merged cells keep out every row they cover
            rejected.setdefault(row, []).append(problem)  # type: ignore[arg-type]
    relations: list[list[int]] = []  # the rows of each agreement, as the whole file groups them
    everything = True  # the first round plans every row, so that a bad row's agreement is known too
    while True:
        active = rows if everything else [r for r in rows if r.row not in rejected]
        found: list[CellProblem] = []
        plan, groups = _plan_rows(source, active, store, vocabulary, options, found, notes)
        before = len(rejected)
        for problem in found:
            for row in problem.rows or (problem.row,):
                if row is None:
                    raise ImportProblems(source.name, found, plan.notes)
                if problem not in rejected.get(row, []):
                    rejected.setdefault(row, []).append(problem)
        relations += [[r.row for r in g.rows] for g in groups]
        for members in relations:  # a row is never half imported: the later terms of its agreement wait for it
            first_out = next((row for row in sorted(members) if row in rejected), None)
            for row in sorted(members):
                if first_out is not None and row > first_out and row not in rejected:
                    rejected[row] = [CellProblem(source.name, row, None, t(
                        "not imported with row {row}, an earlier row of the same agreement: fix that row and "
                        "import both", row=first_out))]
        if not everything and len(rejected) == before:
            break
        everything = False
    plan.rows = len({r.row for r in rows} | set(rejected))
    plan.rejected = {row: [p.message for p in found] for row, found in sorted(rejected.items())}
    plan.problems = sorted({p for found in rejected.values() for p in found}, key=CellProblem.key)
    plan.header_row = header_row
    return plan


def apply_import(tx, source: Table | JsonExport, update: bool = False, options: ImportOptions | None = None) -> Plan:
    """Import a spreadsheet or a JSON export (read by `cells.read_file`) into the transaction's store: every row is
    validated against the store first (`ImportProblems` lists all that is wrong, and nothing changes), then every
    change is handed to the transaction."""
    plan = plan_import(source, tx.store, tx.vocabulary, update, options)
    if isinstance(source, Table) and source.documents:
        from coopctl.interop.docsheet import SHEET, merge_documents

        merge_documents(plan, tx.store, f"{source.name}:{SHEET}", source.documents)
    if plan.settings is not None:
        tx.put_settings(plan.settings)
    for partner in plan.partners.values():
        tx.put(partner)
    return plan


# ---------------------------------------------------------------- planning from spreadsheet rows


def _plan_rows(source: Table, rows: list[Row], store: Store, vocabulary: Vocabulary, options: ImportOptions,
               problems: list[CellProblem], notes: list[str]) -> tuple[Plan, list[AgreementIn]]:
    """The plan for these rows (every problem added to `problems`), and their agreements."""
    name = source.name
    plan = Plan(name, notes=list(notes))
    guess = Guess(options.infer, options.first)
    mapper = PhraseMapper(vocabulary, options.infer)
    if options.rejects:  # planned again with fewer rows: each round starts from the rows as read
        rows = [Row(r.row, dict(r.values), r.columns, set(r.bad), r.extra) for r in rows]
    new_sectors: dict[str, Mapping] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    for row in rows:
        _infer_row(name, row, mapper, guess, problems, new_sectors, aliases)
    index = StoreIndex(store)
    groups = group_rows(name, rows, index, problems, guess)
    partners = list({id(g.partner): g.partner for g in groups}.values())
    mine = by_partner(groups)

    def partner_rows(partner: PartnerIn) -> tuple[int, ...]:
        return tuple(r.row for g in mine[id(partner)] for r in g.rows)

    if options.infer:
        for partner in partners:
            _infer_partner(partner, mine[id(partner)], guess)
    found: list[CellProblem] = []
    check_new_partners(name, groups, found)
    by_row = {r.row: g.partner for g in groups for r in g.rows}
    problems += [dataclasses.replace(p, rows=partner_rows(by_row[p.row])) if p.row in by_row else p
                 for p in found]
    taken: dict[str, int] = {}  # agreement id -> the row that first named it
    for group in groups:
        found = []
        _plan_agreement(name, group, index, options.update, plan, found, taken, guess, problems)
        problems += [dataclasses.replace(p, rows=tuple(r.row for r in group.rows)) for p in found]
    for partner in partners:
        found = []
        _plan_partner(name, partner, options.update, plan, found)
        problems += [dataclasses.replace(p, rows=partner_rows(partner)) for p in found]
    for group in groups:
        under = group.values.get("under")
        if under is not None and under not in index.agreements and under not in taken:
            where = group.where["under"]
            problems.append(CellProblem(name, where[0], where[1], t(
                "under '{parent}': no agreement of the store or of this file has that id", parent=under),
                rows=tuple(r.row for r in group.rows)))
    _plan_settings(plan, store, vocabulary, new_sectors, aliases)
    unused = {r.row for g in groups if g.existing for r in g.rows if not r.joins}  # the store's type stands
    plan.inferred = sorted((i for i in guess.inferred if not (i.field == "type" and i.row in unused)),
                           key=lambda i: i.row)
    return plan, groups


def _infer_row(name: str, row: Row, mapper: PhraseMapper, guess: Guess, problems: list[CellProblem],
               new_sectors: dict[str, Mapping], aliases: dict[str, tuple[str, ...]]) -> None:
    """A row's sectors from its phrases; its type from its title and its start from its signing date
    (with inference on)."""
    v = row.values
    if "sectors" in v:
        ids: list[str] = []
        for phrase in v["sectors"]:
            if not fold(phrase):
                continue  # '-', '?': no sector named (it would be the sector '')
            mapping = mapper.map(phrase)
            if mapping.error:
                message = mapping.error
                problems.append(CellProblem(name, row.row, row.col("sectors"), message))
                row.bad.add("sectors")
                continue
            found = mapping.ids or (mapping.new,)
            ids += [i for i in found if i not in ids]  # type: ignore[misc]
            if mapping.new:
                new_sectors.setdefault(mapping.new, mapping)  # type: ignore[arg-type]
                guess.add(row.row, "sectors", f"'{phrase}' = {mapping.new}",
                          t("a new sector of the store (nearest: {ids})", ids=", ".join(mapping.nearest) or "-"))
            elif mapping.how:
                aliases.setdefault(phrase, mapping.ids)
                guess.add(row.row, "sectors", f"'{phrase}' = {', '.join(mapping.ids)}", mapping.how)
        if "sectors" in row.bad:
            del v["sectors"]
        else:
            v["sectors"] = ids
    if not guess.infer:
        return
    if "type" not in v and "type" not in row.bad and v.get("title"):
        found_type = type_in(v["title"])
        if found_type:
            kind, phrase = found_type
            v["type"] = kind
            row.inferred.add("type")
            reason = t("from the title ('{phrase}')", phrase=phrase)
            if kind == KB_TYPE and KB_TYPE != "kb" and fold(phrase) in ("kesepakatan-bersama", "ksb", "kb"):
                reason += t("; coopctl has no type kb yet, so a Kesepakatan Bersama is kept as an MoU")
            guess.add(row.row, "type", kind, reason)
    if "start" not in v and "start" not in row.bad and "signed" in v:
        v["start"] = v["signed"]
        row.inferred.add("start")
        guess.add(row.row, "start", str(v["signed"]), t("the signing date (no start given)"))


def _infer_partner(partner: PartnerIn, mine: list[AgreementIn], guess: Guess) -> None:
    """A new partner's kind and level from its names, its country and its agreements' (`mine`) types."""
    if partner.existing is not None or "kind" in partner.values:
        return
    types = [r.values["type"] for g in mine for r in g.rows if "type" in r.values]
    types += [sister for g in mine for r in g.rows if (sister := sister_in(r.values.get("title") or ""))]
    found = kind_of(partner.names, partner.values.get("country"), types)
    if found is None:
        return
    kind, level, reason = found
    row = min(r.row for g in mine for r in g.rows)
    partner.values["kind"] = kind
    partner.inferred.add("kind")
    guess.add(row, "kind", kind, reason)
    if level and "level" not in partner.values:
        partner.values["level"] = level
        partner.inferred.add("level")
        guess.add(row, "level", level, t("from the name"))


def _term_from(row: Row, title: str | None, guess: Guess) -> Term:
    v = row.values
    signed = v.get("signed")
    pending = bool(v.get("pending")) and signed is None
    note = v.get("note")
    if row.joins and v.get("title") and v["title"] != title:  # a renewal row: its title says what the term was
        note = f"{v['title']}: {note}" if note else v["title"]
        guess.add(row.row, "note", v["title"], t("the renewal row's title, kept as its term's note"))
    return Term(start=v["start"], end=v.get("end"), signed=signed, pending=pending,
                number=v.get("number"), place=v.get("place"), note=note, signatories=v.get("signatories") or (),
                partner_number=v.get("partner_number"))


def _check_term(name: str, row: Row, problems: list[CellProblem]) -> bool:
    v = row.values
    if "start" not in v:
        if not row.bad & {"start", "signed"} and ("start" in row.columns or "signed" in row.columns):
            where = row.col("start") or row.col("signed")
            message = t("every row is a term and needs its start date") if "start" in row.columns else \
                t("every row is a term and needs its start date (or, without one, its signing date)")
            problems.append(CellProblem(name, row.row, where, message))
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


def _extra(group: AgreementIn) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The agreement's extra table from its rows: each column's lines, in the order first seen."""
    table: dict[str, list[str]] = {}
    for row in group.rows:
        cells = dict(row.extra)
        if "local_party" in row.values:
            cells = {"local_party": row.values["local_party"], **cells}
        for key, text in cells.items():
            values = table.setdefault(key, [])
            values += [line for line in (s.strip() for s in text.splitlines()) if line and line not in values]
    return tuple((key, tuple(values)) for key, values in table.items() if values)


def _sources(group: AgreementIn) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for row in group.rows for s in row.values.get("sources", ())))


def _plan_agreement(name: str, group: AgreementIn, index: StoreIndex, update: bool, plan: Plan,
                    problems: list[CellProblem], taken: dict[str, int], guess: Guess,
                    row_problems: list[CellProblem]) -> None:
    """The agreement the group's rows make or change. `problems` are the agreement's (they keep all its rows
    out), `row_problems` those of one row (its term)."""
    first = group.rows[0]
    partner = group.partner
    existing: Agreement | None = None
    if group.key[0] == "id":
        found = index.agreements.get(group.key[1])
        existing = found[1] if found else None
    elif partner.existing is not None:
        agreement_id = index.by_title.get((partner.id, group.key[2]))
        existing = index.agreements[agreement_id][1] if agreement_id else None
    title = existing.title if existing is not None else group.values.get("title")
    group.existing = existing is not None
    kind_of_partner = partner.existing.kind if partner.existing is not None else partner.values.get("kind")
    if "category" in group.values and kind_of_partner and \
            category_of(kind_of_partner) == group.values["category"] and (existing is None or existing.category is None):
        del group.values["category"]  # the one the partner's kind gives: no override to keep

    terms: list[tuple[Row, Term]] = []
    starts: dict = {}
    for row in group.rows:
        if not _check_term(name, row, row_problems):
            continue
        term = _term_from(row, title, guess)
        if term.start in starts:
            message = t("a second term of {agreement} starting {start} (row {row} has one); one row per term",
                        agreement=group.values.get("title") or group.key[-1], start=term.start, row=starts[term.start])
            row_problems.append(CellProblem(name, row.row, row.col("start"), message))
            continue
        starts[term.start] = row.row
        terms.append((row, term))

    if existing is None:
        kind = group.values.get("type")
        bad = set().union(*(r.bad for r in group.rows))
        if title is None:
            problems.append(CellProblem(name, first.row, first.col("title"),
                                        t("a new agreement needs a title ({names})", names=header_names("title"))))
        if kind is None and "type" not in bad:
            hint = t("; its title names none that coopctl knows") if guess.infer and title else ""
            problems.append(CellProblem(name, first.row, first.col("type") or first.col("title"),
                                        t("a new agreement needs a type ({names}): one of {choices}",
                                          names=header_names("type"), choices=", ".join(AGREEMENT_TYPES)) + hint))
        if group.key[0] == "id":
            agreement_id = group.key[1]
        else:
            from coopctl.core.ids import agreement_id_for

            year = min((term.start.year for _, term in terms), default=None)
            agreement_id = agreement_id_for(partner.id, kind, year, lambda i: i in index.agreements or i in taken) \
                if title and kind else ""
        if agreement_id and agreement_id in taken:
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
            notice=group.values.get("notice"), sources=_sources(group), terms=tuple(t for _, t in terms),
            extra=_extra(group), under=group.values.get("under"), category=group.values.get("category"),
            terminated=group.values.get("terminated"), termination_reason=group.values.get("termination_reason"),
        )
        plan.partners[partner.id] = _target_partner(partner, plan).with_agreement(agreement)
        plan.counts["agreements_added"] += 1
        plan.counts["terms_added"] += len(agreement.terms)
        plan.lines.append(add_agreement_line(agreement_id, plan.partners[partner.id].name, len(agreement.terms)))
        return

    if existing.id in taken:
        message = t("this row and row {row} are both agreement {id} (by id, and by partner and title); give them the "
                    "same id", row=taken[existing.id], id=existing.id)
        problems.append(CellProblem(name, first.row, None, message))
        return
    taken[existing.id] = first.row
    merged, changes, added, updated, additive = _merge(existing, group, terms)
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
    if not update and not additive:
        message = needs_update(t("agreement {id}", id=existing.id), "; ".join(changes))
        problems.append(CellProblem(name, first.row, None, message))
        return
    plan.partners[partner.id] = _target_partner(partner, plan).with_agreement(merged)
    plan.counts["agreements_updated"] += 1
    plan.counts["terms_added"] += added
    plan.counts["terms_updated"] += updated
    plan.lines.append(t("update agreement {id}: {changes}", id=existing.id, changes="; ".join(changes)))


def _merge(existing: Agreement, group: AgreementIn,
           terms: list[tuple[Row, Term]]) -> tuple[Agreement, list[str], int, int, bool]:
    """The agreement with the file's values: given cells replace, empty cells keep what is there (and
    inferred values never replace), sectors, sources and extra values are only added, a term is matched
    by its start or added. The last value says whether every change only adds: new terms that overlap
    none of the agreement's, and what comes with them."""
    changes: list[str] = []
    values = {}
    for key in AGREEMENT_FIELDS:
        if key in group.values and key not in group.inferred and getattr(existing, key) != group.values[key]:
            if key == "title" and (any(r.joins for r in group.rows)
                                   or title_key(existing.title) == title_key(group.values[key])):
                continue  # a renewal row's title is its term's note; spaces aside, the title is the same
            changes.append(changed(key, getattr(existing, key), group.values[key]))
            values[key] = group.values[key]
    replaced = bool(changes)
    sectors = existing.sectors
    new_sectors = [s for s in group.sectors if existing.open_sector(s) is None]
    if new_sectors:
        sectors += tuple(AgreementSector(s) for s in new_sectors)
        changes.append(t("sectors + {ids}", ids=", ".join(new_sectors)))
    sources = existing.sources + tuple(s for s in _sources(group) if s not in existing.sources)
    if sources != existing.sources:
        changes.append(t("sources + {n}", n=len(sources) - len(existing.sources)))
    extra = dict(existing.extra)
    for key, lines in _extra(group):
        more = tuple(line for line in lines if line not in extra.get(key, ()))
        if more:
            extra[key] = extra.get(key, ()) + more
            changes.append(t("extra {key} + {values}", key=key, values=", ".join(more)))
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
        for key in ("end", "signed", "number", "place", "note", "partner_number", "signatories"):
            if key in row.values and getattr(term, key) != getattr(incoming, key):
                term_changes.append(changed(key, getattr(term, key), getattr(incoming, key)))
                new[key] = getattr(incoming, key)
        pending = term.pending
        if "signed" in row.values:
            pending = False
        elif "pending" in row.values:
            pending = bool(row.values["pending"])
        if pending != term.pending:
            term_changes.append(changed("pending", "yes" if term.pending else "no", "yes" if pending else "no"))
            new["pending"] = pending
        if term_changes:
            merged_terms[i] = term._replace(**new)
            changes.append(t("term from {start}: {changes}", start=term.start, changes=", ".join(term_changes)))
            updated += 1
            replaced = True
    merged = existing._replace(sectors=sectors, terms=tuple(merged_terms), sources=sources,
                               extra=tuple(extra.items()), **values)
    additive = added > 0 and not replaced and _apart(existing.terms, [t for t in merged_terms if t not in existing.terms])
    return merged, changes, added, updated, additive


def _apart(old: tuple[Term, ...], new: list[Term]) -> bool:
    """Whether the new terms overlap none of the old ones (a term without an end runs until the next starts)."""
    every = sorted(list(old) + new, key=lambda t: t.start.first_day())
    spans = {}
    for i, term in enumerate(every):
        following = every[i + 1].start.first_day() - timedelta(days=1) if i + 1 < len(every) else date.max
        spans[id(term)] = (term.start.first_day(), term.end.last_day() if term.end else following)
    for a in new:
        for b in old:
            (a0, a1), (b0, b1) = spans[id(a)], spans[id(b)]
            if a0 <= b1 and b0 <= a1:
                return False
    return True


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
        if key in partner.values and key not in partner.inferred and \
                getattr(partner.existing, attribute) != partner.values[key]:
            if key == "partner" and partner.values[key].casefold() in (partner.existing.name.casefold(),
                                                                       (partner.existing.local_name or "").casefold(),
                                                                       partner.existing.id):
                continue  # named by its id or local name, not renamed
            changes.append(changed(attribute, getattr(partner.existing, attribute), partner.values[key]))
            new_values[attribute] = partner.values[key]
    if not changes:
        return
    if not update:
        row, column = partner.where.get(next(k for k in fields if k in partner.values and fields[k] in new_values),
                                        (partner.first_row, None))
        message = needs_update(t("partner {id}", id=partner.id), "; ".join(changes))
        problems.append(CellProblem(name, row, column, message))
        return
    plan.partners[partner.id] = _target_partner(partner, plan)._replace(**new_values)
    plan.lines.insert(plan.counts["partners_added"] + plan.counts["partners_updated"],
                      t("update partner {id}: {changes}", id=partner.id, changes="; ".join(changes)))
    plan.counts["partners_updated"] += 1


def _plan_settings(plan: Plan, store: Store, vocabulary: Vocabulary, new_sectors: dict[str, Mapping],
                   aliases: dict[str, tuple[str, ...]]) -> None:
    """The store's new sectors (phrases no sector fits) and the phrases it remembers (mapped by inference)."""
    used = {s.id for p in plan.partners.values() for a in p.agreements for s in a.sectors}
    sectors = tuple(CustomSector(sid, m.phrase) for sid, m in new_sectors.items() if sid in used and sid not in vocabulary)
    remembered = {phrase: ids for phrase, ids in aliases.items()
                  if vocabulary.find(phrase) is None and set(ids) & used}
    if not sectors and not remembered:
        return
    settings = store.settings
    plan.settings = dataclasses.replace(settings, sectors=settings.sectors + sectors,
                                        sector_aliases={**settings.sector_aliases, **remembered})
    plan.counts["settings_updated"] += 1
    lines = [t("add sector {id} ('{label}'; nearest: {nearest})", id=s.id, label=s.label,
               nearest=", ".join(new_sectors[s.id].nearest) or "-") for s in sectors]
    lines += [t("remember the sector phrase '{phrase}' = {ids}", phrase=phrase, ids=", ".join(ids))
              for phrase, ids in remembered.items()]
    plan.lines[:0] = lines


def _two_pending(agreement_id: str) -> str:
    return t("{agreement} would have more than one pending (unsigned) term", agreement=agreement_id)


def _id_taken(agreement_id: str, other: str) -> str:
    return t("the agreement id '{id}' (made from partner and title) is already used by {other}; add an 'id' column "
             "to name this one", id=agreement_id, other=other)
