"""The renewal playbook's rules at their boundaries, and its store format."""

from __future__ import annotations

import string
import tomllib
from datetime import date

import pytest
from hypothesis import given, settings as hyp_settings
from hypothesis import strategies as st

from coopctl.storage import encode

from helpers import read_partner
from helpers import read_settings as decode_settings

from coopctl.core import playbook, rules
from coopctl.core.facts import urgency
from coopctl.core.dates import Duration, PartialDate, parse_stored
from coopctl.core.records import Activity, Agreement, Milestone, Settings, Step, Term, default_procedures

SETTINGS = Settings(owner="Test")
FOREIGN = default_procedures()["foreign"]
DOMESTIC = default_procedures()["domestic"]


def pd(text: str) -> PartialDate:
    return parse_stored(text)


def done(step: str, when: str, **kw) -> Milestone:
    return Milestone(step, pd(when), **kw)


def statuses(plan) -> dict[str, str]:
    return {m.name: m.status for m in plan}


# ---------------------------------------------------------------- the plan for one term end


def test_default_foreign_plan_follows_the_regulation_and_counts_back_from_the_end():
    """Permendagri 25/2020 (research/domain.md §1.2): RKS, DPRD approval, Kemendagri verification, draft,
    negotiation, the Minister's approval, full powers, signing; reporting after it."""
    plan = playbook.plan(playbook.schedule(tuple(FOREIGN), date(2022, 9, 30)), [], date(2020, 1, 1))
    assert [(m.name, m.due.isoformat()) for m in plan] == [
        ("evaluation", "2021-03-30"), ("rks", "2021-05-30"), ("dprd-letter", "2021-07-30"),
        ("dprd-approval", "2021-09-30"), ("verification", "2021-11-30"), ("draft", "2021-12-30"),
        ("negotiation", "2022-02-28"), ("ministry-approval", "2022-06-30"), ("full-powers", "2022-07-30"),
        ("signing", "2022-08-30"), ("reporting", "2022-10-30"),
    ]
    assert {m.status for m in plan} == {"open"}
    assert not any(m.conditional or m.assumed for m in plan)
    assert plan[3].label == "DPRD approval" and plan[-2].label == "Signing"


def test_step_labels_in_english_and_the_regulations_indonesian_names():
    assert playbook.label(FOREIGN[3]) == "DPRD approval"
    assert playbook.label_id("dprd-approval", "DPRD approval") == "Persetujuan DPRD"
    assert playbook.label_id("evaluation", "Evaluation of the current term") == "Evaluasi pelaksanaan kerja sama"
    assert playbook.label_id("signing", "Tanda tangan MoU") == "Tanda tangan MoU"  # a store's own label stays


def test_default_domestic_plan_has_two_signings_and_a_conditional_dprd_step_all_assumed():
    plan = playbook.plan(playbook.schedule(tuple(DOMESTIC), date(2025, 12, 31)), [], date(2020, 1, 1))
    assert [(m.name, m.due.isoformat()) for m in plan] == [
        ("evaluation", "2025-06-30"), ("offer", "2025-07-31"), ("kb-signed", "2025-08-31"),
        ("dprd-approval", "2025-09-30"), ("pks-draft", "2025-10-31"), ("pks-signed", "2025-11-30"),
        ("administration", "2026-01-31"), ("reporting", "2026-02-28"),
    ]
    assert [m.name for m in plan if m.conditional] == ["dprd-approval"]
    assert all(m.assumed for m in plan)  # no source gives these offsets (data/SOURCES.md)


def test_central_programmes_have_an_evaluation_and_nothing_else():
    assert [s.id for s in default_procedures()["central"]] == ["evaluation"]


@pytest.mark.parametrize("text, expected", [
    ("dprd-approval", "dprd-approval"), ("Persetujuan DPRD", "dprd-approval"), ("evaluasi", "evaluation"),
    ("SURAT KUASA", "full-powers"), ("Signing", "signing"), ("legal-review", None),
])
def test_a_step_is_found_by_id_or_label_in_either_language(text, expected):
    assert playbook.step_id(text, tuple(s.id for s in FOREIGN), "foreign") == expected


