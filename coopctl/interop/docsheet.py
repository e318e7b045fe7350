"""The document records in a spreadsheet (issue 16): the `documents` sheet an xlsx export writes (one row per
document: its agreement, kind, original name, size, SHA-256, number, date, title, term and step; never the
bytes), and reading that sheet back on import, so that export -> import into an empty store keeps them.

`export --with-documents DIR` copies the stored files themselves next to the export (`copy_documents`).
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coopctl.core.dates import DateError, PartialDate, parse_stored
from coopctl.core.errors import CoopError
from coopctl.core.ids import fold
from coopctl.core.records import DOCUMENT_KINDS, Document, Store
from coopctl.i18n import t, tn
from coopctl.interop.cells import CellProblem, ImportProblems
from coopctl.interop.plan import Plan
from coopctl.storage import archive

SHEET = "documents"
COLUMNS = ("agreement", "kind", "name", "size", "sha256", "media_type", "number", "date", "title", "term", "step")
_SHA = re.compile(r"^[0-9a-f]{64}$")


def document_rows(store: Store) -> list[dict]:
    """One row per document record, by partner and agreement."""
    rows = []
    for partner_id in sorted(store.partners):
        for agreement in store.partners[partner_id].agreements:
            for d in agreement.documents:
                rows.append({"agreement": agreement.id, "kind": d.kind, "name": d.name, "size": d.size,
                             "sha256": d.sha256, "media_type": d.media_type, "number": d.number, "date": d.date,
                             "title": d.title, "term": str(d.term_start) if d.term_start else None, "step": d.step})
    return rows


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'"):  # an apostrophe that kept a formula-like text a text
        text = text[1:]
    return text or None


def _date(text: str | None) -> PartialDate | None:
    return parse_stored(text) if text else None


def read_documents(name: str, rows: list[tuple]) -> list[tuple[int, str, Document]]:
    """(sheet row, agreement id, record) for each row of a `documents` sheet; ImportProblems lists every bad one."""
    if not rows:
        return []
    header = [fold(_text(h) or "").replace("-", "_") for h in rows[0]]
    missing = [c for c in ("agreement", "kind", "name", "size", "sha256") if c not in header]
    if missing:
        raise ImportProblems(name, [CellProblem(name, 1, None, t("the documents sheet needs the columns {columns}",
                                                                   columns=", ".join(missing)))])
    found, problems = [], []
    for number, cells in enumerate(rows[1:], start=2):
        values = {key: _text(cells[i]) if i < len(cells) else None for i, key in enumerate(header) if key in COLUMNS}
        if not any(values.values()):
            continue
        try:
            kind, sha = values.get("kind"), (values.get("sha256") or "").lower()
            if kind not in DOCUMENT_KINDS:
                raise CoopError(t("'{value}' is not a document kind; use one of: {choices}", value=kind or "",
                                  choices=", ".join(DOCUMENT_KINDS)))
            if not _SHA.match(sha):
                raise CoopError(t("'{value}' is not a SHA-256 (64 hexadecimal digits)", value=values.get("sha256") or ""))
            size = int(float(values.get("size") or "x"))
            if size <= 0 or not values.get("agreement") or not values.get("name"):
                raise ValueError
            document = Document(kind, archive.clean_name(Path(values["name"])), size, sha, values.get("media_type"),
                                values.get("number"), _date(values.get("date")), values.get("title"),
                                _date(values.get("term")), values.get("step"))
        except (CoopError, DateError) as e:
            problems.append(CellProblem(name, number, None, str(e)))
            continue
        except ValueError:
            problems.append(CellProblem(name, number, None, t("a document needs its agreement, name and size (a whole "
                                                              "number of bytes)")))
            continue
        found.append((number, values["agreement"], document))
    if problems:
        raise ImportProblems(name, problems)
    return found


def merge_documents(plan: Plan, store: Store, name: str, rows: list[tuple]) -> None:
    """Add the sheet's document records to the agreements the import writes or the store holds (a record the
    agreement holds already is left as it is)."""
    added, problems = 0, []
    for number, agreement_id, document in read_documents(name, rows):
        partner = next((p for p in plan.partners.values() if _agreement(p, agreement_id)), None)
        if partner is None:
            found = store.find_agreement(agreement_id)
            partner = store.partners.get(found.partner_id) if found else None
        agreement = _agreement(partner, agreement_id) if partner else None
        if agreement is None:
            problems.append(CellProblem(name, number, None, t("no agreement '{id}' in the store or the file",
                                                              id=agreement_id)))
            continue
        if any(d.sha256 == document.sha256 and d.kind == document.kind and d.step == document.step
               and d.term_start == document.term_start for d in agreement.documents):
            continue
        plan.partners[partner.id] = partner.with_agreement(
            agreement._replace(documents=agreement.documents + (document,)))
        added += 1
    if problems:
        raise ImportProblems(name, problems)
    if added:
        plan.counts["documents_added"] += added
        plan.lines.append(tn("add {n} document record (the files stay to be attached or copied in)",
                             "add {n} document records (the files stay to be attached or copied in)", added))


def _agreement(partner, agreement_id: str):
    return next((a for a in partner.agreements if a.id == agreement_id), None)


def copy_documents(root: Path, store: Store, folder: Path) -> tuple[int, list[str]]:
    """Copy every recorded document kept in the store to `folder`, under its original (cleaned) name, made
    unique with the start of its SHA-256 when two share a name. Returns (files copied, warnings)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CoopError(t("cannot make the folder {folder}: {reason}", folder=folder, reason=e.strerror or e)) from None
    if not folder.is_dir():
        raise CoopError(t("{folder} is not a folder", folder=folder))
    copied, warnings, used, seen = 0, [], set(), set()
    for row in document_rows(store):
        if row["sha256"] in seen:
            continue
        seen.add(row["sha256"])
        stored = archive.kept(root, row["sha256"])
        if stored is None:
            warnings.append(t("{name} ({sha}) is not in the store; run coopctl check", name=row["name"],
                              sha=row["sha256"][:12]))
            continue
        name = archive.clean_name(Path(row["name"]))
        if name.casefold() in used or (folder / name).exists():
            stem, dot, extension = name.rpartition(".")
            name = f"{stem} ({row['sha256'][:8]}).{extension}" if dot and stem else f"{name} ({row['sha256'][:8]})"
        used.add(name.casefold())
        try:
            shutil.copyfile(root / stored, folder / name)
            altered = archive.hash_file(folder / name) != row["sha256"]
            if altered:  # changed in the store since it was attached: not the document, not handed out as it
                (folder / name).unlink()
        except OSError as e:
            raise CoopError(t("could not copy {name} to {folder}: {reason}", name=name, folder=folder,
                              reason=e.strerror or e)) from None
        if altered:
            used.discard(name.casefold())
            warnings.append(t("{name} ({sha}) has changed in the store since it was attached (its SHA-256 differs); "
                              "not copied; run coopctl check", name=row["name"], sha=row["sha256"][:12]))
            continue
        copied += 1
    return copied, warnings
