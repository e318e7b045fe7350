"""Small things many test files share: a valid partner file, and a snapshot of a store's bytes."""

from __future__ import annotations

from pathlib import Path

# A valid partner file with one domestic agreement, in the canonical form coopctl writes.
GOOD = '''name = "Kota Contoh"
country = "ID"
kind = "domestic-region"

[[agreements]]
id = "contoh-pks"
title = "PKS perdagangan"
type = "pks"
sectors = ["trade"]

[[agreements.terms]]
start = 2024-03-01
end = 2029-02-28
'''


def write_partner(root: Path, name: str, text: str) -> Path:
    path = root / "partners" / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(root: Path, pattern: str = "*") -> dict[str, bytes]:
    """Every file of the store (matching `pattern`) and its bytes, by path relative to the store."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob(pattern)) if p.is_file()}


def make_store(tmp_path: Path, partner_text: str | None = None) -> Path:
    """A store owned by "Test Bureau", with `partner_text` as partners/contoh.toml if given."""
    root = tmp_path / "store"
    (root / "partners").mkdir(parents=True)
    (root / "coopctl.toml").write_text('owner = "Test Bureau"\n', encoding="utf-8")
    if partner_text is not None:
        write_partner(root, "contoh", partner_text)
    return root


def read_partner(partner_id, data, report, vocabulary):
    """A partner from parsed TOML as the loader reads it: its values (storage.decode), then the rules between
    them (core.checks); every problem goes to `report(path, message)`."""
    from coopctl.core import checks
    from coopctl.core.records import Settings
    from coopctl.storage.decode import Decoder

    partner = Decoder(vocabulary).partner(partner_id, data, report)
    if partner is not None:  # a lone file has no settings to name procedures in: that check is the store's
        for check in checks.PARTNER_CHECKS:
            if check is not checks.known_procedures:
                for finding in check(Settings(owner="test"), partner):
                    report(finding.path, finding.message)
    return partner


def read_settings(data, report, owner):
    """The settings from parsed TOML, as the loader reads them."""
    from coopctl.core.sectors import Vocabulary
    from coopctl.storage.decode import Decoder

    return Decoder(Vocabulary()).settings(data, report, owner)