def test_old_domestic_step_ids_map_to_the_regulations():
    steps = tuple(s.id for s in DOMESTIC)
    assert playbook.step_id("draft", steps, "domestic") == "pks-draft"
    assert playbook.step_id("signing", steps, "domestic") == "pks-signed"
    old = [done("draft", "2025-10-01"), done("signing", "2025-11-01")]
    plan = playbook.plan(playbook.schedule(tuple(DOMESTIC), date(2025, 12, 31)), old, date(2025, 11, 2),
                         aliases=playbook.STEP_ALIASES["domestic"])
    assert statuses(plan)["pks-draft"] == statuses(plan)["pks-signed"] == "done"


def test_a_conditional_step_marked_not_needed_is_not_overdue_and_implies_nothing():
    records = [done("dprd-approval", "2025-10-02", not_needed=True, note="budgeted in the APBD")]
    plan = playbook.plan(playbook.schedule(tuple(DOMESTIC), date(2025, 12, 31)), records, date(2025, 10, 15))
    dprd = next(m for m in plan if m.name == "dprd-approval")
    assert (dprd.status, dprd.note) == ("not needed", "budgeted in the APBD") and not dprd.is_open
    # the steps before it are still to be done (not needed is not done)
    assert statuses(plan)["kb-signed"] == "overdue"
    assert [m.name for m in playbook.overdue(plan)] == ["evaluation", "offer", "kb-signed"]
    # before it was recorded (and after its due day), it was overdue
    assert statuses(playbook.plan(playbook.schedule(tuple(DOMESTIC), date(2025, 12, 31)), records,
                                  date(2025, 10, 1)))["dprd-approval"] == "overdue"


def test_reporting_follows_the_signing_not_the_end():
    timetable = playbook.schedule(tuple(FOREIGN), date(2022, 9, 30))
    unsigned = playbook.plan(timetable, [], date(2023, 1, 1))
    assert statuses(unsigned)["reporting"] == "open"  # not signed: reporting cannot be late yet
    late = playbook.plan(timetable, [done("signing", "2023-09-05")], date(2023, 10, 1))
    reporting = next(m for m in late if m.name == "reporting")
    assert (reporting.due, reporting.status) == (date(2023, 10, 5), "due soon")
    assert statuses(playbook.plan(timetable, [done("signing", "2023-09-05")], date(2023, 10, 6)))["reporting"] == \
        "overdue"
    renewed = playbook.plan(timetable, [], date(2022, 11, 1), renewed=True, renewed_on=pd("2022-08-15"))
    assert next(m for m in renewed if m.name == "reporting").due == date(2022, 10, 30)
    assert statuses(renewed)["reporting"] == "overdue" and statuses(renewed)["signing"] == "done"


def test_a_month_end_that_does_not_exist_falls_to_the_last_day():
    plan = playbook.plan(playbook.schedule(tuple([Step("x", Duration(3, "m"))]), date(2025, 5, 31)), [], date(2020, 1, 1))
    assert plan[0].due == date(2025, 2, 28)


@pytest.mark.parametrize("as_of, status, days_left, days_late", [
    (date(2021, 10, 1), "overdue", -1, 1),     # the day after the due day
    (date(2021, 9, 30), "due soon", 0, None),  # due today: not overdue yet
    (date(2021, 8, 31), "due soon", 30, None),
    (date(2021, 8, 30), "open", 31, None),
])
def test_a_milestone_due_today_is_due_soon_and_overdue_the_day_after(as_of, status, days_left, days_late):
    dprd = next(m for m in playbook.plan(playbook.schedule(tuple(FOREIGN), date(2022, 9, 30)), [], as_of)
                if m.name == "dprd-approval")
    assert (dprd.status, dprd.days_left, dprd.days_late) == (status, days_left, days_late)


def test_done_on_the_due_day_is_on_time_and_done_late_says_how_late():
    timetable = playbook.schedule(tuple(FOREIGN), date(2022, 9, 30))
    on_time = playbook.plan(timetable, [done("dprd-approval", "2021-09-30")], date(2021, 10, 1))
    assert next(m for m in on_time if m.name == "dprd-approval").days_late is None
    late = playbook.plan(timetable, [done("dprd-approval", "2022-11-08", ref="005/4997/050/2022")], date(2023, 8, 22))
    dprd = next(m for m in late if m.name == "dprd-approval")
    assert (dprd.status, dprd.done, dprd.ref, dprd.days_late) == ("done", pd("2022-11-08"), "005/4997/050/2022", 404)


