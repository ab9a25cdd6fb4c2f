"""aspo import FILE.csv: one account file per row of a CRM export, as a sales-ops user sees it: the lines printed,
the exit status, and the files written, reopened with aspo's own loader and built."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import REPO, edit, line_of
from test_start import loaded_by

from aspo.authoring import import_ as crm_import
from aspo.authoring import import_draft, import_table
from aspo.library import import_settings
from aspo.library.account import load_account
from aspo.library.content import load_library

HEADER = ["Account Name", "Industry", "Employees", "Region", "Stage", "Meeting Date", "Meeting Goal", "Contact Name",
          "Contact Title", "Priorities", "Products Owned", "Competitors", "Next Step", "Next Step Date", "Owner Name",
          "Owner Email"]
INITECH = {
    "Account Name": "Initech", "Industry": "Logistics", "Employees": "1,250", "Region": "EMEA",
    "Stage": "Value Proposition", "Meeting Date": "2027-03-02", "Meeting Goal": "Agree the scope of a pilot.",
    "Contact Name": "Bill Lumbergh", "Contact Title": "Director of Operations",
    "Priorities": "Keep the sorters running through peak; know which conveyor fails next",
    "Products Owned": "", "Competitors": "Fiix", "Next Step": "Book a site visit at the Leeds hub",
    "Next Step Date": "2027-03-16", "Owner Name": "Peter Gibbons", "Owner Email": "peter.gibbons@meridianops.example",
}
HOOLI = {
    "Account Name": "Hooli Foods", "Industry": "Food & Beverage", "Employees": "150", "Region": "North America",
    "Stage": "Negotiation/Review", "Meeting Date": "2027-02-10", "Meeting Goal": "Sign the Flow order.",
    "Contact Name": "Gavin Belson", "Contact Title": "Financial Controller",
    "Priorities": "Pass the retailer audits without a week of binder hunting", "Products Owned": "Meridian Monitor",
    "Competitors": "", "Next Step": "Send the order form", "Next Step Date": "", "Owner Name": "Monica Hall",
    "Owner Email": "monica.hall@meridianops.example",
}
UMBRELLA = {**INITECH, "Account Name": "Umbrella Corp", "Employees": "notanumber"}

INITECH_FILE = """\
# yaml-language-server: $schema=../schemas/account.schema.json
# Imported by aspo import from crm.csv, row 2. `aspo import --update` refreshes only the values the CRM
# holds; everything else you write here stays as you wrote it, comments included.
name: Initech
industry: logistics
size: mid-market
region: EMEA
stage: consideration

meeting:
  date: 2027-03-02
  goal: Agree the scope of a pilot.
  attendees:
    - name: Bill Lumbergh
      title: Director of Operations
      persona: operations-leader

priorities:
  - text: Keep the sorters running through peak; know which conveyor fails next

owns: []
competitors:
  - Fiix

next_step:
  action: Book a site visit at the Leeds hub
  by: 2027-03-16

rep:
  name: Peter Gibbons
  email: peter.gibbons@meridianops.example
"""


def seen(stage: str) -> str:
    """What a row's line adds when the import records the CRM's stage in the account's history, dated the day of
    the import (the export has no date column)."""
    return f" · history: stage {stage} seen on {dt.date.today().isoformat()}"


def crm_csv(*rows: dict, header=HEADER, delimiter: str = ",") -> str:
    """A CRM export as Excel writes it: CRLF line ends, cells quoted where they must be."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def write_csv(path: Path, *rows: dict, encoding: str = "utf-8", **kwargs) -> Path:
    path.write_bytes(crm_csv(*rows, **kwargs).encode(encoding))
    return path


@pytest.fixture
def crm(workspace) -> Path:
    """A workspace whose accounts/ holds only the sample accounts, and a CRM export of two good rows and a bad one."""
    return write_csv(workspace / "crm.csv", INITECH, HOOLI, UMBRELLA)


def test_the_issue_acceptance_two_rows_written_that_build_the_bad_one_named_and_a_rep_edit_kept(crm, aspo):
    result = aspo("import", crm)
    assert result.status == 2
    assert result.out.splitlines() == [
        "created    accounts/initech.yaml" + seen("consideration"),
        "created    accounts/hooli-foods.yaml" + seen("decision"),
        "3 rows in crm.csv: 2 created, 1 failed (row 4)",
    ]
    assert result.err.splitlines() == ["aspo: error: crm.csv:4: Employees: 'notanumber' is not a number"]
    assert not Path("accounts/umbrella-corp.yaml").exists()
    assert Path("accounts/initech.yaml").read_text(encoding="utf-8") == INITECH_FILE

    library = load_library(Path("templates"), layouts=False)
    hooli = load_account(Path("accounts/hooli-foods.yaml"), library).data
    assert (hooli.industry, hooli.size, hooli.stage, hooli.owns) == ("food-beverage", "smb", "decision", ["monitor"])
    assert hooli.meeting.attendees[0].persona == "finance"
    assert hooli.next_step.by is None
    built = aspo("build", "accounts/initech.yaml", "accounts/hooli-foods.yaml")
    assert built.status == 0, built.err
    assert Path("output/initech/initech-deck.pptx").is_file()
    assert Path("output/hooli-foods/hooli-foods-deck.pptx").is_file()

    initech = Path("accounts/initech.yaml")
    edit(initech, "  - text: Keep the sorters running through peak; know which conveyor fails next\n",
         "  - text: Know which conveyor fails next, before the night shift does  # Bill's words\n"
         "    pain: unplanned-downtime\n")
    edited = initech.read_bytes()
    again = aspo("import", crm)
    assert again.out.splitlines()[:2] == ["unchanged  accounts/initech.yaml", "unchanged  accounts/hooli-foods.yaml"]
    assert initech.read_bytes() == edited
    assert aspo("import", crm, "--update").out.splitlines()[0] == "unchanged  accounts/initech.yaml"
    assert initech.read_bytes() == edited


