"""aspo import --preset/--map/--show-mapping/--take: exports as Salesforce and HubSpot write them (tests/exports,
with each CRM's documented headers), read without a mapping file, and an update that leaves the rep's words alone."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, edit

EXPORTS = REPO / "tests" / "exports"


@pytest.fixture
def exports(workspace) -> Path:
    """The workspace, with the two exports beside its accounts."""
    for name in ("hubspot-deals.csv", "salesforce-opportunities.csv"):
        shutil.copy(EXPORTS / name, workspace / name)
    return workspace


def fields(path: str) -> dict:
    """An account file as written (its placeholders are the rep's to fill in before it builds)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def history_events(slug: str) -> list[dict]:
    return yaml.safe_load(Path(f"history/{slug}.yaml").read_text(encoding="utf-8"))["events"]


def fill_in(path: Path, **values: str) -> None:
    """Does what the rep does with the placeholders an export leaves: writes their values."""
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        start = text.index(f"{key}: \"TODO:")
        end = text.index("\n", start)
        text = text[:start] + f"{key}: {value}" + text[end:]
    path.write_text(text, encoding="utf-8")


def test_a_hubspot_deals_export_imports_with_the_preset_and_no_mapping_file(exports, aspo):
    result = aspo("import", "--preset", "hubspot", "hubspot-deals.csv")
    assert result.status == 0, result.err
    assert result.out.splitlines()[-1] == "3 rows in hubspot-deals.csv: 3 created"
    # the columns the preset does not read are listed, not refused
    assert ("aspo: note: hubspot-deals.csv: no field reads 6 columns (Deal Name, Close Date, Amount, Pipeline, "
            "Create Date, Deal Description); --show-mapping shows the whole mapping") in result.err.splitlines()
    glen = fields("accounts/glenmorrow-water.yaml")
    assert [glen[key] for key in ("industry", "size", "stage", "opportunity")] == [
        "utilities", "mid-market", "consideration", "18230441"]
    assert glen["meeting"]["attendees"] == [{
        "name": "Alasdair Munro", "title": "Head of Network Operations", "persona": "operations-leader",
        "email": "alasdair.munro@glenmorrow.example"}]
    # a line per priority: the semicolon inside a sentence keeps it whole
    assert glen["priorities"] == [
        {"text": "Stop chasing pump trips across forty unmanned stations"},
        {"text": "Hire and keep engineers; housing in the glen is impossible, so every visit we avoid matters"}]
    # HubSpot's next activity (a task, a call or a meeting) dates the next step; the meeting stays the rep's to date
    assert str(glen["next_step"]["by"]) == "2027-01-19" and glen["meeting"]["date"].startswith("TODO:")
    assert history_events("glenmorrow-water")[0] == {
        "event": "stage", "date": dt.date(2026, 11, 20), "stage": "consideration", "source": "crm",
        "opportunity": "18230441"}
    # Closed Won is an outcome in the history, not a stage
    assert [(e["event"], e.get("outcome")) for e in history_events("halden-logistics")] == [("outcome", "won")]

    account = Path("accounts/glenmorrow-water.yaml")
    fill_in(account, date="2027-01-19", goal="Agree a site walk at Kinloch.", email="ailsa.brodie@meridianops.example")
    built = aspo("build", account)
    assert built.status == 0, built.err
    assert Path("output/glenmorrow-water/glenmorrow-water-deck.pptx").is_file()


def test_a_salesforce_report_imports_with_the_preset_its_contacts_joined_and_its_footer_left_out(exports, aspo):
    result = aspo("import", "--preset", "salesforce", "salesforce-opportunities.csv")
    assert result.status == 0, result.err
    assert result.out.splitlines() == [
        "created    accounts/vistula-packaging-s-a.yaml (to fill in: region, meeting.date, meeting.goal, rep.email)"
        " · contacts of rows 2, 3 · history: stage consideration on 2026-11-24",
        "created    accounts/odra-cold-chain-sp-z-o-o.yaml (to fill in: region, meeting.date, meeting.goal, "
        "rep.email) · history: stage decision on 2026-11-30",
        "3 rows in salesforce-opportunities.csv: 2 created"]
    # one line for the columns the report lacks, not a guess at a typo for each
    assert ("aspo: warning: salesforce-opportunities.csv:1: no column for region, meeting.date, meeting.goal, "
            "owns, competitors, next_step.by, rep.email: the accounts leave them for the rep (--show-mapping lists "
            "the headers looked for)") in result.err.splitlines()
    vistula = fields("accounts/vistula-packaging-s-a.yaml")
    assert [(a["name"], a["persona"]) for a in vistula["meeting"]["attendees"]] == [
        ("Marta Kowalska", "operations-leader"), ("Piotr Zielinski", "maintenance-manager")]
    assert vistula["priorities"] == [
        {"text": "Keep the corrugator lines running through the Christmas peak; last year we lost four days"}]
    assert [vistula["industry"], vistula["size"], vistula["rep"]["name"]] == ["manufacturing", "mid-market",
                                                                              "Tomasz Nowak"]

    account = Path("accounts/odra-cold-chain-sp-z-o-o.yaml")
    fill_in(account, region="EMEA", date="2027-01-12", goal="Sign the Flow order.",
            email="tomasz.nowak@meridianops.example")
    built = aspo("build", account)
    assert built.status == 0, built.err


def test_show_mapping_says_which_column_feeds_which_field_and_writes_nothing(exports, aspo):
    shutil.rmtree("accounts")
    result = aspo("import", "--preset", "hubspot", "--show-mapping", "hubspot-deals.csv")
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "hubspot-deals.csv: 3 rows, read with the hubspot preset:"
    row = next(line for line in lines if "First Name + Last Name" in line)
    assert row.split() == ["First", "Name", "+", "Last", "Name", "->", "an", "attendee's", "name", "(columns:",
                           "contact_name)"]
    assert next(line for line in lines if line.lstrip().startswith("Priorities")).split("->")[1].split("(")[0] \
        .strip() == "priorities, a line each"
    assert ("Ignored, no field reads them: 'Deal Name', 'Close Date', 'Amount', 'Pipeline', 'Create Date', "
            "'Deal Description'.") in lines
    assert any(line.startswith("Not in the export, so left for the rep or out: meeting.date ('Meeting Date'); "
                               "meeting.goal ('Meeting Goal')")
               for line in lines)
    assert not Path("accounts").exists() and not Path("history").exists()

    # without the preset, aspo's own headers: the export cannot be imported, and the mapping says why
    result = aspo("import", "--show-mapping", "hubspot-deals.csv")
    assert result.status == 2
    assert "  missing, and required: 'Account Name' for name, and the file's name" in result.out.splitlines()


def test_a_reps_map_extends_the_preset_and_names_its_own_file_in_problems(exports, aspo):
    Path("my-hubspot.yaml").write_text(
        "preset: hubspot\ncolumns:\n  priorities: Deal Description\n  meeting_goal: [Deal Name]\n"
        "split:\n  priorities: ';'\n", encoding="utf-8")
    result = aspo("import", "--map", "my-hubspot.yaml", "--dry-run", "hubspot-deals.csv")
    assert result.status == 0, result.err
    shown = aspo("import", "--map", "my-hubspot.yaml", "--show-mapping", "hubspot-deals.csv").out.splitlines()
    assert shown[0] == "hubspot-deals.csv: 3 rows, read with the hubspot preset and my-hubspot.yaml:"
    assert any(line.lstrip().startswith("Deal Description") and "priorities, split at ';'" in line for line in shown)
    aspo("import", "--map", "my-hubspot.yaml", "hubspot-deals.csv")
    glen = fields("accounts/glenmorrow-water.yaml")
    assert glen["priorities"] == [{"text": "Came in through the Inverness trade fair. Budget sits with the capital "
                                           "programme"}, {"text": "the board meets in March."}]
    assert glen["meeting"]["goal"] == "Glenmorrow Water - telemetry"

    # a column the map names must be in the export, and a mistake in the map is named at its line
    Path("my-hubspot.yaml").write_text("preset: hubspot\ncolumns:\n  priorities: Pain Points\n", encoding="utf-8")
    result = aspo("import", "--map", "my-hubspot.yaml", "hubspot-deals.csv")
    assert result.status == 2
    assert result.err.startswith("aspo: error: hubspot-deals.csv:1: the header has no column 'Pain Points'")
    assert result.err.rstrip().endswith("map the export's own name under columns: in my-hubspot.yaml")
    Path("my-hubspot.yaml").write_text("preset: hubspot\ncolums:\n  priorities: Pain Points\n", encoding="utf-8")
    result = aspo("import", "--map", "my-hubspot.yaml", "hubspot-deals.csv")
    assert (result.status, result.err.count("\n")) == (2, 1)
    assert result.err.startswith("aspo: error: my-hubspot.yaml:2: colums:")


def test_update_after_the_rep_edits_changes_only_what_the_crm_owns_and_says_what_it_kept(exports, aspo):
    aspo("import", "--preset", "hubspot", "hubspot-deals.csv")
    account = Path("accounts/carraway-foods.yaml")
    edit(account, "persona: operations-leader", "persona: maintenance-manager  # she holds the maintenance budget")
    edit(account, "action: Send the order form", "action: Walk the Leeds line with Renee, then send the order form")
    edit(account, "  - text: Pass the retailer audits without a week of binder hunting\n",
         "  - text: Pass the BRC audit in May without a week of binder hunting\n")
    edit(account, "region: United Kingdom", "region: EMEA")
    edited = account.read_text(encoding="utf-8")
    events = len(history_events("carraway-foods"))
    # the CRM moves the deal on; its contact export now carries only her first name
    export = Path("hubspot-deals.csv")
    text = export.read_text(encoding="utf-8")
    text = text.replace("Glenmorrow Water - telemetry,Presentation Scheduled",
                        "Glenmorrow Water - telemetry,Contract Sent")
    text = text.replace("Carraway Foods - Flow,Decision Maker Bought-In", "Carraway Foods - Flow,Presentation "
                        "Scheduled").replace(",Renee,Castillo,", ",Renee,,").replace(",2026-11-28,", ",2026-12-01,")
    export.write_text(text, encoding="utf-8")

    dry = aspo("import", "--preset", "hubspot", "--update", "--dry-run", "hubspot-deals.csv")
    assert dry.status == 0, dry.err
    assert account.read_text(encoding="utf-8") == edited and len(history_events("carraway-foods")) == events
    result = aspo("import", "--preset", "hubspot", "--update", "hubspot-deals.csv")
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    start = lines.index("updated    accounts/carraway-foods.yaml (stage) · history: stage consideration on 2026-12-01")
    assert lines[start + 1:start + 5] == [
        "    stage: 'decision' -> 'consideration'",
        "    kept the rep's priorities; the CRM now lists 'Pass the retailer audits without a week of binder hunting'"
        " (--take priorities takes them)",
        "    kept the rep's region; the CRM now says 'United Kingdom' (--take region takes it)",
        "    kept the rep's next_step.action; the CRM now says 'Send the order form' (--take next_step takes it)"]
    assert dry.out.replace("would update", "updated   ").replace("unchanged    ", "unchanged  ").replace(
        "to update", "updated").replace("; dry run: nothing written", "") == result.out
    assert account.read_text(encoding="utf-8") == edited.replace("stage: decision", "stage: consideration")
    assert history_events("carraway-foods")[-1]["stage"] == "consideration"
    assert len(history_events("carraway-foods")) == events + 1
    # and again: nothing more
    again = aspo("import", "--preset", "hubspot", "--update", "hubspot-deals.csv")
    assert "unchanged  accounts/carraway-foods.yaml" in again.out.splitlines()
    assert len(history_events("carraway-foods")) == events + 1

    taken = aspo("import", "--preset", "hubspot", "--update", "--take", "next_step", "hubspot-deals.csv")
    assert "    next_step.action: 'Walk the Leeds line with Renee, then send the order form' -> 'Send the order form'" \
        in taken.out.splitlines()
    assert "action: Send the order form\n" in account.read_text(encoding="utf-8")
    assert "region: EMEA\n" in account.read_text(encoding="utf-8")


def test_an_attendee_is_known_by_their_e_mail_and_a_new_contact_is_added_once(exports, aspo):
    aspo("import", "--preset", "hubspot", "hubspot-deals.csv")
    account = Path("accounts/glenmorrow-water.yaml")
    edit(account, "name: Alasdair Munro", "name: Ally Munro  # he signs his e-mails Ally")
    export = Path("hubspot-deals.csv")
    export.write_text(export.read_text(encoding="utf-8").replace("Head of Network Operations", "Network Director"),
                      encoding="utf-8")
    result = aspo("import", "--preset", "hubspot", "--update", "hubspot-deals.csv")
    assert "    meeting.attendees[0].title: 'Head of Network Operations' -> 'Network Director'" in result.out
    text = account.read_text(encoding="utf-8")
    assert text.count("Munro") == 1 and "Ally Munro  # he signs" in text
    # someone new in the CRM joins the meeting, once however often the export is imported
    export.write_text(export.read_text(encoding="utf-8").replace(
        "Alasdair,Munro,Network Director,alasdair.munro@glenmorrow.example",
        "Fiona,Grant,Asset Manager,fiona.grant@glenmorrow.example"), encoding="utf-8")
    for _ in range(2):
        aspo("import", "--preset", "hubspot", "--update", "hubspot-deals.csv")
    text = account.read_text(encoding="utf-8")
    assert text.count("Fiona Grant") == 1 and text.count("Munro") == 1


@pytest.mark.parametrize("args, message", [
    (("--take", "priorities"), "aspo: error: --take: takes the CRM's values in an update; add --update\n"),
    (("--update", "--take", "next-step"),
     "aspo: error: --take: unknown field the rep owns 'next-step'; did you mean 'next_step'? (valid: competitors, "
     "industry, meeting.goal, next_step, priorities, region)\n"),
])
def test_take_names_a_field_the_rep_owns_in_an_update(exports, aspo, args, message):
    result = aspo("import", "--preset", "hubspot", *args, "hubspot-deals.csv")
    assert (result.status, result.err) == (2, message)


def test_bad_exports_are_one_line_naming_the_row_and_column_or_what_the_file_is(exports, aspo):
    export = Path("hubspot-deals.csv")
    export.write_text(export.read_text(encoding="utf-8").replace(',"1,850",', ",about 400,"), encoding="utf-8")
    result = aspo("import", "--preset", "hubspot", "hubspot-deals.csv")
    assert result.status == 2
    # row 3 as a spreadsheet shows it; Glenmorrow's priorities above hold two lines
    assert ("aspo: error: hubspot-deals.csv:3: Number of Employees: 'about 400' is not a number (the row starts on "
            "line 4 of the file)") in result.err.splitlines()
    assert result.out.splitlines()[-1] == "3 rows in hubspot-deals.csv: 2 created, 1 failed (row 3)"

    with zipfile.ZipFile("deals.xlsx", "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
    result = aspo("import", "--preset", "hubspot", "deals.xlsx")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: deals.xlsx: is a zip file (an Excel .xlsx workbook, or an export's zip), not "
                          "CSV; export the report as CSV, or save it as CSV UTF-8 (in Excel: File > Save As > CSV "
                          "UTF-8)\n")


def test_the_exports_own_dates_tell_day_from_month_and_a_map_settles_an_export_where_none_does(exports, aspo):
    header = '"Account Name","Stage","Last Stage Change Date"\n'
    Path("uk.csv").write_text(header + '"Acme Packaging","Prospecting","05/11/2026"\n'
                              '"Globex Foods","Prospecting","24/11/2026"\n', encoding="utf-8")
    result = aspo("import", "--preset", "salesforce", "--update", "uk.csv")
    assert result.status == 0, result.err
    assert history_events("acme")[-1]["date"] == dt.date(2026, 11, 5)  # 24/11 says: day first

    Path("unsure.csv").write_text(header + '"Initrode","Prospecting","05/11/2026"\n', encoding="utf-8")
    result = aspo("import", "--preset", "salesforce", "unsure.csv")
    assert result.status == 2
    assert ("aspo: error: unsure.csv:2: Last Stage Change Date: '05/11/2026' could be 5 November or 11 May; write "
            "it as YYYY-MM-DD, or set date_order: day-first or month-first in a --map file") \
        in result.err.splitlines()
    Path("mine.yaml").write_text("preset: salesforce\ndate_order: month-first\n", encoding="utf-8")
    result = aspo("import", "--map", "mine.yaml", "unsure.csv")
    assert result.status == 0, result.err
    assert history_events("initrode")[-1]["date"] == dt.date(2026, 5, 11)


def test_rows_after_a_blank_line_are_rows_unless_they_are_a_reports_one_cell_footer(exports, aspo):
    Path("sparse.csv").write_text("Account Name,Industry,Stage\nAcme One,Machinery,Prospecting\n\n"
                                  "Globex Two,,\nInitech Three,,\n", encoding="utf-8")
    result = aspo("import", "--dry-run", "sparse.csv")
    assert result.out.splitlines()[-1] == "3 rows in sparse.csv: 3 to create; dry run: nothing written"


def test_two_people_of_one_first_name_and_title_stay_two(exports, aspo):
    aspo("import", "--preset", "hubspot", "hubspot-deals.csv")
    export = Path("hubspot-deals.csv")
    export.write_text(export.read_text(encoding="utf-8").replace(
        "Alasdair,Munro,Head of Network Operations,alasdair.munro@",
        "Alasdair,Reid,Head of Network Operations,alasdair.reid@"), encoding="utf-8")
    result = aspo("import", "--preset", "hubspot", "--update", "hubspot-deals.csv")
    assert "updated    accounts/glenmorrow-water.yaml (meeting.attendees[1])" in result.out.splitlines()
    attendees = fields("accounts/glenmorrow-water.yaml")["meeting"]["attendees"]
    assert [(a["name"], a["email"]) for a in attendees] == [
        ("Alasdair Munro", "alasdair.munro@glenmorrow.example"), ("Alasdair Reid", "alasdair.reid@glenmorrow.example")]


def test_marketings_import_yaml_is_left_aside_for_a_reps_preset_and_its_own_preset_reads_the_crms_headers(
        exports, aspo):
    settings = Path("templates/import.yaml")
    edit(settings, "  priorities: line\n", "  priorities: ';'\n")
    edit(settings, "# date_order: month-first", "date_order: month-first")
    # --preset: marketing's split: and date_order: are for marketing's export, not this one
    result = aspo("import", "--preset", "salesforce", "--dry-run", "salesforce-opportunities.csv")
    assert result.status == 0, result.err
    aspo("import", "--preset", "salesforce", "salesforce-opportunities.csv")
    assert len(fields("accounts/vistula-packaging-s-a.yaml")["priorities"]) == 1

    # without it, the export's own dates refuse a date_order that says otherwise, in one line
    Path("uk.csv").write_text("Account Name,Stage,Stage Date\nGlobex,Prospecting,24/11/2026\n", encoding="utf-8")
    result = aspo("import", "uk.csv")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: uk.csv: writes its dates day-first ('24/11/2026'), and date_order: "
                          "month-first in templates/import.yaml says otherwise; correct or remove it there\n")

    # import.yaml naming the preset: its columns that are the built-in defaults do not hide the CRM's headers
    settings.write_text("preset: salesforce\n" + settings.read_text(encoding="utf-8").replace(
        "date_order: month-first", ""), encoding="utf-8")
    shown = aspo("import", "--show-mapping", "salesforce-opportunities.csv")
    assert shown.status == 0, shown.out
    assert shown.out.splitlines()[0] == ("salesforce-opportunities.csv: 3 rows, read with the salesforce preset and "
                                         "templates/import.yaml:")


def test_a_column_the_map_names_is_its_own_and_a_preset_of_its_own_must_agree_with_preset(exports, aspo):
    Path("mine.yaml").write_text("columns:\n  region: Industry\n  contact_name: [Last Name, last name]\n",
                                 encoding="utf-8")
    result = aspo("import", "--preset", "salesforce", "--map", "mine.yaml", "salesforce-opportunities.csv")
    assert result.err == ("aspo: error: mine.yaml:3: columns.contact_name: lists 'Last Name' twice; name each "
                          "column once\n")
    Path("mine.yaml").write_text("columns:\n  region: Industry\n", encoding="utf-8")
    result = aspo("import", "--preset", "salesforce", "--map", "mine.yaml", "--show-mapping",
                  "salesforce-opportunities.csv")
    assert result.status == 0, result.out
    assert next(line for line in result.out.splitlines() if line.lstrip().startswith("Industry")).split()[-1] \
        == "region)"
    Path("mine.yaml").write_text("columns:\n  contact_name: [First Name, Middle Name]\n", encoding="utf-8")
    result = aspo("import", "--preset", "salesforce", "--map", "mine.yaml", "salesforce-opportunities.csv")
    assert result.err.startswith("aspo: error: salesforce-opportunities.csv:1: the header has no column 'Middle "
                                 "Name'; ")
    Path("mine.yaml").write_text("preset: hubspot\n", encoding="utf-8")
    result = aspo("import", "--preset", "salesforce", "--map", "mine.yaml", "salesforce-opportunities.csv")
    assert result.err == "aspo: error: mine.yaml:1: preset: is hubspot, and --preset says salesforce; keep one\n"


def test_priorities_a_file_has_none_of_are_the_crms(exports, aspo):
    aspo("import", "--preset", "hubspot", "hubspot-deals.csv")
    account = Path("accounts/carraway-foods.yaml")
    edit(account, "priorities:\n  - text: Pass the retailer audits without a week of binder hunting\n",
         "priorities: []\n")
    result = aspo("import", "--preset", "hubspot", "--update", "hubspot-deals.csv")
    assert "updated    accounts/carraway-foods.yaml (priorities)" in result.out.splitlines()
    assert fields(str(account))["priorities"] == [{"text": "Pass the retailer audits without a week of binder hunting"}]


def test_the_command_lines_crms_and_rep_owned_fields_are_the_code_s(aspo):
    from aspo.authoring.export_activities import PRESETS as ACTIVITY_PRESETS
    from aspo.authoring.import_draft import REP_OWNED
    from aspo.cli.app import CRMS
    from aspo.library.crm_presets import PRESETS

    assert CRMS == tuple(PRESETS) == tuple(ACTIVITY_PRESETS)
    shown = " ".join(aspo("import", "--help").out.split())
    assert f"({', '.join(REP_OWNED)})" in shown


@pytest.mark.parametrize("start, kind", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"), (b"%PDF-1.7\n", "a PDF"),
    (b"{\\rtf1\\ansi", "an RTF document"), (b"\x89PNG\r\n\x1a\n", "a PNG picture"),
])
def test_a_file_that_is_no_csv_says_what_it_is(exports, aspo, start, kind):
    Path("deals.csv").write_bytes(start + b"\x00" * 64)
    result = aspo("import", "--preset", "hubspot", "deals.csv")
    assert (result.status, result.out) == (2, "")
    assert result.err.startswith(f"aspo: error: deals.csv: is {kind}, not CSV; ")
