"""The archive of signed documents: attach a file to an agreement (or to a step of its procedure), list what is
kept and what is missing, detach, search.

A document is copied into the store by `storage.archive` and recorded in the agreement's
`[[agreements.documents]]`, in one transaction (`Transaction.add_file`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from coopctl.core.dates import PartialDate
from coopctl.core.errors import CoopError, UsageError
from coopctl.core.ids import fold_words, require_agreement
from coopctl.core.records import LETTER_STEPS, Agreement, Document, Milestone, Partner, Store, Term
from coopctl.i18n import t
from coopctl.storage import archive, doctrash, trash
from coopctl.storage.journal import FileOp
from coopctl.storage.transaction import Transaction


class Attach(NamedTuple):
    """What `coopctl attach` records besides the file itself."""

    kind: str = "signed-text"
    number: str | None = None
    date: PartialDate | None = None
    title: str | None = None
    term: PartialDate | None = None  # the start of the term it belongs to; None: the latest signed term
    step: str | None = None


def term_for(agreement: Agreement, start: PartialDate | None) -> Term | None:
    """The term starting at `start`; without it, the latest signed term (else the pending one)."""
    if start is None:
        signed = agreement.signed_terms()
        return signed[-1] if signed else agreement.pending_term()
    for term in agreement.terms:
        if term.start == start or term.start.first == start.first:
            return term
    starts = ", ".join(str(term.start) for term in agreement.terms) or t("none")
    raise CoopError(t("{id} has no term starting {start} (its terms start: {starts})", id=agreement.id, start=start,
                      starts=starts), field="term")


def attach(tx: Transaction, agreement_id: str, source: Path, what: Attach, force: bool = False,
           dry_run: bool = False, temporaries: list[str] | None = None) -> tuple[str, Document, list[str]]:
    """Copy `source` into the store and record it with the agreement, in `tx`. Returns (what changed, the record,
    warnings). With `dry_run` the file is only hashed, never copied. The temporary copy's name goes into
    `temporaries`: the caller removes it if the change fails (`archive.discard_unfinished`)."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    term = term_for(agreement, what.term)
    size, warnings = archive.check_source(source, force)
    root = tx.loaded.root
    if dry_run:
        name = archive.clean_name(source)
        document = Document(what.kind, name, size, archive.hash_file(source), None, what.number, what.date,
                            what.title, term.start if term else None, what.step)
    else:
        incoming = archive.copy_in(root, source)
        if temporaries is not None:
            temporaries.append(incoming.temporary)
        warnings += [incoming.warning] if incoming.warning else []
        document = Document(what.kind, incoming.name, incoming.size, incoming.sha256, incoming.media_type,
                            what.number, what.date, what.title, term.start if term else None, what.step)
        if incoming.media_type == "application/pdf" and not archive.read_text(root, incoming.sha256):
            text, warning = archive.extract_text(root / incoming.temporary, incoming.name)
            warnings += [warning] if warning else []
            if text:
                tx.add_file(FileOp("write", archive.text_path(incoming.sha256), data=text.encode("utf-8")))
        if archive.kept(root, incoming.sha256):
            archive.discard(root, incoming.temporary)  # the same content is kept once
        else:
            tx.add_file(FileOp("move", incoming.temporary, to=incoming.path))
    same = next((d for d in agreement.documents if d.sha256 == document.sha256 and d.kind == document.kind
                 and d.step == document.step and d.term_start == document.term_start), None)
    if same is not None:
        raise CoopError(t("{id} already holds this file as its {kind} ({sha})", id=agreement.id, kind=same.kind,
                          sha=same.sha256[:12]))
    tx.put(partner.with_agreement(agreement._replace(documents=agreement.documents + (document,))))
    message = t("attached {name} ({kind}, {sha}) to {id}", name=document.name, kind=document.kind,
                sha=document.sha256[:12], id=agreement.id)
    return message, document, warnings


