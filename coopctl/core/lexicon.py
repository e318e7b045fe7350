"""The domain's closed lists: their labels in English and Indonesian, and what people type for them.

Each list (`TYPES`, `KINDS`, `CATEGORIES`, `LEVELS`) is a tuple of `Choice`s: the id the store and JSON keep
(English, stable), the English label, the Indonesian label, and aliases (abbreviations and common names in
either language). `resolve(items, text)` finds the id for anything a person types, in any case and
spacing; `label(items, id, lang)` gives what a person reads. The ids themselves are the records'
(`core.records.AGREEMENT_TYPES` and the like); a test checks both lists name the same ids. PP 28/2018 and Permendagri 22/2020 and 25/2020
(research/domain.md §1.1-§1.2) name the document types and the legal categories.
"""

from typing import NamedTuple

from coopctl.core.errors import UsageError
from coopctl.core.ids import fold, nearest
from coopctl.i18n import t


class Choice(NamedTuple):
    id: str
    label: str  # English
    label_id: str  # Indonesian
    aliases: tuple[str, ...] = ()


TYPES: tuple[Choice, ...] = (
    Choice("kb", "Joint agreement (Kesepakatan Bersama)", "Kesepakatan Bersama",
         ("kesepakatan bersama", "ksb", "kesber", "joint agreement", "framework agreement")),
    Choice("pks", "Cooperation agreement (Perjanjian Kerja Sama)", "Perjanjian Kerja Sama",
         ("perjanjian kerja sama", "perjanjian kerjasama", "cooperation agreement", "implementing agreement",
          "moa", "memorandum of agreement")),
    Choice("mou", "Memorandum of Understanding", "Nota Kesepahaman",
         ("nota kesepahaman", "nk", "memorandum of understanding", "memorandum", "mou", "naskah kesepahaman")),
    Choice("loi", "Letter of Intent", "Surat Pernyataan Kehendak",
         ("letter of intent", "surat pernyataan kehendak", "pernyataan kehendak", "spk", "loi")),
    Choice("sister-province", "Sister province or state", "Provinsi bersaudara",
         ("sister province", "sister state", "provinsi bersaudara", "provinsi kembar", "twin province",
          "negara bagian bersaudara", "sister prefecture", "sister state province")),
    Choice("sister-city", "Sister city", "Kota bersaudara",
         ("sister city", "kota bersaudara", "kota kembar", "twin city", "kabupaten kembar", "kabupaten bersaudara",
          "sister cities", "friendship city")),
    Choice("agreement", "Agreement (treaty form)", "Perjanjian internasional",
         ("perjanjian", "treaty", "international agreement", "perjanjian internasional")),
    Choice("action-plan", "Action plan", "Rencana aksi", ("rencana aksi", "plan of action", "rencana kerja")),
    Choice("programme", "Programme", "Program", ("program", "program kerja sama", "country programme")),
    Choice("other", "Other", "Lainnya", ("lainnya", "lain-lain")),
)

KINDS: tuple[Choice, ...] = (
    Choice("foreign-local-gov", "Foreign local government", "Pemerintah daerah di luar negeri",
         ("pemerintah daerah luar negeri", "pemda luar negeri", "pemerintah daerah asing", "ksdpl")),
    Choice("foreign-institution", "Foreign institution", "Lembaga di luar negeri",
         ("lembaga luar negeri", "lembaga asing", "ksdll", "lembaga di luar negeri")),
    Choice("international-org", "International organisation", "Organisasi internasional",
         ("organisasi internasional", "international organization", "io")),
    Choice("domestic-region", "Another Indonesian region", "Daerah lain",
         ("daerah lain", "pemerintah daerah", "pemda", "ksdd")),
    Choice("third-party", "Third party", "Pihak ketiga", ("pihak ketiga", "ksdpk")),
    Choice("central-gov", "Central government", "Pemerintah pusat", ("pemerintah pusat", "kementerian", "ministry")),
)