def test_the_same_export_writes_the_same_bytes(workspace, aspo):
    write_csv(workspace / "crm.csv", INITECH, HOOLI)
    assert aspo("import", "crm.csv", "--accounts", "first").status == 0
    assert aspo("import", "crm.csv", "--accounts", "second").status == 0
    for name in ("initech.yaml", "hooli-foods.yaml"):
        assert (workspace / "first" / name).read_bytes() == (workspace / "second" / name).read_bytes()


def test_a_project_without_the_account_schema_gets_files_that_name_none(workspace, aspo):
    write_csv(workspace / "crm.csv", INITECH)
    assert aspo("import", "crm.csv").status == 0
    assert (workspace / "accounts/initech.yaml").read_text().startswith("# yaml-language-server: $schema=../schemas/")
    (workspace / "schemas/account.schema.json").unlink()  # editors would flag a schema they cannot read
    assert aspo("import", "crm.csv", "--accounts", "other").status == 0
    assert (workspace / "other/initech.yaml").read_text().startswith("# Imported by aspo import from crm.csv, row 2.")


@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8-sig", ","),  # Excel's "CSV UTF-8"
    ("utf-16", "\t"),  # Excel's "Unicode Text": UTF-16 LE with a BOM, tab-separated
    ("utf-16-be", ";"),  # no BOM at all
    ("utf-16-le", "\t"),  # no BOM either
    ("utf-8", ";"),  # Excel where ',' is the decimal sign
    ("utf-32", ","),  # its BOM starts with UTF-16 LE's: no export of Excel's, but other tools write it
    ("utf-32-be", ";"),  # no BOM
], ids=["utf8-bom", "utf16-tabs", "utf16be-no-bom-semicolons", "utf16le-no-bom-tabs", "semicolons", "utf32-bom",
        "utf32be-no-bom"])
def test_excel_encodings_and_separators_give_the_same_file(workspace, aspo, encoding, delimiter):
    write_csv(workspace / "crm.csv", INITECH, encoding=encoding, delimiter=delimiter)
    result = aspo("import", "crm.csv")
    assert (result.status, result.err) == (0, "")
    assert Path("accounts/initech.yaml").read_text(encoding="utf-8") == INITECH_FILE


def test_a_multi_line_priorities_cell_gives_one_priority_a_line_and_later_rows_keep_their_numbers(workspace, aspo):
    multi = {**INITECH, "Priorities": "Keep the sorters running through peak\n\n- Know which conveyor fails next\n"}
    broken = {**HOOLI, "Account Name": "Pied Piper", "Meeting Date": "2027-02-30"}
    write_csv(workspace / "crm.csv", multi, broken)
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert Path("accounts/initech.yaml").read_text(encoding="utf-8") == INITECH_FILE.replace(
        "  - text: Keep the sorters running through peak; know which conveyor fails next\n",
        "  - text: Keep the sorters running through peak\n  - text: Know which conveyor fails next\n")
    # row 3 as a spreadsheet shows it; the file line too, as the cell above holds four lines
    assert result.err == ("aspo: error: crm.csv:3: Meeting Date: '2027-02-30' is not a date; write it as YYYY-MM-DD "
                          "(the row starts on line 6 of the file)\n")


def test_unknown_values_name_their_row_and_column_and_what_is_valid(workspace, aspo):
    rows = [
        {**INITECH, "Account Name": "Typo Industries", "Industry": "Manufactoring"},
        {**INITECH, "Account Name": "Stage Co", "Stage": "Discovery"},
        {**INITECH, "Account Name": "Product Co", "Products Owned": "Meridian Monitor; Meridian Insight"},
        {**INITECH, "Account Name": "Retail Co", "Industry": "Retail"},
        {**INITECH, "Account Name": "Mail Co", "Owner Email": "peter"},
        {**INITECH, "Account Name": "Date Co", "Next Step Date": "03/04/2027"},
    ]
    write_csv(workspace / "crm.csv", *rows)
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert result.out.splitlines() == ["created    accounts/retail-co.yaml" + seen("consideration"),
                                       "6 rows in crm.csv: 1 created, 5 failed (rows 2, 3, 4, 6, 7)"]
    assert result.err.splitlines() == [
        "aspo: error: crm.csv:2: Industry: unknown industry 'Manufactoring'; did you mean 'manufacturing'? "
        "(valid: food-beverage, healthcare, logistics, manufacturing, utilities)",
        "aspo: error: crm.csv:3: Stage: unknown stage 'Discovery': map it to a buying stage (awareness, "
        "consideration, decision) under stages:, or a closed deal's outcome (won, lost, no-decision, disqualified) "
        "under outcomes: in templates/import.yaml",
        "aspo: error: crm.csv:4: Products Owned: unknown product 'Meridian Insight' (valid: flow, monitor, predict, "
        "or their names)",
        "aspo: warning: crm.csv:5: Industry: 'Retail' is no industry the library lists (manufacturing, "
        "food-beverage, healthcare, utilities, logistics): kept as written, and built with industry-neutral content; "
        "if it is one of them, map it under industries: in templates/import.yaml",
        "aspo: error: crm.csv:6: Owner Email: 'peter' is not an e-mail address",
        "aspo: error: crm.csv:7: Next Step Date: '03/04/2027' could be 3 April or 4 March; write it as YYYY-MM-DD, "
        "or set date_order: day-first or month-first in templates/import.yaml",
    ]
    library = load_library(Path("templates"), layouts=False)
    assert load_account(Path("accounts/retail-co.yaml"), library).data.industry == "Retail"