def test_a_record_dated_after_the_as_of_date_had_not_happened_yet():
    records = [done("dprd-approval", "2022-11-08")]
    timetable = playbook.schedule(tuple(FOREIGN), date(2022, 9, 30))
    assert statuses(playbook.plan(timetable, records, date(2022, 11, 7)))["dprd-approval"] == "overdue"
    assert statuses(playbook.plan(timetable, records, date(2022, 11, 8)))["dprd-approval"] == "done"


def test_a_later_step_done_implies_the_earlier_ones():
    plan = playbook.plan(playbook.schedule(tuple(FOREIGN), date(2022, 9, 30)), [done("dprd-approval", "2022-11-08")],
                         date(2023, 8, 22))
    assert statuses(plan) == {
        "evaluation": "done", "rks": "done", "dprd-letter": "done", "dprd-approval": "done",
        "verification": "overdue", "draft": "overdue", "negotiation": "overdue", "ministry-approval": "overdue",
        "full-powers": "overdue", "signing": "overdue", "reporting": "open"}
    assert [m.implied for m in plan][:5] == [True, True, True, False, False]
    assert playbook.next_open(plan).name == "verification"
    assert [m.name for m in playbook.overdue(plan)][:2] == ["verification", "draft"]


def test_the_last_record_counts_so_undone_reopens_and_history_stays():
    records = [done("evaluation", "2021-05-01"), done("evaluation", "2021-07-01", undone=True)]
    plan = playbook.plan(playbook.schedule(tuple(FOREIGN), date(2022, 9, 30)), records, date(2021, 8, 1))
    assert statuses(plan)["evaluation"] == "overdue"
    records.append(done("evaluation", "2021-08-01"))
    assert statuses(playbook.plan(playbook.schedule(tuple(FOREIGN), date(2022, 9, 30)), records, date(2021, 8, 1)))["evaluation"] == "done"


def test_renewed_means_every_step_to_the_signing_done_and_signing_dated_by_the_new_term():
    plan = playbook.plan(playbook.schedule(tuple(FOREIGN), date(2025, 12, 31)), [], date(2025, 7, 1), renewed=True,
                         renewed_on=pd("2025-06-15"))
    assert set(statuses(plan).values()) == {"done", "open"}
    assert [m.name for m in plan if m.status != "done"] == ["reporting"]
    assert next(m for m in plan if m.name == "signing").done == pd("2025-06-15")
    assert playbook.next_open(plan).name == "reporting"


def test_terminated_flags_nothing():
    plan = playbook.plan(playbook.schedule(tuple(FOREIGN), date(2022, 9, 30)), [done("evaluation", "2021-06-01")], date(2023, 1, 1), closed=True)
    assert statuses(plan)["evaluation"] == "done"
    assert statuses(plan)["signing"] == "not needed"
    assert playbook.overdue(plan) == []


def test_steps_with_the_same_due_day_keep_their_order():
    steps = [Step("b", Duration(2, "m")), Step("a", Duration(2, "m")), Step("c", Duration(3, "m"))]
    assert [m.name for m in playbook.plan(playbook.schedule(tuple(steps), date(2025, 12, 31)), [], date(2020, 1, 1))] == ["c", "b", "a"]


def test_a_store_label_wins_and_an_unknown_id_shows_itself():
    assert playbook.label(Step("signing", Duration(1, "m"), "Tanda tangan")) == "Tanda tangan"
    assert playbook.label(Step("legal-review", Duration(6, "m"))) == "legal-review"


# ---------------------------------------------------------------- an agreement's plan


def agreement(*terms: Term, milestones=(), activities=(), procedure=None, terminated=None) -> Agreement:
    return Agreement(id="a", partner_id="p", title="T", type="mou", terms=list(terms), milestones=list(milestones),
                     activities=list(activities), procedure=procedure,
                     terminated=pd(terminated) if terminated else None)


def test_a_term_end_that_is_only_a_year_means_its_last_day():
    a = agreement(Term(pd("2021"), pd("2025")))
    p = playbook.for_agreement(a, "international-org", SETTINGS, date(2024, 10, 1))
    assert p.term_end == date(2025, 12, 31)
    assert (p.milestones[0].name, p.milestones[0].due, p.milestones[0].status) == ("evaluation", date(2024, 6, 30), "overdue")
    assert p.next_milestone.name == "evaluation"
    assert p.procedure == "foreign"


