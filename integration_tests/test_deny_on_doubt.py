"""Deny on doubt: a customer whose records tie on the latest lastUpdateDate and
disagree about consent, or who has a record naming them that cannot be read
(and might be the newest), is held out of every trusted and curated table, with
its own reason in the audit views and the quarantine; in full, incremental and
strict builds. (Lines that are not what they look like, a raw 0x01 byte, a lone
\\r, a line that is `\\N`: test_bad_input.py.)"""

from __future__ import annotations

import json

import pytest
from conftest import assert_every_line_accounted_for, line_accounting
from scenario import Scenario, customer, reading, step
from test_incremental import fingerprint

from stedi.errors import StackError

PROTECTED = ["customer_trusted", "accelerometer_trusted", "step_trainer_trusted",
             "customers_curated", "machine_learning_curated"]

TIE = "tie@example.com"                  # same latest date: consent and no consent
TIE_DATES = "tie-dates@example.com"      # same latest date: two consent dates
TIE_AGREE = "tie-agree@example.com"      # same latest date, same answer: no doubt
NO_DATE = "no-date@example.com"          # a record without lastUpdateDate
TEXT_DATE = "text-date@example.com"      # lastUpdateDate is text
TEXT_CONSENT = "text-consent@example.com"  # newer record, consent date is text
OLD_TEXT = "old-text@example.com"        # older record with a text consent date
PLAIN = "plain@example.com"
EVERYONE = [TIE, TIE_DATES, TIE_AGREE, NO_DATE, TEXT_DATE, TEXT_CONSENT, OLD_TEXT, PLAIN]
HELD_OUT = {
    TIE: "held_out_consent_tie", TIE_DATES: "held_out_consent_tie",
    NO_DATE: "held_out_unreadable_record", TEXT_DATE: "held_out_unreadable_record",
    TEXT_CONSENT: "held_out_unreadable_record",
}


def _serial(email):
    return "s-" + email.split("@")[0]


def _records():
    no_date = customer(NO_DATE, serial=_serial(NO_DATE), updated=5_000, consent=1_000)
    del no_date["lastUpdateDate"]
    return [
        customer(TIE, serial=_serial(TIE), updated=1_000, consent=1_000),
        customer(TIE, serial=_serial(TIE), updated=2_000, consent=2_000),
        customer(" TIE@example.com", serial=_serial(TIE), updated=2_000, consent=None),
        customer(TIE_DATES, serial=_serial(TIE_DATES), updated=2_000, consent=1_500),
        customer(TIE_DATES, serial=_serial(TIE_DATES), updated=2_000, consent=1_600),
        customer(TIE_AGREE, serial=_serial(TIE_AGREE), updated=2_000, consent=1_500,
                 name="One Name"),
        customer(TIE_AGREE, serial=_serial(TIE_AGREE), updated=2_000, consent=1_500,
                 name="Another Name"),
        customer(NO_DATE, serial=_serial(NO_DATE), updated=1_000, consent=1_000),
        no_date,
        customer(TEXT_DATE, serial=_serial(TEXT_DATE), updated=1_000, consent=1_000),
        {**customer(TEXT_DATE, serial=_serial(TEXT_DATE), consent=None),
         "lastUpdateDate": "2022-06-18"},
        customer(TEXT_CONSENT, serial=_serial(TEXT_CONSENT), updated=1_000, consent=1_000),
        {**customer(TEXT_CONSENT, serial=_serial(TEXT_CONSENT), updated=3_000),
         "shareWithResearchAsOfDate": "withdrawn"},
        customer(OLD_TEXT, serial=_serial(OLD_TEXT), updated=3_000, consent=1_000),
        {**customer(OLD_TEXT, serial=_serial(OLD_TEXT), updated=1_000),
         "shareWithResearchAsOfDate": "withdrawn"},
        customer(PLAIN, serial=_serial(PLAIN), updated=1_000, consent=1_000),
    ]


def _write_readings(sc):
    sc.write("accelerometer", "accel-1.json",
             [reading(e, ts) for e in EVERYONE for ts in (1_000, 6_000)])
    sc.write("step_trainer", "step-1.json",
             [step(_serial(e), ts) for e in EVERYONE for ts in (1_000, 6_000)])


