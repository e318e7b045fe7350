"""The report as a document (HTML, xlsx): the portfolio, coverage, the timeline, every agreement and the
activities of the last year, in one piece of plain data; and the public view of it.

Every fact comes from the one `queries.Snapshot`; this module only gathers what `reports` and `queries` make.
"""

from __future__ import annotations

from coopctl.app import queries, reports
from coopctl.core.dates import add_months

# What a government publishes of an agreement (the PPID's list): no notes, contacts, steps or files.
PUBLIC_FIELDS = ("id", "partner", "partner_id", "country", "kind", "type", "category", "title", "sectors",
                 "start", "end", "end_day", "state", "days_left", "number", "place", "assumed", "owner")
# The columns of `export --public`: the agreements sheet without the notes.
PUBLIC_EXPORT_COLUMNS = ("owner", "id", "partner", "partner_id", "local_name", "country", "kind", "level", "title",
                         "type", "sectors", "start", "end", "signed", "pending", "number", "place", "state")


def report_document(snapshot: queries.Snapshot, country: str | None = None, public: bool = False) -> dict:
    """`report --format html|xlsx`: everything the printed report shows, for one store."""
    portfolio = reports.portfolio_report(snapshot, country)
    coverage = reports.coverage_report(snapshot)
    wanted = {r["id"] for r in queries.list_rows(snapshot, country=country)}
    agreements = []
    for f in snapshot.facts:
        if f.agreement.id not in wanted:
            continue
        term = f.status.term or (f.agreement.terms[-1] if f.agreement.terms else None)
        agreements.append(snapshot.row(f) | {
            "number": term.number if term else None, "place": term.place if term else None,
            "documents": len(f.agreement.documents)})  # the files kept in the archive (`coopctl attach`)
    agreements.sort(key=lambda r: (r["partner"].casefold(), r["id"]))
    timeline = [r for r in queries.timeline_rows(snapshot) if r["id"] in wanted]
    since = add_months(snapshot.as_of, -12)
    activities = [a for a in queries.activity_rows(snapshot.store, snapshot.vocabulary, since=since,
                                                   until=snapshot.as_of)
                  if a["agreement"] in wanted]
    vocabulary = snapshot.vocabulary
    document = {
        "public": public,
        "portfolio": portfolio,
        "coverage": coverage,
        "agreements": agreements,
        "timeline": timeline,
        "activities": activities,
        "activities_since": since.isoformat(),
        "by_owner": [],
        "sector_labels": {sid: {"en": s.label, "id": s.label_id} for sid, s in vocabulary.sectors.items()},
    }
    return public_document(document) if public else document


def public_portfolio(portfolio: dict) -> dict:
    """The portfolio report without what stays inside the bureau: what needs attention (the steps of its plans),
    dormancy, stalled letters and partners with no agreement yet."""
    return {key: value for key, value in portfolio.items() if key != "partners_without_agreement"} | {
        "needs_attention": [], "dormant": [], "stalled": [], "partners_without_agreement": [], "public": True}


def public_document(document: dict) -> dict:
    """The report without what stays inside the bureau: steps, dormancy, activities, notes, files."""
    portfolio = public_portfolio(document["portfolio"])
    coverage = document["coverage"] | {"stalled": [], "prospects": []}
    return document | {
        "public": True,
        "portfolio": portfolio,
        "coverage": coverage,
        "agreements": [public_row(r) for r in document["agreements"]],
        "activities": [],
    }


def public_row(row: dict) -> dict:
    """An agreement row as the public may read it."""
    return {key: row[key] for key in PUBLIC_FIELDS if key in row}