# The legal categories of PP 28/2018; "none" for what is not regional cooperation (a central-government
# programme the region takes part in).
CATEGORIES: tuple[Choice, ...] = (
    Choice("KSDPL", "With a foreign local government (KSDPL)", "Kerja Sama Daerah dengan Pemerintah Daerah di Luar Negeri",
         ("ksdpl",)),
    Choice("KSDLL", "With a foreign institution (KSDLL)", "Kerja Sama Daerah dengan Lembaga di Luar Negeri",
         ("ksdll",)),
    Choice("KSDD", "With another Indonesian region (KSDD)", "Kerja Sama Daerah dengan Daerah Lain", ("ksdd",)),
    Choice("KSDPK", "With a third party (KSDPK)", "Kerja Sama Daerah dengan Pihak Ketiga", ("ksdpk",)),
    Choice("none", "Not regional cooperation (a central-government programme)",
         "Bukan kerja sama daerah (program pemerintah pusat)", ("central", "national", "pusat", "nasional")),
)

LEVELS: tuple[Choice, ...] = (
    Choice("state", "State", "Negara bagian", ("negara bagian",)),
    Choice("province", "Province", "Provinsi", ("provinsi",)),
    Choice("prefecture", "Prefecture", "Prefektur", ("prefektur",)),
    Choice("city", "City", "Kota", ("kota", "municipality")),
    Choice("regency", "Regency", "Kabupaten", ("kabupaten", "county")),
    Choice("org", "Organisation", "Organisasi", ("organisasi", "organization")),
    Choice("university", "University", "Perguruan tinggi", ("universitas", "perguruan tinggi")),
    Choice("company", "Company", "Badan usaha", ("perusahaan", "badan usaha", "bumd", "bumn")),
    Choice("ngo", "NGO", "Lembaga swadaya masyarakat", ("lsm", "ornop", "non-governmental organisation")),
)

# What a stored document is (core.records.DOCUMENT_KINDS).
DOCUMENT_KINDS: tuple[Choice, ...] = (
    Choice("signed-text", "Signed text", "Naskah yang ditandatangani", ("signed", "naskah", "naskah ditandatangani")),
    Choice("draft", "Draft text", "Rancangan naskah", ("rancangan", "draf")),
    Choice("rks", "Cooperation work plan (RKS)", "Rencana Kerja Sama (RKS)", ("rencana kerja sama", "work plan")),
    Choice("dprd-letter", "Letter to the DPRD", "Surat kepada DPRD", ("surat dprd",)),
    Choice("dprd-approval", "DPRD approval", "Persetujuan DPRD", ("persetujuan dprd",)),
    Choice("verification", "Verification", "Verifikasi", ("verifikasi",)),
    Choice("ministry-approval", "Ministry approval", "Persetujuan Menteri", ("persetujuan menteri",)),
    Choice("full-powers", "Full powers", "Surat Kuasa Penuh", ("kuasa penuh", "full power")),
    Choice("evaluation", "Evaluation", "Evaluasi", ("evaluasi",)),
    Choice("minutes", "Minutes", "Notulen", ("notulen", "berita acara")),
    Choice("report", "Report", "Laporan", ("laporan",)),
    Choice("other", "Other", "Lainnya", ("lainnya", "lain-lain")),
)


# What was done under an agreement (core.records.ACTIVITY_TYPES); a bureau types the Indonesian word.
# "kunjungan" alone is a visit received (the partner comes), the commonest in the bureau's records.
ACTIVITY_TYPES: tuple[Choice, ...] = (
    Choice("visit-in", "Incoming visit", "Kunjungan masuk",
         ("kunjungan masuk", "kunjungan", "kedatangan", "menerima kunjungan", "kunjungan mitra", "incoming visit")),
    Choice("visit-out", "Outgoing visit", "Kunjungan keluar",
         ("kunjungan keluar", "kunjungan kerja", "kunker", "lawatan", "kunjungan ke luar negeri", "outgoing visit")),
    Choice("meeting", "Meeting", "Pertemuan", ("pertemuan", "rapat", "audiensi", "rapat koordinasi", "rakor")),
    Choice("training", "Training", "Pelatihan",
         ("pelatihan", "diklat", "bimtek", "bimbingan teknis", "lokakarya", "workshop", "magang")),
    Choice("exchange", "Exchange", "Pertukaran", ("pertukaran", "pertukaran pegawai", "pertukaran pelajar")),
    Choice("grant", "Grant", "Hibah", ("hibah", "bantuan", "donasi")),
    Choice("event", "Event", "Agenda", ("agenda", "acara", "festival", "pameran", "seremoni", "upacara")),
    Choice("trade-mission", "Trade mission", "Misi dagang", ("misi dagang", "misi perdagangan", "temu bisnis")),
    Choice("evaluation", "Evaluation", "Evaluasi", ("evaluasi", "monev", "monitoring dan evaluasi", "peninjauan")),
    Choice("report", "Report", "Laporan", ("laporan", "pelaporan")),
    Choice("note", "Note", "Catatan", ("catatan", "keterangan")),
)