def test_the_plan_is_for_the_term_in_force_else_the_latest_signed_term():
    a = agreement(Term(pd("2017-09"), pd("2022-09")), Term(pd("2023-09-06"), pd("2028-09-05"), pending=True))
    for day in (date(2022, 6, 1), date(2023, 8, 22)):  # in force, then lapsed while renewing
        p = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, day)
        assert p.term_end == date(2022, 9, 30) and p.state == "renewing" and not p.renewed


def test_an_agreement_renewed_before_its_plan_finished():
    a = agreement(Term(pd("2021-01-01"), pd("2025-12-31")),
                  Term(pd("2026-01-01"), pd("2030-12-31"), signed=pd("2025-06-15")),
                  milestones=[done("evaluation", "2024-09-01")])
    before = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2025, 6, 14))
    assert not before.renewed and [m.name for m in before.overdue] == [
        "rks", "dprd-letter", "dprd-approval", "verification", "draft", "negotiation"]
    after = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2025, 6, 15))
    assert after.renewed and after.term_end == date(2025, 12, 31)
    assert after.overdue == [] and after.next_milestone.name == "reporting"  # due a month after the end
    assert next(m for m in after.milestones if m.name == "signing").done == pd("2025-06-15")
    # once the new term is in force, the plan stays on the signed renewal while its report is to be done
    report = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2026, 1, 1))
    assert (report.term_end, report.renewed, report.next_milestone.name) == (date(2025, 12, 31), True, "reporting")
    assert report.next_milestone.due == date(2026, 1, 31)  # a month after the end (later than a month after signing)
    # ... until 90 days past its due day, then it is for the new term's end
    assert playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2026, 5, 1)).term_end == date(2025, 12, 31)
    later = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2026, 5, 2))
    assert later.term_end == date(2030, 12, 31) and later.overdue == []
    # ... or once the report is recorded
    reported = a._replace(milestones=[*a.milestones, done("reporting", "2026-01-20", term_end=pd("2025-12-31"))])
    assert playbook.for_agreement(reported, "foreign-local-gov", SETTINGS, date(2026, 1, 21)).term_end == date(2030, 12, 31)


def test_records_belong_to_the_renewal_they_name():
    terms = [Term(pd("2017-09"), pd("2022-09")), Term(pd("2022-10-01"), pd("2027-09-30"))]
    signed = agreement(*terms).signed_terms()
    assert rules.record_term(signed, done("x", "2024-01-01", term_end=pd("2022-09"))) == 0
    assert rules.record_term(signed, done("x", "2022-08-01", term_end=pd("2027-09-30"))) == 1
    assert rules.record_term(signed, done("x", "2022-08-01", term_end=pd("2030"))) is None
    # without term_end: the last term that started before it; a signing on the new term's first day renews the old one
    assert rules.record_term(signed, done("signing", "2022-10-01")) == 0
    assert rules.record_term(signed, done("signing", "2022-10-02")) == 1
    assert rules.record_term(signed, done("x", "2017-09")) is None


def test_a_month_term_end_still_matches_once_the_end_is_known_to_the_day():
    a = agreement(Term(pd("2017-09-27"), pd("2022-09-26")),
                  milestones=[done("dprd-approval", "2022-11-08", term_end=pd("2022-09"))])
    p = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2023, 1, 1))
    assert next(m for m in p.milestones if m.name == "dprd-approval").status == "done"


def test_records_of_an_earlier_renewal_do_not_count_for_the_next():
    a = agreement(Term(pd("2012-01-01"), pd("2016-12-31")), Term(pd("2017-01-01"), pd("2021-12-31")),
                  milestones=[done("dprd-approval", "2016-05-01", term_end=pd("2016-12-31"))])
    p = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2021, 6, 1))
    assert p.term_end == date(2021, 12, 31)
    assert statuses(p.milestones)["dprd-approval"] == "overdue"


def test_a_procedure_by_kind_by_group_or_named_by_the_agreement():
    s = Settings(owner="T")
    s.procedures["foreign-institution"] = [Step("evaluation", Duration(24, "m"))]
    s.procedures["quick"] = [Step("signing", Duration(10, "d"))]
    term = Term(pd("2021-01-01"), pd("2025-12-31"))
    assert playbook.for_agreement(agreement(term), "foreign-institution", s, date(2022, 1, 1)).procedure == "foreign-institution"
    assert playbook.for_agreement(agreement(term), "foreign-local-gov", s, date(2022, 1, 1)).procedure == "foreign"
    assert playbook.for_agreement(agreement(term), "third-party", s, date(2022, 1, 1)).procedure == "domestic"
    named = playbook.for_agreement(agreement(term, procedure="quick"), "foreign-local-gov", s, date(2022, 1, 1))
    assert [(m.name, m.due) for m in named.milestones] == [("signing", date(2025, 12, 21))]


