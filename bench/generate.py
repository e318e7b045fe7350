"""Write a realistic coopctl store of N agreements, for benchmarks.

    python bench/generate.py --agreements 10000 --out bench/stores/n10000 [--seed 1]

Partners are foreign provinces, cities, universities and international bodies
plus Indonesian regions and third parties; each has 1-5 agreements, each
agreement 1-4 terms, 1-5 sectors and about 3 activities. Some agreements are
open-ended, some have a pending renewal, a few were terminated, and dates are
partial where real records are (`"1998"`, `"2004-06"`). Files are written by
coopctl's own codec, so they are exactly what coopctl itself would write, and
`coopctl check` accepts the store. The same seed always gives the same store.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

try:
    import coopctl  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coopctl.storage import encode  # noqa: E402
from coopctl.core.dates import Duration, PartialDate  # noqa: E402
from coopctl.core.records import (  # noqa: E402
    ACTIVITY_TYPES,
    Activity,
    Agreement,
    AgreementSector,
    Contact,
    Partner,
    Settings,
    Term,
)
from coopctl.storage.location import PARTNERS_DIR, SETTINGS_FILE  # noqa: E402
from coopctl.core.vocabulary import SECTORS  # noqa: E402

SECTOR_IDS = [row[0] for row in SECTORS]
REFERENCE_YEAR = 2026  # dates are spread around this year, so that states are mixed at an as-of in 2026

# (country, places) for foreign local governments; levels are picked per place
FOREIGN_PLACES = [
    ("AU", ["Western Australia", "Queensland", "Victoria", "South Australia", "Tasmania", "Perth", "Darwin"]),
    ("JP", ["Osaka", "Hokkaido", "Fukuoka", "Kyoto", "Okayama", "Shizuoka", "Kitakyushu", "Nagoya"]),
    ("CN", ["Tianjin", "Guangdong", "Fujian", "Yunnan", "Sichuan", "Shanghai", "Hainan", "Guangxi"]),
    ("KR", ["Gyeongnam", "Busan", "Jeonbuk", "Gangwon", "Daegu", "Incheon", "Jeju"]),
    ("EG", ["Alexandria", "Giza", "Luxor", "Aswan"]),
    ("UZ", ["Samarkand", "Bukhara", "Tashkent", "Khiva"]),
    ("MY", ["Johor", "Penang", "Sabah", "Sarawak", "Melaka", "Selangor"]),
    ("TH", ["Chiang Mai", "Phuket", "Songkhla", "Khon Kaen"]),
    ("VN", ["Da Nang", "Hue", "Can Tho", "Hai Phong"]),
    ("NL", ["Noord-Brabant", "Gelderland", "Rotterdam", "Utrecht"]),
    ("DE", ["Baden-Wuerttemberg", "Bremen", "Hamburg", "Saxony"]),
    ("FR", ["Occitanie", "Bretagne", "Lyon", "Marseille"]),
    ("US", ["Hawaii", "California", "Oregon", "Texas", "Seattle"]),
    ("TR", ["Izmir", "Bursa", "Konya"]),
    ("IN", ["Gujarat", "Kerala", "Tamil Nadu", "Odisha"]),
    ("SA", ["Jeddah", "Madinah"]),
    ("PH", ["Davao", "Cebu", "Iloilo"]),
    ("BR", ["Bahia", "Parana", "Recife"]),
    ("ZA", ["Western Cape", "KwaZulu-Natal"]),
    ("NZ", ["Canterbury", "Waikato", "Otago"]),
]
INSTITUTION_KINDS = [  # (level, name patterns)
    ("university", ["University of {place}", "{place} Institute of Technology", "{place} Polytechnic"]),
    ("company", ["{place} Port Corporation", "{place} Energy Company", "{place} Trading House"]),
    ("ngo", ["{place} Foundation for Development", "{place} Friendship Association"]),
]
INTERNATIONAL_ORGS = ["UNICEF", "UNDP", "UNESCO", "FAO", "WHO", "ILO", "IOM", "World Bank", "Asian Development Bank",
                      "JICA", "KOICA", "GIZ", "USAID", "UN Women", "UNFPA", "WFP", "IFAD", "ASEAN Secretariat"]
DOMESTIC_PLACES = ["Jawa Tengah", "Jawa Barat", "DKI Jakarta", "Bali", "Nusa Tenggara Barat", "Sulawesi Selatan",
                   "Kalimantan Timur", "Sumatera Utara", "Papua", "Maluku", "Surabaya", "Malang", "Banyuwangi",
                   "Sidoarjo", "Gresik", "Kediri", "Madiun", "Jember", "Probolinggo", "Pasuruan", "Lamongan",
                   "Tuban", "Bojonegoro", "Blitar", "Tulungagung", "Ponorogo", "Pacitan", "Sumenep", "Pamekasan"]
THIRD_PARTIES = ["PT Pelabuhan Indonesia {place}", "Universitas {place}", "Bank Jatim cabang {place}",
                 "Yayasan Pendidikan {place}", "Kamar Dagang {place}", "PT Petrokimia {place}"]

TYPES = ["mou"] * 6 + ["pks"] * 4 + ["sister-province"] * 2 + ["sister-city"] * 2 + ["loi", "action-plan", "programme", "other"]
TITLE_TOPICS = ["cooperation in {sector}", "partnership on {sector}", "{sector} development programme",
                "joint {sector} initiative", "capacity building in {sector}", "exchange on {sector}"]
UNITS = ["Biro Perekonomian", "Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pariwisata", "Dinas Koperasi dan UKM",
         "Bappeda", "Dinas Perindustrian dan Perdagangan", "Dinas Pertanian", "Biro Administrasi Pemerintahan"]
WORDS = ("delegation visit joint workshop training teachers students exchange trade mission exhibition forum "
         "seminar evaluation meeting scholarship grant equipment vocational schools hospital nurses farmers "
         "fisheries port tourism festival culture dance batik coffee investment report signing review "
         "programme phase second annual regional committee working group follow-up").split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _partial(rng: random.Random, day: date, full: float = 0.6, month: float = 0.25) -> PartialDate:
    """A date as a record gives it: to the day, to the month, or only the year."""
    r = rng.random()
    if r < full:
        return PartialDate(day.year, day.month, day.day)
    if r < full + month:
        return PartialDate(day.year, day.month)
    return PartialDate(day.year)


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


class _Names:
    """Partner names and ids, unique within the store."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def slug(self, name: str) -> str:
        from coopctl.core.ids import slugify

        base = slugify(name, 56) or "partner"
        n = self.used.get(base, 0) + 1
        self.used[base] = n
        return base if n == 1 else f"{base}-{n}"

    def agreement_id(self, partner_id: str, type_: str) -> str:
        base = f"{partner_id[:40].rstrip('-')}-{type_}"
        n = self.used.get(base, 0) + 1
        self.used[base] = n
        return f"{base}-{n}"


