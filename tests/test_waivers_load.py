"""The waiver file validator: one clear line per problem, and nothing but WaiverFileError."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_awscompliance.waivers.load import (
    FIELDS,
    WaiverFileError,
    load_waivers,
    parse_waivers,
    unknown_controls,
    validate_waivers,
)
from pytest_awscompliance.waivers.model import Waiver

SRC = "waivers.yaml"
SETTINGS = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
GOOD = {"control": "s3-bucket-ssl-only", "justification": "legacy clients", "owner": "alice",
        "expires": "2027-01-31"}


def problems(data: Any) -> list[str]:
    with pytest.raises(WaiverFileError) as excinfo:
        validate_waivers(data, SRC)
    return list(excinfo.value.problems)


def test_a_full_waiver_is_read() -> None:
    text = """
- control: s3-bucket-ssl-only
  account: "111111111111"
  region: us-east-1
  resource: "arn:aws:s3:::legacy-*"
  justification: >
    Legacy clients cannot send TLS;
    replaced in Q1.
  owner: alice
  expires: 2027-01-31
  ticket: SEC-12
- control: "iam-root-*"
  justification: break-glass account
  owner: security-team
  permanent: true
  ticket: 1234
"""
    first, second = parse_waivers(text, SRC)
    assert first == Waiver(index=1, control="s3-bucket-ssl-only",
                           justification="Legacy clients cannot send TLS; replaced in Q1.",
                           owner="alice", expires=date(2027, 1, 31), account="111111111111",
                           region="us-east-1", resource="arn:aws:s3:::legacy-*",
                           ticket="SEC-12", source=SRC, line=2)
    assert second.line == 12 and first.where == f"{SRC.rsplit('/', 1)[-1]}:2"
    assert first.reason() == ("waived: Legacy clients cannot send TLS; replaced in Q1. "
                              "(owner alice, expires 2027-01-31, ticket SEC-12)")
    assert second.permanent and second.expires is None and second.ticket == "1234"
    assert second.reason() == "waived: break-glass account (owner security-team, permanent, " \
                              "ticket 1234)"


def test_plain_dict_contract() -> None:
    (waiver,) = validate_waivers([dict(GOOD, ticket="SEC-1")], SRC)
    data = waiver.to_dict()
    assert {k: data[k] for k in ("control", "justification", "owner", "expires", "ticket")} == {
        "control": "s3-bucket-ssl-only", "justification": "legacy clients", "owner": "alice",
        "expires": "2027-01-31", "ticket": "SEC-1"}
    allowed = (str, int, bool, type(None))
    assert all(isinstance(v, allowed) for v in data.values())


def test_the_example_of_the_issue() -> None:
    entries = [GOOD, GOOD | {"control": "b"}, GOOD | {"control": "c", "expires": "tomorrow"}]
    assert problems(entries) == [
        f"{SRC}: waiver #3: field 'expires': 'tomorrow' is not an ISO date (YYYY-MM-DD)"]


@pytest.mark.parametrize(("entry", "expected"), [
    (GOOD | {"expiry": "2027-01-01"},
     "waiver #1: unknown field 'expiry' (did you mean 'expires'?)"),
    ({k: v for k, v in GOOD.items() if k != "justification"},
     "waiver #1: field 'justification' is required"),
    ({k: v for k, v in GOOD.items() if k != "owner"}, "waiver #1: field 'owner' is required"),
    ({k: v for k, v in GOOD.items() if k != "control"}, "waiver #1: field 'control' is required"),
    (GOOD | {"justification": "  "}, "waiver #1: field 'justification' must not be empty"),
    (GOOD | {"owner": None}, "waiver #1: field 'owner' must be text, found nothing (null)"),
    ({k: v for k, v in GOOD.items() if k != "expires"},
     "waiver #1: field 'expires' is required (YYYY-MM-DD), unless the waiver says "
     "'permanent: true'"),
    (GOOD | {"permanent": True}, "waiver #1: 'expires' and 'permanent: true' exclude each other"),
    (GOOD | {"permanent": "yes please"}, "waiver #1: field 'permanent' must be true or false"),
    (GOOD | {"expires": "2027-02-30"},
     "waiver #1: field 'expires': '2027-02-30' is not a valid date (day is out of range"),
    (GOOD | {"expires": 20270131}, "field 'expires': 20270131 is not an ISO date (YYYY-MM-DD)"),
    (GOOD | {"account": 111111111111}, "waiver #1: field 'account': 111111111111 must be quoted"),
    (GOOD | {"account": "1234"}, "field 'account': '1234' is not a 12-digit account id"),
    (GOOD | {"region": "Mars"}, "field 'region': 'Mars' is not a region name"),
    (GOOD | {"resource": "legacy-logs"}, "field 'resource': 'legacy-logs' is neither an ARN"),
    (GOOD | {"ticket": ["a"]}, "field 'ticket' must be text, found a list ['a']"),
    ("just text", "waiver #1: must be a mapping of fields (control, justification, owner, "
                  "expires, ...), found text 'just text'"),
])
def test_each_problem_names_waiver_and_field(entry: Any, expected: str) -> None:
    found = problems([entry])
    assert any(line.startswith(f"{SRC}: ") and expected in line for line in found), found


def test_every_problem_is_reported_at_once() -> None:
    found = problems([GOOD | {"expires": "soon", "owner": ""}, 7, GOOD | {"colour": "red"}])
    assert len(found) == 4
    assert [line.split(":")[1].strip() for line in found] == [
        "waiver #1", "waiver #1", "waiver #2", "waiver #3"]


def test_duplicates_are_errors_but_overlaps_are_not() -> None:
    found = problems([GOOD, GOOD | {"owner": "bob", "expires": "2028-01-01"}])
    assert found == [f"{SRC}: waiver #2: duplicates waiver #1 (same control, account, region "
                     "and resource)"]
    validate_waivers([GOOD, GOOD | {"account": "111111111111"}], SRC)  # narrower: fine
    found = problems([GOOD | {"region": "*"}, GOOD])  # an absent glob is "*"
    assert "duplicates waiver #1" in found[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("control: a\njustification: b\n", "must be a YAML list of waivers"),
    ("- control: [unclosed\n", "not valid YAML: "),
    ("- control: a\n  control: b\n", "not valid YAML: field 'control' is given twice (line 2"),
    ("- !!python/object:os.system {}\n", "not valid YAML: "),
    ("- expires: !!timestamp nonsense\n  control: a\n  owner: o\n  justification: j\n",
     "field 'expires': 'nonsense' is not an ISO date"),
    ("- expires: 2027-01-31 10:00:00\n  control: a\n  owner: o\n  justification: j\n",
     "field 'expires': '2027-01-31 10:00:00' is not an ISO date"),
    ("[" * 1000, "not valid YAML: nested too deeply"),
    ("42", "must be a YAML list of waivers (each starting with '- control: ...'), found a number"),
])
def test_file_level_problems(text: str, expected: str) -> None:
    with pytest.raises(WaiverFileError) as excinfo:
        parse_waivers(text, SRC)
    (line,) = excinfo.value.problems
    assert line.startswith(f"{SRC}: ") and expected in line, line


def test_an_empty_file_declares_no_waivers() -> None:
    assert parse_waivers("", SRC) == ()
    assert parse_waivers("# nothing waived yet\n", SRC) == ()
    assert parse_waivers("[]", SRC) == ()


def test_unreadable_files(tmp_path: Path) -> None:
    cases = {tmp_path / "missing.yaml": "waiver file not found",
             tmp_path: "cannot read the waiver file: Is a directory"}
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"- control: \xff\xfe\n")
    cases[binary] = "not UTF-8 text"
    for path, expected in cases.items():
        with pytest.raises(WaiverFileError) as excinfo:
            load_waivers(path)
        assert excinfo.value.problems == (f"{path}: {expected}",) or \
            excinfo.value.problems[0].startswith(f"{path}: {expected}")


def test_unknown_controls_suggest_the_nearest_id() -> None:
    waivers = validate_waivers([GOOD | {"control": "s3-bucket-ssl-onyl"},
                                GOOD | {"control": "s3-*"}, GOOD | {"control": "zzz-*"}], SRC)
    assert unknown_controls(waivers, ["s3-bucket-ssl-only", "iam-root-mfa-enabled"]) == [
        f"{SRC}: waiver #1: field 'control': 's3-bucket-ssl-onyl' matches no known control "
        "(did you mean 's3-bucket-ssl-only'?)",
        f"{SRC}: waiver #3: field 'control': 'zzz-*' matches no known control"]


# --- fuzzing: whatever the input, a WaiverFileError with clear lines, or waivers -------------

YAMLISH = st.text(alphabet=string.ascii_letters + string.digits + " \t\n-:[]{}&*!|>'\"%@`#,?.<=\\",
                  max_size=200)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20), st.dates(), st.datetimes(),
                    st.sampled_from(["2027-01-31", "tomorrow", "111111111111", "us-east-1", "*",
                                     "arn:aws:s3:::b", "", " "]))
KEYS = st.one_of(st.sampled_from(FIELDS), st.text(max_size=10), st.integers())
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(KEYS, children, max_size=10)),
    max_leaves=30,
)
ENTRIES = st.fixed_dictionaries(
    {}, optional={name: SCALARS for name in FIELDS} | {"extra": SCALARS})


def _check_outcome(run: Any) -> None:
    try:
        result = run()
    except WaiverFileError as exc:
        assert exc.problems
        for line in exc.problems:
            assert line.startswith(f"{SRC}: "), line
            assert "\n" not in line and len(line) < 1000, line
    else:
        assert isinstance(result, tuple)
        assert all(isinstance(w, Waiver) for w in result)
        assert all("\n" not in w.reason() for w in result)


@SETTINGS
@given(YAMLISH | st.text(max_size=200))
def test_fuzz_any_text(text: str) -> None:
    _check_outcome(lambda: parse_waivers(text, SRC))


@SETTINGS
@given(STRUCTURES | st.lists(ENTRIES, max_size=4))
def test_fuzz_any_structure(data: Any) -> None:
    _check_outcome(lambda: validate_waivers(data, SRC))
    text = yaml.safe_dump(data, default_flow_style=False, allow_unicode=True)
    _check_outcome(lambda: parse_waivers(text, SRC))


VALID = st.fixed_dictionaries(
    {"control": st.from_regex(r"[a-z0-9]+(-[a-z0-9*]+){0,3}", fullmatch=True),
     "justification": st.text(min_size=1, max_size=40).filter(str.strip),
     "owner": st.text(min_size=1, max_size=20).filter(str.strip),
     "expires": st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))},
    optional={"account": st.from_regex(r"\d{12}|\d{1,11}\*", fullmatch=True),
              "region": st.sampled_from(["us-east-1", "eu-west-1", "global", "eu-*"]),
              "ticket": st.from_regex(r"[A-Z]{2,5}-\d{1,5}", fullmatch=True)})


@SETTINGS
@given(VALID)
def test_valid_waivers_round_trip(entry: dict[str, Any]) -> None:
    text = yaml.safe_dump([entry | {"expires": entry["expires"].isoformat()}])
    (waiver,) = parse_waivers(text, SRC)
    assert waiver.control == entry["control"]
    assert waiver.expires == entry["expires"]
    assert waiver.justification == entry["justification"].strip()
    assert waiver.account == entry.get("account")
    assert waiver.reason().startswith("waived: ")