def find_document(agreement: Agreement, prefix: str, kind: str | None = None) -> Document:
    """The agreement's document whose SHA-256 starts with `prefix` (of `kind`, where one file is kept as several
    kinds: a draft that became the signed text)."""
    prefix = prefix.strip().lower()
    found = [d for d in agreement.documents if d.sha256.startswith(prefix)] if prefix else []
    found = [d for d in found if d.kind == kind] if kind is not None and found else found
    if len(found) == 1:
        return found[0]
    if not found:
        have = ", ".join(d.sha256[:12] + (f" ({d.kind})" if kind else "") for d in agreement.documents) or t("none")
        raise CoopError(t("{id} has no document whose SHA-256 starts with '{prefix}' (its documents: {have})",
                          id=agreement.id, prefix=prefix, have=have))
    if len({d.sha256 for d in found}) == 1:  # one file, recorded more than once: more digits cannot tell them apart
        raise CoopError(t("{id} holds this file {n} times ({kinds}); say which with --kind", id=agreement.id,
                          n=len(found), kinds=", ".join(d.kind for d in found)), field="kind")
    raise CoopError(t("'{prefix}' names {n} documents of {id}; give more of the SHA-256", prefix=prefix, n=len(found),
                      id=agreement.id))


def detach(tx: Transaction, agreement_id: str, prefix: str, trash_name: str, kind: str | None = None) -> str:
    """Remove a document's record; its file goes to the trash (`trash_name`) when no other record names it."""
    partner, agreement = require_agreement(tx.store, agreement_id)
    document = find_document(agreement, prefix, kind)
    kept = tuple(d for d in agreement.documents if d is not document)
    tx.put(partner.with_agreement(agreement._replace(documents=kept)))
    others = any(d.sha256 == document.sha256 for a in tx.store.agreements() for d in a.documents)
    path = archive.kept(tx.loaded.root, document.sha256)
    name = trash._entry_name(tx.loaded.root, doctrash.record_name(partner, agreement, document))
    tx.add_file(doctrash.record_entry(name, partner, agreement, document))  # what `restore` brings back
    if not others:
        if path:
            tx.add_file(FileOp("move", path, to=trash_name))
        if archive.read_text(tx.loaded.root, document.sha256) is not None:  # even when the file was lost by hand
            tx.add_file(FileOp("remove", archive.text_path(document.sha256)))  # made again when it comes back
    return t("detached {name} ({sha}) from {id}", name=document.name, sha=document.sha256[:12], id=agreement.id)


# ---------------------------------------------------------------- listings


def document_row(root: Path, partner: Partner, agreement: Agreement, d: Document) -> dict:
    return {"id": agreement.id, "partner_id": partner.id, "kind": d.kind, "name": d.name, "size": d.size,
            "sha256": d.sha256, "media_type": d.media_type, "number": d.number,
            "date": d.date.to_date().isoformat() if d.date and d.date.to_date() else (str(d.date) if d.date else None),
            "title": d.title, "term": str(d.term_start) if d.term_start else None, "step": d.step,
            "file": archive.stored_path(d.sha256, archive.stored_extension(d.media_type, d.name))}


def _asked(store: Store, agreement_id: str | None):
    """(partner, agreement) for the one agreement asked about (refused when unknown), else for every one."""
    if agreement_id is not None:
        partner, agreement = require_agreement(store, agreement_id)
        yield partner, agreement
        return
    for partner in store.partners.values():
        for agreement in partner.agreements:
            yield partner, agreement


def document_rows(root: Path, store: Store, agreement_id: str | None = None, kind: str | None = None) -> list[dict]:
    rows = []
    for partner, agreement in _asked(store, agreement_id):
        for d in agreement.documents:
            if kind is None or d.kind == kind:
                row = document_row(root, partner, agreement, d)
                row["file"] = archive.kept(root, d.sha256) or row["file"]
                rows.append(row)
    return rows


NEAR_DAYS = 92  # a letter dated this close to its milestone is taken as that milestone's letter


def documents(m: Milestone, d: Document) -> bool:
    """Whether `d` is the letter of milestone `m`: attached with it (`milestone --doc`: the step and its date),
    or a document of the step's kind dated on or near (NEAR_DAYS) the milestone's date. A letter of the same
    step for another renewal (another date) is not."""
    if d.step != m.id and d.kind != m.id:
        return False
    if d.date is None:
        return d.step == m.id  # an undated letter attached with the step: by the step alone
    gap = max(0, (d.date.first - m.date.last).days, (m.date.first - d.date.last).days)
    return gap <= NEAR_DAYS


def missing_rows(store: Store, agreement_id: str | None = None) -> list[dict]:
    """The archive's to-do list: signed terms without a signed text, and done steps that produce a letter
    (LETTER_STEPS) without their document (`documents`)."""
    rows = []
    for partner, agreement in _asked(store, agreement_id):
        texts = {d.term_start for d in agreement.documents if d.kind == "signed-text"}
        for term in agreement.signed_terms():
            if term.start not in texts:
                rows.append({"id": agreement.id, "partner_id": partner.id, "missing": "signed-text",
                             "term": str(term.start), "step": None, "date": str(term.signed or term.start)})
        last: dict = {}
        for m in agreement.milestones:
            if m.id in LETTER_STEPS:
                last[(m.id, m.term_end)] = m
        for (step, _), m in last.items():
            if not m.undone and not m.not_needed and not any(documents(m, d) for d in agreement.documents):
                rows.append({"id": agreement.id, "partner_id": partner.id, "missing": step,
                             "term": str(m.term_end) if m.term_end else None, "step": step, "date": str(m.date)})
    return rows


