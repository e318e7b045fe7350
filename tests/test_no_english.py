"""Issue 19's "done when": under --lang id, what coopctl says to people holds no English word, except the ids a
person types (an agreement's id, a command, an option, a value to give) and proper names.

A store is made in Indonesian (titles, names and summaries as a bureau writes them: the store's text is data and
is shown as written), then every reading command, `check` of a broken store, the help and the usual mistakes
(a wrong option, id and date; a missing argument; an unknown command) run as a person runs them, in a fresh
process. Each output loses what a person types (see `typed`), and what is left may not hold a word of ENGLISH.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

AS_OF = "2023-08-22"

# Common English words and the domain's English ids and labels that must not reach an Indonesian reader.
ENGLISH = frozenset("""
the and or of to in on at for with from by is are was were be been has have had not no yes this that these those
it its as an if then than else all any each every some none never only also more less after before until since
show message exit help try usage options option commands command arguments argument error errors missing such
invalid value possible did you mean got unexpected extra requires required default
agreement agreements partner partners sector sectors term terms type types kind kinds level levels state states
category categories procedure step steps milestone milestones activity activities date dates days day months
month year years ends ended end start started signed sign signing pending lapsed lapse renewing renewal renew
due soon overdue active upcoming proposed intent terminated dormant silent stalled review reviewed open
in-force force window notice ref reference dry run nothing written saved store owner country countries
sister province provinces city state prefecture regency foreign local government institution international
organisation organization domestic region third party central ministry approval verification evaluation
draft negotiation reporting full powers letter offer administration
education vocational health trade tourism culture agriculture investment economy industry energy environment
meeting training visit exchange grant event mission report note summary title name
left ago late implied done undone needed conditional assumed unknown source sources notes
""".split())

OWNER = "Pemerintah Provinsi Jawa Timur"


def coopctl(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COOPCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "coopctl", *args], env={**env, "COLUMNS": "100", "NO_COLOR": "1"},
                          capture_output=True, text=True, timeout=120)


def typed(text: str) -> str:
    """`text` without what a person types or a program names: the rest of a line after `coopctl` (a command to
    run), the command names the help lists or that precede their options, lists typed as one value (a,b,c), options and ids and paths (any word with - _ / . $ = : in it), quoted values, upper-case abbreviations
    (ID, DPRD, KSDPL, TOML, ISO), LoI and MoU, numbers."""
    text = re.sub(r"coopctl: ", " ", text)  # the program's name before its message
    text = re.sub(r"coopctl\n\s+[a-z][a-z-]*", " ", text)  # a command name a footnote wrapped onto its next line
    text = re.sub(r"coopctl\b[^\n]*", " ", text)
    text = re.sub(r"\b[a-z][a-z-]*(?=\s+--[a-z])", " ", text)  # a command name before its option: renew --check
    text = re.sub(r"\b\w+(,\w+)+\b", " ", text)  # a list typed as one value: --columns id,partner,state
    text = re.sub(r"(?m)^  [a-z][a-z-]*(?= {2,}| *$)", " ", text)  # the command names the help lists
    text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"|<[^>\n]*>|\{[^}\n]*\}|\[\[[\w.]+\]\]", " ", text)  # values, [[tables]]
    words = []
    for word in re.split(r"[\s,;()\[\]|!?*~…●·█░│]+", text):
        word = word.strip(".:")
        if not word or re.search(r"[-_/.$=:@]", word) or re.fullmatch(r"[A-Z0-9]{2,}s?|LoI|MoU|\d.*", word):
            continue
        words.append(word)
    return " ".join(words)


def english_in(text: str) -> set[str]:
    return {w for w in typed(text).split() if w.lower() in ENGLISH}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """An East Java store written in Indonesian, with an agreement in each state the bureau meets."""
    root = tmp_path_factory.mktemp("bahasa") / "jatim"
    steps = [
        ["init", "--owner", OWNER],
        ["add", "Prefektur Osaka", "--id", "osaka-kb", "--title", "Kesepakatan Bersama Jawa Timur dan Osaka",
         "--type", "KB", "--sector", "pendidikan", "--sector", "umkm", "--start", "19/2/2014", "--end", "18/2/2024",
         "--signed", "19/2/2014", "--country", "JP", "--kind", "KSDPL"],
        ["add", "Negara Bagian Australia Barat", "--id", "wa-provinsi-bersaudara", "--title",
         "Kerja sama provinsi bersaudara Jawa Timur dan Australia Barat", "--type", "provinsi bersaudara",
         "--sector", "perdagangan", "--sector", "pariwisata", "--start", "6/9/2017", "--end", "5/9/2022",
         "--signed", "6/9/2017", "--country", "AU", "--kind", "pemerintah daerah luar negeri"],
        ["renew", "wa-provinsi-bersaudara", "--until", "5/9/2028", "--pending", "--recorded", "1/11/2022"],
        ["milestone", "wa-provinsi-bersaudara", "evaluasi", "--date", "1/3/2021"],
        ["milestone", "wa-provinsi-bersaudara", "Persetujuan DPRD", "--date", "8/11/2022", "--ref", "005/4997/050/2022"],
        ["add", "Kota Surabaya", "--id", "surabaya-pks", "--title", "Perjanjian Kerja Sama pekerjaan umum",
         "--type", "PKS", "--sector", "pekerjaan umum", "--start", "3/6/2021", "--end", "3/6/2026", "--signed", "3/6/2021",
         "--country", "ID", "--kind", "KSDD"],
        ["add", "Kegubernuran Aleksandria", "--id", "aleksandria-loi", "--title", "Surat Pernyataan Kehendak kerja sama",
         "--type", "LoI", "--sector", "perdagangan", "--start", "23/11/2022", "--country", "EG", "--kind", "KSDPL"],
        ["add", "Kota Busan", "--id", "busan-nk", "--title", "Nota Kesepahaman kerja sama pariwisata", "--type", "NK",
         "--sector", "pariwisata", "--start", "2015", "--end", "2025", "--country", "KR", "--kind", "KSDPL"],
        ["terminate", "busan-nk", "--date", "1/1/2023", "--reason", "Tidak dilanjutkan oleh kedua pihak"],
        ["add", "Kota Tianjin", "--id", "tianjin-vokasi", "--title", "Kerja sama pendidikan vokasi", "--type", "NK",
         "--sector", "vokasi", "--start", "2016", "--country", "CN", "--kind", "KSDPL"],
        ["log", "osaka-kb", "Pelatihan guru SMK di Osaka", "--type", "pelatihan", "--sector", "pendidikan",
         "--date", "10/5/2023", "--participants", "1500"],
        ["log", "wa-provinsi-bersaudara", "Kunjungan delegasi Australia Barat ke Surabaya", "--type", "kunjungan",
         "--sector", "perdagangan", "--date", "17/11/2015"],
    ]
    for args in steps:
        done = coopctl(*args, "--store", str(root), "--lang", "id")
        assert done.returncode == 0, (args, done.stderr)
    return root


READING = [
    ["renew"], ["list"], ["show", "wa-provinsi-bersaudara"], ["show", "osaka-kb"], ["show", "Prefektur Osaka"],
    ["show", "busan-nk"], ["plan", "wa-provinsi-bersaudara"], ["plan", "osaka-kb"], ["plan", "aleksandria-loi"],
    ["plan", "tianjin-vokasi"], ["report"], ["report", "--format", "md"], ["report", "--sector", "pendidikan"],
    ["coverage"], ["coverage", "--format", "md"], ["dormant"], ["timeline"], ["activities"], ["list", "--format", "md"],
    ["renew", "--format", "md"], ["check"],
]


@pytest.mark.parametrize("args", READING, ids=lambda a: " ".join(a))
def test_reading_commands_speak_indonesian(store, args):
    done = coopctl(*args, "--store", str(store), "--as-of", AS_OF, "--lang", "id")
    assert done.returncode in (0, 1), done.stderr
    said = done.stdout + done.stderr
    assert said.strip()
    assert not english_in(said), f"English in `coopctl {' '.join(args)} --lang id`:\n{said}"


def test_the_listing_shows_labels_days_past_and_thousands(store):
    said = coopctl("list", "--store", str(store), "--as-of", AS_OF, "--lang", "id", "--format", "md").stdout
    assert "Provinsi bersaudara" in said and "Kesepakatan Bersama" in said and "Pekerjaan umum" in said
    renew = coopctl("renew", "--store", str(store), "--as-of", AS_OF, "--lang", "id").stdout
    assert "lewat 351" in renew and "-351" not in renew
    assert "1.016" in coopctl("list", "--store", str(store), "--as-of", AS_OF, "--lang", "id").stdout
    activities = coopctl("activities", "--store", str(store), "--lang", "id", "--format", "md").stdout
    assert "| Pendidikan | Pelatihan | Pelatihan guru SMK di Osaka | 1.500 |" in activities
    show = coopctl("show", "wa-provinsi-bersaudara", "--store", str(store), "--as-of", AS_OF, "--lang", "id").stdout
    assert "Waktu persiapan perpanjangan  18 bulan" in show
    assert "dalam proses (belum ditandatangani)" in show


def test_a_confirmation_writes_its_dates_out(store):
    done = coopctl("renew", "wa-provinsi-bersaudara", "--signed", "6/9/2023", "--dry-run", "--store", str(store),
                   "--lang", "id")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("Simulasi: tidak ada perubahan yang disimpan: perpanjang wa-provinsi-bersaudara: "
                                  "masa berlaku 6 September 2022 s.d. 5 September 2028")


def test_check_of_a_broken_store_speaks_indonesian(store, tmp_path):
    import shutil

    broken = tmp_path / "rusak"
    shutil.copytree(store, broken)
    (broken / "partners" / "x.toml").write_text(
        'name = "Kota X"\ncountry = "ZZ"\nkind = "foreign-local-gov"\n\n[[agreements]]\nid = "x-nk"\ntitle = "NK"\n'
        'type = "mou"\nsectors = ["trade", "bukan-bidang"]\n\n[[agreements.terms]]\nstart = 2024-03-01\nend = 2023-02-28\n',
        encoding="utf-8")
    (broken / "partners" / "y.toml").write_text("nilai = [\n", encoding="utf-8")
    done = coopctl("check", "--store", str(broken), "--lang", "id")
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert "28 Februari 2023" in said and "nilai tidak valid" in said
    assert not english_in(said), said


MISTAKES = [
    ["list", "--bogus"], ["list", "--sectr", "pendidikan"], ["show", "osaka-kbb"], ["list", "--as-of", "2023-02-30"],
    ["list", "--as-of", "kemarin"], ["show"], ["bogus"], ["lsit"], ["list", "--format", "xls"], ["dormant", "--months", "dua"],
    ["renew", "osaka-kb", "--until", "30/2/2030", "--pending"], ["log", "osaka-kb", "Rapat", "--type", "rapat-besar", "--sector", "pendidikan"],
    ["list", "--state", "habis"], ["list", "--sector", "antariksa"],
]


@pytest.mark.parametrize("args", MISTAKES, ids=lambda a: " ".join(a))
def test_mistakes_are_told_in_indonesian(store, args):
    done = coopctl(*args, "--store", str(store), "--lang", "id")
    assert done.returncode in (1, 2) and not done.stdout, done
    assert done.stderr.startswith("coopctl: kesalahan: ") and done.stderr.count("\n") == 1, done.stderr
    assert not english_in(done.stderr), done.stderr


@pytest.mark.parametrize("args", [["--help"], ["show", "--help"], ["renew", "--help"], ["list", "--help"],
                                  ["--lang", "id", "add", "--help"], ["sector", "add", "--help"], ["sector", "--help"]],
                         ids=lambda a: " ".join(a))
def test_help_speaks_indonesian(args):
    done = coopctl(*args, "--lang", "id")
    assert done.returncode == 0, done.stderr
    assert "Penggunaan: coopctl" in done.stdout and "Tampilkan bantuan ini lalu keluar." in done.stdout
    assert not english_in(done.stdout), done.stdout


def test_the_stores_language_setting_is_enough(store, tmp_path):
    import shutil

    own = tmp_path / "berbahasa"
    shutil.copytree(store, own)
    settings = own / "coopctl.toml"
    settings.write_text('lang = "id"\n' + settings.read_text(encoding="utf-8"), encoding="utf-8")
    done = coopctl("show", "--store", str(own))
    assert done.stderr.startswith("coopctl: kesalahan: Argumen 'ID' belum diberikan.")
    help_text = coopctl("renew", "--help", "--store", str(own)).stdout
    assert "Penggunaan:" in help_text and not english_in(help_text)


def test_the_word_list_catches_english():
    assert english_in("Usage: coopctl show [OPTIONS] ID\nShow this message and exit.") == {"Usage", "Show", "this", "message",
                                                                                             "and", "exit"}
    assert english_in("status: renewing (ended 2022-09, 326 days ago)") == {"renewing", "ended", "days", "ago"}
    assert not english_in("lihat coopctl plan wa-provinsi-bersaudara --as-of 2023-08-22; KSDPL, LoI 'foreign'")
    assert english_in("coopctl: kesalahan: gunakan salah satu dari: visit-in, meeting, training") == {"meeting", "training"}


def test_markdown_headers_of_the_vocabulary_and_the_documents_are_indonesian(store):
    """The sectors' Markdown said `parent` and `custom`; the documents' named the file column `tahapan` (a step),
    the word the plan's step column had."""
    def header(*args: str) -> list[str]:
        done = coopctl(*args, "--store", str(store), "--lang", "id", "--format", "md")
        assert done.returncode == 0, done.stderr
        return [cell.strip() for cell in done.stdout.splitlines()[0].strip("|").split("|")]

    sectors = header("sectors")
    assert sectors[-2:] == ["induk", "tambahan"]
    assert not english_in(" ".join(sectors[:2] + sectors[-2:]))
    documents = header("docs")
    assert documents[:4] == ["id", "id mitra", "jenis", "nama"]
    assert "tahapan" not in documents