def test_a_missing_required_column_refuses_the_file_and_writes_nothing(workspace, aspo):
    header = ["Account Nme" if name == "Account Name" else name for name in HEADER]
    write_csv(workspace / "crm.csv", {**INITECH, "Account Nme": "Initech"}, header=header)
    result = aspo("import", "crm.csv", "--accounts", "new")
    assert result.status == 2
    assert result.out == ""
    assert result.err == ("aspo: error: crm.csv:1: the header has no column 'Account Name' (did you mean "
                          "'Account Nme'?); rename the column, or map the export's own name under columns: in "
                          "templates/import.yaml\n")
    assert not (workspace / "new").exists()


def test_a_missing_optional_column_is_said_once_and_left_as_a_placeholder(workspace, aspo):
    header = [name for name in HEADER if name not in ("Region", "Contact Title")]
    write_csv(workspace / "crm.csv", INITECH, header=header)
    result = aspo("import", "crm.csv")
    assert result.status == 0
    assert result.err.splitlines() == [
        "aspo: warning: crm.csv:1: no column 'Region': every account leaves region for the rep to fill in",
        "aspo: warning: crm.csv:1: no column 'Contact Title': every account leaves the attendee's title and persona "
        "for the rep to fill in",
    ]
    assert result.out.splitlines()[0] == ("created    accounts/initech.yaml (to fill in: region, "
                                          "meeting.attendees[0].title, meeting.attendees[0].persona)"
                                          + seen("consideration"))
    built = aspo("build", "accounts/initech.yaml")
    assert built.status == 2
    line = line_of(workspace / "accounts/initech.yaml", "TODO: the sales region")
    assert f"accounts/initech.yaml:{line}: region: placeholder not filled in ('TODO: the sales region, e.g. EMEA')" \
        in built.err


def test_a_title_no_persona_fits_is_left_for_the_rep_and_said_per_file(workspace, aspo):
    write_csv(workspace / "crm.csv", {**INITECH, "Contact Title": "Chief Dreamer"},
              {**HOOLI, "Contact Title": "Director of Operations and Maintenance"})
    result = aspo("import", "crm.csv")
    assert result.status == 0
    assert result.out.splitlines()[:2] == [
        "created    accounts/initech.yaml (to fill in: meeting.attendees[0].persona)" + seen("consideration"),
        "created    accounts/hooli-foods.yaml (to fill in: meeting.attendees[0].persona)" + seen("decision"),
    ]
    assert result.err.splitlines() == [
        "aspo: warning: crm.csv:2: Contact Title: 'Chief Dreamer' names no persona the library knows: "
        "accounts/initech.yaml leaves meeting.attendees[0].persona for the rep to fill in (or map a word of the title "
        "under personas: in templates/import.yaml)",
        "aspo: warning: crm.csv:3: Contact Title: 'Director of Operations and Maintenance' could be operations-leader "
        "or maintenance-manager: accounts/hooli-foods.yaml leaves meeting.attendees[0].persona for the rep to fill in "
        "(or map a word of the title under personas: in templates/import.yaml)",
    ]
    assert ('      persona: "TODO: persona id, one of: operations-leader, maintenance-manager, plant-it, finance, '
            'facilities-director"\n') in Path("accounts/initech.yaml").read_text(encoding="utf-8")


def test_update_refreshes_a_changed_stage_and_keeps_the_reps_comments_and_priorities(crm, aspo):
    aspo("import", crm)
    initech = Path("accounts/initech.yaml")
    edit(initech, "stage: consideration\n", "stage: consideration  # they are still comparing vendors\n")
    edit(initech, "  - text: Keep the sorters running through peak; know which conveyor fails next\n",
         "  # Bill said this twice\n  - text: Keep the sorters running through peak, November to January\n")
    edit(initech, "rep:\n", "notes: Bill reports to the COO.\n\nrep:\n")
    edited = initech.read_text(encoding="utf-8")
    write_csv(crm, {**INITECH, "Stage": "Proposal/Price Quote", "Meeting Date": "2027-03-09",
                    "Priorities": "Something the CRM says now"}, HOOLI)

    skipped = aspo("import", crm)
    assert skipped.out.splitlines()[0] == ("skipped    accounts/initech.yaml: exists; the CRM has new stage, "
                                           "meeting.date (use --update)")
    assert initech.read_text(encoding="utf-8") == edited

    summary = ["    stage: 'consideration' -> 'decision'", "    meeting.date: '2027-03-02' -> '2027-03-09'",
               "    kept the rep's priorities; the CRM now lists 'Something the CRM says now' (--take priorities "
               "takes them)"]
    dry = aspo("import", crm, "--update", "--dry-run")
    assert dry.out.splitlines() == ["would update accounts/initech.yaml (stage, meeting.date)" + seen("decision"),
                                    *summary,
                                    "unchanged    accounts/hooli-foods.yaml",
                                    "2 rows in crm.csv: 1 to update, 1 unchanged; dry run: nothing written"]
    assert initech.read_text(encoding="utf-8") == edited

    updated = aspo("import", crm, "--update")
    assert (updated.status, updated.err) == (0, "")
    assert updated.out.splitlines()[:4] == ["updated    accounts/initech.yaml (stage, meeting.date)" + seen("decision"),
                                            *summary]
    assert initech.read_text(encoding="utf-8") == edited.replace(
        "stage: consideration  #", "stage: decision  #").replace("date: 2027-03-02", "date: 2027-03-09")