@pytest.fixture(scope="module")
def doubt(stack, tmp_path_factory):
    """The lake built in full with strict consent first (what it left recorded
    in sc.strict for test_strict_mode_holds_them_out_too), then in full again
    in the default mode, which the other tests read."""
    sc = Scenario(stack, "deny_on_doubt", tmp_path_factory.mktemp("doubt"))
    sc.write("customer", "customer-1.json", _records())
    _write_readings(sc)
    sc.load()
    try:   # a failed strict build fails test_strict_mode_holds_them_out_too, not the module
        sc.build("--full-refresh", variables={"strict_consent": True})
        sc.strict = {"trusted": _trusted_emails(sc), "rows": _rows_by_customer(sc)}
    except StackError as failed:
        sc.strict = {"failed": str(failed)}
    sc.build("--full-refresh")
    sc.keep_artifacts()   # for the report: this lakehouse's relations and tests
    yield sc
    sc.drop()


def _customer_id(sc, email):
    return sc.query(f"select to_hex(sha256(to_utf8('{email.strip().lower()}')))")[0][0]


def _trusted_emails(sc):
    return {row[0] for row in sc.query("select email from {customer_trusted}")}


def _statuses(sc):
    return dict(sc.query("select email_key, consent_status from {customer_landing_current}"))


def _rows_by_customer(sc, emails=EVERYONE) -> dict[str, dict[str, int]]:
    """Each customer's rows in each protected table."""
    return {email: {model: sc.count(model, f"customer_id = '{_customer_id(sc, email)}'")
                    for model in PROTECTED}
            for email in emails}


def _assert_held_out_everywhere(sc, emails, rows=None):
    rows = rows or _rows_by_customer(sc, emails)
    for email in emails:
        for model in PROTECTED:
            assert rows[email][model] == 0, (email, model)


def test_ties_and_unreadable_records_hold_the_customer_out(doubt):
    statuses = _statuses(doubt)
    assert {e: s for e, s in statuses.items() if s.startswith("held_out")} == HELD_OUT
    assert _trusted_emails(doubt) == {TIE_AGREE, OLD_TEXT, PLAIN}
    _assert_held_out_everywhere(doubt, HELD_OUT)
    # The customers kept still have all their data.
    for email in (TIE_AGREE, OLD_TEXT, PLAIN):
        cid = _customer_id(doubt, email)
        for model in PROTECTED:
            assert doubt.count(model, f"customer_id = '{cid}'") >= 1, (email, model)


def test_held_out_customers_have_their_own_reason_in_audit_and_quarantine(doubt):
    rows = doubt.query("select raw_line, outcome, outcome_reason, held_out_reason"
                       " from {customer_landing_outcome}")
    by_customer: dict[str, set] = {}
    for raw, outcome, reason, held in rows:
        email = json.loads(raw)["email"].strip().lower()
        by_customer.setdefault(email, set()).add((outcome, reason, held))
    assert by_customer[TIE] == {("excluded", "held_out_consent_tie", "held_out_consent_tie")}
    assert by_customer[NO_DATE] == {
        ("excluded", "held_out_unreadable_record", "held_out_unreadable_record"),
        ("rejected", "invalid_last_update_date", "held_out_unreadable_record"),
    }
    assert by_customer[TEXT_CONSENT] == {
        ("excluded", "held_out_unreadable_record", "held_out_unreadable_record"),
        ("rejected", "invalid_research_consent_date", "held_out_unreadable_record"),
    }
    # The older unreadable record is rejected, but holds nobody out.
    assert ("rejected", "invalid_research_consent_date", None) in by_customer[OLD_TEXT]
    # The quarantine: every rejected line and every record of a held-out customer.
    quarantined = doubt.query("select raw_line, rejection_reason, held_out_reason"
                              " from {customer_landing_rejected}")
    held = {json.loads(r[0])["email"].strip().lower() for r in quarantined if r[2]}
    assert held == set(HELD_OUT)
    assert len(quarantined) == 12  # 11 records of held-out customers + OLD_TEXT's bad one
    # Their phone readings say why they are left out.
    reasons = dict(doubt.query(
        "select outcome_reason, count(*) from {accelerometer_landing_outcome}"
        " where outcome = 'excluded' group by 1"))
    assert reasons == {"held_out_consent_tie": 4, "held_out_unreadable_record": 6}


