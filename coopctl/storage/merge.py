"""Merging two versions of a partner file record by record: git's merge driver for a git-backed store.

A partner file holds a partner's agreements, and in them terms, milestones, activities and documents.
Two clerks who each log a meeting under the same agreement change the same file, and git's line merge
sees a conflict where there is none. `coopctl sync` registers this merge (`register` in storage.git):
git hands it the common ancestor and both versions of a file changed on both sides, and it merges the
data, not the lines:

- a record in a list is matched by its identity: an agreement by `id`, a term by `start`, a contact by
  `name`, a sector by its id; activities, milestones and documents (a log, appended to) by their whole
  content. Additions on both sides commute (both kept, in one order), the same addition made on both
  sides is kept once, and a removal on one side stays removed. A term that both sides added with the
  same start but not the same content (one recorded it pending, the other signed) is one conflict, as a
  whole: mixing the two would make a term both pending and signed.
- a value changed on one side only takes that side's value; changed on both sides to different values
  (two titles, or one side editing what the other removed) is a conflict: it is written to the report
  file sync reads (both values), and the merge fails, unless sync asked to take one side.
- the result is written in the store's canonical form (storage.encode), and read back to prove that
  nothing was lost. A version that is not in canonical form (a hand edit with comments, a broken file)
  is left to git's own line merge, as before.

Which of git's two versions is the clerk's own ("mine") depends on how git runs it: in a merge it is the
current branch (%A); in the rebase `sync` does, it is the commit being replayed (%B). Sync says so through
the environment (MINE_ENV), and which side to take (TAKE_ENV), and where to report (REPORT_ENV).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from coopctl.i18n import t

MINE_ENV = "COOPCTL_MERGE_MINE"  # "A" (a merge: the current branch is mine) or "B" (a rebase)
TAKE_ENV = "COOPCTL_MERGE_TAKE"  # "mine" or "theirs": resolve every conflict that way
REPORT_ENV = "COOPCTL_MERGE_REPORT"  # a file the conflicts are appended to, one JSON object a line

_MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()

# lists of records matched by one key; any other list is a bag of values matched by their whole content
_KEYS = {"agreements": "id", "terms": "start", "contacts": "name", "sectors": "id"}


class Conflict(NamedTuple):
    field: str  # where, e.g. agreements[osaka-sister-province].title
    a: Any  # git's %A version of the value (_MISSING: removed or absent)
    b: Any  # git's %B version


# ---------------------------------------------------------------- the merge of plain data


def merge_data(base: dict, a: dict, b: dict, prefer: str | None = None) -> tuple[dict, list[Conflict]]:
    """Three-way merge of a partner file's data. `prefer` ("A" or "B") settles conflicts that way (they are
    still listed); without it a conflict keeps A's value."""
    conflicts: list[Conflict] = []
    merged = _value(base, a, b, "", prefer, conflicts)
    return merged, conflicts


def _value(base: Any, a: Any, b: Any, where: str, prefer: str | None, conflicts: list[Conflict]) -> Any:
    if _same(a, b):
        return a
    if _same(a, base):
        return b
    if _same(b, base):
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        return _table(base if isinstance(base, dict) else {}, a, b, where, prefer, conflicts)
    if isinstance(a, list) and isinstance(b, list):
        return _list(base if isinstance(base, list) else [], a, b, where, prefer, conflicts)
    conflicts.append(Conflict(where, a, b))
    return b if prefer == "B" else a


def _same(x: Any, y: Any) -> bool:
    return x is y or (x is not _MISSING and y is not _MISSING and type(x) is type(y) and x == y)


def _table(base: dict, a: dict, b: dict, where: str, prefer: str | None, conflicts: list[Conflict]) -> dict:
    merged = {}
    for key in [*a, *(k for k in b if k not in a)]:
        value = _value(base.get(key, _MISSING), a.get(key, _MISSING), b.get(key, _MISSING),
                       f"{where}.{key}" if where else key, prefer, conflicts)
        if value is not _MISSING:
            merged[key] = value
    return merged


def _list(base: list, a: list, b: list, where: str, prefer: str | None, conflicts: list[Conflict]) -> list:
    name = where.rsplit(".", 1)[-1].split("[", 1)[0]
    key = _KEYS.get(name)
    if key is not None:
        keyed = [_keyed(items, key) for items in (base, a, b)]
        if all(k is not None for k in keyed):
            kb, ka, kbb = keyed  # type: ignore[misc]
            merged = []
            for k in [*ka, *(k for k in kbb if k not in ka)]:
                ours, theirs = ka.get(k, _MISSING), kbb.get(k, _MISSING)
                if name == "terms" and k not in kb and ours is not _MISSING and theirs is not _MISSING:
                    # one term added on both sides: it is one side's or the other's, never a mix of the two
                    # (one recorded it pending, the other signed: merged field by field it would be both)
                    found: list[Conflict] = []
                    value = _value(_MISSING, ours, theirs, f"{where}[{k}]", prefer, found)
                    if found or not (_same(value, ours) or _same(value, theirs)):
                        conflicts.extend(found or [Conflict(f"{where}[{k}]", ours, theirs)])
                        merged.append(theirs if prefer == "B" else ours)
                    else:
                        merged.append(value)
                    continue
                value = _value(kb.get(k, _MISSING), ours, theirs, f"{where}[{k}]", prefer, conflicts)
                if value is not _MISSING:
                    merged.append(value)
            return merged
    return _bag(base, a, b)


def _keyed(items: list, key: str) -> dict | None:
    """The items by their key, in order; None when an item has none or two share one."""
    found: dict = {}
    for item in items:
        if isinstance(item, dict) and key in item:
            k = item[key]
        elif key == "id" and isinstance(item, str):  # a plain sector entry: "culture"
            k = item
        else:
            return None
        k = k.isoformat() if hasattr(k, "isoformat") else k
        if not isinstance(k, str) or k in found:
            return None
        found[k] = item
    return found