# The procedures of the regulation a renewal follows (core.records.PROCEDURE_OF_CATEGORY); a store may add its own,
# which are shown by name.
PROCEDURES: tuple[Choice, ...] = (
    Choice("foreign", "Foreign cooperation (KSDPL, KSDLL)", "kerja sama luar negeri", ("luar negeri",)),
    Choice("domestic", "Domestic cooperation (KSDD, KSDPK)", "kerja sama dalam negeri",
         ("dalam negeri",)),
    Choice("central", "A central-government programme", "program pemerintah pusat", ("pusat", "pemerintah pusat")),
)


def ids(items: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(item.id for item in items)


def _index(items: tuple[Choice, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for item in items:
        index[fold(item.id)] = item.id
    for item in items:
        for name in (item.label, item.label_id, *item.aliases):
            index.setdefault(fold(name), item.id)
    return index


_INDEXES: dict[int, dict[str, str]] = {}


def find(items: tuple[Choice, ...], text: str) -> str | None:
    """The id `text` names (an id, a label or an alias, in either language, any case), or None."""
    index = _INDEXES.get(id(items))
    if index is None:
        index = _INDEXES[id(items)] = _index(items)
    return index.get(fold(text))


def choice_names(items: tuple[Choice, ...]) -> tuple[str, ...]:
    """What a person may type for each choice, as an error lists them: the ids in English; in Indonesian the
    Indonesian labels (which are accepted as well), the legal categories by their codes ("pusat" for none)."""
    from coopctl import i18n

    if i18n.language() != "id":
        return ids(items)
    if items is CATEGORIES:
        return tuple("pusat" if i == "none" else i for i in ids(items))
    return tuple(item.label_id for item in items)


def _nearest(items: tuple[Choice, ...], text: str) -> str:
    names = choice_names(items)
    close = nearest(fold(text), [fold(name) for name in names])
    if not close:
        return ""
    by_fold = {fold(name): name for name in names}  # the names as written, not folded
    found = [name for key, name in by_fold.items() if key in close]
    return t("; did you mean {names}?", names=", ".join(found)) if found else close


def resolve(items: tuple[Choice, ...], text: str, what: str, field: str | None = None) -> str:
    """The id `text` names; a usage error naming the choices (and the nearest) otherwise."""
    found = find(items, text)
    if found is None:
        raise UsageError(t("'{value}' is not a {what}; use one of: {choices}{hint}", value=text, what=what,
                           choices=", ".join(choice_names(items)), hint=_nearest(items, text)), field=field)
    return found


def shown(items: tuple[Choice, ...], item_id: str | None) -> str | None:
    """What a person reads for `item_id` in the current language: the id itself in English (what the English
    output always showed), the Indonesian label in Indonesian; an id the list does not hold stays as it is."""
    from coopctl import i18n

    if not item_id or i18n.language() != "id":
        return item_id
    return label(items, item_id, "id")


def label(items: tuple[Choice, ...], item_id: str, lang: str = "en") -> str:
    """What a person reads for `item_id`: its label in `lang` ("id" or English), else the id itself."""
    for item in items:
        if item.id == item_id:
            return item.label_id if lang == "id" else item.label
    return item_id
