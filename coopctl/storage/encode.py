"""Records to store files: one canonical text per record.

Saving unchanged data reproduces the file byte for byte, and a change touches
only its own lines. tomli-w does the escaping of each value. `partner_to_data`
and `settings_to_data` give the same records as plain data (the JSON export).
"""

from __future__ import annotations

from typing import Any

from coopctl.core.dates import Duration, PartialDate
from coopctl.core.records import AgreementSector, Partner, Settings, Step, default_procedures

MAX_INLINE = 100


def _literal(value: Any) -> str:
    """One TOML value; tomli-w does the escaping."""
    import tomli_w

    if isinstance(value, PartialDate):
        value = value.to_date() or str(value)
    elif isinstance(value, Duration):
        value = str(value)
    return tomli_w.dumps({"v": value})[4:-1]


def _array(key: str, items: list[str]) -> str:
    inline = f"{key} = [" + ", ".join(items) + "]"
    if len(inline) <= MAX_INLINE:
        return inline
    return f"{key} = [\n" + "".join(f"    {item},\n" for item in items) + "]"


def _block(pairs: list[tuple[str, Any]]) -> list[str]:
    lines = []
    for key, value in pairs:
        if value is None or value is False or value == [] or value == ():
            continue
        if type(value) in (list, tuple):  # a list; not a record or a Duration, which are named tuples
            lines.append(_array(key, [v if isinstance(v, _Raw) else _literal(v) for v in value]))
        else:
            lines.append(f"{key} = {_literal(value)}")
    return lines


class _Raw(str):
    """Already formatted TOML (an inline table inside an array)."""


def _sector_entry(sector: AgreementSector) -> Any:
    if sector.since is None and sector.until is None and sector.basis is None:
        return sector.id
    parts = [f"{k} = {_literal(v)}" for k, v in
             (("id", sector.id), ("since", sector.since), ("until", sector.until), ("basis", sector.basis))
             if v is not None]
    return _Raw("{ " + ", ".join(parts) + " }")


def dump_partner(partner: Partner) -> str:
    lines = _block([
        ("name", partner.name), ("local_name", partner.local_name), ("country", partner.country),
        ("kind", partner.kind), ("level", partner.level), ("since", partner.since), ("assumed", partner.assumed),
        ("notes", partner.notes), ("sources", partner.sources),
    ])
    for contact in partner.contacts:
        lines += ["", "[[contacts]]"] + _block([
            ("name", contact.name), ("role", contact.role), ("email", contact.email), ("phone", contact.phone),
        ])
    for a in partner.agreements:
        lines += ["", "[[agreements]]"] + _block([
            ("id", a.id), ("title", a.title), ("type", a.type), ("category", a.category), ("under", a.under),
            ("sectors", [_sector_entry(s) for s in a.sectors]),
            ("unit", a.unit), ("notice", a.notice), ("procedure", a.procedure), ("terminated", a.terminated),
            ("termination_reason", a.termination_reason), ("notes", a.notes), ("sources", a.sources),
        ])
        if a.extra:
            lines += ["", "[agreements.extra]"] + [_extra_line(key, values) for key, values in a.extra]
        for t in a.terms:
            lines += ["", "[[agreements.terms]]"] + _block([
                ("start", t.start), ("end", t.end), ("signed", t.signed), ("pending", t.pending),
                ("recorded", t.recorded), ("lapse_before", t.lapse_before), ("number", t.number), ("place", t.place),
                ("partner_number", t.partner_number), ("signatories", t.signatories), ("note", t.note),
                ("assumed", t.assumed),
            ])
        for m in a.milestones:
            lines += ["", "[[agreements.milestones]]"] + _block([
                ("id", m.id), ("date", m.date), ("term_end", m.term_end), ("ref", m.ref), ("note", m.note),
                ("undone", m.undone), ("not_needed", m.not_needed),
            ])
        for act in a.activities:
            lines += ["", "[[agreements.activities]]"] + _block([
                ("date", act.date), ("sector", act.sector), ("type", act.type),
                ("summary", act.summary), ("participants", act.participants), ("value", act.value),
                ("currency", act.currency), ("source", act.source), ("assumed", act.assumed),
            ])
        for d in a.documents:
            lines += ["", "[[agreements.documents]]"] + _block([
                ("kind", d.kind), ("name", d.name), ("size", d.size), ("sha256", d.sha256),
                ("media_type", d.media_type), ("number", d.number), ("date", d.date), ("title", d.title),
                ("term_start", d.term_start), ("step", d.step),
            ])
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    """A TOML key: bare when it can be, else quoted (tomli-w does the quoting)."""
    import tomli_w

    return tomli_w.dumps({key: 0})[:-5]


def _extra_line(key: str, values: tuple[str, ...]) -> str:
    value = values[0] if len(values) == 1 else list(values)
    return _block([(_key(key), value)])[0]


def _step_value(step: Step) -> str:
    """`"12m"` (months, not "1y": steps read as months), or a table when the step says more."""
    amount, unit = step.before
    span = _literal(f"{abs(amount)}{unit}")
    if amount >= 0 and step.label is None and not step.conditional and not step.assumed:
        return span
    parts = [f"{'before' if amount >= 0 else 'after'} = {span}"]
    parts += [f"label = {_literal(step.label)}"] if step.label is not None else []
    parts += ["conditional = true"] if step.conditional else []
    parts += ["assumed = true"] if step.assumed else []
    return "{ " + ", ".join(parts) + " }"


def dump_settings(settings: Settings) -> str:
    lines = _block([("owner", settings.owner), ("lang", settings.lang), ("dormant_months", settings.dormant_months),
                    ("stalled_months", settings.stalled_months)])
    lines += _block([("review_months", settings.review_months), ("max_term_years", settings.max_term_years)])
    lines += ["", "[notice]"] + _block(list(settings.notice.items()))
    built_in = default_procedures()
    for name, steps in settings.procedures.items():
        if tuple(steps) != built_in.get(name):  # the built-in procedures are coopctl's, not written in the store
            lines += ["", f"[procedures.{name}]"] + [f"{step.id} = {_step_value(step)}" for step in steps]
    for s in settings.sectors:
        lines += ["", "[[sectors]]"] + _block([
            ("id", s.id), ("label", s.label), ("label_id", s.label_id), ("aliases", s.aliases), ("parent", s.parent),
        ])
    if settings.sector_aliases:
        lines += ["", "[sector_aliases]"] + [_block([(_key(phrase), list(ids))])[0]
                                             for phrase, ids in settings.sector_aliases.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- as plain data (the JSON export)


def partner_to_data(partner: Partner) -> dict:
    """The partner as plain data, exactly as its file holds it: the TOML writer's own output,
    parsed back. Whatever `dump_partner` writes (a key added later too) is in it, and
    `read_partner` reads it back (with `full_dates_as_strings` once dates became strings)."""
    import tomllib

    return tomllib.loads(dump_partner(partner))


def settings_to_data(settings: Settings) -> dict:
    """The settings as plain data, exactly as the settings file holds them."""
    import tomllib

    return tomllib.loads(dump_settings(settings))