def test_every_line_is_still_accounted_for(doubt):
    cursor = doubt.trino.connect().cursor()
    for entity in ("customer", "accelerometer", "step_trainer"):
        assert_every_line_accounted_for(line_accounting(cursor, doubt.settings, entity))
    # dbt's reconciliation test too (a failure raises StackError)
    doubt.dbt("test", "--select", "test_landing__every_line_accounted_for")


def test_report_counts_held_out_customers_by_reason_never_emails(doubt, tmp_path):
    from stedi.pipeline import report

    # the artifacts of this lakehouse's build (the counts are read from its tables now)
    path = report.write_report(doubt.trino, output=tmp_path / "report.html",
                               target_path=doubt.artifacts)
    reasons = report.HELD_OUT_REASONS
    assert dict(report.gather(doubt.trino, doubt.artifacts).held_out) == {
        reasons["held_out_consent_tie"]: 2, reasons["held_out_unreadable_record"]: 3,
        reasons["forgotten"]: 0}
    assert "@" not in path.read_text()


def test_strict_mode_holds_them_out_too(doubt):
    # what the fixture's strict build left (before the default build replaced it)
    assert "failed" not in doubt.strict, doubt.strict.get("failed")
    assert doubt.strict["trusted"] == {TIE_AGREE, OLD_TEXT, PLAIN}
    _assert_held_out_everywhere(doubt, HELD_OUT, doubt.strict["rows"])
    # the customers kept have data in every table in strict mode too
    for email in (TIE_AGREE, OLD_TEXT, PLAIN):
        assert all(n >= 1 for n in doubt.strict["rows"][email].values()), email


@pytest.fixture()
def arriving(stack, tmp_path):
    sc = Scenario(stack, "doubt_incremental", tmp_path)
    sc.write("customer", "customer-1.json", [
        customer(TEXT_DATE, serial=_serial(TEXT_DATE), updated=1_000, consent=1_000),
        customer(TIE, serial=_serial(TIE), updated=1_000, consent=1_000),
        customer(PLAIN, serial=_serial(PLAIN), updated=1_000, consent=1_000),
    ])
    _write_readings(sc)
    sc.load()
    yield sc
    sc.drop()


def test_incremental_runs_hold_out_and_let_back_in(arriving):
    """A doubtful record arriving later takes a consenting customer out on the
    next incremental run; fixing it (the file delivered again, corrected) lets
    them back in; each state equals a full refresh."""
    sc = arriving
    sc.build("--full-refresh")
    assert _trusted_emails(sc) == {TEXT_DATE, TIE, PLAIN}
    before = fingerprint(sc)

    doubtful = [
        {**customer(TEXT_DATE, serial=_serial(TEXT_DATE), consent=None),
         "lastUpdateDate": "later"},
        customer(TIE, serial=_serial(TIE), updated=1_000, consent=None),
    ]
    sc.write("customer", "customer-2.json", doubtful)
    sc.load()
    sc.build()
    assert _trusted_emails(sc) == {PLAIN}
    _assert_held_out_everywhere(sc, [TEXT_DATE, TIE])
    incremental = fingerprint(sc)
    sc.build("--full-refresh")
    assert fingerprint(sc) == incremental

    # Fixed: the same file delivered again, its records readable and agreeing.
    sc.write("customer", "customer-2.json", [
        customer(TEXT_DATE, serial=_serial(TEXT_DATE), updated=500, consent=None),
        customer(TIE, serial=_serial(TIE), updated=500, consent=None),
    ])
    sc.load()
    sc.build()
    assert _trusted_emails(sc) == {TEXT_DATE, TIE, PLAIN}
    assert fingerprint(sc) == before
