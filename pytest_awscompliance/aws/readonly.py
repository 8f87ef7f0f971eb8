"""The read-only guard, decided per operation from botocore's own service models.

An operation is let through only when all of these hold (the first rule that refuses wins;
docs/security.md has the table over every operation botocore ships):

1. its name starts with a read verb (``Describe``, ``Get``, ``List``, ``Head``, ``BatchGet``,
   ``Lookup``) followed by a capital letter: every other verb (``Create``, ``Put``,
   ``Start``, ``Invoke``, ``Generate``, ``Search``, ``Query``...) is refused;
2. on a REST protocol its HTTP method is ``GET``, ``HEAD`` or ``POST`` (``PUT``, ``PATCH``
   and ``DELETE`` change things whatever the name says);
3. it is not one of :data:`REFUSED`, reads whose model does not say what they hand out;
4. its name does not say it hands out access (``...Token``, ``...Credentials``, ``...Url``,
   optionally followed by ``For<Something>``): tokens, pre-signed URLs and temporary
   credentials, which the models often leave unmarked;
5. no member of its output shape, at any depth, is marked ``sensitive`` (secret values,
   decrypted parameters, private keys, passwords, tokens, but also e-mail addresses);
6. its output is not a stream (object bodies, media, exports: data, not configuration).

At call time, parameters that turn a read into a secret read are refused too, in every
operation that takes them: :data:`REVEALING` set true (ssm's ``WithDecryption=True``, API
Gateway's ``includeValue=True``), or :data:`HIDING` not set true (Glue's ``GetConnection``
returns the connection's password unless ``HidePassword=True``).

:data:`EXCEPTIONS` are the few operations the bundled catalog needs that these rules refuse,
each with its reason. Sensitive members of their answers (but :data:`KEPT`) are masked
(``<redacted>``) in the parsed response itself, on botocore's ``after-call``, so that nothing
downstream (the read cache, the snapshot, reports, tracebacks) ever holds the value.

Decisions are computed from the operation model the client already loaded, once per
(service, operation): the guard loads no model of its own while a scan runs.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import DataNotFoundError, UnknownServiceError
from botocore.model import OperationModel, OperationNotFoundError, Shape

from pytest_awscompliance.aws.models import service_model
from pytest_awscompliance.aws.redact import REDACTED
from pytest_awscompliance.model.errors import ReadOnlyViolation

READ_VERB = re.compile(r"^(?:Describe|Get|List|Head|BatchGet|Lookup)(?=[A-Z0-9]|$)")
ACCESS_NAME = re.compile(r"(?:Token|Credentials?|Url|URL)(?:For[A-Z]\w*)?$")
REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})
READ_METHODS = frozenset({"GET", "HEAD", "POST"})
REVEALING: frozenset[str] = frozenset({"WithDecryption", "includeValue", "includeValues",
                                      "includeSensitiveEvents"})
"""Input members that make a read return secrets when true."""
HIDING: frozenset[str] = frozenset({"HidePassword"})
"""Input members that keep secrets out of a read's answer only when true."""

EXCEPTIONS: dict[tuple[str, str], str] = {
    # Not reads by name: reports AWS computes on request, which change nothing in the account.
    ("iam", "GenerateCredentialReport"): "the credential report controls read the report "
    "this asks IAM to compute; it changes nothing in the account",
    ("iam", "GenerateServiceLastAccessedDetails"): "the unused-permission controls read the "
    "last-accessed job this starts; it changes nothing in the account",
    # Reads whose answer has members marked sensitive: they are masked before anyone sees them.
    ("account", "GetAlternateContact"): "account-security-contact checks that a SECURITY "
    "contact with an e-mail address exists; name, title, e-mail and phone are masked",
    ("ec2", "DescribeLaunchTemplateVersions"): "the IMDSv2 controls read launch templates' "
    "MetadataOptions; UserData is masked",
    ("iam", "ListVirtualMFADevices"): "the root MFA controls list MFA devices; the seed and "
    "QR code (which AWS returns only on creation) are masked",
    ("organizations", "DescribeOrganization"): "the organization controls read the management "
    "account id and feature set; the management account's e-mail is masked",
    ("organizations", "ListAccounts"): "target discovery (--aws-organization) and the "
    "organization controls need account ids; e-mails are masked",
    ("organizations", "ListAccountsForParent"): "the OU placement controls need account ids "
    "per OU; e-mails are masked",
    ("rds", "DescribeDBInstances"): "RDS resource types declared with the registry hook "
    "(docs/writing-controls.md) list DB instances; a pending master password is masked",
}
"""Operations the rules refuse that the bundled catalog needs, with the reason."""

