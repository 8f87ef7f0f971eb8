"""Sessions share one botocore loader, so service models are parsed once per process."""

from __future__ import annotations

from pytest_awscompliance.sessions import base_session


def test_sessions_share_service_models(moto_env: None) -> None:
    first, second = base_session(None), base_session(None, demo=True)
    loader = first._session.get_component("data_loader")
    assert loader is second._session.get_component("data_loader")
    first.client("s3", region_name="us-east-1")
    second.client("s3", region_name="eu-west-1")
    assert any("s3" in str(key) for key in loader._cache)  # parsed once, shared
