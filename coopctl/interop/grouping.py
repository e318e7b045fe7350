"""Which agreement and which partner each spreadsheet row belongs to.

The rows of one agreement (the same `id`, or the same partner and title) are its terms;
`group_rows` gathers them into an `AgreementIn` each, and finds every row's partner: one the
store holds (by id, name or local name, through a `StoreIndex`) or a new one, a `PartnerIn`.
With inference on (`Guess`), a name that matches a partner after normalisation (`inference.name_key`:
"City of Darwin" is Darwin) is that partner, and a renewal, reaffirmation or extension row of a
partner's agreement of the same type is a new term of that agreement; where two partners or two
agreements fit, the row is a problem that names them (or, with `first`, the first one is taken).
Values that must agree across the rows of an agreement or of a partner are checked here, and
`check_new_partners` says which new partner lacks a name, kind or country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coopctl.core.records import PARTNER_KINDS, Agreement, Partner, Store
from coopctl.i18n import t
from coopctl.interop.cells import CellProblem
from coopctl.interop.columns import AGREEMENT_FIELDS, PARTNER_FIELDS, Row, header_names
from coopctl.interop.inference import Inferred, is_renewal, name_key, same_partner


def title_key(title: str) -> str:
    """What makes two titles the same: case aside, and any run of spaces one space ("MoU\u00a0Sister  State" is
    "MoU Sister State": a non-breaking space or a doubled space pasted from a document)."""
    return " ".join(title.split()).casefold()


@dataclass
class Guess:
    """What inference may do: `infer` (else nothing is inferred), `first` (take the first of several
    candidates instead of listing them), and the list every inferred value is added to."""

    infer: bool = True
    first: bool = False
    inferred: list[Inferred] = field(default_factory=list)

    def add(self, row: int, field_name: str, value: str, reason: str) -> None:
        self.inferred.append(Inferred(row, field_name, value, reason))


class StoreIndex:
    """Look-ups into the store that stay fast with tens of thousands of agreements."""

    def __init__(self, store: Store):
        self.partners = store.partners
        self.by_name: dict[str, Partner] = {}
        self.by_key: dict[str, list[tuple[tuple[str, str | None], Partner]]] = {}
        self.agreements: dict[str, tuple[Partner, Agreement]] = {}
        self.by_title: dict[tuple[str, str], str] = {}
        for partner in store.partners.values():
            for name in (partner.local_name, partner.name):
                if name:
                    self.by_name[name.casefold().strip()] = partner
            for name in dict.fromkeys(n for n in (partner.name, partner.local_name) if n):
                key = name_key(name)
                self.by_key.setdefault(key[0], []).append((key, partner))
            for agreement in partner.agreements:
                self.agreements[agreement.id] = (partner, agreement)
                self.by_title.setdefault((partner.id, title_key(agreement.title)), agreement.id)

    def partner(self, text: str) -> Partner | None:
        return self.partners.get(text) or self.by_name.get(text.casefold().strip())


@dataclass
class PartnerIn:
    """A partner as the file names it: an existing one, or one to create."""

    id: str
    existing: Partner | None
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # field -> (row, column)
    first_row: int = 0
    names: list[str] = field(default_factory=list)  # every name the file gives it
    inferred: set[str] = field(default_factory=set)  # the values in `values` that were inferred


@dataclass
class AgreementIn:
    """The rows of one agreement, and the values they give it."""

    key: tuple  # ("id", id), or ("title", partner id, folded title)
    partner: PartnerIn
    rows: list[Row] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    sectors: list[str] = field(default_factory=list)
    inferred: set[str] = field(default_factory=set)  # the values in `values` that were inferred
    existing: bool = False  # set by the import: the store holds it


def group_rows(name: str, rows: list[Row], index: StoreIndex, problems: list[CellProblem],
               guess: Guess | None = None) -> list[AgreementIn]:
    """The rows as agreements, in the order of their first rows, each with its partner; a row
    whose partner cannot be told, or that names a partner wrongly, is a problem instead."""
    guess = guess or Guess(infer=False)
    partners: dict[str, PartnerIn] = {}
    new_by_name: dict[str, PartnerIn] = {}
    new_by_key: dict[str, list[tuple[tuple[str, str | None], PartnerIn]]] = {}  # name_key's words -> new partners
    groups: dict[tuple, AgreementIn] = {}
    titled: dict[tuple[str, str], tuple] = {}

    def problem(row: Row, field_name: str | None, message: str) -> None:
        problems.append(CellProblem(name, row.row, row.col(field_name) if field_name else None, message))

    def existing_in(partner: Partner, row: Row) -> PartnerIn:
        return partners.setdefault(partner.id, PartnerIn(partner.id, partner, first_row=row.row))

    def by_normalised_name(row: Row, text: str) -> PartnerIn | None | bool:
        """The partner a name matches after normalisation: a PartnerIn, None (no match), or False (a
        problem was reported: several match)."""
        key = name_key(text)
        found: dict[str, tuple[str, PartnerIn | Partner]] = {}
        for other, partner in index.by_key.get(key[0], []):
            if same_partner(key, other):
                found.setdefault(partner.id, (partner.name, partner))
        for other, made in new_by_key.get(key[0], []):
            if same_partner(key, other):
                found.setdefault(made.id, (made.values.get("partner", made.id), made))
        if not found:
            return None
        if len(found) > 1 and not guess.first:
            listed = t(" or ").join(f"{pid} ({shown})" for pid, (shown, _) in found.items())
            problem(row, "partner", t("partner '{name}' could be {candidates}: write the one meant, or pass "
                                      "--infer-ambiguous first", name=text, candidates=listed))
            return False
        pid, (shown, match) = next(iter(found.items()))
        reason = t("the same name as '{other}' after normalisation", other=shown)
        if len(found) > 1:
            reason = t("the first of {n} partners it could be ({ids})", n=len(found), ids=", ".join(found))
        guess.add(row.row, "partner", pid, reason)
        row.inferred.add("partner")
        return existing_in(match, row) if isinstance(match, Partner) else match

    def partner_for(row: Row) -> PartnerIn | None:
        v = row.values
        existing_agreement = index.agreements.get(v["id"]) if "id" in v else None
        if existing_agreement is not None:
            owner = existing_agreement[0]
            for key in ("partner_id", "partner"):
                if key in v and index.partner(v[key]) is not owner and v[key] != owner.id:
                    if key == "partner" and "partner_id" in v and v["partner_id"] == owner.id:
                        continue  # a new name for the same partner: an update
                    problem(row, key, _wrong_partner(v["id"], owner.name, v[key]))
                    return None
            return existing_in(owner, row)
        if "partner_id" in v:
            pid = v["partner_id"]
            existing = index.partners.get(pid)
            made = partners.setdefault(pid, PartnerIn(pid, existing, first_row=row.row))
            if existing is None and "partner" in v:
                new_by_name.setdefault(v["partner"].casefold(), made)  # later rows may name it only
                key = name_key(v["partner"])
                new_by_key.setdefault(key[0], []).append((key, made))
            return made
        if "partner" in v:
            existing = index.partner(v["partner"])
            if existing is not None:
                return existing_in(existing, row)
            key = v["partner"].casefold()
            if key in new_by_name:
                return new_by_name[key]
            if guess.infer:
                matched = by_normalised_name(row, v["partner"])
                if matched is False:
                    return None
                if matched is not None:
                    new_by_name.setdefault(key, matched)  # type: ignore[arg-type]
                    return matched  # type: ignore[return-value]
            from coopctl.core.ids import slugify
            from coopctl.storage.files import WINDOWS_RESERVED

            pid = slugify(v["partner"])
            if not pid:
                problem(row, "partner", t("cannot make a partner id from '{name}'; give a name with letters or digits, "
                                          "or a 'partner_id' column", name=v["partner"]))
                return None
            if pid in WINDOWS_RESERVED:
                problem(row, "partner", t("'{id}' cannot be a partner id (a reserved file name on Windows); add a "
                                          "'partner_id' column", id=pid))
                return None
            if pid in index.partners or (pid in partners and partners[pid].existing is not None):
                other = index.partners[pid].name if pid in index.partners else pid
                problem(row, "partner", _partner_name_clash(v["partner"], pid, other))
                return None
            if pid in partners:
                first = partners[pid]
                problem(row, "partner", _partner_name_clash(v["partner"], pid, first.values.get("partner", pid)))
                return None
            made = partners.setdefault(pid, PartnerIn(pid, None, first_row=row.row))
            new_by_name[key] = made
            named = name_key(v["partner"])
            new_by_key.setdefault(named[0], []).append((named, made))
            return made
        problem(row, "id" if "id" in row.columns else None,
                t("this row names no partner: fill in {names}, or the id of an existing agreement",
                  names=header_names("partner")))
        return None

    pending_rows: list[tuple[Row, PartnerIn]] = []
    for row in rows:
        partner = partner_for(row)
        if partner is None:
            continue
        if "partner" in row.values and row.values["partner"] not in partner.names:
            partner.names.append(row.values["partner"])
        if "id" in row.values:
            key = ("id", row.values["id"])
            group = groups.setdefault(key, AgreementIn(key, partner))
            if group.partner is not partner:
                owner = group.partner.values.get("partner") or group.partner.id
                problem(row, "partner", _wrong_partner(row.values["id"], owner, row.values.get("partner") or partner.id))
                continue
            group.rows.append(row)
            title = row.values.get("title")
            if title:
                titled.setdefault((partner.id, title_key(title)), key)
        else:
            pending_rows.append((row, partner))
    renewals: list[tuple[Row, PartnerIn]] = []
    for row, partner in pending_rows:
        title = row.values.get("title")
        if not title:
            if "title" not in row.bad:
                problem(row, "title" if "title" in row.columns else None,
                        t("a new agreement needs a title ({names})", names=header_names("title")))
            continue
        folded = (partner.id, title_key(title))
        if guess.infer and folded not in titled and index.by_title.get(folded) is None and is_renewal(title):
            renewals.append((row, partner))
            continue
        key = titled.get(folded, ("title", partner.id, title_key(title)))
        groups.setdefault(key, AgreementIn(key, partner)).rows.append(row)
    for row, partner in renewals:
        group = _renewed(name, row, partner, groups, index, guess, problems)
        if group is not None:
            groups.setdefault(group.key, group).rows.append(row)
    ordered = sorted(groups.values(), key=lambda g: min(r.row for r in g.rows))
    for group in ordered:
        group.rows.sort(key=lambda r: r.row)
        for row in group.rows:
            _gather(name, row, group, problems)
    return ordered


def _renewed(name: str, row: Row, partner: PartnerIn, groups: dict[tuple, AgreementIn], index: StoreIndex,
             guess: Guess, problems: list[CellProblem]) -> AgreementIn | None:
    """The agreement a renewal row renews: the partner's one agreement of the row's type (of any type, if the
    title names none), in the file or the store; a new agreement when there is none; None (a problem) when
    several fit and `first` was not asked for."""
    kind = row.values.get("type")
    local = row.values.get("local_party")  # a sheet of several regions: the same region's agreement
    candidates: dict[tuple, tuple[str, AgreementIn | None]] = {}
    for key, group in groups.items():
        if group.partner is partner and any(not r.joins for r in group.rows):
            types = {r.values.get("type") for r in group.rows} - {None}
            locals_ = {r.values.get("local_party") for r in group.rows} - {None}
            if (kind is None or kind in types) and (local is None or not locals_ or local in locals_):
                shown = group.key[1] if group.key[0] == "id" else next(r.values["title"] for r in group.rows)
                candidates[key] = (shown, group)
    if partner.existing is not None:
        for agreement in partner.existing.agreements:
            key = ("id", agreement.id)
            by_its_title = ("title", partner.id, title_key(agreement.title))
            theirs = dict(agreement.extra).get("local_party", ())
            if key not in candidates and by_its_title not in candidates and (kind is None or agreement.type == kind) \
                    and (local is None or not theirs or local in theirs):
                candidates[key] = (agreement.id, groups.get(key))
    word = is_renewal(row.values["title"]) or ""
    if not candidates:
        key = ("title", partner.id, title_key(row.values["title"]))
        return groups.get(key) or AgreementIn(key, partner)
    if len(candidates) > 1 and not guess.first:
        listed = t(" or ").join(f"'{shown}'" for shown, _ in candidates.values())
        problems.append(CellProblem(name, row.row, row.col("title"),
                                    t("this {word} row could be a new term of {candidates}: give it the same title as "
                                      "the one it renews, or an 'id' column, or pass --infer-ambiguous first",
                                      word=word, candidates=listed)))
        return None
    key, (shown, group) = next(iter(candidates.items()))
    reason = t("'{word}': a new term of the same partner's agreement", word=word) if len(candidates) == 1 else \
        t("'{word}': a new term of the first of {n} agreements it could renew", word=word, n=len(candidates))
    guess.add(row.row, "agreement", shown, reason)
    row.joins = shown
    return group or AgreementIn(key, partner)


def _gather(name: str, row: Row, group: AgreementIn, problems: list[CellProblem]) -> None:
    """One row's agreement and partner values into its group; conflicting values are problems."""
    for key in AGREEMENT_FIELDS + PARTNER_FIELDS:
        if key not in row.values or (key == "title" and row.joins):
            continue  # a renewal row's own title is its term's note
        target = group.partner if key in PARTNER_FIELDS else group
        value = row.values[key]
        if key in target.values:
            if key in ("partner", "partner_id"):
                continue  # these rows were already found to name the same partner
            same = title_key(target.values[key]) == title_key(value) if key == "title" else False
            if target.values[key] != value and not same:
                other, first_row = target.values[key], target.where[key][0]
                if key in PARTNER_FIELDS:
                    message = t("{header} is '{value}' here but '{other}' in row {row}, for the same partner",
                                header=key, value=value, other=other, row=first_row)
                else:
                    message = t("{header} is '{value}' here but '{other}' in row {row}, for the same agreement",
                                header=key, value=value, other=other, row=first_row)
                problems.append(CellProblem(name, row.row, row.col(key), message))
            continue
        target.values[key] = value
        target.where[key] = (row.row, row.col(key))
        if key in row.inferred:
            target.inferred.add(key)
    for sector in row.values.get("sectors", []):
        if sector not in group.sectors:
            group.sectors.append(sector)