def test_update_replaces_a_changed_list_and_adds_a_new_contact(crm, aspo):
    aspo("import", crm)
    initech = Path("accounts/initech.yaml")
    edit(initech, "      persona: operations-leader\n",
         "      persona: operations-leader\n    - name: Milton Waddams\n      title: Facilities Maintenance Manager\n"
         "      persona: maintenance-manager\n")
    write_csv(crm, {**INITECH, "Competitors": "Fiix; UpKeep", "Contact Name": "Bob Porter",
                    "Contact Title": "OT Systems Manager"})
    result = aspo("import", crm, "--update")
    assert result.out.splitlines()[:4] == [
        "updated    accounts/initech.yaml (meeting.attendees[2])",
        "    meeting.attendees[2]: (none) -> '{name: Bob Porter, title: OT Systems Manager, persona: plant-it}'",
        "    kept the rep's competitors; the CRM now says 'Fiix'; 'UpKeep' (--take competitors takes it)",
        "1 row in crm.csv: 1 updated"]
    assert result.err.splitlines() == [
        "aspo: warning: accounts/initech.yaml: Bob Porter, the CRM's contact, is added as meeting.attendees[2]; "
        "remove whoever no longer attends (and their contact role in the CRM, or the next --update adds them again)"]
    text = initech.read_text(encoding="utf-8")
    assert ("      persona: maintenance-manager\n    - name: Bob Porter\n      title: OT Systems Manager\n"
            "      persona: plant-it\n\npriorities:") in text
    assert "competitors:\n  - Fiix\n\nnext_step:" in text
    # the rep's list is theirs until they take the CRM's; Bob Porter is there once, whatever runs again
    taken = aspo("import", crm, "--update", "--take", "competitors")
    assert taken.out.splitlines()[:2] == ["updated    accounts/initech.yaml (competitors)",
                                          "    competitors: '[Fiix]' -> '[Fiix, UpKeep]'"]
    text = initech.read_text(encoding="utf-8")
    assert "competitors:\n  - Fiix\n  - UpKeep\n\nnext_step:" in text
    assert text.count("Bob Porter") == 1


def test_update_fills_placeholders_and_adds_what_the_file_lacks_in_its_own_style(workspace, aspo):
    bare = {**INITECH, "Priorities": "", "Contact Title": "Chief Dreamer", "Next Step Date": ""}
    write_csv(workspace / "crm.csv", bare)
    aspo("import", "crm.csv")
    initech = Path("accounts/initech.yaml")
    edit(initech, "owns: []", "owns: []  # none yet")
    edit(initech, "rep:\n  name: Peter Gibbons\n  email: peter.gibbons@meridianops.example\n",
         "rep: {name: Peter Gibbons, email: peter.gibbons@meridianops.example}\n")
    with open(initech, "rb") as stream:  # a Windows editor saved it
        crlf = stream.read().replace(b"\n", b"\r\n")
    initech.write_bytes(codecs.BOM_UTF8 + crlf)

    write_csv(workspace / "crm.csv", {**INITECH, "Products Owned": "flow", "Owner Name": "Peter M. Gibbons"})
    result = aspo("import", "crm.csv", "--update")
    assert result.status == 0, result.err
    assert result.out.splitlines()[0] == (
        "updated    accounts/initech.yaml (meeting.attendees[0].title, meeting.attendees[0].persona, priorities, "
        "owns, next_step.by, rep.name)")
    raw = initech.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    assert ("priorities:\n  - text: Keep the sorters running through peak; know which conveyor fails next\n"
            "\nowns: [flow]  # none yet\n") in text
    assert "  action: Book a site visit at the Leeds hub\n  by: 2027-03-16\n" in text
    assert "rep: {name: Peter M. Gibbons, email: peter.gibbons@meridianops.example}\n" in text
    library = load_library(Path("templates"), layouts=False)
    assert load_account(initech, library).data.meeting.attendees[0].persona == "operations-leader"


def test_an_account_written_by_hand_is_found_by_its_name_and_updated_in_place(workspace, aspo):
    acme = workspace / "accounts/acme.yaml"
    before = acme.read_text(encoding="utf-8")
    row = {**INITECH, "Account Name": "Acme Packaging", "Industry": "Manufacturing", "Employees": "5000",
           "Region": "North America - Central", "Stage": "Negotiation/Review", "Meeting Date": "2027-01-14",
           "Meeting Goal": "", "Contact Name": "Rachel Okafor", "Contact Title": "", "Priorities": "",
           "Competitors": "", "Next Step": "", "Next Step Date": "", "Owner Name": "", "Owner Email": ""}
    write_csv(workspace / "crm.csv", row)
    result = aspo("import", "crm.csv", "--update")
    assert result.out.splitlines() == ["updated    accounts/acme.yaml (stage)" + seen("decision"),
                                       "    stage: 'consideration' -> 'decision'",
                                       "1 row in crm.csv: 1 updated"]
    assert acme.read_text(encoding="utf-8") == before.replace("stage: consideration", "stage: decision")
    assert not (workspace / "accounts/acme-packaging.yaml").exists()