def trashed_documents(loaded) -> frozenset[str]:
    """The SHA-256 of each document of a deleted agreement or partner in the trash: `restore` brings them back with
    it, so their files stay in documents/ meanwhile (not orphans)."""
    found: set[str] = set()
    for entry in trash.entries(loaded.root):
        if entry.kind == "document":
            continue  # a detached document's file went to the trash with it
        partner = loaded.read_file(loaded.root / entry.path, entry.path, entry.partner_id).partner
        for agreement in partner.agreements if partner is not None else ():
            found.update(d.sha256 for d in agreement.documents)
    return frozenset(found)


# ---------------------------------------------------------------- search


def search_rows(store: Store, query: str, root: Path | None = None) -> list[dict]:
    """Agreements, partners, activities and documents whose words hold every word of `query` (case, accents and
    punctuation aside), and (with the store's `root`) the text layers of its PDFs; each hit says where it
    matched."""
    words = [w for w in fold_words(query).split("-") if w]
    if not words:
        raise UsageError(t("give a word to search for"), field="query")

    def hits(text: str | None) -> bool:
        folded = fold_words(text or "")
        return bool(folded) and all(w in folded for w in words)

    def shown(text: str) -> str:
        return (excerpt(text, words) or text) if len(text) > LONG else text  # a long note: around the match

    rows = []
    for partner in store.partners.values():
        for where, text in (("partner", partner.id), ("name", partner.name), ("local_name", partner.local_name),
                            ("notes", partner.notes)):
            if hits(text):
                rows.append({"id": partner.id, "partner_id": partner.id, "where": where, "text": shown(text)})
                break
        for agreement in partner.agreements:
            fields = [("id", agreement.id), ("title", agreement.title), ("notes", agreement.notes)]
            fields += [("number", term.number) for term in agreement.terms]
            fields += [("activity", act.summary) for act in agreement.activities]
            fields += [(f"document:{d.sha256[:12]}", text) for d in agreement.documents
                       for text in (d.title, d.number, d.name)]
            for where, text in fields:
                if hits(text):
                    rows.append({"id": agreement.id, "partner_id": partner.id, "where": where, "text": shown(text)})
            for d in agreement.documents if root is not None else ():
                layer = archive.read_text(root, d.sha256) if d.media_type == "application/pdf" else None
                layer = _HYPHENATED.sub("", layer) if layer else layer  # a word split at a line's end is one word
                folded = fold_words(layer) if layer else ""  # one pass first: the excerpt only where every word is
                found = excerpt(layer, words) if folded and all(w in folded for w in words) else None
                if found:
                    rows.append({"id": agreement.id, "partner_id": partner.id,
                                 "where": f"document text:{d.sha256[:12]}", "text": found})
    return rows


_WORD = re.compile(r"\w+")
# "kerja-" at a line's end, "sama" on the next (the hyphen often a soft one, U+00AD, as WinAnsi PDFs encode it);
# a soft hyphen inside a line is invisible: no word ends there
_HYPHENATED = re.compile(r"(?<=\w)[-\u00ad\u2010][ \t]*\r?\n\s*(?=\w)|\u00ad")
LONG = 120  # a text longer than this is shown as the words around its match


def excerpt(text: str, words: list[str], around: int = 6) -> str | None:
    """`…the words around the first match…` when `text` holds every one of the folded `words`, else None."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    folded, starts = [], []
    at = 0
    for start, end in spans:
        piece = fold_words(text[start:end])
        starts.append(at)
        folded.append(piece)
        at += len(piece) + 1
    joined = "-".join(folded)
    if not joined or not all(w in joined for w in words):
        return None
    first = joined.find(max(words, key=len))  # around the longest word: the one that says most
    index = max(i for i, s in enumerate(starts) if s <= first)
    low, high = max(0, index - around), min(len(spans), index + around + 1)
    shown = " ".join(text[spans[low][0]:spans[high - 1][1]].split())
    return ("…" if low > 0 else "") + shown + ("…" if high < len(spans) else "")
