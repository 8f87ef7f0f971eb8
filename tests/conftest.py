"""Fixtures for the plugin's own tests: in-process moto, seeding clients and inline scans."""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis  # noqa: F401 - imported once here, not again in every inline pytester run
import pytest
from moto import mock_aws

from pytest_awscompliance.demo.ast_lock import serialize_ast_parsing
from tests.harness import MotoWorld, fake_credentials
from tests.shared_run import start_needed

# In-process moto builds its routers with ast.parse in the scans' reading threads while
# pytest parses sources on the main thread: CPython 3.11's race (demo/ast_lock.py).
serialize_ast_parsing()


@pytest.fixture
def moto_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In-process moto with fake credentials; nothing can reach real AWS."""
    fake_credentials(monkeypatch)
    with mock_aws():
        yield


@pytest.fixture
def world(moto_env: None) -> MotoWorld:
    """Clients (not read-only) to build account state in moto before a scan."""
    return MotoWorld()


@pytest.fixture
def offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """For subprocess runs: fake credentials and every AWS endpoint on a dead loopback port."""
    fake_credentials(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


@pytest.fixture(scope="session", autouse=True)
def shared_runs(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Start the shared runs the selected tests need (``tests/shared_run.py``) as the first
    test starts; the session ends once they are made, leaving no child process behind."""
    thread = start_needed(tmp_path_factory, request.session.items)
    yield
    thread.join()