def test_an_empty_procedure_plans_nothing():
    s = Settings(owner="T")
    s.procedures["domestic"] = []
    p = playbook.for_agreement(agreement(Term(pd("2020"), pd("2021"))), "domestic-region", s, date(2023, 1, 1))
    assert p.milestones == () and p.overdue == [] and p.next_milestone is None


def test_terminated_agreements_have_nothing_overdue():
    a = agreement(Term(pd("2020"), pd("2021")), terminated="2021-06-01")
    assert playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2023, 1, 1)).overdue == []


def test_a_proposal_has_a_first_plan_counted_back_from_its_start_without_an_evaluation():
    p = playbook.for_agreement(agreement(Term(pd("2030"), pending=True)), "foreign-local-gov", SETTINGS, date(2023, 1, 1))
    assert (p.kind, p.state, p.term_end, p.review) == ("first", "proposed", None, None)
    assert p.origin == date(2028, 7, 1)  # recorded before coopctl kept the day: its start less the notice window
    assert [(m.name, m.due) for m in p.milestones][:2] == [("rks", date(2028, 9, 1)), ("dprd-letter", date(2028, 11, 1))]
    assert "evaluation" not in [m.name for m in p.milestones]


def test_a_proposal_is_dated_forward_from_the_day_it_was_recorded():
    a = agreement(Term(pd("2030"), pending=True, recorded=pd("2024-03-15")))
    p = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2025, 1, 1))
    assert p.origin == date(2024, 3, 15)
    # as if it had to be in force one notice window (18 months) later: 2025-09-15
    assert [(m.name, m.due, m.status) for m in p.milestones][:2] == [
        ("rks", date(2024, 5, 15), "overdue"), ("dprd-letter", date(2024, 7, 15), "overdue")]
    assert p.overdue_since == date(2024, 5, 15)


def test_no_term_at_all_no_plan():
    p = playbook.for_agreement(agreement(), "foreign-local-gov", SETTINGS, date(2023, 1, 1))
    assert (p.kind, p.term, p.milestones, p.review) == (None, None, (), None)


# ---------------------------------------------------------------- open-ended: review instead of renewal


def evaluation(when: str) -> Activity:
    return Activity(pd(when), "trade", "Evaluation meeting", "evaluation")


@pytest.mark.parametrize("day, due", [
    (date(2019, 2, 19), False),  # exactly 60 months after the start: still in time
    (date(2019, 2, 20), True),
])
def test_open_ended_review_counts_from_the_start_without_an_evaluation(day, due):
    osaka = agreement(Term(pd("1984")), Term(pd("2014-02-19")))
    p = playbook.for_agreement(osaka, "foreign-local-gov", SETTINGS, day)
    assert p.term_end is None and p.milestones == ()
    assert (p.review_due, p.review.by) == (due, date(2019, 2, 19))


@pytest.mark.parametrize("day, due", [(date(2028, 5, 1), False), (date(2028, 5, 2), True)])
def test_an_evaluation_activity_restarts_the_review_period(day, due):
    a = agreement(Term(pd("2014-02-19")), activities=[evaluation("2023-05-01"), Activity(pd("2024-01-01"), "trade", "x", "meeting")])
    p = playbook.for_agreement(a, "foreign-local-gov", SETTINGS, day)
    assert (p.review_due, p.review.last_evaluation, p.review.by) == (due, date(2023, 5, 1), date(2028, 5, 1))


def test_review_months_is_a_store_setting_and_only_live_agreements_are_flagged():
    s = Settings(owner="T", review_months=12)
    a = agreement(Term(pd("2020-01-01")))
    assert playbook.for_agreement(a, "foreign-local-gov", s, date(2021, 1, 2)).review_due
    assert not playbook.for_agreement(a, "foreign-local-gov", SETTINGS, date(2021, 1, 2)).review_due
    renewing = agreement(Term(pd("2000-01-01")), Term(pd("2030-01-01"), pending=True))
    assert not playbook.for_agreement(renewing, "foreign-local-gov", SETTINGS, date(2021, 1, 2)).review_due
    ended = agreement(Term(pd("2000-01-01")), terminated="2010-01-01")
    assert not playbook.for_agreement(ended, "foreign-local-gov", SETTINGS, date(2021, 1, 2)).review_due


