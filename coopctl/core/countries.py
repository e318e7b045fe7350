"""Countries: ISO 3166-1 alpha-2 codes, and the names people write for them in English and Indonesian.

The store holds codes (`AU`); people write `Australia`, `Jepang`, `Korea Selatan`, `Tiongkok` or `au`.
`resolve_country` is the one place a typed country becomes a code: import, `add --country` and the
`--country` filters all go through it. `COUNTRY_NAMES` is the table of names (compared after `fold`:
case, accents and punctuation do not matter); a name not in it is refused with the nearest ones.
"""

from coopctl.core.errors import UsageError
from coopctl.i18n import t

COUNTRY_CODES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

# code -> the names it answers to: English first, then Indonesian, then other forms in use
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "ID": ("Indonesia", "Republik Indonesia", "NKRI"),
    "AU": ("Australia",),
    "JP": ("Japan", "Jepang", "Nippon"),
    "KR": ("South Korea", "Korea Selatan", "Republic of Korea", "Korea", "Korsel", "Republik Korea"),
    "KP": ("North Korea", "Korea Utara", "DPRK"),
    "CN": ("China", "Tiongkok", "Cina", "RRT", "RRC", "People's Republic of China", "Republik Rakyat Tiongkok",
           "Republik Rakyat Cina", "PRC"),
    "TW": ("Taiwan",),
    "HK": ("Hong Kong", "Hongkong"),
    "US": ("United States", "Amerika Serikat", "USA", "United States of America", "Amerika", "AS", "U.S.", "U.S.A."),
    "GB": ("United Kingdom", "Inggris", "UK", "Britain", "Great Britain", "Britania Raya", "England", "Kerajaan Inggris"),
    "DE": ("Germany", "Jerman", "Deutschland"),
    "FR": ("France", "Prancis", "Perancis"),
    "NL": ("Netherlands", "Belanda", "The Netherlands", "Holland"),
    "IT": ("Italy", "Italia"),
    "ES": ("Spain", "Spanyol"),
    "PT": ("Portugal",),
    "BE": ("Belgium", "Belgia"),
    "CH": ("Switzerland", "Swiss"),
    "AT": ("Austria",),
    "SE": ("Sweden", "Swedia"),
    "NO": ("Norway", "Norwegia"),
    "DK": ("Denmark",),
    "FI": ("Finland", "Finlandia"),
    "IE": ("Ireland", "Irlandia"),
    "GR": ("Greece", "Yunani"),
    "PL": ("Poland", "Polandia"),
    "CZ": ("Czechia", "Czech Republic", "Ceko", "Republik Ceko"),
    "HU": ("Hungary", "Hongaria"),
    "RO": ("Romania", "Rumania"),
    "BG": ("Bulgaria",),
    "RS": ("Serbia",),
    "UA": ("Ukraine", "Ukraina"),
    "BY": ("Belarus",),
    "RU": ("Russia", "Rusia", "Russian Federation", "Federasi Rusia"),
    "TR": ("Turkey", "Turki", "Türkiye", "Turkiye"),
    "EG": ("Egypt", "Mesir"),
    "MA": ("Morocco", "Maroko"),
    "DZ": ("Algeria", "Aljazair"),
    "TN": ("Tunisia",),
    "SA": ("Saudi Arabia", "Arab Saudi"),
    "AE": ("United Arab Emirates", "Uni Emirat Arab", "UAE", "UEA"),
    "QA": ("Qatar",),
    "KW": ("Kuwait",),
    "OM": ("Oman",),
    "YE": ("Yemen", "Yaman"),
    "JO": ("Jordan", "Yordania"),
    "IR": ("Iran",),
    "IQ": ("Iraq", "Irak"),
    "PS": ("Palestine", "Palestina"),
    "PK": ("Pakistan",),
    "IN": ("India",),
    "BD": ("Bangladesh",),
    "LK": ("Sri Lanka",),
    "NP": ("Nepal",),
    "MN": ("Mongolia",),
    "KZ": ("Kazakhstan",),
    "UZ": ("Uzbekistan",),
    "MY": ("Malaysia",),
    "SG": ("Singapore", "Singapura"),
    "BN": ("Brunei", "Brunei Darussalam"),
    "PH": ("Philippines", "Filipina"),
    "TH": ("Thailand",),
    "VN": ("Vietnam", "Viet Nam"),
    "MM": ("Myanmar", "Burma"),
    "KH": ("Cambodia", "Kamboja"),
    "LA": ("Laos",),
    "TL": ("Timor-Leste", "Timor Leste", "East Timor", "Timor Timur"),
    "PG": ("Papua New Guinea", "Papua Nugini"),
    "FJ": ("Fiji",),
    "NZ": ("New Zealand", "Selandia Baru"),
    "CA": ("Canada", "Kanada"),
    "MX": ("Mexico", "Meksiko"),
    "BR": ("Brazil", "Brasil"),
    "AR": ("Argentina",),
    "CL": ("Chile", "Cile"),
    "CO": ("Colombia", "Kolombia"),
    "PE": ("Peru",),
    "ZA": ("South Africa", "Afrika Selatan"),
    "NG": ("Nigeria",),
    "KE": ("Kenya",),
    "ET": ("Ethiopia",),
    "MZ": ("Mozambique", "Mozambik"),
    "TZ": ("Tanzania",),
    "SD": ("Sudan",),
}

_INDEX: dict[str, str] | None = None


def _index() -> dict[str, str]:
    global _INDEX
    if _INDEX is None:
        from coopctl.core.ids import fold

        _INDEX = {fold(name): code for code, names in COUNTRY_NAMES.items() for name in names}
    return _INDEX


def country_name(code: str) -> str:
    """The English name of a code in the table, else the code."""
    names = COUNTRY_NAMES.get(code)
    return names[0] if names else code


def find_country(text: str) -> str | None:
    """The ISO code for a code in any case or a name in the table; None when it is neither."""
    from coopctl.core.ids import fold

    stripped = text.strip()
    if len(stripped) == 2 and stripped.upper() in COUNTRY_CODES:
        return stripped.upper()
    return _index().get(fold(stripped))


def resolve_country(text: str) -> str:
    """The ISO 3166-1 alpha-2 code for `AU`, `au`, `Australia`, `Jepang`, `Korea Selatan`, ...;
    a UsageError (about the field `country`) naming the nearest names otherwise."""
    code = find_country(text)
    if code is not None:
        return code
    raise UsageError(t("country '{value}' is not an ISO 3166-1 alpha-2 code such as ID, AU or JP, nor a country name "
                       "coopctl knows{hint}", value=text, hint=nearest_countries(text)), field="country")


def nearest_countries(text: str) -> str:
    """`; did you mean Korea Selatan (KR)?` for the names closest to `text`, or `""`."""
    import difflib

    from coopctl.core.ids import fold

    names = {fold(name): (name, code) for code, names in COUNTRY_NAMES.items() for name in names}
    close = difflib.get_close_matches(fold(text), list(names), n=3, cutoff=0.75)
    if not close:
        return ""
    shown = [f"{names[key][0]} ({names[key][1]})" for key in close]
    return t("; did you mean {names}?", names=", ".join(dict.fromkeys(shown)))