def test_two_rows_for_one_account_and_a_file_that_appears_meanwhile(workspace, aspo, monkeypatch):
    write_csv(workspace / "crm.csv", INITECH, HOOLI, {**INITECH, "Account Name": "INITECH"})
    result = aspo("import", "crm.csv")
    assert result.err.splitlines() == [
        "aspo: error: crm.csv:4: Account Name: 'INITECH' is row 2's account too (accounts/initech.yaml); keep one row"]

    # A file that another process writes between the look and the write is never replaced: here it appears just
    # as aspo writes the new account file.
    taken = Path("accounts/hooli-foods.yaml")
    taken.unlink()  # the import above wrote it: not there when the next one looks
    write = crm_import.write_file_atomic

    def another_process_first(path: Path, data: bytes, **options) -> bool:
        if path.resolve() == taken.resolve() and not taken.exists():
            taken.write_text("name: written meanwhile\n", encoding="utf-8")
        return write(path, data, **options)

    monkeypatch.setattr(crm_import, "write_file_atomic", another_process_first)
    again = aspo("import", "crm.csv")
    assert "skipped    accounts/hooli-foods.yaml: exists (use --update)" in again.out.splitlines()
    assert taken.read_text(encoding="utf-8") == "name: written meanwhile\n"


def test_dry_run_writes_nothing(crm, aspo):
    result = aspo("import", crm, "--dry-run", "--accounts", "new")
    assert result.status == 2
    assert result.out.splitlines() == ["would create new/initech.yaml" + seen("consideration"),
                                       "would create new/hooli-foods.yaml" + seen("decision"),
                                       "3 rows in crm.csv: 2 to create, 1 failed (row 4); dry run: nothing written"]
    assert not Path("new").exists() and not Path("history").exists()


def test_sizes_follow_the_thresholds_and_import_yaml_maps_columns_and_stages(workspace, aspo):
    rows = [{**INITECH, "Account Name": f"Size {employees}", "Employees": employees}
            for employees in ("199", "200", "1.999", "2000", "12000.0", "enterprise")]
    write_csv(workspace / "crm.csv", *rows)
    assert aspo("import", "crm.csv").status == 0
    sizes = [Path(f"accounts/size-{n}.yaml").read_text(encoding="utf-8").split("size: ")[1].split("\n")[0]
             for n in ("199", "200", "1-999", "2000", "12000-0", "enterprise")]
    assert sizes == ["smb", "mid-market", "mid-market", "enterprise", "enterprise", "enterprise"]

    Path("templates/import.yaml").write_text(
        "columns:\n  name: Company\n  stage: Deal Stage\n  region: null\nsize:\n  smb_below: 50\n"
        "  mid_market_below: 500\nstages:\n  Discovery: awareness\n", encoding="utf-8")
    header = ["Company" if h == "Account Name" else "Deal Stage" if h == "Stage" else h for h in HEADER]
    write_csv(workspace / "crm.csv", {**INITECH, "Company": "Globo Gym", "Deal Stage": "discovery",
                                      "Employees": "600"}, header=header)
    result = aspo("import", "crm.csv")
    assert (result.status, result.err) == (0, "")  # the Region column is there, but not read
    text = Path("accounts/globo-gym.yaml").read_text(encoding="utf-8")
    assert "size: enterprise\n" in text and "stage: awareness\n" in text
    assert 'region: "TODO: the sales region, e.g. EMEA"\n' in text


def test_import_yaml_problems_are_named_at_their_line(workspace, aspo):
    Path("templates/import.yaml").write_text(
        "stages:\n  Discovery: decison\ncolumns:\n  region: Territory\n  stage: territory\nsize:\n  smb_below: 5000\n",
        encoding="utf-8")
    write_csv(workspace / "crm.csv", INITECH)
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert result.err.splitlines() == [
        "aspo: error: templates/import.yaml:6: size: smb_below must be less than mid_market_below"]
    Path("templates/import.yaml").write_text(
        "stages:\n  Discovery: decison\ncolumns:\n  region: Territory\n  stage: territory\n", encoding="utf-8")
    result = aspo("import", "crm.csv")
    assert result.err.splitlines() == [
        "aspo: error: templates/import.yaml:2: stages.Discovery: unknown stage 'decison'; did you mean 'decision'? "
        "(valid: awareness, consideration, decision)",
        "aspo: error: templates/import.yaml:5: columns.stage: 'territory' is also the column of region; each field "
        "has its own column",
    ]


def test_the_sample_import_yaml_has_no_problem_and_matches_the_defaults():
    library = load_library(REPO / "templates", layouts=False)
    settings, problems = import_settings.read_import_settings(REPO / "templates", library)
    assert problems == []
    defaults, _ = import_settings.read_import_settings(REPO / "templates" / "no-such-folder", library)
    assert (settings.columns, settings.required, settings.stages, settings.smb_below, settings.mid_market_below) == \
        (defaults.columns, defaults.required, defaults.stages, defaults.smb_below, defaults.mid_market_below)
    assert settings.outcomes == {**defaults.outcomes, "closednodecision": "no-decision",
                                 "disqualified": "disqualified"}