def make_partner(rng: random.Random, names: _Names) -> Partner:
    r = rng.random()
    if r < 0.55:
        country, places = rng.choice(FOREIGN_PLACES)
        place = rng.choice(places)
        level = rng.choice(["province", "state", "prefecture", "city", "regency"])
        name = {"city": f"City of {place}", "regency": f"{place} County"}.get(level, place)
        kind, local_name = "foreign-local-gov", None
        if level == "province" and rng.random() < 0.3:
            local_name = f"Provinsi {place}"
    elif r < 0.75:
        country, places = rng.choice(FOREIGN_PLACES)
        level, patterns = rng.choice(INSTITUTION_KINDS)
        name = rng.choice(patterns).format(place=rng.choice(places))
        kind, local_name = "foreign-institution", None
    elif r < 0.82:
        country, level, kind, local_name = None, "org", "international-org", None
        name = rng.choice(INTERNATIONAL_ORGS)
        if rng.random() < 0.5:
            name += f" {rng.choice(['Indonesia', 'Jakarta Office', 'Surabaya Office', 'Regional Office'])}"
    elif r < 0.94:
        place = rng.choice(DOMESTIC_PLACES)
        country, kind, local_name = "ID", "domestic-region", None
        level = rng.choice(["province", "regency", "city"])
        name = {"province": f"Pemerintah Provinsi {place}", "regency": f"Pemerintah Kabupaten {place}",
                "city": f"Pemerintah Kota {place}"}[level]
    else:
        place = rng.choice(DOMESTIC_PLACES)
        country, kind = "ID", "third-party"
        name = rng.choice(THIRD_PARTIES).format(place=place)
        level, local_name = rng.choice(["company", "university", "ngo"]), None
    partner_id = names.slug(name)
    more: dict = {}
    if rng.random() < 0.4:
        more["since"] = _partial(rng, _day(rng, date(1975, 1, 1), date(2020, 12, 31)), 0.3, 0.2)
    if rng.random() < 0.3:
        more["notes"] = _sentence(rng, rng.randint(8, 25))
    if rng.random() < 0.3:
        more["sources"] = tuple(f"https://example.org/{partner_id}/{i}" for i in range(rng.randint(1, 2)))
    if rng.random() < 0.25:
        more["contacts"] = (Contact(f"Contact {rng.randint(1, 999)}", rng.choice(["Director", "Liaison officer", None]),
                                    f"office{rng.randint(1, 99)}@example.org"),)
    return Partner(id=partner_id, name=name, kind=kind, country=country, local_name=local_name, level=level, **more)