def _bag(base: list, a: list, b: list) -> list:
    """Lists of whole records (activities, milestones, documents) or of values: what each side added is
    kept (the same addition on both sides once), what either side removed goes. A's order, then B's
    additions."""
    def ident(item: Any) -> str:
        return json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)

    counts = [Counter(map(ident, items)) for items in (base, a, b)]
    want = {}
    for k in set().union(*counts):
        n, da, db = counts[0][k], counts[1][k] - counts[0][k], counts[2][k] - counts[0][k]
        if da > 0 and db > 0:
            n += max(da, db)
        elif da < 0 and db < 0:
            n += min(da, db)
        else:
            n += da + db
        want[k] = max(n, 0)
    merged = []
    for item in [*a, *b]:
        k = ident(item)
        if want[k] > 0:
            merged.append(item)
            want[k] -= 1
    return merged


def show(value: Any) -> str:
    """A value of a conflict as a person reads it."""
    if value is _MISSING:
        return t("(removed)")
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------- a partner file, canonical in and out


class _Reader:
    """Reads a partner file's text to data, and says whether coopctl wrote it (its canonical form)."""

    def __init__(self, root: Path):
        from coopctl.core.records import Settings
        from coopctl.core.sectors import Vocabulary
        from coopctl.storage.decode import Decoder
        from coopctl.storage.location import SETTINGS_FILE
        from coopctl.storage.parse import parse

        vocabulary = Vocabulary()
        settings_file = root / SETTINGS_FILE
        if settings_file.is_file():
            data, _ = parse(settings_file, SETTINGS_FILE, [])
            if data is not None:
                settings = Decoder(Vocabulary()).settings(data, lambda path, message: None, root.name) \
                    or Settings(owner=root.name)
                vocabulary = Vocabulary(settings.sectors, settings.sector_aliases)
        self.decoder = Decoder(vocabulary)

    def data(self, text: str) -> dict | None:
        import tomllib

        try:
            return tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return None

    def dump(self, partner_id: str, data: dict) -> str | None:
        """The canonical text of `data`, or None when writing it would change or lose anything."""
        from coopctl.storage.encode import dump_partner

        problems: list[str] = []
        partner = self.decoder.partner(partner_id, data, lambda path, message: problems.append(message))
        if partner is None:
            return None
        text = dump_partner(partner)
        return text if self.data(text) == data else None


def merge_file(base: Path, a: Path, b: Path, name: str, root: Path | None = None) -> int:
    """git's merge driver: merge the versions in `base`, `a` and `b` (git's %O %A %B) of the store file
    `name` (%P) into `a`. Returns 0 when merged, 1 on a conflict (reported; `a` then holds git's line
    merge with its markers, as without this driver)."""
    mine = "B" if os.environ.get(MINE_ENV) == "B" else "A"
    take = os.environ.get(TAKE_ENV)
    try:
        return _merge_file(base, a, b, name, root or Path.cwd(), mine, take)
    except Exception:  # noqa: BLE001 - whatever went wrong here, git's own merge is still the safe answer
        if os.environ.get("COOPCTL_DEBUG"):
            raise
        return _by_lines(base, a, b, name, take, mine)


def _merge_file(base: Path, a: Path, b: Path, name: str, root: Path, mine: str, take: str | None) -> int:
    prefer = {"mine": mine, "theirs": "B" if mine == "A" else "A"}.get(take or "")
    texts = []
    for path in (base, a, b):
        try:
            texts.append(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            return _by_lines(base, a, b, name, take, mine)
    partner_id = Path(name).stem
    if not name.startswith("partners/") or not name.endswith(".toml"):
        return _by_lines(base, a, b, name, take, mine)
    reader = _Reader(root)
    data = [reader.data(text) for text in texts]
    # the two versions written must be coopctl's own (nothing in them a rewrite would lose); the base is only read
    if any(d is None for d in data) or any(reader.dump(partner_id, d) != text
                                           for d, text in zip(data[1:], texts[1:])):
        return _by_lines(base, a, b, name, take, mine)
    merged, conflicts = merge_data(data[0], data[1], data[2], prefer)  # type: ignore[arg-type]
    text = reader.dump(partner_id, merged)
    if text is None:  # the merged records do not hold together (the same id added twice, say)
        return _by_lines(base, a, b, name, take, mine)
    if conflicts and prefer is None:
        _report([{"path": name, "field": c.field, "mine": show(c.a if mine == "A" else c.b),
                  "theirs": show(c.b if mine == "A" else c.a)} for c in conflicts])
        _line_merge(base, a, b, None)
        return 1
    a.write_bytes(text.encode("utf-8"))
    return 0


def _by_lines(base: Path, a: Path, b: Path, name: str, take: str | None, mine: str) -> int:
    """git's own line merge, for a file this driver does not merge by records; a conflict is reported."""
    favour = None if take is None else ("--ours" if (take == "mine") == (mine == "A") else "--theirs")
    if _line_merge(base, a, b, favour) == 0:
        return 0
    _report([{"path": name, "field": None, "mine": None, "theirs": None}])
    return 1


def _line_merge(base: Path, a: Path, b: Path, favour: str | None) -> int:
    args = ["git", "merge-file", "-q", *([favour] if favour else []), str(a), str(base), str(b)]
    result = subprocess.run(args, capture_output=True)
    return 1 if result.returncode != 0 else 0


def _report(entries: list[dict]) -> None:
    path = os.environ.get(REPORT_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        for entry in entries:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def read_report(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries
