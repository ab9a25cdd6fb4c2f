"""aspo import keeps each account's history (history/<slug>.yaml): the CRM's stage or outcome appended when the
history lacks it, dated by the export when it can be, and a stage-history export backfilling exact dates; as a
sales-ops user sees it: the lines printed, the exit status, and the history read back with aspo's own loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import edit, line_of
from test_import import HEADER, HOOLI, INITECH, write_csv

from aspo.library.account import load_account
from aspo.library.content import load_library
from aspo.library.history import OutcomeRecorded, StageEntered, load_history

STAGES = ("awareness", "consideration", "decision")
#: The sample's hand-written accounts/acme.yaml (stage: consideration) as a CRM export has it.
ACME = {**INITECH, "Account Name": "Acme Packaging", "Industry": "Manufacturing", "Employees": "5000",
        "Region": "North America - Central", "Stage": "Value Proposition", "Meeting Date": "2027-01-14",
        "Meeting Goal": "", "Contact Name": "Rachel Okafor", "Contact Title": "", "Priorities": "",
        "Competitors": "", "Next Step": "", "Next Step Date": "", "Owner Name": "", "Owner Email": ""}
#: A Salesforce "Opportunity History" report, one row per change.
SALESFORCE_HISTORY = ["Opportunity ID", "Opportunity Name", "Account Name", "From Stage", "To Stage", "Last Modified"]


def today() -> str:
    return dt.date.today().isoformat()


def events_of(slug: str) -> list:
    return list(load_history(Path(f"history/{slug}.yaml"), STAGES).events)


def stage(on: str, name: str, source: str, opportunity: str | None = None) -> StageEntered:
    return StageEntered(event="stage", date=dt.date.fromisoformat(on), stage=name, source=source,
                        opportunity=opportunity)


def outcome(on: str, name: str, source: str, opportunity: str | None = None) -> OutcomeRecorded:
    return OutcomeRecorded(event="outcome", date=dt.date.fromisoformat(on), outcome=name, source=source,
                           opportunity=opportunity)


def test_update_with_a_changed_stage_appends_one_stage_event_and_a_second_run_nothing(workspace, aspo):
    write_csv(workspace / "crm.csv", {**ACME, "Stage": "Negotiation/Review"})
    result = aspo("import", "crm.csv", "--update")
    assert (result.status, result.err) == (0, "")
    assert result.out.splitlines() == [
        f"updated    accounts/acme.yaml (stage) · history: stage decision seen on {today()}",
        "    stage: 'consideration' -> 'decision'",
        "1 row in crm.csv: 1 updated"]
    assert events_of("acme") == [stage(today(), "decision", "crm-seen")]
    history = Path("history/acme.yaml").read_text(encoding="utf-8")
    assert history.startswith("# History of accounts/acme.yaml, one event a line, appended by `aspo log` and "
                              "`aspo import`.\n")
    assert "account: Acme Packaging\n" in history

    again = aspo("import", "crm.csv", "--update")
    assert again.out.splitlines() == ["unchanged  accounts/acme.yaml", "1 row in crm.csv: 1 unchanged"]
    assert Path("history/acme.yaml").read_text(encoding="utf-8") == history


def test_an_account_the_import_creates_starts_its_history_and_an_unchanged_one_gets_its_stage_on_update(
        workspace, aspo):
    write_csv(workspace / "crm.csv", INITECH, ACME)
    result = aspo("import", "crm.csv")
    assert result.out.splitlines() == [
        f"created    accounts/initech.yaml · history: stage consideration seen on {today()}",
        "unchanged  accounts/acme.yaml",  # without --update an existing account is left alone, history too
        "2 rows in crm.csv: 1 created, 1 unchanged"]
    assert events_of("initech") == [stage(today(), "consideration", "crm-seen")]
    assert not Path("history/acme.yaml").exists()

    result = aspo("import", "crm.csv", "--update")
    assert result.out.splitlines() == [
        "unchanged  accounts/initech.yaml",
        f"unchanged  accounts/acme.yaml · history: stage consideration seen on {today()}",
        "2 rows in crm.csv: 2 unchanged"]
    assert events_of("acme") == [stage(today(), "consideration", "crm-seen")]


def test_closed_won_is_an_outcome_and_leaves_the_accounts_stage_as_it_is(workspace, aspo):
    acme = Path("accounts/acme.yaml")
    before = acme.read_bytes()
    write_csv(workspace / "crm.csv", {**ACME, "Stage": "Closed Won"},
              {**INITECH, "Stage": "Closed Won"}, {**HOOLI, "Stage": "Closed Lost"},
              {**INITECH, "Account Name": "Umbrella Corp", "Stage": "Closed - No Decision"})
    skipped = aspo("import", "crm.csv")
    assert skipped.out.splitlines()[0] == ("skipped    accounts/acme.yaml: exists; the CRM has new outcome won (use "
                                           "--update)")
    assert acme.read_bytes() == before and not Path("history/acme.yaml").exists()
    # New accounts start where their next meeting does: a customer's at decision (an expansion), the others over.
    assert skipped.out.splitlines()[1:] == [
        f"created    accounts/initech.yaml · history: outcome won seen on {today()}",
        f"created    accounts/hooli-foods.yaml · history: outcome lost seen on {today()}",
        f"created    accounts/umbrella-corp.yaml · history: outcome no-decision seen on {today()}",
        "4 rows in crm.csv: 3 created, 1 skipped"]
    library = load_library(Path("templates"), layouts=False)
    assert [load_account(Path(f"accounts/{slug}.yaml"), library).data.stage
            for slug in ("initech", "hooli-foods", "umbrella-corp")] == ["decision", "awareness", "awareness"]
    assert events_of("hooli-foods") == [outcome(today(), "lost", "crm-seen")]

    updated = aspo("import", "crm.csv", "--update")
    assert updated.status == 0, updated.err
    assert updated.out.splitlines()[0] == f"unchanged  accounts/acme.yaml · history: outcome won seen on {today()}"
    assert acme.read_bytes() == before  # still stage: consideration, not decision or awareness
    assert events_of("acme") == [outcome(today(), "won", "crm-seen")]

    again = aspo("import", "crm.csv", "--update")
    assert again.out.splitlines() == ["unchanged  accounts/acme.yaml", "unchanged  accounts/initech.yaml",
                                      "unchanged  accounts/hooli-foods.yaml", "unchanged  accounts/umbrella-corp.yaml",
                                      "4 rows in crm.csv: 4 unchanged"]
    assert events_of("acme") == [outcome(today(), "won", "crm-seen")]

    # The deal reopens: the stage is entered again, after the outcome.
    write_csv(workspace / "crm.csv", {**ACME, "Stage": "Value Proposition"})
    reopened = aspo("import", "crm.csv", "--update")
    assert reopened.out.splitlines()[0] == (f"unchanged  accounts/acme.yaml · history: stage consideration seen on "
                                            f"{today()}")


def test_the_exports_date_column_dates_the_event_and_its_opportunity_id_files_it(workspace, aspo):
    header = [*HEADER, "Opportunity ID", "Stage Date"]
    write_csv(workspace / "crm.csv", {**INITECH, "Opportunity ID": "006Q000001", "Stage Date": "2025-01-20"},
              {**HOOLI, "Stage": "Closed Won", "Stage Date": "14.02.2025"}, header=header)
    result = aspo("import", "crm.csv")
    assert (result.status, result.err) == (0, "")
    assert result.out.splitlines() == [
        "created    accounts/initech.yaml · history: stage consideration on 2025-01-20",
        "created    accounts/hooli-foods.yaml · history: outcome won on 2025-02-14",
        "2 rows in crm.csv: 2 created"]
    assert events_of("initech") == [stage("2025-01-20", "consideration", "crm", "006Q000001")]
    assert events_of("hooli-foods") == [outcome("2025-02-14", "won", "crm")]
    assert "stage: consideration\nopportunity: 006Q000001\n\nmeeting:" in \
        Path("accounts/initech.yaml").read_text(encoding="utf-8")

    # Salesforce's and HubSpot's own headers for the day are looked for too; an account's opportunity id files
    # the events of a row that names none.
    write_csv(workspace / "crm.csv", {**INITECH, "Stage": "Negotiation/Review", "Last Stage Change Date": "2/13/2025"},
              header=[*HEADER, "Last Stage Change Date"])
    result = aspo("import", "crm.csv", "--update")
    assert result.out.splitlines()[0] == ("updated    accounts/initech.yaml (stage) · history: stage decision on "
                                          "2025-02-13")
    assert events_of("initech")[-1] == stage("2025-02-13", "decision", "crm", "006Q000001")
    write_csv(workspace / "crm.csv", {**INITECH, "Stage": "Closed Won", "Date entered current stage": "2025-03-30 "
                                      "16:02"}, header=[*HEADER, "Date entered current stage"])
    result = aspo("import", "crm.csv", "--update")
    assert result.out.splitlines()[0] == "unchanged  accounts/initech.yaml · history: outcome won on 2025-03-30"

    write_csv(workspace / "crm.csv", {**INITECH, "Stage Date": "2999-01-01"}, header=[*HEADER, "Stage Date"])
    result = aspo("import", "crm.csv", "--update")
    assert result.status == 2
    assert result.err == ("aspo: error: crm.csv:2: Stage Date: '2999-01-01' is after today; a stage is recorded once "
                          "it is entered: correct it in the CRM and export again\n")


def test_a_history_that_cannot_be_read_fails_its_row_and_nothing_is_written_for_it(workspace, aspo):
    Path("history").mkdir()
    broken = Path("history/acme.yaml")
    broken.write_text("account: Acme Packaging\nevents:\n- {event: stage, date: 2025-01-05, stage: decison, "
                      "source: rep}\n", encoding="utf-8")
    acme = Path("accounts/acme.yaml")
    before, history = acme.read_bytes(), broken.read_bytes()
    write_csv(workspace / "crm.csv", {**ACME, "Stage": "Negotiation/Review"}, INITECH)
    result = aspo("import", "crm.csv", "--update")
    assert result.status == 2
    assert result.err.splitlines() == [
        f"aspo: error: history/acme.yaml:{line_of(broken, 'decison')}: events[0].stage: unknown stage 'decison'; "
        "did you mean 'decision'? (valid: awareness, consideration, decision); row 2 of crm.csv not imported: fix "
        "the history file, then import again"]
    assert result.out.splitlines() == [
        f"created    accounts/initech.yaml · history: stage consideration seen on {today()}",
        "2 rows in crm.csv: 1 created, 1 failed (row 2)"]
    assert (acme.read_bytes(), broken.read_bytes()) == (before, history)


def test_stage_history_backfills_exact_dates_once_and_names_unknown_accounts(workspace, aspo):
    header = [*HEADER, "Opportunity ID"]
    write_csv(workspace / "crm.csv", {**INITECH, "Opportunity ID": "006Q000001"}, header=header)
    assert aspo("import", "crm.csv").status == 0
    rows = [
        ("006Q000001", "Initech pilot", "Initech", "", "Prospecting", "2025-09-01"),
        ("006Q000001", "Initech pilot", "Initech", "Prospecting", "Qualification", "2025-09-15"),  # still awareness
        ("006Q000001", "Initech pilot", "Initech", "Qualification", "Value Proposition", "2025-10-02"),
        ("006Q000001", "Initech pilot", "Initech", "Value Proposition", "Closed Won", "2025-11-30"),
        ("", "Acme Dayton", "Acme Packaging", "", "Perception Analysis", "11/05/2025 09:30"),
        ("0067X00002", "Umbrella renewal", "Umbrella Corp", "", "Prospecting", "2025-10-01"),
        ("0067X00002", "Umbrella renewal", "Umbrella Corp", "Prospecting", "Closed Lost", "2025-10-20"),
    ]
    write_csv(workspace / "history.csv", *(dict(zip(SALESFORCE_HISTORY, row)) for row in rows),
              header=SALESFORCE_HISTORY)
    Path("templates/import.yaml").write_text("date_order: month-first\n", encoding="utf-8")
    initech_seen = events_of("initech")

    dry = aspo("import", "--stage-history", "history.csv", "--dry-run")
    assert dry.status == 2
    assert dry.out.splitlines()[-1] == ("7 rows in history.csv: 4 events to append to 2 histories, 2 failed (rows 7, "
                                        "8); dry run: nothing written")
    assert events_of("initech") == initech_seen and not Path("history/acme.yaml").exists()

    result = aspo("import", "--stage-history", "history.csv")
    assert result.status == 2
    assert result.err.splitlines() == [
        "aspo: error: history.csv:7: Account Name: no account file in accounts/ for 'Umbrella Corp' (opportunity "
        "'0067X00002', 'Umbrella renewal'): rows 7, 8 skipped; import the account first (aspo import), or, if its "
        "file has another name, write opportunity: 0067X00002 in it"]
    assert result.out.splitlines() == [
        "appended   history/initech.yaml: stage awareness on 2025-09-01, stage consideration on 2025-10-02, "
        "outcome won on 2025-11-30",
        "appended   history/acme.yaml: stage consideration on 2025-11-05",
        "7 rows in history.csv: 4 events appended to 2 histories, 2 failed (rows 7, 8)"]
    opportunity = "006Q000001"
    assert events_of("initech") == [*initech_seen, stage("2025-09-01", "awareness", "crm-history", opportunity),
                                    stage("2025-10-02", "consideration", "crm-history", opportunity),
                                    outcome("2025-11-30", "won", "crm-history", opportunity)]
    assert events_of("acme") == [stage("2025-11-05", "consideration", "crm-history")]

    before = {slug: Path(f"history/{slug}.yaml").read_bytes() for slug in ("initech", "acme")}
    again = aspo("import", "--stage-history", "history.csv")
    assert again.out.splitlines() == ["unchanged  history/initech.yaml", "unchanged  history/acme.yaml",
                                      "7 rows in history.csv: 2 unchanged, 2 failed (rows 7, 8)"]
    assert {slug: Path(f"history/{slug}.yaml").read_bytes() for slug in before} == before


def test_a_hubspot_stage_history_finds_its_account_by_the_deal_id(workspace, aspo):
    edit(Path("accounts/globex.yaml"), "stage: decision\n", "stage: decision\nopportunity: '9876543210'\n")
    header = ["Record ID", "Deal Name", "Deal Stage", "Date entered stage"]
    write_csv(workspace / "deals.csv",
              dict(zip(header, ("9876543210", "Globex 2027", "Appointment Scheduled", "2025-08-03T10:15:00Z"))),
              dict(zip(header, ("9876543210", "Globex 2027", "contractsent", "2025-10-12"))),
              dict(zip(header, ("1111", "Someone else", "closedwon", "2025-10-12"))), header=header)
    result = aspo("import", "--stage-history", "deals.csv")
    assert result.status == 2
    assert result.out.splitlines() == [
        "appended   history/globex.yaml: stage awareness on 2025-08-03, stage decision on 2025-10-12",
        "3 rows in deals.csv: 2 events appended to 1 history, 1 failed (row 4)"]
    assert result.err == ("aspo: error: deals.csv:4: Record ID: no account file in accounts/ for opportunity '1111' "
                          "('Someone else'): row 4 skipped; import the account first (aspo import), or, if its file "
                          "has another name, write opportunity: 1111 in it\n")
    assert events_of("globex") == [stage("2025-08-03", "awareness", "crm-history", "9876543210"),
                                   stage("2025-10-12", "decision", "crm-history", "9876543210")]


def test_a_stage_history_without_its_columns_is_one_line(workspace, aspo):
    write_csv(workspace / "crm.csv", INITECH)
    result = aspo("import", "--stage-history", "crm.csv")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: crm.csv:1: a stage history needs a column 'Stage Change Date' or 'Date entered "
                          "stage' or 'Last Modified' or 'Last Modified Date' or 'Edit Date'; rename the export's "
                          "columns (one row per opportunity and stage change)\n")
    assert aspo("import", "--stage-history", "--update", "crm.csv").err == (
        "aspo: error: --update: a stage history reads its own columns and only adds to histories; import the "
        "accounts' export without --stage-history for this\n")


def test_dry_run_writes_no_history(workspace, aspo):
    write_csv(workspace / "crm.csv", {**ACME, "Stage": "Closed Won"}, INITECH)
    result = aspo("import", "crm.csv", "--update", "--dry-run")
    assert (result.status, result.err) == (0, "")
    assert result.out.splitlines() == [
        f"unchanged    accounts/acme.yaml · history: outcome won seen on {today()}",
        f"would create accounts/initech.yaml · history: stage consideration seen on {today()}",
        "2 rows in crm.csv: 1 to create, 1 unchanged; dry run: nothing written"]
    assert not Path("history").exists() and not Path("accounts/initech.yaml").exists()


def test_outcomes_in_import_yaml_are_checked(workspace, aspo):
    Path("templates/import.yaml").write_text(
        "stages:\n  Closed Won: decision\noutcomes:\n  Closed Won: won\n  Parked: wonn\n  Awareness: lost\n",
        encoding="utf-8")
    write_csv(workspace / "crm.csv", INITECH)
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert result.err.splitlines() == [
        "aspo: error: templates/import.yaml:4: outcomes.Closed Won: 'Closed Won' is under stages: too; a CRM stage "
        "is a buying stage or an outcome: keep one",
        "aspo: error: templates/import.yaml:5: outcomes.Parked: unknown outcome 'wonn'; did you mean 'won'? (valid: "
        "disqualified, lost, no-decision, won)",
        "aspo: error: templates/import.yaml:6: outcomes.Awareness: 'Awareness' is the library's stage 'awareness', "
        "which always matches as that stage; remove it here"]

    # A CRM stage import.yaml lists under stages: is a stage, even one the built-in outcomes name.
    Path("templates/import.yaml").write_text("stages:\n  Closed Won: decision\n", encoding="utf-8")
    write_csv(workspace / "crm.csv", {**INITECH, "Stage": "Closed Won"})
    assert aspo("import", "crm.csv").out.splitlines()[0] == (
        f"created    accounts/initech.yaml · history: stage decision seen on {today()}")


def test_an_account_written_whose_history_cannot_be_is_named_and_the_import_fails(workspace, aspo):
    write_csv(workspace / "crm.csv", INITECH)
    Path("history").write_text("not a folder\n", encoding="utf-8")
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert result.err.splitlines() == [
        "aspo: error: history: cannot write: File exists; accounts/initech.yaml is created without its history: "
        "import again to add it"]
    assert Path("accounts/initech.yaml").exists()
