"""botocore's service models, loaded once per process and only for the services used."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import botocore.client
from botocore.loaders import JSONFileLoader, Loader
from botocore.model import ServiceModel


class PlainJSONFileLoader(JSONFileLoader):
    """botocore's JSON file loader, parsing into plain dicts instead of ``OrderedDict``.

    Python's dicts keep their order, and botocore's model classes build their own ordered
    views; an ``OrderedDict`` per JSON object is about half again the memory (EC2's model:
    14.6 MB parsed as ``OrderedDict``, 9.6 MB as dicts)."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            return json.loads(fp.read().decode("utf-8"))


class SharedLoader(Loader):
    """botocore's loader, safe to share between threads.

    botocore memoizes each file it parses, but not under a lock: when discovery's threads
    created their first clients of a service at the same moment, each parsed the service's
    model itself and each client kept its own copy (the small benchmark scan held three
    copies of EC2's 14 MB model, three of S3's, IAM's, Logs' and Auto Scaling's: about
    45 MB and 0.5 s of CPU). One lock around loading: the first thread parses, the others
    wait for it and get the same object.
    """

    def __init__(self) -> None:
        super().__init__(file_loader=PlainJSONFileLoader())
        self._load_lock = threading.RLock()

    def load_data_with_path(self, name: str) -> Any:
        with self._load_lock:
            cached = ("load_data_with_path", name) in self._cache
            data, path = super().load_data_with_path(name)
            if not cached and name.endswith("/service-2") and isinstance(data, dict):
                drop_documentation(data)  # once, as the file is parsed
            return data, path

    def load_service_model(self, service_name: str, type_name: str,
                           api_version: str | None = None) -> Any:
        with self._load_lock:
            return super().load_service_model(service_name, type_name, api_version)


def drop_documentation(model: dict[str, Any]) -> None:
    """Remove the prose of a service model's operations and shapes, in place.

    It is only read to render ``help()`` of a client method; it is about a quarter of a
    parsed model (EC2: 14 MB -> 10 MB).
    """
    model.pop("documentation", None)
    for operation in model.get("operations", {}).values():
        operation.pop("documentation", None)
    for shape in model.get("shapes", {}).values():
        shape.pop("documentation", None)
        for member in shape.get("members", {}).values():
            member.pop("documentation", None)


@functools.cache
def shared_loader() -> Loader:
    """One botocore data loader for every session: service models are parsed once per
    process, not once per account (for 10 accounts, about 470 MB less)."""
    return SharedLoader()


@functools.cache
def service_model(service: str) -> ServiceModel:
    """The model of ``service`` (boto3's name, e.g. ``s3``); loaded on first use."""
    data = shared_loader().load_service_model(service, "service-2")
    return ServiceModel(data, service_name=service)


_client_classes: dict[tuple[str, int], type] = {}
_client_classes_lock = threading.Lock()
_sharing: ContextVar[bool] = ContextVar("awscompliance_share_client_class", default=False)


@contextlib.contextmanager
def shared_client_class() -> Iterator[None]:
    """Within this block, a client of the shared loader reuses its service's client class.

    botocore builds a new class for every client: one method and one (lazy) docstring per
    operation, about half of the 300 KB a client costs (EC2: 750 operations). The scan's
    clients of a service (``AccountClients.client``) differ only in the instance
    (credentials, region, endpoint, config, per-client handlers), and their boto3 sessions
    register the same class-creation handlers (boto3's and botocore's defaults), so the
    first class serves them all. Only clients made inside this block share: any other
    client in the process is built as botocore builds it.
    """
    token = _sharing.set(True)
    try:
        yield
    finally:
        _sharing.reset(token)


def _install_class_sharing() -> None:
    """Wrap botocore's (private) class factory for :func:`shared_client_class`. If a botocore
    release renames it, nothing is wrapped and every client gets its own class, as before."""
    original = getattr(botocore.client.ClientCreator, "_create_client_class", None)
    if original is None or getattr(original, "_awscompliance_shared", False):
        return

    def create_client_class(creator: Any, service_name: str,
                            service_model: ServiceModel) -> type:
        data = getattr(service_model, "_service_description", None)
        if (not _sharing.get() or data is None
                or getattr(creator, "_loader", None) is not shared_loader()):
            return original(creator, service_name, service_model)
        key = (service_name, id(data))  # the shared loader keeps ``data`` alive
        with _client_classes_lock:
            cls = _client_classes.get(key)
            if cls is None:
                cls = _client_classes[key] = original(creator, service_name, service_model)
            return cls

    create_client_class._awscompliance_shared = True  # type: ignore[attr-defined]
    botocore.client.ClientCreator._create_client_class = create_client_class  # type: ignore[method-assign]


_install_class_sharing()