def test_a_byte_that_is_not_utf8_names_its_row_and_column(workspace, aspo):
    path = write_csv(workspace / "crm.csv", INITECH, {**HOOLI, "Contact Name": "Ren\u00e9e"})
    path.write_bytes(path.read_bytes().replace("Ren\u00e9e".encode("utf-8"), "Ren\u00e9e".encode("cp1252")))
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert result.err == ("aspo: error: crm.csv:3: Contact Name: not UTF-8: byte 0xe9; save the export as UTF-8 "
                          "(in Excel: Save As > CSV UTF-8) and import it again\n")
    assert not Path("accounts/initech.yaml").exists()


def test_file_names_are_ascii_slugs(workspace, aspo):
    assert import_draft.slug_of("Nestlé Waters GmbH & Co. KG") == "nestle-waters-gmbh-co-kg"
    assert import_draft.slug_of("O'Brien Straße") == "obrien-strasse"
    assert import_draft.slug_of("Nul") == "nul-account"
    assert import_draft.slug_of("株式会社") == ""
    write_csv(workspace / "crm.csv", {**INITECH, "Account Name": "株式会社"})
    result = aspo("import", "crm.csv")
    assert result.err == ("aspo: error: crm.csv:2: Account Name: '株式会社' gives no file name: a file name needs "
                          "letters a-z or digits; add a Latin spelling of the name\n")


def test_excels_sep_line_and_blank_rows_keep_the_row_numbers_a_spreadsheet_shows(workspace, aspo):
    text = crm_csv(INITECH, {}, {**HOOLI, "Contact Name": "Gavin\x07 Belson"}, delimiter=";")
    Path("crm.csv").write_text("sep=;\r\n" + text + ";;;\r\n\r\n", encoding="utf-8")
    result = aspo("import", "crm.csv")
    assert result.out.splitlines() == ["created    accounts/initech.yaml" + seen("consideration"),
                                       "2 rows in crm.csv: 1 created, 1 failed (row 4)"]
    assert result.err == ("aspo: error: crm.csv:4: Contact Name: the cell holds U+0007 (a control character) at "
                          "character 6, which decks and documents cannot contain; remove it (the row starts on line 5 "
                          "of the file)\n")


def test_a_bad_csv_and_a_bad_accounts_folder_are_one_line(workspace, aspo):
    Path("crm.csv").write_text('Account Name,Industry\r\nInitech,"Logistics\r\n', encoding="utf-8")
    assert aspo("import", "crm.csv").err == "aspo: error: crm.csv:2: a quoted cell is not closed\n"
    Path("crm.csv").write_text("", encoding="utf-8")
    assert aspo("import", "crm.csv").err == ("aspo: error: crm.csv: is empty; expected a header row naming the "
                                             "columns, then one row per account\n")
    write_csv(workspace / "crm.csv", INITECH)
    Path("taken").write_text("", encoding="utf-8")
    assert aspo("import", "crm.csv", "--accounts", "taken").err == (
        "aspo: error: taken: exists and is not a folder; choose another --accounts\n")


def test_import_help_loads_nothing_heavy(workspace):
    status, loaded = loaded_by("import", "--help")
    assert (status, loaded) == (0, set())


def test_salesforce_and_hubspot_stages_map_by_label_or_internal_id(workspace, aspo):
    stages = {"Id. Decision Makers": "consideration", "Decision Maker Bought-In": "decision",
              "qualifiedtobuy": "consideration", "Presentation Scheduled": "consideration", "DECISION": "decision"}
    write_csv(workspace / "crm.csv", *({**INITECH, "Account Name": f"Stage {n}", "Stage": stage}
                                       for n, stage in enumerate(stages)))
    assert aspo("import", "crm.csv").status == 0
    found = [Path(f"accounts/stage-{n}.yaml").read_text(encoding="utf-8").split("stage: ")[1].split("\n")[0]
             for n in range(len(stages))]
    assert found == list(stages.values())


def test_a_cell_longer_than_a_value_may_be_names_its_row_and_column(workspace, aspo):
    long = "x" * 10_001
    write_csv(workspace / "crm.csv", {**INITECH, "Meeting Goal": long}, {**HOOLI, "Notes": long},
              header=[*HEADER, "Notes"])  # a column the import does not read may hold anything
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert result.out.splitlines() == ["created    accounts/hooli-foods.yaml" + seen("decision"),
                                       "2 rows in crm.csv: 1 created, 1 failed (row 2)"]
    assert result.err == ("aspo: error: crm.csv:2: Meeting Goal: text of 10,001 characters; a value holds at most "
                          "10,000\n")


def test_a_cell_too_long_for_pythons_csv_matters_only_in_a_column_the_import_reads(workspace, aspo):
    long = "x" * 140_000  # past the 131,072 characters Python's csv takes by default
    write_csv(workspace / "crm.csv", {**INITECH, "Notes": long + "\x1b[2J"}, {**HOOLI, "Meeting Goal": long},
              header=[*HEADER, "Notes"])  # what no field reads is the export's business, whatever it holds
    result = aspo("import", "crm.csv")
    assert (result.status, result.out.splitlines()) == (2, ["created    accounts/initech.yaml" + seen("consideration"),
                                                            "2 rows in crm.csv: 1 created, 1 failed (row 3)"])
    assert result.err == ("aspo: error: crm.csv:3: Meeting Goal: text of 140,000 characters; a value holds at most "
                          "10,000\n")