def _terms(rng: random.Random) -> tuple[list[Term], date]:
    """1-4 consecutive terms; maybe open-ended, maybe a pending renewal at the end."""
    n = rng.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0]
    length_years = [rng.choice([2, 3, 5, 5, 5, 5]) for _ in range(n)]
    # the newest term started up to its length plus ~7 months before mid reference year: most are in force,
    # about one in ten has lapsed; older terms lie back to back before it, now and then with a gap
    newest = date(REFERENCE_YEAR, 6, 30) - timedelta(days=rng.randint(0, length_years[-1] * 365 + 200))
    starts = [newest]
    for years in reversed(length_years[:-1]):
        gap = 0 if rng.random() < 0.85 else rng.randint(30, 400)
        later = starts[0] - timedelta(days=gap)
        starts.insert(0, date(later.year - years, later.month, min(later.day, 28)))
    terms: list[Term] = []
    open_ended = rng.random() < 0.2
    end_day = starts[0]
    for i, (start, years) in enumerate(zip(starts, length_years)):
        last = i == n - 1
        start_pd = _partial(rng, start, 0.7, 0.2)
        if start_pd.first_day() <= end_day and i:  # a partial start must not reach back into the previous term
            start_pd = PartialDate.from_date(start)
        if start_pd.month is None:  # a year-only start: a year-only end keeps the term sensible
            end_pd = PartialDate(start.year + years - 1)
        else:
            end_pd = _partial(rng, date(start.year + years, start.month, min(start.day, 28)) - timedelta(days=1), 0.8, 0.15)
        if end_pd.last_day() < start_pd.first_day():
            end_pd = PartialDate(start.year)
        end_day = end_pd.last_day()
        signed = None
        if start_pd.day is not None and rng.random() < 0.7:
            signed = PartialDate.from_date(start - timedelta(days=rng.randint(0, 60)))
        terms.append(Term(start=start_pd, end=None if (last and open_ended) else end_pd, signed=signed,
                          number=f"{rng.randint(1, 999)}/{rng.randint(1, 99)}/{start.year}" if rng.random() < 0.3 else None,
                          place=rng.choice([None, None, "Surabaya", "Jakarta"])))
    if not open_ended and rng.random() < 0.12:  # a renewal in progress
        pending_start = end_day + timedelta(days=1)
        terms.append(Term(start=PartialDate.from_date(pending_start),
                          end=PartialDate.from_date(date(pending_start.year + 5, pending_start.month,
                                                         min(pending_start.day, 28)) - timedelta(days=1)),
                          pending=True, note="Renewal in process: evaluation done, DPRD approval awaited."))
    return terms, terms[0].start.first_day()