def check_new_partners(name: str, groups: list[AgreementIn], problems: list[CellProblem]) -> None:
    """A new partner needs its name, kind and country (an international organisation no country);
    say which row and column."""
    seen: set[int] = set()
    bad_cells: dict[int, set[str]] = {}
    firsts: dict[int, Row] = {}
    for group in groups:
        for row in group.rows:
            if row.bad:
                bad_cells.setdefault(id(group.partner), set()).update(row.bad)
            if id(group.partner) not in firsts or row.row < firsts[id(group.partner)].row:
                firsts[id(group.partner)] = row
    for group in groups:
        partner = group.partner
        if partner.existing is not None or id(partner) in seen:
            continue
        seen.add(id(partner))
        first = firsts[id(partner)]
        shown = partner.values.get("partner", partner.id)
        bad = bad_cells.get(id(partner), set())
        if "partner" not in partner.values:
            problems.append(CellProblem(name, first.row, first.col("partner"),
                                        _new_partner_needs(partner.id, t("name"), header_names("partner"), "")))
        kind = partner.values.get("kind")
        if kind is None and "kind" not in bad:
            choices = t(": one of {choices}", choices=", ".join(PARTNER_KINDS))
            if "kind" not in first.columns:
                choices += t("; add a column headed {names}", names=header_names("kind"))
            problems.append(CellProblem(name, first.row, first.col("kind"),
                                        _new_partner_needs(shown, t("kind"), header_names("kind"), choices)))
        if "country" not in partner.values and "country" not in bad and kind != "international-org":
            choices = t(": an ISO code such as AU")
            if "country" not in first.columns:
                choices += t("; add a column headed {names}", names=header_names("country"))
            problems.append(CellProblem(name, first.row, first.col("country"),
                                        _new_partner_needs(shown, t("country"), header_names("country"), choices)))


def by_partner(groups: list[AgreementIn]) -> dict[int, list[AgreementIn]]:
    """id(partner) -> its agreements (a problem with the partner keeps all their rows out)."""
    found: dict[int, list[AgreementIn]] = {}
    for group in groups:
        found.setdefault(id(group.partner), []).append(group)
    return found


def _wrong_partner(agreement_id: str, partner: str, named: str) -> str:
    return t("agreement {agreement} belongs to partner '{partner}', not '{named}'", agreement=agreement_id,
             partner=partner, named=named)


def _partner_name_clash(name: str, partner_id: str, other: str) -> str:
    return t("no partner is named '{name}', and a new one would get the id '{id}' of '{other}': write that "
             "partner's name or id ({id}), or give the new partner its own id in a 'partner_id' column",
             name=name, id=partner_id, other=other)


def _new_partner_needs(partner: str, what: str, names: str, choices: str) -> str:
    return t("'{partner}' is a new partner and needs its {what} ({names}){choices}", partner=partner, what=what,
             names=names, choices=choices)