def test_update_compares_lists_as_sets_without_order_case_or_uneven_spaces(workspace, aspo):
    write_csv(workspace / "crm.csv", {**INITECH, "Competitors": "Fiix; Limble  CMMS\nPro", "Products Owned": "flow"})
    aspo("import", "crm.csv")
    initech = Path("accounts/initech.yaml")
    edit(initech, "owns:\n  - flow\n", "owns: [FLOW]  # since 2024\n")
    edited = initech.read_bytes()
    for export in ({**INITECH, "Competitors": "Fiix; Limble  CMMS\nPro", "Products Owned": "flow"},
                   {**INITECH, "Competitors": "limble cmms pro; FIIX", "Products Owned": "Meridian Flow"}):
        write_csv(workspace / "crm.csv", export)
        result = aspo("import", "crm.csv", "--update")
        assert result.out.splitlines()[0] == "unchanged  accounts/initech.yaml"
        assert initech.read_bytes() == edited
    write_csv(workspace / "crm.csv", {**INITECH, "Competitors": "Fiix; UpKeep", "Products Owned": "flow; monitor"})
    result = aspo("import", "crm.csv", "--update", "--take", "competitors")
    assert result.out.splitlines()[0] == "updated    accounts/initech.yaml (owns, competitors)"
    text = initech.read_text(encoding="utf-8")
    assert "owns: [flow, monitor]  # since 2024\ncompetitors:\n  - Fiix\n  - UpKeep\n" in text


def test_headers_match_without_case_spaces_or_punctuation_and_cells_read_as_the_readme_says(workspace, aspo):
    header = ["account_name", "INDUSTRY", "employees", "Region", "Stage", "meeting-date", "Meeting Goal",
              "Contact Name", "Contact Title", "Priorities", "Products Owned", "Competitors", "Next Step",
              "NextStepDate", "Owner Name", "Owner Email"]
    row = {**{name: INITECH[default] for name, default in zip(header, HEADER)},
           "INDUSTRY": "Shipping",  # an alias under industries: in import.yaml
           "Region": "NO", "Meeting Goal": "Scope: a pilot",  # YAML would read them as false and a mapping
           "meeting-date": "14.01.2027", "NextStepDate": "28/01/2027 10:30",  # the day tells; the time is ignored
           "Priorities": "\u2022 Keep the sorters running through peak\n\u2022 Know which conveyor fails next"}
    write_csv(workspace / "crm.csv", row, header=header)
    result = aspo("import", "crm.csv")
    assert (result.status, result.err) == (0, "")
    text = Path("accounts/initech.yaml").read_text(encoding="utf-8")
    for line in ("industry: logistics\n", 'region: "NO"\n', '  goal: "Scope: a pilot"\n', "  date: 2027-01-14\n",
                 "  by: 2027-01-28\n", "  - text: Keep the sorters running through peak\n"):
        assert line in text
    library = load_library(Path("templates"), layouts=False)
    account = load_account(Path("accounts/initech.yaml"), library).data
    assert (account.region, account.meeting.goal) == ("NO", "Scope: a pilot")


def test_date_order_reads_dates_the_day_cannot_tell_and_a_time_after_a_date_is_ignored(workspace, aspo):
    with open("templates/import.yaml", "a", encoding="utf-8") as stream:
        stream.write("date_order: month-first\n")
    write_csv(workspace / "crm.csv", {**INITECH, "Meeting Date": "03/04/2027", "Next Step Date": "2027-04-20 09:30"})
    assert aspo("import", "crm.csv").status == 0
    text = Path("accounts/initech.yaml").read_text(encoding="utf-8")
    assert "  date: 2027-03-04\n" in text and "  by: 2027-04-20\n" in text


@pytest.mark.parametrize("title, persona", [
    ("Facilities Maintenance Lead", "maintenance-manager"),  # 'facilities maintenance' is longer than 'facilities'
    ("Plant Manager", "operations-leader"),  # a phrase, though both its words are words of rank
])
def test_the_longest_phrase_under_personas_wins(workspace, title, persona):
    library = load_library(Path("templates"), layouts=False)
    settings = import_settings.load_import_settings(Path("templates"), library)
    assert import_draft.infer_persona(title, settings) == (persona, ())


@pytest.mark.parametrize("title, persona", [
    ("Reliability Engineer", ("maintenance-manager", ())),  # a word of its name: Maintenance or Reliability Manager
    ("Operations Analyst", ("operations-leader", ())),  # its id's word counts double: facilities-director's name
    # (Director of Facilities or Plant Operations) holds it too
    ("Head of Campuses and Hospitals", ("facilities-director", ())),
    ("Senior Vice President", (None, ())),  # words of rank alone say nothing
])
def test_without_personas_in_import_yaml_the_words_of_persona_ids_and_names_decide(workspace, title, persona):
    Path("templates/import.yaml").unlink()
    library = load_library(Path("templates"), layouts=False)
    settings = import_settings.load_import_settings(Path("templates"), library)
    assert import_draft.infer_persona(title, settings) == persona