KEPT: dict[str, str] = {
    "Account.Name": "an account's name labels it in findings (`222222222222 (dev-app)`); "
    "AWS marks it sensitive as personal data, it is no credential",
}
"""Sensitive members (``Structure.member``) an exception's answer keeps, with the reason."""

SCANNER_ONLY: dict[tuple[str, str], str] = {
    ("sts", "AssumeRole"): "the scanner's own cross-account reach (--aws-role-name); allowed "
    "only on the STS clients the scanner makes for itself, never through a control's client",
}
"""Operations allowed only with ``scanner=True``: their answers are credentials."""

REFUSED: dict[tuple[str, str], str] = {
    ("lambda", "GetFunction"): "its answer holds a pre-signed URL to the function's code",
    ("lambda", "GetLayerVersion"): "its answer holds a pre-signed URL to the layer's code",
    ("lambda", "GetLayerVersionByArn"): "its answer holds a pre-signed URL to the layer's code",
    ("payment-cryptography", "GetParametersForExport"): "it issues an export token and a "
    "signing key",
    ("payment-cryptography", "GetParametersForImport"): "it issues an import token and a "
    "wrapping key",
}
"""Reads refused although their model marks nothing sensitive."""


@dataclass(frozen=True)
class Decision:
    """The guard's verdict on one operation."""

    allowed: bool
    kind: str
    """``read``, ``exception`` (allowed by :data:`EXCEPTIONS`), ``write``, ``secret`` or
    ``data`` (the last three are refused)."""
    reason: str
    revealing: tuple[str, ...] = ()
    """The operation's :data:`REVEALING` input members, refused when true."""
    hiding: tuple[str, ...] = ()
    """The operation's :data:`HIDING` input members, refused unless true."""
    masks: bool = False
    """Its answer has sensitive members to mask (an allowed exception)."""


def sensitive_paths(shape: Shape | None, path: str = "", seen: frozenset[str] = frozenset(),
                    ) -> list[str]:
    """Where ``shape`` holds members marked ``sensitive`` (``Accounts[].Email``)."""
    if shape is None:
        return []
    if shape.metadata.get("sensitive"):
        return [path or "(the whole answer)"]
    if shape.name in seen:
        return []
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        return [p for name, member in shape.members.items()
                for p in sensitive_paths(member, f"{path}.{name}".lstrip("."), seen)]
    if shape.type_name == "list":
        return sensitive_paths(shape.member, f"{path}[]", seen)
    if shape.type_name == "map":
        return (sensitive_paths(shape.key, f"{path}{{key}}", seen)
                + sensitive_paths(shape.value, f"{path}{{}}", seen))
    return []


def decide(model: OperationModel, *, scanner: bool = False) -> Decision:
    """The verdict on one operation, from its model (uncached: see :func:`decision`)."""
    key = (model.service_model.service_name, model.name)
    inputs = model.input_shape.members if model.input_shape is not None else {}
    revealing = tuple(sorted(REVEALING & set(inputs)))
    hiding = tuple(sorted(HIDING & set(inputs)))
    if scanner and key in SCANNER_ONLY:
        return Decision(True, "exception", SCANNER_ONLY[key])
    if key in EXCEPTIONS:
        return Decision(True, "exception", EXCEPTIONS[key], revealing, hiding,
                        bool(sensitive_paths(model.output_shape)))
    if key in SCANNER_ONLY:
        return Decision(False, "write", "assumes roles only for itself (the answer is "
                        "credentials)")
    if not READ_VERB.match(model.name):
        return Decision(False, "write", "only reads accounts")
    method = str(model.http.get("method", "POST")).upper()
    if model.service_model.protocol in REST_PROTOCOLS and method not in READ_METHODS:
        return Decision(False, "write", f"only reads accounts (HTTP {method})")
    if key in REFUSED:
        return Decision(False, "secret", f"never reads secrets ({REFUSED[key]})")
    if ACCESS_NAME.search(model.name):
        return Decision(False, "secret", "never reads secrets (the operation hands out "
                        "access: a token, credentials or a URL)")
    secret = sensitive_paths(model.output_shape)
    if secret:
        shown = ", ".join(secret[:3]) + (", ..." if len(secret) > 3 else "")
        return Decision(False, "secret", f"never reads secrets (the answer holds {shown}, "
                        "marked sensitive in the service model)")
    if model.has_streaming_output:
        return Decision(False, "data", "reads configuration, not data (the answer is a "
                        "stream of content)")
    return Decision(True, "read", "a read", revealing, hiding)