def test_urgency_overdue_milestones_then_lapsed_then_due_soonest_then_reviews():
    rows = [
        ("due-soon", None, "due", 10),
        ("review", None, "active", None),
        ("lapsed", None, "lapsed", -5),
        ("overdue-recent", date(2023, 1, 1), "due", 100),
        ("overdue-old", date(2022, 1, 1), "renewing", -300),
        ("due-later", None, "due", 200),
    ]
    ordered = sorted(rows, key=lambda r: urgency(r[1], r[2], r[3], r[0]))
    assert [r[0] for r in ordered] == ["overdue-old", "overdue-recent", "lapsed", "due-soon", "due-later", "review"]


# ---------------------------------------------------------------- the store format


PROCEDURES_TOML = '''owner = "Biro Kerja Sama"
review_months = 48

[notice]
foreign = "18m"
domestic = "6m"

[procedures.foreign]
evaluation = "24m"
draft = "12m"
dprd-approval = "8m"
signing = "1m"

[procedures.domestic]

[procedures.university]
evaluation = "9m"
legal-review = { before = "6m", label = "Telaah hukum" }
signing = "1m"
'''


def read_settings(text: str):
    problems = []
    s = decode_settings(tomllib.loads(text), lambda path, msg: problems.append((path, msg)), "x")
    return s, problems


def test_settings_procedures_read_and_write_back_byte_for_byte():
    s, problems = read_settings(PROCEDURES_TOML)
    assert problems == []
    assert s.review_months == 48
    assert s.procedures["foreign"][0] == Step("evaluation", Duration(24, "m"))
    assert s.procedures["domestic"] == ()
    assert s.procedures["university"][1] == Step("legal-review", Duration(6, "m"), "Telaah hukum")
    assert encode.dump_settings(s) == PROCEDURES_TOML


def test_a_settings_file_without_procedures_gets_the_defaults_written_out():
    s, problems = read_settings('owner = "x"\n')
    assert problems == [] and s.procedures == default_procedures()
    assert "procedures" not in encode.dump_settings(s)  # the built-in ones are not written out: they follow coopctl


@pytest.mark.parametrize("text, path, message", [
    ('[procedures]\nforeign = "15m"\n', ("procedures", "foreign"), "must be a table of steps"),
    ('procedures = 3\n', ("procedures",), "must hold tables such as [procedures.foreign]"),
    ('[procedures.Foreign]\n', ("procedures", "Foreign"), "procedure name 'Foreign'"),
    ('[procedures.foreign]\nevaluation = "15 months"\n', ("procedures", "foreign", "evaluation"), "is not a duration"),
    ('[procedures.foreign]\nevaluation = 15\n', ("procedures", "foreign", "evaluation"), "must be a duration such as"),
    ('[procedures.foreign]\nx = { label = "X" }\n', ("procedures", "foreign", "x"), "needs 'before'"),
    ('[procedures.foreign]\nx = { before = "1m", when = "y" }\n', ("procedures", "foreign", "x", "when"), "unknown key 'when'"),
    ('[procedures.foreign]\nDPRD = "8m"\n', ("procedures", "foreign", "DPRD"), "step id 'DPRD'"),
    ('review_months = 0\n', ("review_months",), "at least 1"),
])
def test_bad_procedures_are_reported_where_they_are(text, path, message):
    _, problems = read_settings(text)
    assert any(p == path and message in m for p, m in problems), problems


step_ids = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
durations = st.builds(Duration, st.integers(1, 240), st.sampled_from(["d", "m"]))  # 1 day to 20 years
labels = st.none() | st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)


@hyp_settings(max_examples=100, deadline=None)
@given(st.dictionaries(step_ids, st.lists(st.builds(Step, step_ids, durations, labels), max_size=5,
                                          unique_by=lambda s: s.id), max_size=3),
       st.none() | st.integers(1, 240))
def test_any_procedures_save_and_load_back(procedures, months):
    s = Settings(owner="x", review_months=months,
                 procedures={**default_procedures(), **{name: tuple(steps) for name, steps in procedures.items()}})
    text = encode.dump_settings(s)
    loaded, problems = read_settings(text)
    assert problems == []
    assert loaded.procedures == s.procedures and loaded.review_months == months
    assert encode.dump_settings(loaded) == text


