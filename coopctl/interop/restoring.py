"""Importing a coopctl JSON export: the whole store, losslessly.

It holds the settings and each partner exactly as their files hold them (the TOML writer's
canonical data, with dates as ISO strings), so an export imported into an empty store gives the
same files byte for byte. A partner is read as its file would be, and an agreement that differs is
replaced whole (with `update`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from coopctl.core import checks
from coopctl.core.ids import is_slug
from coopctl.core.records import Partner, Settings, Store
from coopctl.core.sectors import Vocabulary
from coopctl.i18n import t
from coopctl.interop.cells import EXPORT_FORMAT, EXPORT_VERSION, CellProblem, ImportProblems, JsonExport
from coopctl.interop.plan import Plan, add_agreement_line, needs_update
from coopctl.storage import decode


def _json_path(base: str, path: tuple) -> str:
    text = base
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def plan_json(source: JsonExport, store: Store, update: bool) -> Plan:
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
    decoder = decode.Decoder(Vocabulary(new_settings.sectors, new_settings.sector_aliases))

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
        plan.lines += [add_agreement_line(a.id, partner.name, len(a.terms)) for a in partner.agreements]
        return
    target = existing
    lines: list[str] = []
    counts: Counter = Counter()
    own = [name for name in Partner._fields if name not in ("id", "agreements")]
    differing = [key for key in own if getattr(existing, key) != getattr(partner, key)]
    if differing:
        if not update:
            message = needs_update(t("partner {id}", id=partner.id), ", ".join(differing))
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
            lines.append(add_agreement_line(agreement.id, target.name, len(agreement.terms)))
        elif old == agreement:
            counts["agreements_unchanged"] += 1
        else:
            replaced = t("replaced by the file's version")
            if not update:
                message = needs_update(t("agreement {id}", id=agreement.id), replaced)
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


def _not_an_export(what: str) -> str:
    return t("this JSON is not a coopctl export ({what}); import reads the files that "
             "'coopctl export --format json' writes", what=what)
