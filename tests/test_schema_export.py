"""The account JSON Schema editors use, and the pre-commit hook a content repository runs."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import yaml
from conftest import REPO
from jsonschema import Draft202012Validator

SCHEMA_FILE = REPO / "schemas/account.schema.json"
ACCOUNTS = sorted((REPO / "accounts").glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../schemas/account.schema.json"


def as_editor_sees_it(value):
    """YAML as a YAML 1.2 language server reads it: an unquoted 2027-01-14 is a string, not a date."""
    if isinstance(value, dict):
        return {key: as_editor_sees_it(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_editor_sees_it(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def account_data(path):
    return as_editor_sees_it(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def messages(validator, data) -> list[str]:
    return [error.message for error in validator.iter_errors(data)]


def test_the_committed_schema_is_what_aspo_schema_account_prints(aspo):
    result = aspo("schema", "account", "--library", REPO / "templates")
    assert result.status == 0, result.err
    assert SCHEMA_FILE.read_text(encoding="utf-8") == result.out, \
        "regenerate it: aspo schema account --library templates/ > schemas/account.schema.json"


def test_the_schema_is_draft_2020_12_with_a_title_and_descriptions(aspo):
    schema = json.loads(aspo("schema", "account").out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema
    assert schema["title"]
    assert schema["properties"]["priorities"]["description"] == "The account's priorities, most important first."
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("path", ACCOUNTS, ids=lambda p: p.name)
def test_every_sample_account_is_valid_and_names_the_schema_on_its_first_line(validator, path):
    assert messages(validator, account_data(path)) == []
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == MODELINE
    assert (path.parent / first.split("$schema=", 1)[1]).resolve() == SCHEMA_FILE.resolve()


def test_a_misspelled_field_is_rejected(validator):
    data = account_data(REPO / "accounts/acme.yaml")
    data["prioritys"] = data.pop("priorities")
    found = messages(validator, data)
    assert any("'prioritys' was unexpected" in m for m in found), found
    assert any("'priorities' is a required property" in m for m in found), found


def test_a_value_outside_an_enum_is_rejected(validator):
    data = account_data(REPO / "accounts/acme.yaml")
    data["size"] = "huge"
    assert any(m.startswith("'huge' is not one of ['smb', 'mid-market', 'enterprise']")
               for m in messages(validator, data))


def test_a_date_must_be_a_date(validator):
    data = account_data(REPO / "accounts/acme.yaml")
    data["meeting"]["date"] = "next Tuesday"
    assert messages(validator, data) == ["'next Tuesday' is not a 'date'"]


def test_a_nested_unknown_field_is_rejected(validator):
    data = account_data(REPO / "accounts/acme.yaml")
    data["meeting"]["attendees"][0]["role"] = "sponsor"
    assert any("'role' was unexpected" in m for m in messages(validator, data))


def test_the_pre_commit_hook_runs_aspo_check_on_library_and_account_changes():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["aspo-check"]
    hook = hooks[0]
    assert hook["entry"] == "aspo check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("accounts/acme.yaml") and files.search("templates/blocks/next-steps-pilot.md")
    assert not files.search("README.md") and not files.search("aspo/cli/app.py")