_decisions: dict[tuple[str, str, bool], Decision] = {}
_lock = threading.Lock()


def decision(model: OperationModel, *, scanner: bool = False) -> Decision:
    """:func:`decide`, computed once per (service, operation)."""
    key = (model.service_model.service_name, model.name, scanner)
    found = _decisions.get(key)
    if found is None:
        found = decide(model, scanner=scanner)
        with _lock:
            _decisions[key] = found
    return found


def decision_for(service: str, operation: str, *, scanner: bool = False) -> Decision:
    """The verdict on ``service:Operation`` by name (boto3 service name, API name).

    An unknown service or operation is refused.
    """
    try:
        model = service_model(service).operation_model(operation)
    except (UnknownServiceError, DataNotFoundError, OperationNotFoundError):
        return Decision(False, "write", "only calls operations botocore knows")
    return decision(model, scanner=scanner)


def is_read_only(service: str, operation: str, *, scanner: bool = False) -> bool:
    """True when the guard lets ``service:Operation`` through."""
    return decision_for(service, operation, scanner=scanner).allowed


def check(model: OperationModel, params: dict[str, Any], *, scanner: bool = False) -> None:
    """Raise :class:`ReadOnlyViolation` unless the call may be sent with ``params``."""
    verdict = decision(model, scanner=scanner)
    service = model.service_model.service_name
    if not verdict.allowed:
        raise ReadOnlyViolation(service, model.name, verdict.reason)
    for name in verdict.revealing:
        if params.get(name):
            raise ReadOnlyViolation(service, model.name,
                                    f"never reads secrets ({name}=True reveals them)")
    for name in verdict.hiding:
        if params.get(name) is not True:
            raise ReadOnlyViolation(service, model.name, f"never reads secrets (pass "
                                    f"{name}=True: without it the answer holds them)")


def _mask(value: Any) -> Any:
    if value in (None, "", b""):
        return value
    return REDACTED.encode() if isinstance(value, bytes | bytearray) else REDACTED


def mask_sensitive(value: Any, shape: Shape | None) -> Any:
    """``value`` (a parsed answer of ``shape``) with every sensitive member masked (but those
    in :data:`KEPT`), in place for dicts and lists; returns the masked value."""
    if shape is None or value is None:
        return value
    if shape.metadata.get("sensitive"):
        return _mask(value)
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value and f"{shape.name}.{name}" not in KEPT:
                value[name] = mask_sensitive(value[name], member)
    elif shape.type_name == "list" and isinstance(value, list):
        value[:] = [mask_sensitive(item, shape.member)
                    for item in value]
    elif shape.type_name == "map" and isinstance(value, dict):
        masked = {mask_sensitive(k, shape.key): mask_sensitive(v, shape.value)
                  for k, v in value.items()}
        value.clear()
        value.update(masked)
    return value


class Guard:
    """The botocore handlers of one session or client."""

    def __init__(self, *, scanner: bool = False) -> None:
        self.scanner = scanner

    def before_parameter_build(self, model: OperationModel, params: dict[str, Any],
                               **_: Any) -> None:
        """Refuse before the request is even built, so nothing is signed or sent."""
        check(model, params, scanner=self.scanner)

    def after_call(self, model: OperationModel, parsed: Any, **_: Any) -> None:
        """Mask the sensitive members of an allowed exception's answer."""
        if decision(model, scanner=self.scanner).masks and isinstance(parsed, dict):
            mask_sensitive(parsed, model.output_shape)


def install(events: Any, *, scanner: bool = False) -> None:
    """Register the guard on a botocore event system (a session's or a client's).

    ``scanner=True`` is for the STS clients the scanner makes to assume its roles.
    Installing again replaces the guard.
    """
    guard = Guard(scanner=scanner)
    for event, handler in (("before-parameter-build", guard.before_parameter_build),
                           ("after-call", guard.after_call)):
        unique_id = f"awscompliance-readonly-{event}"
        events.unregister(event, unique_id=unique_id)
        events.register_first(event, handler, unique_id=unique_id)
