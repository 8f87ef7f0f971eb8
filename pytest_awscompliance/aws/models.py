"""botocore's service models, loaded once per process and only for the services used."""

from __future__ import annotations

import functools
from typing import Any

from botocore.loaders import create_loader
from botocore.model import ServiceModel


@functools.cache
def shared_loader() -> Any:
    """One botocore data loader for every session: service models are parsed once per
    process, not once per account (for 10 accounts, about 470 MB less)."""
    return create_loader()


@functools.cache
def service_model(service: str) -> ServiceModel:
    """The model of ``service`` (boto3's name, e.g. ``s3``); loaded on first use."""
    data = shared_loader().load_service_model(service, "service-2")
    return ServiceModel(data, service_name=service)
