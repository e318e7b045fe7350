"""Property: any valid store saves and loads back to the same records and the same bytes."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopctl.storage import encode

from helpers import read_partner
from coopctl.core.dates import Duration, PartialDate
from coopctl.core.records import (ACTIVITY_TYPES, AGREEMENT_TYPES, CATEGORIES, DOCUMENT_KINDS, PARTNER_KINDS, Activity,
                           Agreement, AgreementSector, Contact, Document, Milestone, Partner, Term)
from coopctl.core.sectors import Vocabulary
from coopctl.core.vocabulary import SECTORS

VOCAB = Vocabulary()
SECTOR_IDS = [s[0] for s in SECTORS]

# any Unicode text except surrogates, which cannot be stored as UTF-8
text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
required_text = text.filter(lambda s: s.strip())  # names and titles may not be blank
optional_text = st.none() | text
slug = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=20)


@st.composite
def partial_dates(draw):
    year = draw(st.integers(1900, 9998))  # the dates a store keeps (core.dates)
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    return PartialDate(year, month, draw(st.integers(1, 28)))


@st.composite
def terms(draw):
    start = draw(partial_dates())
    end = draw(st.none() | partial_dates().filter(lambda d: d.last_day() >= start.first_day()))
    pending = draw(st.booleans())
    return Term(start, end, draw(st.none() | partial_dates()), pending,
                draw(optional_text), draw(optional_text), draw(optional_text),
                draw(st.none() | partial_dates()) if pending else None, draw(st.booleans()),
                tuple(draw(st.lists(st.sampled_from(["start", "end", "signed", "number", "place"]), unique=True,
                                    max_size=3))))


documents = st.builds(
    Document, st.sampled_from(DOCUMENT_KINDS), required_text, st.integers(1, 2**40),
    st.text("0123456789abcdef", min_size=64, max_size=64), st.none() | st.sampled_from(["application/pdf", "image/png"]),
    optional_text, st.none() | partial_dates(), optional_text, st.none() | partial_dates(), st.none() | slug)


@st.composite
def agreements(draw, partner_id):
    sectors = draw(st.lists(st.sampled_from(SECTOR_IDS), min_size=1, max_size=4, unique=True))
    entries = tuple(AgreementSector(s, draw(st.none() | partial_dates()), None, draw(optional_text)) for s in sectors)
    term_list = []
    pending_seen = False
    for t in draw(st.lists(terms(), min_size=1, max_size=3)):  # at most one pending term
        if t.pending and pending_seen:
            t = t._replace(pending=False)
        if t.pending:
            t = t._replace(signed=None)  # a pending term is not signed yet (check refuses both)
        pending_seen = pending_seen or t.pending
        term_list.append(t)
    activities = tuple(a if a.summary.strip() else a._replace(summary="x") for a in draw(st.lists(st.builds(
        Activity, partial_dates(), st.sampled_from(sectors), text, st.sampled_from(ACTIVITY_TYPES),
        st.none() | st.integers(0, 10**6), st.none(), st.none(), optional_text,
        st.lists(st.sampled_from(["date", "sector"]), unique=True).map(tuple)), max_size=3)))
    return Agreement(
        id=draw(slug), partner_id=partner_id, title=draw(required_text), type=draw(st.sampled_from(AGREEMENT_TYPES)),
        sectors=entries, unit=draw(optional_text),
        notice=draw(st.none() | st.builds(Duration, st.integers(1, 99), st.sampled_from(["d", "m"]))),
        notes=draw(optional_text), sources=tuple(draw(st.lists(text, max_size=2))), terms=tuple(term_list),
        activities=activities, procedure=draw(st.none() | slug),
        milestones=tuple(draw(st.lists(st.builds(Milestone, slug, partial_dates(), st.none() | partial_dates(),
                                                 optional_text, optional_text, st.booleans(), st.just(False)),
                                       max_size=3))) + tuple(draw(st.lists(st.builds(
            Milestone, slug, partial_dates(), st.none() | partial_dates(), optional_text, optional_text, st.just(False),
            st.just(True)), max_size=1))),
        under=draw(st.none() | slug), category=draw(st.none() | st.sampled_from(CATEGORIES)),
        documents=tuple(draw(st.lists(documents, max_size=3))),
        extra=tuple(draw(st.dictionaries(text, st.lists(text, min_size=1, max_size=3).map(tuple), max_size=3)).items()),
    )


@st.composite
def partners(draw):
    kind = draw(st.sampled_from(PARTNER_KINDS))
    partner = Partner(
        id="p", name=draw(required_text), kind=kind, country=draw(st.sampled_from(["ID", "AU", "JP"])),
        local_name=draw(optional_text), since=draw(st.none() | partial_dates()), notes=draw(optional_text),
        assumed=("since",) if draw(st.booleans()) else (),
        sources=tuple(draw(st.lists(text, max_size=3))),
        contacts=tuple(draw(st.lists(st.builds(Contact, required_text, optional_text, optional_text, optional_text),
                                     max_size=2))),
    )
    ids = draw(st.lists(slug, max_size=3, unique=True))
    for agreement_id in ids:
        partner = partner.with_agreement(draw(agreements("p"))._replace(id=agreement_id))
    return partner


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partners())
def test_save_then_load_gives_the_same_records_and_bytes(partner):
    import tomllib

    text = encode.dump_partner(partner)
    problems = []
    loaded = read_partner("p", tomllib.loads(text), lambda path, msg: problems.append((path, msg)), VOCAB)
    assert problems == []
    assert loaded == partner
    assert encode.dump_partner(loaded) == text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(text, st.lists(st.sampled_from(SECTOR_IDS), min_size=1, max_size=3, unique=True).map(tuple),
                       max_size=4))
def test_settings_with_sector_aliases_save_and_load_back(aliases):
    import tomllib

    from coopctl.core.records import Settings
    from coopctl.storage.decode import Decoder

    settings = Settings(owner="Biro Kerja Sama", sector_aliases=aliases)
    text = encode.dump_settings(settings)
    problems = []
    loaded = Decoder(VOCAB).settings(tomllib.loads(text), lambda path, msg: problems.append((path, msg)), "x")
    assert problems == []
    assert loaded == settings
    assert encode.dump_settings(loaded) == text
