"""The read cache holds each answer as JSON text and gives every read its own fresh copy."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_awscompliance.engine.cache import (
    MissingFromSnapshot,
    ReadCache,
    encode,
    entry_text,
    read_key,
)
from pytest_awscompliance.model.errors import AwsApiError

WHEN = datetime(2026, 12, 2, 3, 4, 5, 678901, tzinfo=UTC)
ANSWER = {
    "ResponseMetadata": {"RequestId": "r-1", "HTTPStatusCode": 200},
    "Users": [{"UserName": "ümlaut \"q\" ]]> \x07", "CreateDate": WHEN,
               "PasswordLastUsed": WHEN.astimezone(timezone(timedelta(hours=-5))),
               "Tags": ({"Key": "k", "Value": None},), "Blob": b"\x00\xffbytes",
               "Buffer": bytearray(b"ba"), "Count": 3, "Ratio": 0.1, "On": True,
               "Naive": datetime(2020, 1, 1)}],
    "IsTruncated": False,
}
EXPECTED = {  # what a control gets: no ResponseMetadata, tuples as lists, bytes as bytes
    "Users": [{"UserName": "ümlaut \"q\" ]]> \x07", "CreateDate": WHEN,
               "PasswordLastUsed": WHEN.astimezone(timezone(timedelta(hours=-5))),
               "Tags": [{"Key": "k", "Value": None}], "Blob": b"\x00\xffbytes",
               "Buffer": b"ba", "Count": 3, "Ratio": 0.1, "On": True,
               "Naive": datetime(2020, 1, 1)}],
    "IsTruncated": False,
}


def counted(answer: Any) -> tuple[list[int], Any]:
    calls: list[int] = []

    def fetch() -> Any:
        calls.append(1)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return calls, fetch


def test_answers_come_back_as_they_were_and_are_held_as_text() -> None:
    cache = ReadCache()
    calls, fetch = counted(ANSWER)
    first = cache.get("k", fetch, label="iam:ListUsers")
    assert first == EXPECTED and cache.get("k", fetch, label="iam:ListUsers") == EXPECTED
    assert type(first["Users"][0]["Blob"]) is bytes
    assert first["Users"][0]["PasswordLastUsed"].utcoffset() == timedelta(hours=-5)
    assert len(calls) == 1
    assert all(type(text) in (str, bytes) for text, _ in vars(cache)["_memory"].values())


def test_a_long_answer_is_held_compressed_and_comes_back_the_same() -> None:
    cache = ReadCache()
    many = {"Users": [dict(EXPECTED["Users"][0], UserName=f"user-{n}") for n in range(40)]}
    calls, fetch = counted(many)
    first = cache.get("long", fetch, label="iam:ListUsers")
    (held, _), = vars(cache)["_memory"].values()
    assert type(held) is bytes and len(held) < len(entry_text({"ok": encode(many)})) / 4
    assert first == many == cache.get("long", fetch, label="iam:ListUsers")
    assert first["Users"][7]["PasswordLastUsed"].utcoffset() == timedelta(hours=-5)
    assert len(calls) == 1
    assert cache.entries()["long"] == {"ok": encode(many)}  # snapshots see the text


def test_every_read_gets_its_own_copy() -> None:
    cache = ReadCache()
    _, fetch = counted(ANSWER)
    first = cache.get("k", fetch, label="iam:ListUsers")
    first["Users"][0]["Tags"].append("changed by a control")
    first["Users"].clear()
    second = cache.get("k", fetch, label="iam:ListUsers")
    assert second == EXPECTED
    assert second["Users"] is not cache.get("k", fetch, label="iam:ListUsers")["Users"]


def test_errors_are_cached_and_raised_again() -> None:
    cache = ReadCache()
    error = AwsApiError("iam", "ListUsers", "AccessDenied", "no <access> & \"more\"", "1/eu")
    calls, fetch = counted(error)
    for _ in range(2):
        with pytest.raises(AwsApiError) as raised:
            cache.get("k", fetch, label="iam:ListUsers")
        assert raised.value.to_dict() == error.to_dict()
    assert len(calls) == 1


def test_other_exceptions_are_not_cached() -> None:
    cache = ReadCache()
    calls, fetch = counted(RuntimeError("bug"))
    for _ in range(2):
        with pytest.raises(RuntimeError):
            cache.get("k", fetch, label="iam:ListUsers")
    assert len(calls) == 2


def test_one_fetch_for_many_threads_asking_at_once() -> None:
    cache = ReadCache()
    calls: list[int] = []

    def slow() -> Any:
        calls.append(1)
        time.sleep(0.05)
        return ANSWER

    got: list[Any] = []
    threads = [threading.Thread(target=lambda: got.append(
        cache.get("k", slow, label="iam:ListUsers"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and got == [EXPECTED] * 8
    assert len({id(answer) for answer in got}) == 8


def test_workers_share_answers_and_errors_through_the_directory(tmp_path: Path) -> None:
    first, second = ReadCache(tmp_path), ReadCache(tmp_path)  # two xdist workers
    calls, fetch = counted(ANSWER)
    error = AwsApiError("s3", "GetBucketPolicy", "AccessDenied", "denied", "1/eu")
    failed_calls, fail = counted(error)
    assert first.get("ok", fetch, label="iam:ListUsers") == EXPECTED
    with pytest.raises(AwsApiError):
        first.get("bad", fail, label="s3:GetBucketPolicy")
    assert second.get("ok", fetch, label="iam:ListUsers") == EXPECTED
    with pytest.raises(AwsApiError) as raised:
        second.get("bad", fail, label="s3:GetBucketPolicy")
    assert raised.value.to_dict() == error.to_dict()
    assert len(calls) == len(failed_calls) == 1
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 2 and {json.loads(f.read_text())["key"] for f in files} == {"ok", "bad"}
    second.forget()  # dropped from memory, read again from the directory, not from AWS
    assert second.get("ok", fetch, label="iam:ListUsers") == EXPECTED and len(calls) == 1


def test_entries_are_json_safe_and_replay_offline(tmp_path: Path) -> None:
    shared = ReadCache(tmp_path)
    _, fetch = counted(ANSWER)
    _, fail = counted(AwsApiError("iam", "GetUser", "NoSuchEntity", "gone", "1/eu"))
    shared.get("ok", fetch, label="iam:ListUsers")
    with pytest.raises(AwsApiError):
        shared.get("bad", fail, label="iam:GetUser")
    other = ReadCache(tmp_path)  # read only from the directory
    other.get("ok", fetch, label="iam:ListUsers")
    for cache in (shared, other, ReadCache(tmp_path)):
        entries = cache.entries()
        assert set(entries) == {"ok", "bad"}
        assert set(entries["ok"]) == {"ok"} and set(entries["bad"]) == {"error"}
        assert entries["ok"]["ok"]["Users"][0]["CreateDate"] == {"$dt": WHEN.isoformat()}
        json.dumps(entries)  # what a snapshot writes
    replay = ReadCache(offline=True)
    replay.preload(json.loads(json.dumps(shared.entries())))
    never, _ = counted(ANSWER)
    assert replay.get("ok", lambda: never.append(1), label="iam:ListUsers") == EXPECTED
    with pytest.raises(AwsApiError) as raised:
        replay.get("bad", lambda: never.append(1), label="iam:GetUser")
    assert raised.value.code == "NoSuchEntity"
    with pytest.raises(MissingFromSnapshot):
        replay.get("123456789012|eu-west-1|iam|GetRole|{}", lambda: never.append(1),
                   label="iam:GetRole")
    assert never == []


def test_text_that_only_looks_like_a_datetime_stays_text() -> None:
    cache = ReadCache()
    answer = {"a": "$dt", "b": {"$dt": "x", "other": 1}, "c": ['{"$dt": "2020-01-01"}'],
              "d": {"$b64": "not decoded", "$dt": "neither"}}
    assert cache.get("k", lambda: answer, label="x:Y") == answer


LEAF = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
        | st.text(st.characters(codec="utf-8")) | st.binary(max_size=20)
        | st.datetimes(timezones=st.none() | st.just(UTC) | st.builds(  # botocore's: fixed
            timezone, st.timedeltas(timedelta(hours=-23), timedelta(hours=23)))))
ANSWERS = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(st.characters(codec="utf-8"), max_size=8).filter(lambda k: k not in (
        "ResponseMetadata", "$dt", "$b64")), inner, max_size=4), max_leaves=30)


def as_read(value: Any) -> Any:
    """What a control gets back for ``value``: tuples as lists, bytearrays as bytes."""
    if isinstance(value, dict):
        return {k: as_read(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_read(v) for v in value]
    return bytes(value) if isinstance(value, bytearray) else value


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=ANSWERS)
def test_generated_answers_round_trip(tmp_path: Path, answer: Any) -> None:
    shared = Path(tempfile.mkdtemp(dir=tmp_path))  # one run directory per example
    calls: list[int] = []

    def fetch() -> Any:
        calls.append(1)
        return answer

    for cache in (ReadCache(), ReadCache(shared), ReadCache(shared)):  # the last from the file
        got = cache.get("k", fetch, label="x:Y")
        assert got == as_read(answer)
        assert cache.get("k", fetch, label="x:Y") == got
    assert len(calls) == 2


PARAMS = st.dictionaries(st.text(max_size=6), st.recursive(
    st.none() | st.integers() | st.text(max_size=6) | st.datetimes(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                  max_size=3), max_leaves=8),
    max_size=4)


@given(params=PARAMS)
def test_read_keys_are_what_they_always_were(params: dict[str, Any]) -> None:
    assert read_key("1", "eu-west-1", "iam", "GetRole", params) == "|".join(
        ("1", "eu-west-1", "iam", "GetRole", json.dumps(params, sort_keys=True, default=str)))
