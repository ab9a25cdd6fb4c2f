"""Which account file a CRM row is: found by what the file holds (the CRM's opportunity id, else the account's name
as a reader sees it), never by the file's name alone; names that look alike are one name."""

from __future__ import annotations

from pathlib import Path

from conftest import edit
from test_import import HEADER, INITECH, seen, write_csv

from aspo.authoring.import_draft import slug_of
from aspo.library.account_paths import name_key
from aspo.library.import_settings import normalised

#: Acme Packaging's sample file, and a row that names another company whose name gives the same file name.
ACME_ROW = {**INITECH, "Account Name": "ACME", "Industry": "Logistics", "Employees": "50", "Region": "EMEA",
            "Stage": "Prospecting"}


def test_a_row_of_another_company_never_updates_the_file_its_name_gives(workspace, aspo):
    acme = workspace / "accounts/acme.yaml"
    before = acme.read_bytes()
    write_csv(workspace / "crm.csv", ACME_ROW)
    for update in ((), ("--update",)):
        result = aspo("import", "crm.csv", *update)
        assert (result.status, result.err.splitlines()) == (2, [
            "aspo: error: crm.csv:2: Account Name: 'ACME': accounts/acme.yaml holds 'Acme Packaging', another "
            "company; rename accounts/acme.yaml (e.g. to acme-packaging.yaml) and import again, or, if the two are "
            "one, write name: 'ACME' in it"])
        assert result.out == "1 row in crm.csv: 1 failed (row 2)\n"
    assert acme.read_bytes() == before
    assert not (workspace / "history").exists()

    acme.rename(workspace / "accounts/acme-packaging.yaml")  # as the line says: ACME then gets a file of its own
    result = aspo("import", "crm.csv")
    assert result.out.splitlines()[0] == "created    accounts/acme.yaml" + seen("awareness")
    assert (workspace / "accounts/acme-packaging.yaml").read_bytes() == before


def test_a_file_of_that_name_with_no_company_yet_is_not_taken_either(workspace, aspo):
    assert aspo("new", "account", "accounts/initech.yaml").status == 0  # its name: still a placeholder
    started = (workspace / "accounts/initech.yaml").read_bytes()
    write_csv(workspace / "crm.csv", INITECH)
    result = aspo("import", "crm.csv", "--update")
    assert result.err == ("aspo: error: crm.csv:2: Account Name: 'Initech': accounts/initech.yaml names no company "
                          "yet; write name: 'Initech' in it if it is this account's, else rename it; then import "
                          "again\n")
    assert (workspace / "accounts/initech.yaml").read_bytes() == started


def test_the_crms_opportunity_id_finds_the_file_and_another_id_is_another_deal(workspace, aspo):
    acme = workspace / "accounts/acme.yaml"
    edit(acme, "stage: consideration\n", "stage: consideration\nopportunity: 006A\n")
    header = [*HEADER, "Opportunity ID"]
    renamed = {**INITECH, "Account Name": "Acme Packaging Group", "Opportunity ID": "006A", "Industry": "",
               "Employees": "", "Region": "", "Stage": "", "Meeting Date": "", "Meeting Goal": "", "Contact Name": "",
               "Contact Title": "", "Priorities": "", "Competitors": "", "Next Step": "", "Next Step Date": "",
               "Owner Name": "", "Owner Email": ""}
    write_csv(workspace / "crm.csv", renamed, header=header)
    result = aspo("import", "crm.csv", "--update")  # renamed in the CRM: its id still names it
    assert result.out.splitlines()[:2] == ["updated    accounts/acme.yaml (name)",
                                           "    name: 'Acme Packaging' -> 'Acme Packaging Group'"]
    updated = acme.read_bytes()

    write_csv(workspace / "crm.csv", {**renamed, "Opportunity ID": "006B"}, header=header)
    result = aspo("import", "crm.csv", "--update")
    assert (result.status, result.err) == (2, (
        "aspo: error: crm.csv:2: Account Name: 'Acme Packaging Group': accounts/acme.yaml holds its opportunity "
        "'006A', this row '006B'; to have accounts/acme.yaml follow this deal, write opportunity: '006B' in it and "
        "import again\n"))
    assert acme.read_bytes() == updated
    assert sorted(path.name for path in (workspace / "accounts").glob("*.yaml")) == [
        "acme.yaml", "globex.yaml", "northwind-health.yaml"]  # no second file for the same company


