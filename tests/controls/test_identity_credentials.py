"""Identity controls on credential age and use, from the credential report."""

from __future__ import annotations

import pytest

from tests.controls.identity_helpers import (  # noqa: F401 - fast_polls is a fixture
    age_key,
    age_user,
    fast_polls,
)
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan


def _user(world: MotoWorld, account: str, name: str, *, password: bool = False,
          keys: int = 0) -> None:
    iam = world.client(account, "iam")
    iam.create_user(UserName=name)
    if password:
        iam.create_login_profile(UserName=name, Password="Correct-Horse-9!")
    for _ in range(keys):
        iam.create_access_key(UserName=name)


def test_unused_and_old_credentials(pytester: pytest.Pytester, world: MotoWorld) -> None:
    # passing: everything used recently and rotated recently
    _user(world, PASSING, "active-dev", password=True, keys=1)
    age_user(PASSING, "active-dev", created=300, password_used=2)
    age_key(PASSING, "active-dev", 0, rotated=30, used=1)
    # passing: a new user whose key was never used yet (created 3 days ago)
    _user(world, PASSING, "new-hire", keys=1)
    age_user(PASSING, "new-hire", created=3)
    age_key(PASSING, "new-hire", 0, rotated=3)
    # passing: an old, inactive key counts for neither control
    _user(world, PASSING, "retired-key", keys=1)
    age_user(PASSING, "retired-key", created=400)
    age_key(PASSING, "retired-key", 0, rotated=400)
    world.client(PASSING, "iam").update_access_key(
        UserName="retired-key", Status="Inactive",
        AccessKeyId=world.client(PASSING, "iam").list_access_keys(
            UserName="retired-key")["AccessKeyMetadata"][0]["AccessKeyId"])

    # failing: key last used 60 days ago; password never used, set 50 days ago
    _user(world, FAILING, "stale", password=True, keys=1)
    age_user(FAILING, "stale", created=50)
    age_key(FAILING, "stale", 0, rotated=50, used=60)
    # failing: second key never used and 120 days old (rotation and unused); first key fine
    _user(world, FAILING, "two-keys", keys=2)
    age_user(FAILING, "two-keys", created=200)
    age_key(FAILING, "two-keys", 0, rotated=10, used=1)
    age_key(FAILING, "two-keys", 1, rotated=120)

    result = scan(pytester, control_file("identity/test_credentials.py"))
    assert result.only(PASSING) == "passed"
    assert result.for_account(FAILING) == {
        f"test_credentials_used_recently[{FAILING}/global/stale]": "failed",
        f"test_credentials_used_recently[{FAILING}/global/two-keys]": "failed",
        f"test_access_keys_rotated[{FAILING}/global/stale]": "passed",
        f"test_access_keys_rotated[{FAILING}/global/two-keys]": "failed",
    }
    stale = result.messages[f"test_credentials_used_recently[{FAILING}/global/stale]"]
    assert "console password never used, set 50 days ago" in stale
    assert "access key 1 last used 60 days ago" in stale
    two = result.messages[f"test_credentials_used_recently[{FAILING}/global/two-keys]"]
    assert "access key 2 never used, created 120 days ago" in two
    assert "access key 1" not in two
    rotated = result.messages[f"test_access_keys_rotated[{FAILING}/global/two-keys]"]
    assert "access key 2 last rotated 120 days ago" in rotated