def test_milestone_records_in_a_partner_file():
    text = '''name = "P"
country = "AU"
kind = "foreign-local-gov"

[[agreements]]
id = "a"
title = "T"
type = "mou"
sectors = ["trade"]
procedure = "foreign"

[[agreements.terms]]
start = 2017-09-01
end = "2022-09"

[[agreements.milestones]]
id = "dprd-approval"
date = 2022-11-08
term_end = "2022-09"
ref = "005/4997/050/2022"

[[agreements.milestones]]
id = "dprd-approval"
date = "2022-12"
term_end = "2022-09"
note = "recorded in error"
undone = true
'''
    from coopctl.core.sectors import Vocabulary

    problems = []
    partner = read_partner("p", tomllib.loads(text), lambda path, msg: problems.append((path, msg)), Vocabulary())
    assert problems == []
    a = partner.agreements[0]
    assert a.procedure == "foreign"
    assert list(a.milestones) == [
        Milestone("dprd-approval", pd("2022-11-08"), pd("2022-09"), "005/4997/050/2022"),
        Milestone("dprd-approval", pd("2022-12"), pd("2022-09"), None, "recorded in error", True),
    ]
    assert encode.dump_partner(partner) == text


@pytest.mark.parametrize("record, path, message", [
    ('id = "x"\n', ("milestones", 0), "missing required key 'date'"),
    ('date = 2022-01-01\n', ("milestones", 0), "missing required key 'id'"),
    ('id = "DPRD"\ndate = 2022-01-01\n', ("milestones", 0, "id"), "must be a step id"),
    ('id = "x"\ndate = 2022-01-01\nby = "me"\n', ("milestones", 0, "by"), "unknown key 'by'"),
    ('id = "x"\ndate = 2022-01-01\nundone = "yes"\n', ("milestones", 0, "undone"), "must be true or false"),
])
def test_bad_milestone_records_are_reported(record, path, message):
    from coopctl.core.sectors import Vocabulary

    text = ('name = "P"\ncountry = "AU"\nkind = "foreign-local-gov"\n\n[[agreements]]\nid = "a"\ntitle = "T"\n'
            'type = "mou"\n\n[[agreements.terms]]\nstart = 2020-01-01\n\n[[agreements.milestones]]\n' + record)
    problems = []
    read_partner("p", tomllib.loads(text), lambda p, m: problems.append((p, m)), Vocabulary())
    assert any(p == ("agreements", 0) + path and message in m for p, m in problems), problems


def test_schedule_follows_a_changed_procedure():
    """The timetable is made once per procedure contents and end day: other steps give another timetable."""
    steps = (Step("draft", Duration(12, "m")), Step("signing", Duration(1, "m")))
    end = date(2026, 3, 31)
    assert [(name, due) for name, _, due, *_ in playbook.schedule(steps, end)] == [
        ("draft", date(2025, 3, 31)), ("signing", date(2026, 2, 28))]
    steps += (Step("evaluation", Duration(15, "m")),)
    assert [name for name, *_ in playbook.schedule(steps, end)] == ["evaluation", "draft", "signing"]
    steps = (Step("draft", Duration(2, "m")),) + steps[1:]
    assert {name: due for name, _, due, *_ in playbook.schedule(steps, end)}["draft"] == date(2026, 1, 31)


@given(end=st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)),
       offsets=st.lists(st.tuples(st.integers(-24, 240), st.sampled_from(["m", "m", "d"])), min_size=1, max_size=8))
@hyp_settings(max_examples=300, deadline=None)
def test_a_timetable_lists_the_steps_by_due_day_ties_in_procedure_order(end, offsets):
    """Whatever the offsets (in months or days, before or after the end) and the end day, even at the calendar's
    edges: each step's due day is its offset before the end, and the steps come by due day, ties in the order
    the procedure lists them."""
    steps = tuple(Step(f"s{i}", Duration(amount, unit)) for i, (amount, unit) in enumerate(offsets))
    timetable = playbook.schedule(steps, end)
    expected = sorted(((step.id, step.before.before(end)) for step in steps), key=lambda pair: pair[1])
    assert [(row[0], row[2]) for row in timetable] == expected
    assert [row[5] for row in timetable] == [
        Duration(-s.before.amount, s.before.unit) if s.before.amount < 0 else None
        for s in sorted(steps, key=lambda s: s.before.before(end))]