def make_agreement(rng: random.Random, partner: Partner, names: _Names) -> Agreement:
    type_ = rng.choice(TYPES)
    sectors = rng.sample(SECTOR_IDS, rng.choices([1, 2, 3, 4, 5], weights=[20, 30, 25, 15, 10])[0])
    terms, first = _terms(rng)
    topic = rng.choice(TITLE_TOPICS).format(sector=sectors[0].replace("-", " "))
    agreement = Agreement(
        id=names.agreement_id(partner.id, type_), partner_id=partner.id,
        title=f"{type_.replace('-', ' ').upper() if type_ in ('mou', 'pks', 'loi') else type_.replace('-', ' ').capitalize()} "
              f"East Java – {partner.name}: {topic}",
        type=type_,
        sectors=tuple(AgreementSector(s) for s in sectors),
        unit=rng.choice(UNITS) if rng.random() < 0.6 else None,
        notice=rng.choice([None] * 8 + [Duration(12, "m"), Duration(180, "d")]),
        notes=_sentence(rng, rng.randint(10, 30)) if rng.random() < 0.4 else None,
        terms=tuple(terms),
    )
    if len(sectors) > 1 and rng.random() < 0.15:  # a sector added later, by an addendum
        added = agreement.sectors[-1]._replace(since=_partial(rng, _day(rng, first, date(REFERENCE_YEAR, 1, 1)), 0.7, 0.2),
                        basis="addendum")
        agreement = agreement._replace(sectors=agreement.sectors[:-1] + (added,))
    last_start = max(t.start.first_day() for t in terms)
    if rng.random() < 0.03:
        agreement = agreement._replace(terminated=PartialDate.from_date(_day(rng, last_start, date(REFERENCE_YEAR, 6, 30))),
                            termination_reason="Replaced by a new agreement")
    n_activities = rng.choices([0, 1, 2, 3, 4, 5, 6], weights=[8, 12, 18, 24, 18, 12, 8])[0]
    activities = []
    for _ in range(n_activities):
        when = _day(rng, first, date(REFERENCE_YEAR, 9, 30))
        activity = Activity(date=_partial(rng, when, 0.85, 0.1), sector=rng.choice(sectors),
                            summary=_sentence(rng, rng.randint(6, 18)), type=rng.choice(ACTIVITY_TYPES))
        if rng.random() < 0.3:
            activity = activity._replace(participants=rng.randint(3, 400))
        if rng.random() < 0.15:
            activity = activity._replace(value=rng.randint(1, 5000) * 1_000_000, currency="IDR")
        activities.append(activity)
    activities.sort(key=lambda a: a.date.first_day())
    return agreement._replace(activities=tuple(activities))


def generate(n: int, out: Path, seed: int = 1, owner: str = "Pemerintah Provinsi Jawa Timur (benchmark)") -> tuple[int, int]:
    """Write a store of `n` agreements to `out` (which must not hold a store yet). Returns (partners, agreements)."""
    rng = random.Random(seed)
    (out / PARTNERS_DIR).mkdir(parents=True, exist_ok=True)
    (out / SETTINGS_FILE).write_text(encode.dump_settings(Settings(owner=owner)), encoding="utf-8")
    names = _Names()
    made = partners = 0
    while made < n:
        partner = make_partner(rng, names)
        count = min(rng.randint(1, 5), n - made)
        for _ in range(count):
            partner = partner.with_agreement(make_agreement(rng, partner, names))
        made += count
        partners += 1
        with open(out / PARTNERS_DIR / f"{partner.id}.toml", "w", encoding="utf-8", newline="\n") as f:
            f.write(encode.dump_partner(partner))
    return partners, made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, required=True, metavar="N", help="how many agreements")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the store directory to create")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true", help="replace DIR if it already exists")
    args = parser.parse_args(argv)
    if args.agreements < 1:
        parser.error("--agreements must be at least 1")
    if args.out.exists() and any(args.out.iterdir()) if args.out.is_dir() else args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists and is not empty; pass --force to replace it")
        shutil.rmtree(args.out) if args.out.is_dir() else os.unlink(args.out)
    started = time.perf_counter()
    partners, agreements = generate(args.agreements, args.out, args.seed)
    print(f"wrote {agreements} agreements of {partners} partners to {args.out} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
