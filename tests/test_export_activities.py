"""aspo export activities: one CRM activity per deck presented, in each preset's columns, the same bytes for the same
histories; and what aspo log records of a presented deck for it (who to, the next step, the files)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import edit

from aspo.authoring.export_activities import PRESETS
from aspo.library.history import Presented, StageEntered, append_events, load_history
from aspo.render.formats import FORMATS, is_customer_file

STAGES = ("awareness", "consideration", "decision")
PLAIN = ["Account", "Opportunity ID", "Date", "Subject", "Content", "Next step", "Next step by", "Attendees", "Files"]
HEADERS = {None: PLAIN, "salesforce": ["WhatId", "Subject", "ActivityDate", "Status", "TaskSubtype", "Description"],
           "hubspot": ["Record ID", "Activity date", "Note body"]}


def deck(day: str, content=(), opportunity: str | None = None, **fields) -> Presented:
    return Presented(event="presented", date=dt.date.fromisoformat(day), stage="consideration", key="k" * 64,
                     rep="jordan.ellis@meridianops.example", content={item: "a" * 64 for item in content},
                     opportunity=opportunity, **fields)


def entered(day: str) -> StageEntered:
    return StageEntered(event="stage", date=dt.date.fromisoformat(day), stage="consideration", source="rep",
                        opportunity="006A")


def two_accounts(folder: Path) -> None:
    """Acme: a stage entered, then one deck with every field aspo log now records; Globex: one deck, older, as
    aspo log recorded it before it recorded who to, the next step and the files."""
    append_events(folder, "acme", "Acme Packaging", [entered("2026-11-02"), deck(
        "2026-11-20", ("block/situation-manufacturing", "scenario/castings-new-technicians",
                       "block/priority-technician-shortage"), "006A",
        to=["Rachel Okafor", "Tom Brandt"], files=["acme-deck.pptx", "acme-offering.docx"],
        next_step="Scope a 90-day pilot on line 2", next_step_by=dt.date(2027, 1, 29))], STAGES)
    append_events(folder, "globex", "Globex Foods", [deck("2026-10-05", ("block/retired-block",), "006G")], STAGES)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_presented_event_oldest_first_with_titles_for_ids(tmp_path, workspace, aspo):
    two_accounts(tmp_path / "h")
    run = aspo("export", "activities", "--history", tmp_path / "h")
    assert (run.status, run.err) == (0, "wrote 2 activities\n")
    assert rows(run.out) == [
        {"Account": "Globex Foods", "Opportunity ID": "006G", "Date": "2026-10-05",
         "Subject": "Point offering presented: Globex Foods", "Content": "retired-block",  # gone from the library
         "Next step": "", "Next step by": "", "Attendees": "", "Files": ""},  # recorded before aspo kept them
        {"Account": "Acme Packaging", "Opportunity ID": "006A", "Date": "2026-11-20",
         "Subject": "Point offering presented: Acme Packaging",
         # titles in the deck's order (situation, priorities, scenarios), placeholders filled in for the account
         "Content": "What we hear from plants like Acme Packaging; Get more done with the crew you have; Getting new "
                    "technicians productive in weeks, not months",
         "Next step": "Scope a 90-day pilot on line 2", "Next step by": "2027-01-29",
         "Attendees": "Rachel Okafor; Tom Brandt", "Files": "acme-deck.pptx; acme-offering.docx"},
    ]


def test_since_keeps_the_decks_presented_on_or_after_the_day(tmp_path, workspace, aspo):
    two_accounts(tmp_path / "h")
    run = aspo("export", "activities", "--history", tmp_path / "h", "--since", "2026-11-20")
    assert [row["Account"] for row in rows(run.out)] == ["Acme Packaging"]
    run = aspo("export", "activities", "--history", tmp_path / "h", "--since", "2026-11-21")
    assert (run.status, run.out) == (0, ",".join(PLAIN) + "\r\n")
    assert run.err == "wrote 0 activities: no deck presented on or after 2026-11-21 in h/ (record one with aspo log " \
                      "ACCOUNT presented)\n"
    run = aspo("export", "activities", "--history", tmp_path / "h", "--since", "20.11.2026")
    assert (run.status, run.err) == (2, "aspo: error: --since: expected a date as YYYY-MM-DD, got '20.11.2026'\n")


def test_accounts_on_one_day_come_in_name_order_and_a_title_needing_more_than_the_history_reads_as_its_id(
        tmp_path, workspace, aspo):
    append_events(tmp_path / "h", "zeta", "Zeta Water", [deck("2026-11-20", opportunity="006Z")], STAGES)
    append_events(tmp_path / "h", "acme", "acme packaging", [deck("2026-11-20", (
        "block/offering-expand-monitor-to-predict", "block/priority-downtime-early-warning"), "006A")], STAGES)
    edit(workspace / "templates/blocks/priority-technician-shortage.md", "title: Get more done with the crew you have",
         "title: Get more done with {{ meeting.attendees[0].name }}")  # what an export cannot know
    append_events(tmp_path / "h", "beta", "Beta", [deck("2026-11-20", ("block/priority-technician-shortage",),
                                                        "006B")], STAGES)
    found = rows(aspo("export", "activities", "--history", tmp_path / "h").out)
    assert [(row["Account"], row["Content"]) for row in found] == [
        # the industry is the account file's (accounts/acme.yaml: manufacturing), the product the catalog's
        ("acme packaging", "Hear about a failing asset before it stops the line; Building on Meridian Monitor at "
                           "acme packaging"),
        ("Beta", "priority-technician-shortage"),
        ("Zeta Water", ""),
    ]


@pytest.mark.parametrize("preset", [None, "salesforce", "hubspot"])
def test_each_preset_has_its_headers_and_parses_back_as_csv(tmp_path, workspace, aspo, preset):
    two_accounts(tmp_path / "h")
    run = aspo("export", "activities", "--history", tmp_path / "h", *(("--preset", preset) if preset else ()))
    assert run.status == 0, run.err
    assert run.out.split("\r\n", 1)[0] == ",".join(HEADERS[preset])
    table = list(csv.reader(io.StringIO(run.out, newline="")))
    assert table[0] == HEADERS[preset] and len(table) == 3
    assert all(len(row) == len(table[0]) for row in table)


def test_the_salesforce_task_and_the_hubspot_note_carry_every_detail_a_line_each(tmp_path, workspace, aspo):
    two_accounts(tmp_path / "h")
    details = ("Stage: Consideration\n"
               "Presented by: jordan.ellis@meridianops.example\n"
               "Presented to: Rachel Okafor; Tom Brandt\n"
               "Next step: Scope a 90-day pilot on line 2 (by 2027-01-29)\n"
               "Files: acme-deck.pptx; acme-offering.docx\n"
               "Content: What we hear from plants like Acme Packaging; Get more done with the crew you have; Getting "
               "new technicians productive in weeks, not months")
    task = rows(aspo("export", "activities", "--history", tmp_path / "h", "--preset", "salesforce").out)[1]
    assert task == {"WhatId": "006A", "Subject": "Point offering presented: Acme Packaging",
                    "ActivityDate": "2026-11-20", "Status": "Completed", "TaskSubtype": "Task",
                    "Description": details}
    note = rows(aspo("export", "activities", "--history", tmp_path / "h", "--preset", "hubspot").out)[1]
    assert note == {"Record ID": "006A", "Activity date": "2026-11-20",
                    "Note body": "Point offering presented: Acme Packaging\n" + details}
    old = rows(aspo("export", "activities", "--history", tmp_path / "h", "--preset", "salesforce").out)[0]
    assert old["Description"] == ("Stage: Consideration\nPresented by: jordan.ellis@meridianops.example\n"
                                  "Content: retired-block")


def test_an_unknown_preset_is_clicks_own_error(tmp_path, workspace, aspo):
    assert tuple(PRESETS) == ("salesforce", "hubspot")  # the command line lists them literally
    run = aspo("export", "activities", "--history", tmp_path, "--preset", "pipedrive")
    assert run.status == 2
    assert run.err.endswith("Error: Invalid value for '--preset': 'pipedrive' is not one of 'salesforce', "
                            "'hubspot'.\n")


def test_the_same_histories_give_the_same_bytes_on_standard_output_and_in_a_file(tmp_path, workspace, aspo):
    two_accounts(tmp_path / "h")
    first = aspo("export", "activities", "--history", tmp_path / "h", "--preset", "salesforce")
    again = aspo("export", "activities", "--history", tmp_path / "h", "--preset", "salesforce")
    assert first.out == again.out
    run = aspo("export", "activities", "--history", tmp_path / "h", "--preset", "salesforce", "-o", "tasks.csv")
    assert (run.status, run.out, run.err) == (0, "wrote 2 activities to tasks.csv\n", "")
    assert (workspace / "tasks.csv").read_bytes() == first.out.encode("utf-8")
    assert [p.name for p in workspace.iterdir() if p.name.startswith(".tasks.csv")] == []  # no temporary left


def test_a_history_that_does_not_load_is_named_and_the_others_are_still_exported(tmp_path, workspace, aspo):
    two_accounts(tmp_path / "h")
    (tmp_path / "h" / "broken.yaml").write_text("account: Broken\nevents:\n- {event: presented, date: 2026-13-01, "
                                                "stage: awareness, key: k}\n", encoding="utf-8")
    run = aspo("export", "activities", "--history", tmp_path / "h", "-o", "out.csv")
    assert run.status == 2
    assert run.err == ("aspo: error: h/broken.yaml:3: events[0].date: expected a date as YYYY-MM-DD, got "
                       "'2026-13-01'\n")
    assert run.out == "wrote 2 activities to out.csv\n"
    assert [row["Account"] for row in rows((workspace / "out.csv").read_text(encoding="utf-8"))] == [
        "Globex Foods", "Acme Packaging"]


def test_no_history_folder_or_no_deck_presented_is_a_header_and_a_line(tmp_path, workspace, aspo):
    run = aspo("export", "activities", "--history", tmp_path / "none", "--preset", "hubspot")
    assert (run.status, run.out) == (0, "Record ID,Activity date,Note body\r\n")
    assert run.err == ("wrote 0 activities: no history folder none (record decks presented with aspo log, or point "
                       "at the folder with --history)\n")
    append_events(tmp_path / "h", "acme", "Acme Packaging", [entered("2026-11-02")], STAGES)
    run = aspo("export", "activities", "--history", tmp_path / "h", "-o", "out.csv")
    assert (run.status, run.err) == (0, "")
    assert run.out == "wrote 0 activities to out.csv: no deck presented in h/ (record one with aspo log ACCOUNT " \
                      "presented)\n"
    assert (workspace / "out.csv").read_text(encoding="utf-8") == ",".join(PLAIN) + "\n"


def test_a_presented_event_with_every_field_is_one_line_and_reads_back_the_same(tmp_path):
    event = deck("2026-11-20", ("block/a", "scenario/b"), "006A", to=["Rachel Okafor", "Tom O'Brandt"],
                 files=["acme-deck.pptx", "acme-offering.docx"], next_step_by=dt.date(2027, 1, 29),
                 next_step="Scope a pilot: line 2, {30 assets} - by # January")
    path = append_events(tmp_path, "acme", "Acme Packaging", [event], STAGES)
    (line,) = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- ")]
    assert line.startswith("- {event: presented, date: 2026-11-20, stage: consideration, key: kkkk")
    assert ", rep: jordan.ellis@meridianops.example, to: [Rachel Okafor, Tom O'Brandt], content: {" in line
    assert line.endswith("files: [acme-deck.pptx, acme-offering.docx], next_step: 'Scope a pilot: line 2, {30 assets}"
                         " - by # January', next_step_by: 2027-01-29, opportunity: 006A}")
    assert load_history(path, STAGES).events == (event,)


def test_log_presented_records_who_it_was_for_the_next_step_and_the_customer_files(workspace, aspo):
    assert aspo("build", "-q", "accounts/acme.yaml").status == 0
    assert aspo("log", "accounts/acme.yaml", "presented", "--on", "2026-11-20").status == 0
    (event,) = load_history(workspace / "history/acme.yaml", STAGES).events
    assert event.to == ["Rachel Okafor", "Tom Brandt", "Luis Ferreira"]
    assert (event.next_step, event.next_step_by) == (
        "Scope a 90-day Meridian Monitor pilot on corrugator line 2 at Dayton, covering its 30 most critical assets",
        dt.date(2027, 1, 29))
    # not the presenter's deck, the draft or the manifest
    assert event.files == ["acme-deck.pptx", "acme-follow-up.eml", "acme-offering.docx"]
    run = aspo("export", "activities")
    assert run.err.splitlines() == [
        "aspo: warning: history/acme.yaml: Acme Packaging: no opportunity id for 1 deck presented, in the history "
        "or in accounts/acme.yaml; its row leaves it empty (write opportunity: <the CRM's id> in accounts/acme.yaml)",
        "wrote 1 activity"]
    (row,) = rows(run.out)
    assert (row["Opportunity ID"], row["Attendees"]) == ("", "Rachel Okafor; Tom Brandt; Luis Ferreira")
    edit(workspace / "accounts/acme.yaml", "stage: consideration\n", "stage: consideration\nopportunity: 006ACME\n")
    run = aspo("export", "activities")
    assert run.err == "wrote 1 activity\n"
    assert rows(run.out)[0]["Opportunity ID"] == "006ACME"  # the account file's, when the event has none


def test_the_customer_files_are_the_deck_the_document_their_pdfs_and_the_email():
    names = [name for fmt in FORMATS for name in (fmt.name("acme"), fmt.pdf_name("acme")) if name]
    assert [name for name in names if is_customer_file(name)] == [
        "acme-deck.pptx", "acme-deck.pdf", "acme-offering.docx", "acme-offering.pdf", "acme-follow-up.eml"]
    assert not is_customer_file("manifest.json") and is_customer_file("team-deck-deck.pptx")
