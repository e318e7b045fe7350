"""Store files to records and back.

Reading turns parsed TOML (plain dicts) into model objects and collects every
problem with the path of the value it concerns, so the store can name file
and line. Writing produces one canonical text per record, so saving unchanged
data reproduces the file byte for byte and a change touches only its lines.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, Callable, Iterator

from coopctl.core.dates import DateError, Duration, PartialDate, parse_duration, parse_stored
from coopctl.core.records import (
    ACTIVITY_TYPES,
    AGREEMENT_TYPES,
    LEVELS,
    PARTNER_KINDS,
    Activity,
    Agreement,
    AgreementSector,
    Contact,
    CustomSector,
    Milestone,
    Partner,
    Settings,
    Step,
    Term,
    is_slug,
)
from coopctl.core.countries import COUNTRY_CODES
from coopctl.i18n import t
from coopctl.core.sectors import SectorError, Vocabulary

Report = Callable[[tuple, str], None]

_MISSING = object()


class _Reader:
    """Typed access to one parsed table, reporting problems instead of raising."""

    def __init__(self, data: Any, path: tuple, report: Report, keys: tuple[str, ...], what: str):
        self.path = path
        self.report = report
        self.ok = isinstance(data, dict)
        self.data = data if self.ok else {}
        if not self.ok:
            report(path, t("{what} must be a table", what=what))
            return
        for key in self.data:
            if key not in keys:
                report(path + (key,), t("unknown key '{key}' in {what} (known keys: {keys})", key=key, what=what,
                                        keys=", ".join(keys)))

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING and required:
            self.report(self.path, t("missing required key '{key}'", key=key))
        return value

    def text(self, key: str, required: bool = False, choices: tuple[str, ...] | None = None) -> str | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.report(self.path + (key,), t("'{key}' must be a string, not {type}", key=key, type=_type_name(value)))
            return None
        if required and not value.strip():
            self.report(self.path + (key,), t("'{key}' must not be empty", key=key))
            return None
        if choices is not None and value not in choices:
            self.report(self.path + (key,), t("'{key}' is '{value}'; use one of: {choices}", key=key, value=value,
                                              choices=", ".join(choices)))
            return None
        return shared(value)

    def integer(self, key: str, minimum: int | None = None) -> int | None:
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(self.path + (key,), t("'{key}' must be a whole number, not {type}", key=key, type=_type_name(value)))
            return None
        if minimum is not None and value < minimum:
            self.report(self.path + (key,), t("'{key}' must be at least {minimum}", key=key, minimum=minimum))
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key, False)
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self.report(self.path + (key,), t("'{key}' must be true or false, not {type}", key=key, type=_type_name(value)))
            return False
        return value

    def partial_date(self, key: str, required: bool = False) -> PartialDate | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        return read_date(value, self.path + (key,), key, self.report)

    def duration(self, key: str) -> Duration | None:
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.report(self.path + (key,), t("'{key}' must be a string such as \"18m\", not {type}", key=key,
                                              type=_type_name(value)))
            return None
        try:
            return parse_duration(value)
        except DateError as e:
            self.report(self.path + (key,), str(e))
            return None

    def strings(self, key: str) -> list[str]:
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report(self.path + (key,), t("'{key}' must be a list of strings, such as [\"a\", \"b\"]", key=key))
            return []
        return list(value)

    def tables(self, key: str) -> list[Any]:
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.report(self.path + (key,), t("'{key}' must be a list of tables ([[{key}]])", key=key))
            return []
        return value


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return t("a boolean")
    if isinstance(value, datetime):
        return t("a date-time")
    if isinstance(value, date):
        return t("a date")
    return {
        str: t("a string"), int: t("an integer"), float: t("a decimal number"),
        list: t("a list"), dict: t("a table"),
    }.get(type(value), type(value).__name__)


_FULL_DATE_STRINGS: ContextVar[bool] = ContextVar("full_date_strings", default=False)


@contextmanager
def full_dates_as_strings() -> Iterator[None]:
    """Read data that holds every date as a string (a JSON export): "2023-08-22" is a date there."""
    token = _FULL_DATE_STRINGS.set(True)
    try:
        yield
    finally:
        _FULL_DATE_STRINGS.reset(token)


_STRINGS: dict[str, str] = {}


def shared(text: str) -> str:
    """One object for each short string: a large store repeats its sector ids, types, units and places
    thousands of times. Less memory, and a cache shard (pickle) then writes each of them once."""
    if len(text) > 64:
        return text
    known = _STRINGS.get(text)
    if known is None:
        if len(_STRINGS) >= 200_000:
            _STRINGS.clear()
        known = _STRINGS[text] = text
    return known


_DATES: dict[date, PartialDate] = {}  # one PartialDate per day (they are immutable): a large store repeats its days


def read_date(value: Any, path: tuple, key: str, report: Report) -> PartialDate | None:
    """A date as the store holds it: a bare TOML date, or "YYYY" / "YYYY-MM" for partial ones."""
    if isinstance(value, datetime):
        report(path, t("'{key}' must be a date without a time, such as {example}", key=key, example=value.date().isoformat()))
        return None
    if isinstance(value, date):
        shared = _DATES.get(value)
        if shared is None:
            if len(_DATES) >= 100_000:
                _DATES.clear()
            shared = _DATES[value] = PartialDate.from_date(value)
        return shared
    if isinstance(value, str):
        try:
            parsed = parse_stored(value)
        except DateError as e:
            report(path, f"'{key}': {e}")
            return None
        if parsed.day is not None and not _FULL_DATE_STRINGS.get():
            report(path, t("'{key}' is a full date written as a string; write it without quotes: {key} = {value}",
                           key=key, value=value))
            return None
        return parsed
    report(path, t("'{key}' must be a date such as 2023-08-22, or \"2023-08\" / \"2023\" when only the month or year is "
                   "known; not {type}", key=key, type=_type_name(value)))
    return None


# ---------------------------------------------------------------- reading

SETTINGS_KEYS = ("owner", "lang", "dormant_months", "stalled_months", "review_months", "notice", "procedures", "sectors")
STEP_KEYS = ("before", "label")
NOTICE_KEYS = ("foreign", "domestic") + PARTNER_KINDS
CUSTOM_SECTOR_KEYS = ("id", "label", "label_id", "aliases", "parent")
PARTNER_KEYS = ("name", "local_name", "country", "kind", "level", "since", "notes", "sources", "contacts", "agreements")
CONTACT_KEYS = ("name", "role", "email", "phone")
AGREEMENT_KEYS = (
    "id", "title", "type", "sectors", "unit", "notice", "terminated", "termination_reason",
    "notes", "sources", "terms", "activities", "procedure", "milestones",
)
SECTOR_KEYS = ("id", "since", "until", "basis")
TERM_KEYS = ("start", "end", "signed", "pending", "number", "place", "note")
ACTIVITY_KEYS = ("date", "sector", "type", "summary", "participants", "value", "currency", "source")
MILESTONE_KEYS = ("id", "date", "term_end", "ref", "note", "undone")


def read_settings(data: Any, report: Report, fallback_owner: str) -> Settings:
    r = _Reader(data, (), report, SETTINGS_KEYS, t("the settings file"))
    owner = r.text("owner") or fallback_owner
    settings = Settings(owner=owner, dormant_months=r.integer("dormant_months", minimum=1),
                        stalled_months=r.integer("stalled_months", minimum=1))
    settings.lang = _read_lang(r)
    settings.review_months = r.integer("review_months", minimum=1)
    procedures = r.data.get("procedures")
    if procedures is not None and not isinstance(procedures, dict):
        report(("procedures",), t("'procedures' must hold tables such as [procedures.foreign]"))
    elif procedures is not None:
        for name, steps in procedures.items():
            if not is_slug(name):
                report(("procedures", name), t("procedure name '{name}' must be lowercase letters, digits and '-'", name=name))
                continue
            settings.procedures[name] = _read_procedure(steps, ("procedures", name), report)
    notice = r.data.get("notice")
    if notice is not None:
        n = _Reader(notice, ("notice",), report, NOTICE_KEYS, "[notice]")
        for key in NOTICE_KEYS:
            value = n.duration(key)
            if value is not None:
                settings.notice[key] = value
    for i, item in enumerate(r.tables("sectors")):
        s = _Reader(item, ("sectors", i), report, CUSTOM_SECTOR_KEYS, "[[sectors]]")
        sid = s.text("id", required=True)
        label = s.text("label", required=True)
        if sid is not None and not is_slug(sid):
            report(("sectors", i, "id"), t("sector id '{id}' must be lowercase letters, digits and '-'", id=sid))
            sid = None
        if sid and label:
            settings.sectors.append(
                CustomSector(sid, label, s.text("label_id"), s.strings("aliases"), s.text("parent"))
            )
    return settings


def _read_lang(r: _Reader) -> str | None:
    """`lang = "id"`: the language coopctl speaks for this store (unless --lang or COOPCTL_LANG say otherwise)."""
    from coopctl import i18n

    lang = r.text("lang")
    if lang is not None and i18n.known(lang) != lang:
        r.report(("lang",), t("'lang' is '{value}'; use one of: {choices}", value=lang, choices=", ".join(i18n.available())))
        return None
    return lang


def _read_procedure(data: Any, path: tuple, report: Report) -> list[Step]:
    """`[procedures.NAME]`: one line per step, `id = "15m"` (how long before the term's end),
    or `id = { before = "6m", label = "Telaah hukum" }` to give a step of the store's own a label."""
    if not isinstance(data, dict):
        report(path, t("[procedures.{name}] must be a table of steps, such as evaluation = \"15m\"", name=path[-1]))
        return []
    steps = []
    for sid, value in data.items():
        where = path + (sid,)
        if not is_slug(sid):
            report(where, t("step id '{id}' must be lowercase letters, digits and '-', such as dprd-approval", id=sid))
            continue
        label = None
        if isinstance(value, dict):
            s = _Reader(value, where, report, STEP_KEYS, t("step '{id}'", id=sid))
            before = s.duration("before")
            label = s.text("label")
            if "before" not in value:
                report(where, t("step '{id}' needs 'before', such as before = \"6m\"", id=sid))
        elif isinstance(value, str):
            try:
                before = parse_duration(value)
            except DateError as e:
                report(where, str(e))
                before = None
        else:
            report(where, t("step '{id}' must be a duration such as \"15m\", or a table {{ before = \"15m\", label = \"...\" }}",
                            id=sid))
            before = None
        if before is not None:
            steps.append(Step(sid, before, label))
    return steps


def read_partner(partner_id: str, data: Any, report: Report, vocabulary: Vocabulary) -> Partner | None:
    r = _Reader(data, (), report, PARTNER_KEYS, t("a partner file"))
    if not r.ok:
        return None
    kind = r.text("kind", required=True, choices=PARTNER_KINDS)
    country = r.text("country")
    if country is not None and country not in COUNTRY_CODES:
        hint = t("; did you mean {names}?", names=country.upper()) if country.upper() in COUNTRY_CODES else ""
        report(("country",), t("country '{value}' is not an ISO 3166-1 alpha-2 code such as ID, AU or JP{hint}",
                               value=country, hint=hint))
    elif country is None and kind is not None and kind != "international-org":
        report((), t("missing required key 'country' (an ISO 3166-1 alpha-2 code such as AU)"))
    partner = Partner(
        id=partner_id,
        name=r.text("name", required=True) or partner_id,
        kind=kind or "foreign-institution",
        country=country,
        local_name=r.text("local_name"),
        level=r.text("level", choices=LEVELS),
        since=r.partial_date("since"),
        notes=r.text("notes"),
        sources=r.strings("sources"),
    )
    for i, item in enumerate(r.tables("contacts")):
        c = _Reader(item, ("contacts", i), report, CONTACT_KEYS, "[[contacts]]")
        partner.contacts.append(
            Contact(c.text("name", required=True) or "", c.text("role"), c.text("email"), c.text("phone"))
        )
    for i, item in enumerate(r.tables("agreements")):
        agreement = _read_agreement(partner_id, item, ("agreements", i), report, vocabulary)
        if agreement is not None:
            partner.agreements.append(agreement)
    return partner


def _read_agreement(partner_id: str, data: Any, path: tuple, report: Report, vocabulary: Vocabulary) -> Agreement | None:
    r = _Reader(data, path, report, AGREEMENT_KEYS, "[[agreements]]")
    if not r.ok:
        return None
    aid = r.text("id", required=True)
    if aid is not None and not is_slug(aid):
        report(path + ("id",), t("agreement id '{id}' must be 1-64 lowercase letters, digits and '-' (a slug)", id=aid))
        aid = None
    agreement = Agreement(
        id=aid or f"<agreement {path[-1] + 1}>",
        partner_id=partner_id,
        title=r.text("title", required=True) or "",
        type=r.text("type", required=True, choices=AGREEMENT_TYPES) or "other",
        unit=r.text("unit"),
        notice=r.duration("notice"),
        terminated=r.partial_date("terminated"),
        termination_reason=r.text("termination_reason"),
        notes=r.text("notes"),
        sources=r.strings("sources"),
        procedure=r.text("procedure"),
    )
    if agreement.procedure is not None and not is_slug(agreement.procedure):
        report(path + ("procedure",), t("procedure '{name}' must be the name of one in the settings' [procedures]",
                                        name=agreement.procedure))
        agreement.procedure = None
    sectors = r.data.get("sectors", [])
    if not isinstance(sectors, list):
        report(path + ("sectors",), t("'sectors' must be a list, such as [\"education\", \"trade\"]"))
        sectors = []
    for i, item in enumerate(sectors):
        entry = _read_sector(item, path + ("sectors", i), report, vocabulary)
        if entry is None:
            continue
        if entry.until is None and agreement.open_sector(entry.id) is not None:
            report(path + ("sectors", i), t("sector '{id}' is listed twice (give the earlier one an 'until' if it was "
                                            "removed and added again)", id=entry.id))
            continue
        if entry.since is not None and entry.until is not None and entry.until.last_day() < entry.since.first_day():
            report(path + ("sectors", i), t("sector '{id}' is removed ({until}) before it was added ({since})",
                                            id=entry.id, until=entry.until, since=entry.since))
        agreement.sectors.append(entry)
    for i, item in enumerate(r.tables("terms")):
        term = _read_term(item, path + ("terms", i), report)
        if term is not None:
            agreement.terms.append(term)
    if not r.data.get("terms"):
        report(path, t("agreement '{id}' has no [[agreements.terms]]; give at least its start", id=agreement.id))
    if sum(term.pending for term in agreement.terms) > 1:
        report(path, t("agreement '{id}' has more than one pending term", id=agreement.id))
    for i, item in enumerate(r.tables("milestones")):
        milestone = _read_milestone(item, path + ("milestones", i), report)
        if milestone is not None:
            agreement.milestones.append(milestone)
    known = {s.id for s in agreement.sectors}
    for i, item in enumerate(r.tables("activities")):
        activity = _read_activity(item, path + ("activities", i), report)
        if activity is None:
            continue
        if activity.sector not in known:
            report(path + ("activities", i, "sector"),
                   t("activity sector '{sector}' is not one of the agreement's sectors ({known})", sector=activity.sector,
                     known=", ".join(sorted(known)) or t("none")))
        agreement.activities.append(activity)
    return agreement


def _read_sector(item: Any, path: tuple, report: Report, vocabulary: Vocabulary) -> AgreementSector | None:
    if isinstance(item, str):
        sid, since, until, basis = item, None, None, None
    else:
        s = _Reader(item, path, report, SECTOR_KEYS, t("a sector entry"))
        if not s.ok:
            return None
        sid = s.text("id", required=True)
        since, until, basis = s.partial_date("since"), s.partial_date("until"), s.text("basis")
        if sid is None:
            return None
    if sid not in vocabulary:
        try:
            canonical = vocabulary.resolve(sid)
            report(path, t("sector '{text}' must be written by its id: '{id}'", text=sid, id=canonical))
        except SectorError as e:
            report(path, str(e))
        return None
    return AgreementSector(shared(sid), since, until, basis)


def _read_term(item: Any, path: tuple, report: Report) -> Term | None:
    r = _Reader(item, path, report, TERM_KEYS, "[[agreements.terms]]")
    if not r.ok:
        return None
    start = r.partial_date("start", required=True)
    end = r.partial_date("end")
    if start is not None and end is not None and end.last_day() < start.first_day():
        report(path + ("end",), t("term ends ({end}) before it starts ({start})", end=end, start=start))
    term = Term(
        start=start or PartialDate(1, 1, 1),
        end=end,
        signed=r.partial_date("signed"),
        pending=r.flag("pending"),
        number=r.text("number"),
        place=r.text("place"),
        note=r.text("note"),
    )
    return term if start is not None else None


def _read_milestone(item: Any, path: tuple, report: Report) -> Milestone | None:
    r = _Reader(item, path, report, MILESTONE_KEYS, "[[agreements.milestones]]")
    if not r.ok:
        return None
    sid = r.text("id", required=True)
    if sid is not None and not is_slug(sid):
        report(path + ("id",), t("milestone id '{id}' must be a step id such as dprd-approval", id=sid))
        sid = None
    when = r.partial_date("date", required=True)
    milestone = Milestone(sid or "", when or PartialDate(1), r.partial_date("term_end"), r.text("ref"), r.text("note"),
                          r.flag("undone"))
    return milestone if sid and when else None


def _read_activity(item: Any, path: tuple, report: Report) -> Activity | None:
    r = _Reader(item, path, report, ACTIVITY_KEYS, "[[agreements.activities]]")
    if not r.ok:
        return None
    when = r.partial_date("date", required=True)
    sector = r.text("sector", required=True)
    summary = r.text("summary", required=True)
    kind = r.text("type", choices=ACTIVITY_TYPES) or "note"
    currency = r.text("currency")
    value = r.integer("value", minimum=0)
    if value is not None and currency is None:
        report(path + ("value",), t("'value' needs a 'currency' such as \"IDR\""))
    if currency is not None and not (len(currency) == 3 and currency.isascii() and currency.isupper()):
        report(path + ("currency",), t("currency '{value}' must be a three-letter code such as IDR or AUD", value=currency))
    activity = Activity(
        date=when or PartialDate(1),
        sector=sector or "",
        summary=summary or "",
        type=kind,
        participants=r.integer("participants", minimum=0),
        value=value,
        currency=currency,
        source=r.text("source"),
    )
    if when is None or sector is None or summary is None:
        return None
    return activity


# ---------------------------------------------------------------- writing

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
        if value is None or value is False or value == []:
            continue
        if isinstance(value, list):
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
        ("kind", partner.kind), ("level", partner.level), ("since", partner.since),
        ("notes", partner.notes), ("sources", partner.sources),
    ])
    for contact in partner.contacts:
        lines += ["", "[[contacts]]"] + _block([
            ("name", contact.name), ("role", contact.role), ("email", contact.email), ("phone", contact.phone),
        ])
    for a in partner.agreements:
        lines += ["", "[[agreements]]"] + _block([
            ("id", a.id), ("title", a.title), ("type", a.type),
            ("sectors", [_sector_entry(s) for s in a.sectors]),
            ("unit", a.unit), ("notice", a.notice), ("procedure", a.procedure), ("terminated", a.terminated),
            ("termination_reason", a.termination_reason), ("notes", a.notes), ("sources", a.sources),
        ])
        for t in a.terms:
            lines += ["", "[[agreements.terms]]"] + _block([
                ("start", t.start), ("end", t.end), ("signed", t.signed), ("pending", t.pending),
                ("number", t.number), ("place", t.place), ("note", t.note),
            ])
        for m in a.milestones:
            lines += ["", "[[agreements.milestones]]"] + _block([
                ("id", m.id), ("date", m.date), ("term_end", m.term_end), ("ref", m.ref), ("note", m.note),
                ("undone", m.undone),
            ])
        for act in a.activities:
            lines += ["", "[[agreements.activities]]"] + _block([
                ("date", act.date), ("sector", act.sector), ("type", act.type),
                ("summary", act.summary), ("participants", act.participants), ("value", act.value),
                ("currency", act.currency), ("source", act.source),
            ])
    return "\n".join(lines) + "\n"


def _step_value(step: Step) -> str:
    before = _literal(f"{step.before.amount}{step.before.unit}")  # "12m", not "1y": steps read as months
    return before if step.label is None else f"{{ before = {before}, label = {_literal(step.label)} }}"


def dump_settings(settings: Settings) -> str:
    lines = _block([("owner", settings.owner), ("lang", settings.lang), ("dormant_months", settings.dormant_months),
                    ("stalled_months", settings.stalled_months)])
    lines += _block([("review_months", settings.review_months)])
    lines += ["", "[notice]"] + _block(list(settings.notice.items()))
    for name, steps in settings.procedures.items():
        lines += ["", f"[procedures.{name}]"] + [f"{step.id} = {_step_value(step)}" for step in steps]
    for s in settings.sectors:
        lines += ["", "[[sectors]]"] + _block([
            ("id", s.id), ("label", s.label), ("label_id", s.label_id), ("aliases", s.aliases), ("parent", s.parent),
        ])
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