def test_names_that_look_alike_find_the_reps_file_and_attendee_rather_than_a_new_one(workspace, aspo):
    acme = workspace / "accounts/acme.yaml"
    before = acme.read_bytes()
    rows = [{**INITECH, "Account Name": name, "Industry": "Manufacturing", "Employees": "5000",
             "Region": "North America - Central", "Stage": "Value Proposition", "Meeting Date": "2027-01-14",
             "Contact Name": contact, "Contact Title": "VP Operations, North America", "Priorities": "",
             "Competitors": "", "Next Step": "", "Next Step Date": "", "Owner Name": "", "Owner Email": "",
             "Meeting Goal": ""}
            for name, contact in (("Acme\u200b Packaging", "Rachel\u200b Okafor"),  # a zero-width space
                                  ("Acme  Packaging ", "RACHEL  OKAFOR"),  # doubled spaces, a person's case
                                  ("\uff21cme\u00a0Packaging\u2060", "Rachel\u00a0Okafor"))]  # full width, NBSP, WJ
    for row in rows:
        write_csv(workspace / "crm.csv", row)
        result = aspo("import", "crm.csv", "--update")
        line = result.out.splitlines()[0].split(" · ")[0]  # the stage goes into the history once
        assert (result.status, line) == (0, "unchanged  accounts/acme.yaml"), result.err
    assert acme.read_bytes() == before

    # a combining accent typed apart (NFD) is the rep's é; the file's name stays as the rep wrote it
    edit(acme, "name: Acme Packaging\n", "name: Acmé Packaging\n")
    write_csv(workspace / "crm.csv", {**rows[0], "Account Name": "Acme\u0301 Packaging"})
    result = aspo("import", "crm.csv", "--update")
    assert result.out.splitlines()[0] == "unchanged  accounts/acme.yaml"
    assert not (workspace / "accounts/acme-packaging.yaml").exists()


def test_a_stage_history_row_of_another_company_appends_to_no_history(workspace, aspo):
    Path("deals.csv").write_text("Account Name,Stage,Stage Change Date\nACME,Prospecting,2026-11-02\n",
                                 encoding="utf-8")
    result = aspo("import", "--stage-history", "deals.csv")
    assert (result.status, result.err) == (2, (
        "aspo: error: deals.csv:2: 'ACME': accounts/acme.yaml holds 'Acme Packaging', another company; rename "
        "accounts/acme.yaml (e.g. to acme-packaging.yaml) and import again, or, if the two are one, write name: "
        "'ACME' in it\n"))
    assert not (workspace / "history").exists()


def test_names_are_compared_and_slugged_as_a_reader_sees_them():
    plain = "Nestlé Waters GmbH"
    for other in ("Nestle\u0301 Waters GmbH", "NESTLÉ  WATERS\u200b GmbH", "nestlé\u00a0waters gmbh\u202c"):
        assert name_key(other) == name_key(plain)
        assert slug_of(other) == slug_of(plain) == "nestle-waters-gmbh"
    assert name_key("Acme Inc") != name_key("Acme Packaging")
    assert normalised("Ne\u0301gociation") == normalised("N\u00e9gociation")  # a CRM's stage or header typed so


def test_new_account_refuses_a_second_file_for_an_account_its_folder_holds(workspace, aspo):
    result = aspo("new", "account", "accounts/acme.yml")
    assert (result.status, result.err) == (2, "aspo: error: accounts/acme.yml: accounts/acme.yaml is there already, "
                                               "and both would build output/acme/; edit it, or choose another name\n")
    result = aspo("new", "account", "accounts/acme-2.yaml", "--name", "ACME  packaging")
    assert (result.status, result.err) == (2, "aspo: error: --name: 'ACME  packaging' is the account of "
                                               "accounts/acme.yaml already; edit that file, or name this account "
                                               "differently\n")
    assert not Path("accounts/acme.yml").exists() and not Path("accounts/acme-2.yaml").exists()
