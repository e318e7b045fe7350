"""Which agreement and which partner each spreadsheet row belongs to.

The rows of one agreement (the same `id`, or the same partner and title) are its terms;
`group_rows` gathers them into an `AgreementIn` each, and finds every row's partner: one the
store holds (by id, name or local name, through a `StoreIndex`) or a new one, a `PartnerIn`.
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


class StoreIndex:
    """Look-ups into the store that stay fast with tens of thousands of agreements."""

    def __init__(self, store: Store):
        self.partners = store.partners
        self.by_name: dict[str, Partner] = {}
        self.agreements: dict[str, tuple[Partner, Agreement]] = {}
        self.by_title: dict[tuple[str, str], str] = {}
        for partner in store.partners.values():
            for name in (partner.local_name, partner.name):
                if name:
                    self.by_name[name.casefold().strip()] = partner
            for agreement in partner.agreements:
                self.agreements[agreement.id] = (partner, agreement)
                self.by_title.setdefault((partner.id, agreement.title.casefold().strip()), agreement.id)

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


@dataclass
class AgreementIn:
    """The rows of one agreement, and the values they give it."""

    key: tuple  # ("id", id), or ("title", partner id, folded title)
    partner: PartnerIn
    rows: list[Row] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    sectors: list[str] = field(default_factory=list)


def group_rows(name: str, rows: list[Row], index: StoreIndex, problems: list[CellProblem]) -> list[AgreementIn]:
    """The rows as agreements, in the order of their first rows, each with its partner; a row
    whose partner cannot be told, or that names a partner wrongly, is a problem instead."""
    partners: dict[str, PartnerIn] = {}
    new_by_name: dict[str, PartnerIn] = {}
    groups: dict[tuple, AgreementIn] = {}
    titled: dict[tuple[str, str], tuple] = {}

    def problem(row: Row, field_name: str | None, message: str) -> None:
        problems.append(CellProblem(name, row.row, row.col(field_name) if field_name else None, message))

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
            return partners.setdefault(owner.id, PartnerIn(owner.id, owner, first_row=row.row))
        if "partner_id" in v:
            pid = v["partner_id"]
            existing = index.partners.get(pid)
            made = partners.setdefault(pid, PartnerIn(pid, existing, first_row=row.row))
            if existing is None and "partner" in v:
                new_by_name.setdefault(v["partner"].casefold(), made)  # later rows may name it only
            return made
        if "partner" in v:
            existing = index.partner(v["partner"])
            if existing is not None:
                return partners.setdefault(existing.id, PartnerIn(existing.id, existing, first_row=row.row))
            key = v["partner"].casefold()
            if key in new_by_name:
                return new_by_name[key]
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
                titled.setdefault((partner.id, title.casefold()), key)
        else:
            pending_rows.append((row, partner))
    for row, partner in pending_rows:
        title = row.values.get("title")
        if not title:
            if "title" not in row.bad:
                problem(row, "title" if "title" in row.columns else None,
                        t("a new agreement needs a title ({names})", names=header_names("title")))
            continue
        key = titled.get((partner.id, title.casefold()), ("title", partner.id, title.casefold()))
        groups.setdefault(key, AgreementIn(key, partner)).rows.append(row)
    ordered = sorted(groups.values(), key=lambda g: g.rows[0].row)
    for group in ordered:
        group.rows.sort(key=lambda r: r.row)
        for row in group.rows:
            _gather(name, row, group, problems)
    return ordered


def _gather(name: str, row: Row, group: AgreementIn, problems: list[CellProblem]) -> None:
    """One row's agreement and partner values into its group; conflicting values are problems."""
    for key in AGREEMENT_FIELDS + PARTNER_FIELDS:
        if key not in row.values:
            continue
        target = group.partner if key in PARTNER_FIELDS else group
        value = row.values[key]
        if key in target.values:
            if key in ("partner", "partner_id"):
                continue  # these rows were already found to name the same partner
            if target.values[key] != value:
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
    for sector in row.values.get("sectors", []):
        if sector not in group.sectors:
            group.sectors.append(sector)


def check_new_partners(name: str, groups: list[AgreementIn], problems: list[CellProblem]) -> None:
    """A new partner needs its name, kind and country (an international organisation no country);
    say which row and column."""
    seen: set[int] = set()
    bad_cells: dict[int, set[str]] = {}
    for group in groups:
        for row in group.rows:
            if row.bad:
                bad_cells.setdefault(id(group.partner), set()).update(row.bad)
    for group in groups:
        partner = group.partner
        if partner.existing is not None or id(partner) in seen:
            continue
        seen.add(id(partner))
        first = group.rows[0]
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