def test_an_export_over_the_size_limit_is_refused_before_it_is_read(workspace, aspo, monkeypatch):
    path = write_csv(workspace / "crm.csv", INITECH, HOOLI)
    monkeypatch.setattr(import_table, "MAX_CSV_BYTES", 500)
    result = aspo("import", "crm.csv")
    assert (result.status, result.out) == (2, "")
    assert result.err == f"aspo: error: crm.csv: file is {path.stat().st_size} bytes; the limit is 500 bytes\n"
    assert not Path("accounts/initech.yaml").exists()


def test_an_empty_account_name_fails_its_row_only(workspace, aspo):
    write_csv(workspace / "crm.csv", {**INITECH, "Account Name": ""}, HOOLI)
    result = aspo("import", "crm.csv")
    assert result.status == 2
    assert result.out.splitlines() == ["created    accounts/hooli-foods.yaml" + seen("decision"),
                                       "2 rows in crm.csv: 1 created, 1 failed (row 2)"]
    assert result.err == ("aspo: error: crm.csv:2: Account Name: empty; every account needs a name (it names the "
                          "account file)\n")


def test_a_column_renamed_in_import_yaml_must_be_in_the_header(workspace, aspo):
    Path("templates/import.yaml").write_text("columns:\n  stage: Deal Stage\n", encoding="utf-8")
    write_csv(workspace / "crm.csv", INITECH)
    result = aspo("import", "crm.csv", "--accounts", "new")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: crm.csv:1: the header has no column 'Deal Stage' (did you mean 'Stage'?); "
                          "rename the column, or map the export's own name under columns: in templates/import.yaml\n")
    assert not Path("new").exists()


def test_update_sets_a_persona_only_while_it_is_a_placeholder_and_names_one_it_leaves(workspace, aspo):
    write_csv(workspace / "crm.csv", {**INITECH, "Contact Title": "Chief Dreamer"})
    aspo("import", "crm.csv")
    initech = Path("accounts/initech.yaml")
    write_csv(workspace / "crm.csv", INITECH)  # Director of Operations
    assert aspo("import", "crm.csv", "--update").out.splitlines()[0] == (
        "updated    accounts/initech.yaml (meeting.attendees[0].title, meeting.attendees[0].persona)")
    write_csv(workspace / "crm.csv", {**INITECH, "Contact Title": "CFO"})
    result = aspo("import", "crm.csv", "--update")
    assert (result.status, result.err) == (0, "")
    assert result.out.splitlines()[0] == "updated    accounts/initech.yaml (meeting.attendees[0].title)"
    assert "      title: CFO\n      persona: operations-leader\n" in initech.read_text(encoding="utf-8")

    write_csv(workspace / "crm.csv", {**INITECH, "Contact Name": "Tom Smykowski", "Contact Title": "Chief Dreamer"})
    result = aspo("import", "crm.csv", "--update")
    assert result.out.splitlines()[0] == "updated    accounts/initech.yaml (meeting.attendees[1])"
    assert result.err.splitlines() == [
        "aspo: warning: accounts/initech.yaml: Tom Smykowski, the CRM's contact, is added as meeting.attendees[1]; "
        "remove whoever no longer attends (and their contact role in the CRM, or the next --update adds them again)",
        "aspo: warning: crm.csv:2: Contact Title: 'Chief Dreamer' names no persona the library knows: "
        "accounts/initech.yaml leaves meeting.attendees[1].persona for the rep to fill in (or map a word of the title "
        "under personas: in templates/import.yaml)"]


def test_rows_only_skipped_or_unchanged_exit_0_and_a_renamed_account_gets_a_new_file(crm, aspo):
    write_csv(crm, INITECH, HOOLI)
    Path("accounts-empty").mkdir()
    assert aspo("import", crm, "--accounts", "accounts-empty").status == 0  # an empty folder is no problem
    assert aspo("import", crm).status == 0
    write_csv(crm, {**INITECH, "Stage": "Negotiation/Review"}, {**HOOLI, "Stage": "Closed Won"})
    result = aspo("import", crm)
    assert (result.status, result.out.splitlines()) == (0, [
        "skipped    accounts/initech.yaml: exists; the CRM has new stage (use --update)",
        "skipped    accounts/hooli-foods.yaml: exists; the CRM has new outcome won (use --update)",
        "2 rows in crm.csv: 2 skipped"])

    before = Path("accounts/initech.yaml").read_bytes()
    write_csv(crm, {**INITECH, "Account Name": "Initech Global"})
    result = aspo("import", crm, "--update")
    assert result.out.splitlines()[0] == "created    accounts/initech-global.yaml" + seen("consideration")
    assert Path("accounts/initech.yaml").read_bytes() == before


def test_update_edits_a_file_only_libyaml_reads(crm, aspo):
    aspo("import", crm)
    initech = Path("accounts/initech.yaml")
    edit(initech, "region: EMEA\n", "region:\tEMEA\n")  # a tab after the colon: the pure-Python parser refuses it
    write_csv(crm, {**INITECH, "Stage": "Negotiation/Review"})
    result = aspo("import", crm, "--update")
    assert (result.status, result.out.splitlines()[0]) == (0, "updated    accounts/initech.yaml (stage)"
                                                           + seen("decision"))
    assert "region:\tEMEA\nstage: decision\n" in initech.read_text(encoding="utf-8")
