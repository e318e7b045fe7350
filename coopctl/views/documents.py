"""Markdown documents: the portfolio report and the coverage report as a head of bureau reads them."""

from __future__ import annotations

from coopctl import i18n
from coopctl.core.text import md_text
from coopctl.i18n import long_date, t
from coopctl.views import words
from coopctl.views.formats import md_table
from coopctl.views.listing import end_text, last_end_text


def coverage_markdown(data: dict, grid: list[dict]) -> str:
    columns = [("partner", t("Partner")), ("country", t("Country"))] + [(s, words.sector(s)) for s in data["sectors"]]
    none = "- " + t("none")
    out = [f"# {t('Coverage as of {date}', date=i18n.shown_date(data['as_of']))}", "",
           md_table(grid, columns), "", f"## {t('Sectors no agreement in force covers')}", ""]
    if i18n.language() == i18n.ENGLISH:
        out += [f"- {s['id']} ({t('{label} / {label_id}', label=md_text(s['label']), label_id=md_text(s['label_id']))})"
                for s in data["uncovered"]] or [none]
    else:  # the label in the language
        out += [f"- {md_text(s['label_id'])}" for s in data["uncovered"]] or [none]
    out += ["", f"## {t('Stalled letters of intent')}", ""]
    out += [f"- {s['id']}: {t('LoI of {date}, {months} months', date=i18n.shown_date(s['loi_date']), months=s['months'])}"
            for s in data["stalled"]] or [none]
    out += ["", f"## {t('Prospects')}", ""]
    out += [f"- {p['id']} ({md_text(p['name'])})" for p in data["prospects"]] or [none]
    return "\n".join(out)


def portfolio_markdown(data: dict) -> str:
    """The portfolio report as a document a head of bureau can read as it is."""
    owner = md_text(data["owner"])
    summary = t("As of {date}: {partners} partners, {agreements} agreements", date=long_date(data["as_of"]),
                partners=data["partners"], agreements=data["agreements"])
    if data.get("country"):
        summary += t(" (partners in {country})", country=data["country"])
    out = [f"# {t('Cooperation portfolio: {owner}', owner=owner)}", "", summary + ".", ""]
    public = data.get("public", False)  # what stays inside the bureau is left out, not reported as none
    if public:
        out += [t("Public version: without notes, contacts, internal steps and document files."), ""]
    none = t("None.")

    def count_table(key: str, title: str, column: str, unit: str, name=lambda k: k) -> list[str]:
        rows = [{"value": name(k), "count": n} for k, n in data[key].items() if n]
        return [f"## {title}", "", md_table(rows, [("value", column), ("count", unit)]) if rows else none, ""]

    out += count_table("by_state", t("Agreements by state"), t("State"), t("Agreements"), i18n.state)
    categories = [{"category": words.category(k), "agreements": c["agreements"], "in_force": c["in_force"]}
                  for k, c in data["by_category"].items()]
    out += [f"## {t('Agreements by legal category (PP 28/2018)')}", "",
            md_table(categories, [("category", t("Category")), ("agreements", t("Agreements")),
                                  ("in_force", t("In force"))]) if categories else none, ""]
    out += count_table("by_kind", t("Partners by kind"), t("Kind"), t("Partners"), words.kind)
    attention = [r | {"ends": end_text(r, long_date), "state": i18n.state(r["state"]), "days_left": words.days(r["days_left"])}
                 for r in data["needs_attention"]]
    out += [] if public else [f"## {t('Needs attention')}", "",
                              md_table(attention, [("partner", t("Partner")), ("title", t("Agreement")),
                                                   ("state", t("State")), ("ends", t("Term ends")),
                                                   ("days_left", t("Days left"))])
                              if attention else t("Nothing is due, renewing or lapsed."), ""]
    ending = [r | {"ends": last_end_text(r, long_date)} for r in data["ending_within_12_months"]]
    out += [f"## {t('Terms ending in the next 12 months')}", "",
            md_table(ending, [("partner", t("Partner")), ("title", t("Agreement")), ("ends", t("Ends"))]) if ending else none, ""]
    if any("end" in (r.get("assumed") or ()) for r in data["needs_attention"] + data["ending_within_12_months"]):
        out += [t("~ assumed: no source gives this date"), ""]
    dormant = [r | {"last": long_date(r["last_activity"]) or t("never")} for r in data["dormant"]]
    stalled = [s | {"since": long_date(s["loi_date"])} for s in data["stalled"]]
    if not public:
        out += [f"## {t('Dormant agreements')}", "",
                md_table(dormant, [("partner", t("Partner")), ("title", t("Agreement")), ("last", t("Last activity"))])
                if dormant else t("None: every agreement in force had an activity recently."), ""]
        out += [f"## {t('Stalled letters of intent')}", "",
                md_table(stalled, [("name", t("Partner")), ("since", t("Letter of intent signed"))]) if stalled else none,
                ""]
    out += count_table("by_sector", t("Sectors covered by agreements in force"), t("Sector"), t("Agreements"),
                       words.sector)
    separator = ", " if i18n.language() == i18n.ENGLISH else "; "  # Indonesian labels hold commas themselves
    out += [f"## {t('Sectors no agreement in force covers')}", "",
            separator.join(md_text(words.sector(s)) for s in data["uncovered_sectors"]) + "."
            if data["uncovered_sectors"] else none]
    return "\n".join(out)
