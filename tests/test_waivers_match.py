"""Glob matching of waivers against results: fnmatchcase semantics on every field."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_awscompliance.waivers.match import covers, field_matches, find, is_glob, matches_any
from pytest_awscompliance.waivers.model import Waiver

SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
TODAY = date(2026, 6, 1)

ACCOUNTS = st.from_regex(r"\d{12}", fullmatch=True)
REGIONS = st.sampled_from(["us-east-1", "us-west-2", "eu-west-1", "eu-central-1",
                           "ap-southeast-2", "us-gov-west-1", "global"])
PARTITIONS = st.sampled_from(["aws", "aws-us-gov", "aws-cn"])
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+=,@",
               min_size=1, max_size=24)
INSTANCE_IDS = st.from_regex(r"[0-9a-f]{17}", fullmatch=True)
PATHS = st.lists(NAME, max_size=3).map(lambda parts: "/" + "".join(p + "/" for p in parts))


@st.composite
def arns(draw: st.DrawFn) -> str:
    """Bucket, role/user (with paths), instance, log group (with ':') and repository ARNs."""
    partition, account, name = draw(PARTITIONS), draw(ACCOUNTS), draw(NAME)
    region = draw(REGIONS.filter(lambda r: r != "global"))
    return draw(st.sampled_from([
        f"arn:{partition}:s3:::{name.lower()}",
        f"arn:{partition}:iam::{account}:role{draw(PATHS)}{name}",
        f"arn:{partition}:iam::{account}:user{draw(PATHS)}{name}",
        f"arn:{partition}:ec2:{region}:{account}:instance/i-{draw(INSTANCE_IDS)}",
        f"arn:{partition}:logs:{region}:{account}:log-group:/aws/{name}:*",
        f"arn:{partition}:ecr:{region}:{account}:repository/{name.lower()}",
    ]))


SUBJECTS = st.one_of(arns(), ACCOUNTS, REGIONS, NAME,
                     st.tuples(ACCOUNTS, REGIONS).map("/".join))


def waiver(**fields: str | None) -> Waiver:
    base = {"index": 1, "control": "c", "justification": "j", "owner": "o",
            "expires": date(2027, 1, 1)}
    return Waiver(**(base | fields))  # type: ignore[arg-type]


@SETTINGS
@given(SUBJECTS)
def test_a_literal_matches_itself_and_stars_match_everything(value: str) -> None:
    assert not is_glob(value.removesuffix(":*"))
    literal = value.replace("*", "[*]")  # log group ARNs end in ':*'
    assert field_matches(literal, value)
    assert field_matches("*", value)
    assert field_matches(None, value)


@SETTINGS
@given(SUBJECTS, st.data())
def test_prefix_and_suffix_globs(value: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(value)))
    prefix, suffix = value[:cut].replace("*", "[*]"), value[cut:].replace("*", "[*]")
    assert field_matches(prefix + "*", value)
    assert field_matches("*" + suffix, value)
    assert field_matches(prefix + "?" * len(value[cut:]), value)
    if value[cut:]:
        assert not field_matches(prefix + "?" * (len(value[cut:]) + 1), value)
    other = data.draw(NAME)
    assert field_matches(other + "*", value) == value.startswith(other)


@SETTINGS
@given(arns())
def test_star_crosses_slash_and_colon(arn: str) -> None:
    """``*`` is not a path segment glob: it swallows '/' and ':' like any character."""
    partition, service = arn.split(":")[1:3]
    assert field_matches(f"arn:{partition}:{service}:*", arn)
    assert field_matches("arn:*", arn)
    if ":role/" in arn:
        assert field_matches(f"arn:{partition}:iam::*:role/*", arn)
        assert not field_matches(f"arn:{partition}:iam::*:user/*", arn)


@SETTINGS
@given(arns())
def test_matching_is_case_sensitive(arn: str) -> None:
    assert not field_matches(arn.upper(), arn) or arn.upper() == arn
    assert not field_matches("ARN:*", arn)


@SETTINGS
@given(ACCOUNTS, ACCOUNTS, REGIONS, arns())
def test_all_four_fields_must_match(account: str, other: str, region: str, arn: str) -> None:
    scoped = waiver(control="s3-*", account=account, region=region, resource=arn.replace(
        "*", "[*]"))
    subject = {"control": "s3-bucket-ssl-only", "account": account, "region": region,
               "resource": arn}
    assert covers(scoped, **subject)
    assert covers(scoped, **subject | {"account": other}) == (other == account)
    assert not covers(scoped, **subject | {"control": "iam-root-mfa-enabled"})
    assert not covers(scoped, **subject | {"resource": arn + "x"})
    assert covers(waiver(control="*"), **subject)


def test_account_and_region_globs() -> None:
    assert field_matches("1111*", "111122223333")
    assert not field_matches("1111*", "211112222333")
    assert field_matches("eu-*", "eu-west-1")
    assert not field_matches("eu-*", "us-east-1")
    assert field_matches("us-[ew]*-1", "us-west-1") and not field_matches("us-[!ew]*", "us-west-1")


def test_first_live_waiver_wins_and_expired_ones_are_reported() -> None:
    expired = waiver(index=1, expires=date(2026, 5, 31))
    live = waiver(index=2, account="1*")
    later = waiver(index=3)
    subject = {"control": "c", "account": "111111111111", "region": "global",
               "resource": "111111111111/global"}
    assert find([expired, live, later], TODAY, **subject).live is live
    assert find([expired], TODAY, **subject).expired is expired
    assert find([expired], TODAY, **subject).live is None
    assert find([live], TODAY, **subject | {"account": "2"}) == find([], TODAY, **subject)


@pytest.mark.parametrize(("expires", "expired"), [
    (date(2026, 6, 2), False), (date(2026, 6, 1), False), (date(2026, 5, 31), True)])
def test_a_waiver_applies_through_its_expiry_date(expires: date, expired: bool) -> None:
    assert waiver(expires=expires).is_expired(TODAY) is expired
    assert waiver(expires=None, permanent=True).is_expired(TODAY) is False


def test_expiring_within_days() -> None:
    assert waiver(expires=date(2026, 7, 1)).expires_within(TODAY, 30)
    assert not waiver(expires=date(2026, 7, 2)).expires_within(TODAY, 30)
    assert waiver(expires=TODAY).expires_within(TODAY, 0)
    assert not waiver(expires=date(2026, 5, 31)).expires_within(TODAY, 30)  # already expired
    assert not waiver(expires=None, permanent=True).expires_within(TODAY, 10_000)


def test_control_globs_name_known_controls() -> None:
    known = ["s3-bucket-ssl-only", "iam-root-mfa-enabled"]
    assert matches_any("s3-*", known) and matches_any("iam-root-mfa-enabled", known)
    assert not matches_any("s3", known) and not matches_any("S3-*", known)
