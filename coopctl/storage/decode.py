"""Parsed store files (plain TOML data) to records, every problem reported with the path of its value.

`Decoder` holds what one load shares: the vocabulary, and one object for each
equal short string, date and plain sector entry (records are frozen, so they
may be shared: a large store repeats its days and sector ids thousands of
times, and the cache then stores each once). Problems go to `report(path,
message)`, so the loader can name file, line and column.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, Callable, Iterator

from coopctl.core.checks import MAX_INTEGER  # TOML's integers are 64-bit
from coopctl.core.countries import COUNTRY_CODES
from coopctl.core.dates import (
    MAX_DAY,
    MAX_MONTHS,
    MIN_DAY,
    UNKNOWN_DAY,
    DateError,
    Duration,
    PartialDate,
    parse_duration,
    parse_stored,
)
from coopctl.core.ids import is_slug
from coopctl.core.records import (
    ACTIVITY_TYPES,
    AGREEMENT_TYPES,
    CATEGORIES,
    LEVELS,
    PARTNER_KINDS,
    Activity,
    Agreement,
    AgreementSector,
    Contact,
    CustomSector,
    DOCUMENT_KINDS,
    Document,
    Milestone,
    Partner,
    Settings,
    Step,
    Term,
    default_procedures,
    DEFAULT_NOTICE,
)
from coopctl.core.sectors import SectorError, Vocabulary
from coopctl.i18n import t

Report = Callable[[tuple, str], None]

_MISSING = object()

SETTINGS_KEYS = ("owner", "lang", "dormant_months", "stalled_months", "review_months", "notice", "procedures", "sectors",
                 "sector_aliases", "max_term_years")
STEP_KEYS = ("before", "after", "label", "conditional", "assumed")
NOTICE_KEYS = ("foreign", "domestic") + PARTNER_KINDS
CUSTOM_SECTOR_KEYS = ("id", "label", "label_id", "aliases", "parent")
PARTNER_KEYS = ("name", "local_name", "country", "kind", "level", "since", "assumed", "notes", "sources", "contacts",
                "agreements")
CONTACT_KEYS = ("name", "role", "email", "phone")
AGREEMENT_KEYS = (
    "id", "title", "type", "category", "under", "sectors", "unit", "notice", "terminated", "termination_reason",
    "notes", "sources", "terms", "activities", "procedure", "milestones", "documents", "extra",
)
SECTOR_KEYS = ("id", "since", "until", "basis")
TERM_KEYS = ("start", "end", "signed", "pending", "recorded", "lapse_before", "number", "place", "note", "assumed",
             "signatories", "partner_number")
ACTIVITY_KEYS = ("date", "sector", "type", "summary", "participants", "value", "currency", "source", "assumed")
MILESTONE_KEYS = ("id", "date", "term_end", "ref", "note", "undone", "not_needed")
DOCUMENT_KEYS = ("kind", "name", "size", "sha256", "media_type", "number", "date", "title", "term_start", "step")

_FULL_DATE_STRINGS: ContextVar[bool] = ContextVar("full_date_strings", default=False)


@contextmanager
def full_dates_as_strings() -> Iterator[None]:
    """Read data that holds every date as a string (a JSON export): "2023-08-22" is a date there."""
    token = _FULL_DATE_STRINGS.set(True)
    try:
        yield
    finally:
        _FULL_DATE_STRINGS.reset(token)


def type_name(value: Any) -> str:
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


# The built-in procedures of coopctl 0.1 (before the regulation's order of issue 15): a store whose settings still
# hold one of them word for word gets the current built-in one instead; its milestone records keep their ids
# (playbook.STEP_ALIASES maps the two that changed name).
OLD_DEFAULTS = {
    "foreign": (("evaluation", 15), ("draft", 12), ("dprd-letter", 10), ("dprd-approval", 8), ("ministry-approval", 4),
                ("signing", 1)),
    "domestic": (("evaluation", 6), ("draft", 4), ("dprd-approval", 3), ("signing", 1)),
}


def procedures_now(steps: tuple[Step, ...], name: str) -> tuple[Step, ...]:
    old = OLD_DEFAULTS.get(name)
    if old is not None and tuple((s.id, s.before.amount) for s in steps if s.before.unit == "m" and not s.label) == old \
            and len(steps) == len(old):
        return default_procedures()[name]
    return steps


class Decoder:
    """Reads records for one load (see the module docstring)."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self._strings: dict[str, str] = {}
        self._dates: dict[date, PartialDate] = {}
        self._partial: dict[str, PartialDate] = {}  # "2022-09" -> its date (a partial date written as a string)
        self._sectors: dict[str, AgreementSector] = {}

    def shared(self, text: str) -> str:
        if len(text) > 64:
            return text
        return self._strings.setdefault(text, text)

    def day(self, value: date) -> PartialDate:
        known = self._dates.get(value)
        if known is None:
            known = self._dates[value] = PartialDate.from_date(value)
        return known

    def sector(self, sector_id: str) -> AgreementSector:
        known = self._sectors.get(sector_id)
        if known is None:
            known = self._sectors[sector_id] = AgreementSector(self.shared(sector_id))
        return known

    def read_date(self, value: Any, path: tuple, key: str, report: Report) -> PartialDate | None:
        """A date as the store holds it: a bare TOML date, or "YYYY" / "YYYY-MM" for partial ones."""
        if isinstance(value, datetime):
            report(path, t("'{key}' must be a date without a time, such as {example}", key=key,
                           example=value.date().isoformat()))
            return None
        if isinstance(value, date):
            if not MIN_DAY <= value <= MAX_DAY:  # TOML takes years from 0001 to 9999
                report(path, t("'{key}' is {value}, outside the dates coopctl keeps ({first} to {last})", key=key,
                               value=value.isoformat(), first=MIN_DAY, last=MAX_DAY))
                return None
            return self.day(value)
        if isinstance(value, str):
            parsed = self._partial.get(value)
            if parsed is None:
                try:
                    parsed = parse_stored(value)
                except DateError as e:
                    report(path, f"'{key}': {e}")
                    return None
                self._partial[value] = parsed  # one record per date a load reads, as `day` gives
            if parsed.day is not None and not _FULL_DATE_STRINGS.get():
                report(path, t("'{key}' is a full date written as a string; write it without quotes: {key} = {value}",
                               key=key, value=value))
                return None
            return parsed
        report(path, t("'{key}' must be a date such as 2023-08-22, or \"2023-08\" / \"2023\" when only the month or year "
                       "is known; not {type}", key=key, type=type_name(value)))
        return None

    def fields(self, data: Any, path: tuple, report: Report, keys: tuple[str, ...], what: str) -> Fields:
        return Fields(self, data, path, report, keys, what)

    # ------------------------------------------------------------ a partner file

    def partner(self, partner_id: str, data: Any, report: Report) -> Partner | None:
        r = self.fields(data, (), report, PARTNER_KEYS, t("a partner file"))
        if not r.ok:
            return None
        kind = r.text("kind", required=True, choices=PARTNER_KINDS)
        country = r.text("country")
        if country is not None and country not in COUNTRY_CODES:
            hint = t("; did you mean {names}?", names=country.upper()) if country.upper() in COUNTRY_CODES else ""
            report(("country",), t("country '{value}' is not an ISO 3166-1 alpha-2 code such as ID, AU or JP{hint}",
                                   value=country, hint=hint))
        elif country is None and "country" not in r.data and kind is not None and kind != "international-org":
            report((), t("missing required key 'country' (an ISO 3166-1 alpha-2 code such as AU)"))
        name, local_name = r.text("name", required=True) or partner_id, r.text("local_name")
        level, since, notes, sources = r.text("level", choices=LEVELS), r.partial_date("since"), r.text("notes"), \
            r.strings("sources")
        assumed = r.assumed(("since",))
        contacts = []
        for i, item in enumerate(r.tables("contacts")):
            c = self.fields(item, ("contacts", i), report, CONTACT_KEYS, "[[contacts]]")
            contacts.append(Contact(c.text("name", required=True) or "", c.text("role"), c.text("email"),
                                    c.text("phone")))
        agreements = []
        for i, item in enumerate(r.tables("agreements")):
            agreement = self.agreement(partner_id, item, ("agreements", i), report)
            if agreement is not None:
                agreements.append(agreement)
        return Partner(partner_id, name, kind or "foreign-institution", country, local_name, level, since, notes,
                       sources, tuple(contacts), tuple(agreements), assumed)

    def agreement(self, partner_id: str, data: Any, path: tuple, report: Report) -> Agreement | None:
        r = self.fields(data, path, report, AGREEMENT_KEYS, "[[agreements]]")
        if not r.ok:
            return None
        aid = r.text("id", required=True)
        if aid is not None and not is_slug(aid):
            report(path + ("id",), t("agreement id '{id}' must be 1-64 lowercase letters, digits and '-' (a slug)", id=aid))
            aid = None
        aid = aid or f"<agreement {path[-1] + 1}>"
        title = r.text("title", required=True) or ""
        kind = r.text("type", required=True, choices=AGREEMENT_TYPES) or "other"
        unit, notice, terminated = r.text("unit"), r.duration("notice"), r.partial_date("terminated")
        reason, notes, sources = r.text("termination_reason"), r.text("notes"), r.strings("sources")
        procedure = r.text("procedure")
        if procedure is not None and not is_slug(procedure):
            report(path + ("procedure",), t("procedure '{name}' must be the name of one in the settings' [procedures]",
                                            name=procedure))
            procedure = None
        under = r.text("under")
        if under is not None and not is_slug(under):
            report(path + ("under",), t("'under' must be the id of another agreement, such as jatim-kaltim-kb-2022"))
            under = None
        category = r.text("category", choices=CATEGORIES)
        sectors: list[AgreementSector] = []
        items = r.data.get("sectors", [])
        if not isinstance(items, list):
            report(path + ("sectors",), t("'sectors' must be a list, such as [\"education\", \"trade\"]"))
            items = []
        for i, item in enumerate(items):
            entry = self.sector_entry(item, path + ("sectors", i), report)
            if entry is not None:
                sectors.append(entry)
        terms = [self.term(item, path + ("terms", i), report) for i, item in enumerate(r.tables("terms"))]
        milestones = [self.milestone(item, path + ("milestones", i), report)
                      for i, item in enumerate(r.tables("milestones"))]
        activities = [self.activity(item, path + ("activities", i), report)
                      for i, item in enumerate(r.tables("activities"))]
        documents = [self.document(item, path + ("documents", i), report)
                     for i, item in enumerate(r.tables("documents"))]
        extra = self.extra(r.data.get("extra", _MISSING), path + ("extra",), report)
        return Agreement(aid, partner_id, title, kind, tuple(sectors), unit, notice, terminated, reason, notes, sources,
                         tuple(x for x in terms if x), tuple(x for x in activities if x), procedure,
                         tuple(x for x in milestones if x), under, category, tuple(x for x in documents if x), extra)

    def extra(self, data: Any, path: tuple, report: Report) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """`[agreements.extra]`: what an imported sheet held beyond coopctl's fields, each column a text or a
        list of texts (one per row that gave a different one)."""
        if data is _MISSING:
            return ()
        if not isinstance(data, dict):
            report(path, t("'extra' must be a table of texts, such as [agreements.extra] with source = \"...\""))
            return ()
        pairs = []
        for key, value in data.items():
            values = (value,) if isinstance(value, str) else value
            if not isinstance(values, list | tuple) or not values or not all(isinstance(v, str) for v in values):
                report(path + (key,), t("'{key}' in [agreements.extra] must be a text or a list of texts", key=key))
                continue
            pairs.append((key, tuple(values)))
        return tuple(pairs)

    def sector_entry(self, item: Any, path: tuple, report: Report) -> AgreementSector | None:
        if isinstance(item, str):
            sid, since, until, basis = item, None, None, None
        else:
            s = self.fields(item, path, report, SECTOR_KEYS, t("a sector entry"))
            if not s.ok:
                return None
            sid = s.text("id", required=True)
            since, until, basis = s.partial_date("since"), s.partial_date("until"), s.text("basis")
            if sid is None:
                return None
        if sid not in self.vocabulary:
            try:
                canonical = self.vocabulary.resolve(sid)
                report(path, t("sector '{text}' must be written by its id: '{id}'", text=sid, id=canonical))
            except SectorError as e:
                report(path, str(e))
            return None
        if since is None and until is None and basis is None:
            return self.sector(sid)
        return AgreementSector(self.shared(sid), since, until, basis)

    def term(self, item: Any, path: tuple, report: Report) -> Term | None:
        r = self.fields(item, path, report, TERM_KEYS, "[[agreements.terms]]")
        if not r.ok:
            return None
        start, end = r.partial_date("start", required=True), r.partial_date("end")
        signed, pending, recorded = r.partial_date("signed"), r.flag("pending"), r.partial_date("recorded")
        lapse_before = r.flag("lapse_before")
        number, place, note = r.text("number"), r.text("place"), r.text("note")
        assumed = r.assumed(("start", "end", "signed", "number", "place"))
        return Term(start or UNKNOWN_DAY, end, signed, pending, number, place, note, recorded, lapse_before, assumed,
                    r.strings("signatories"), r.text("partner_number"))

    def milestone(self, item: Any, path: tuple, report: Report) -> Milestone | None:
        r = self.fields(item, path, report, MILESTONE_KEYS, "[[agreements.milestones]]")
        if not r.ok:
            return None
        sid = r.text("id", required=True)
        if sid is not None and not is_slug(sid):
            report(path + ("id",), t("milestone id '{id}' must be a step id such as dprd-approval", id=sid))
            sid = None
        when = r.partial_date("date", required=True)
        term_end, ref, note, undone = r.partial_date("term_end"), r.text("ref"), r.text("note"), r.flag("undone")
        not_needed = r.flag("not_needed")
        if undone and not_needed:
            report(path, t("a milestone record is either 'undone' or 'not_needed', not both"))
        return Milestone(sid or "", when or UNKNOWN_DAY, term_end, ref, note, undone, not_needed)

    def document(self, item: Any, path: tuple, report: Report) -> Document | None:
        r = self.fields(item, path, report, DOCUMENT_KEYS, "[[agreements.documents]]")
        if not r.ok:
            return None
        kind = r.text("kind", required=True, choices=DOCUMENT_KINDS)
        name, size, sha = r.text("name", required=True), r.integer("size", minimum=1), r.text("sha256", required=True)
        if "size" not in r.data:
            report(path, t("missing required key '{key}'", key="size"))
        if sha is not None and not (len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)):
            report(path + ("sha256",), t("'sha256' must be 64 lowercase hexadecimal digits"))
            sha = None
        step = r.text("step")
        if step is not None and not is_slug(step):
            report(path + ("step",), t("milestone id '{id}' must be a step id such as dprd-approval", id=step))
        if None in (kind, name, size, sha):
            return None
        return Document(kind, name, size, sha, r.text("media_type"), r.text("number"), r.partial_date("date"),  # type: ignore[arg-type]
                        r.text("title"), r.partial_date("term_start"), step)

    def activity(self, item: Any, path: tuple, report: Report) -> Activity | None:
        r = self.fields(item, path, report, ACTIVITY_KEYS, "[[agreements.activities]]")
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
            report(path + ("currency",), t("currency '{value}' must be a three-letter code such as IDR or AUD",
                                           value=currency))
        participants, source = r.integer("participants", minimum=0), r.text("source")
        assumed = r.assumed(("date", "sector"))
        return Activity(when or UNKNOWN_DAY, sector or "", summary or "", kind, participants, value, currency, source,
                        assumed)

    # ------------------------------------------------------------ the settings file

    def settings(self, data: Any, report: Report, fallback_owner: str) -> Settings:
        r = self.fields(data, (), report, SETTINGS_KEYS, t("the settings file"))
        owner = r.text("owner") or fallback_owner
        dormant = r.integer("dormant_months", minimum=1, maximum=MAX_MONTHS)
        stalled = r.integer("stalled_months", minimum=1, maximum=MAX_MONTHS)
        lang, review = self.lang(r), r.integer("review_months", minimum=1, maximum=MAX_MONTHS)
        procedures = default_procedures()
        declared = r.data.get("procedures")
        if declared is not None and not isinstance(declared, dict):
            report(("procedures",), t("'procedures' must hold tables such as [procedures.foreign]"))
        elif declared is not None:
            for name, steps in declared.items():
                if not is_slug(name):
                    report(("procedures", name), t("procedure name '{name}' must be lowercase letters, digits and '-'",
                                                   name=name))
                    continue
                procedures[name] = self.procedure(steps, ("procedures", name), report)
        notice = dict(DEFAULT_NOTICE)
        declared = r.data.get("notice")
        if declared is not None:
            n = self.fields(declared, ("notice",), report, NOTICE_KEYS, "[notice]")
            for key in NOTICE_KEYS:
                value = n.duration(key)
                if value is not None:
                    notice[key] = value
        sectors = []
        for i, item in enumerate(r.tables("sectors")):
            s = self.fields(item, ("sectors", i), report, CUSTOM_SECTOR_KEYS, "[[sectors]]")
            sid = s.text("id", required=True)
            label = s.text("label", required=True)
            if sid is not None and not is_slug(sid):
                report(("sectors", i, "id"), t("sector id '{id}' must be lowercase letters, digits and '-'", id=sid))
                sid = None
            if sid and label:
                sectors.append(CustomSector(sid, label, s.text("label_id"), s.strings("aliases"), s.text("parent")))
        aliases = self.sector_aliases(r.data.get("sector_aliases", _MISSING), Vocabulary(sectors), report)
        longest = r.integer("max_term_years", minimum=1, maximum=MAX_MONTHS // 12)
        return Settings(owner, notice, tuple(sectors), dormant, stalled, review, procedures, lang, aliases, longest)

    def sector_aliases(self, data: Any, vocabulary: Vocabulary, report: Report) -> dict[str, tuple[str, ...]]:
        """`[sector_aliases]`: a phrase = the sector ids it stands for (`"health services" = ["health"]`)."""
        if data is _MISSING:
            return {}
        if not isinstance(data, dict):
            report(("sector_aliases",), t("'sector_aliases' must be a table such as [sector_aliases] with "
                                          "\"health services\" = [\"health\"]"))
            return {}
        aliases = {}
        for phrase, ids in data.items():
            where = ("sector_aliases", phrase)
            ids = [ids] if isinstance(ids, str) else ids
            if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
                report(where, t("sector alias '{phrase}' must be a list of sector ids, such as [\"trade\", "
                                "\"investment\"]", phrase=phrase))
                continue
            unknown = [i for i in ids if i not in vocabulary]
            if unknown:
                report(where, t("sector alias '{phrase}' names unknown sector ids: {ids}", phrase=phrase,
                                ids=", ".join(unknown)))
                continue
            aliases[phrase] = tuple(ids)
        return aliases

    def lang(self, r: Fields) -> str | None:
        """`lang = "id"`: the language coopctl speaks for this store (unless --lang or COOPCTL_LANG say otherwise)."""
        from coopctl import i18n

        lang = r.text("lang")
        if lang is not None and i18n.known(lang) != lang:
            r.report(("lang",), t("'lang' is '{value}'; use one of: {choices}", value=lang,
                                  choices=", ".join(i18n.available())))
            return None
        return lang

    def procedure(self, data: Any, path: tuple, report: Report) -> tuple[Step, ...]:
        """`[procedures.NAME]`: one line per step, `id = "15m"` (how long before the term's end),
        or `id = { before = "6m", label = "Telaah hukum" }` to give a step of the store's own a label."""
        if not isinstance(data, dict):
            report(path, t("[procedures.{name}] must be a table of steps, such as evaluation = \"15m\"", name=path[-1]))
            return ()
        steps = []
        for sid, value in data.items():
            where = path + (sid,)
            if not is_slug(sid):
                report(where, t("step id '{id}' must be lowercase letters, digits and '-', such as dprd-approval", id=sid))
                continue
            label, conditional, assumed = None, False, False
            if isinstance(value, dict):
                s = self.fields(value, where, report, STEP_KEYS, t("step '{id}'", id=sid))
                before, after = s.duration("before"), s.duration("after")
                label, conditional, assumed = s.text("label"), s.flag("conditional"), s.flag("assumed")
                if ("before" in value) == ("after" in value):
                    report(where, t("step '{id}' needs 'before' (or, for a step after the term's end, 'after'), such "
                                    "as before = \"6m\"", id=sid))
                elif after is not None:
                    before = Duration(-after.amount, after.unit)
            elif isinstance(value, str):
                try:
                    before = parse_duration(value)
                except DateError as e:
                    report(where, str(e))
                    before = None
            else:
                report(where, t("step '{id}' must be a duration such as \"15m\", or a table "
                                "{{ before = \"15m\", label = \"...\" }}", id=sid))
                before = None
            if before is not None:
                steps.append(Step(sid, before, label, conditional, assumed))
        return procedures_now(tuple(steps), path[-1])


class Fields:
    """Typed access to one parsed table, reporting problems instead of raising."""

    def __init__(self, decoder: Decoder, data: Any, path: tuple, report: Report, keys: tuple[str, ...], what: str):
        self.decoder = decoder
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
            self.report(self.path + (key,), t("'{key}' must be a string, not {type}", key=key, type=type_name(value)))
            return None
        if required and not value.strip():
            self.report(self.path + (key,), t("'{key}' must not be empty", key=key))
            return None
        if choices is not None and value not in choices:
            self.report(self.path + (key,), t("'{key}' is '{value}'; use one of: {choices}", key=key, value=value,
                                              choices=", ".join(choices)))
            return None
        return self.decoder.shared(value)

    def integer(self, key: str, minimum: int | None = None, maximum: int = MAX_INTEGER) -> int | None:
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(self.path + (key,), t("'{key}' must be a whole number, not {type}", key=key,
                                              type=type_name(value)))
            return None
        if minimum is not None and value < minimum:
            self.report(self.path + (key,), t("'{key}' must be at least {minimum}", key=key, minimum=minimum))
            return None
        if value > maximum:
            self.report(self.path + (key,), t("'{key}' must be at most {maximum}", key=key, maximum=maximum))
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key, False)
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self.report(self.path + (key,), t("'{key}' must be true or false, not {type}", key=key,
                                              type=type_name(value)))
            return False
        return value

    def partial_date(self, key: str, required: bool = False) -> PartialDate | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        return self.decoder.read_date(value, self.path + (key,), key, self.report)

    def duration(self, key: str) -> Duration | None:
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.report(self.path + (key,), t("'{key}' must be a string such as \"18m\", not {type}", key=key,
                                              type=type_name(value)))
            return None
        try:
            return parse_duration(value)
        except DateError as e:
            self.report(self.path + (key,), str(e))
            return None

    def strings(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report(self.path + (key,), t("'{key}' must be a list of strings, such as [\"a\", \"b\"]", key=key))
            return ()
        return tuple(value)

    def assumed(self, allowed: tuple[str, ...]) -> tuple[str, ...]:
        """`assumed = ["start", "end"]`: which of this record's values no source gives."""
        names = self.strings("assumed")
        for name in names:
            if name not in allowed:
                self.report(self.path + ("assumed",), t("'assumed' names '{name}'; it may name: {choices}", name=name,
                                                        choices=", ".join(allowed)))
                return ()
        return names

    def tables(self, key: str) -> list[Any]:
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.report(self.path + (key,), t("'{key}' must be a list of tables ([[{key}]])", key=key))
            return []
        return value
