"""Build ``ocsf-1.1.0-detection_finding-cloud.schema.json`` from the official OCSF export.

The input is the OCSF 1.1.0 schema as the OCSF server exports it
(``https://schema.ocsf.io/1.1.0/export/schema``); the output is what the OCSF server's own
JSON Schema generator (``Schema.JsonSchema`` in ocsf-server, ``lib/schema/json_schema.ex``)
serves for ``/schema/1.1.0/classes/detection_finding?profiles=cloud``: draft-07, every
referenced object under ``$defs``, ``additionalProperties: false``, required attributes
sorted, enums as ``enum`` (one value: ``const``), attributes of profiles other than
``cloud`` left out (the profiles our records declare in ``metadata.profiles``).

Run: ``python tests/data/build_ocsf_schema.py EXPORT.json > tests/data/<file>``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

BASE_URI = "https://schema.ocsf.io/schema/classes"
DRAFT = "http://json-schema.org/draft-07/schema#"
PROFILES = frozenset({"cloud"})
PRIMITIVES = {"string_t": "string", "integer_t": "integer", "long_t": "integer",
              "float_t": "number", "boolean_t": "boolean"}


def json_type(types: dict[str, Any], name: str) -> str:
    """``string`` for ``string_t`` and every type derived from it (``datetime_t``...)."""
    seen = name
    while seen not in PRIMITIVES and seen in types and types[seen].get("type"):
        seen = types[seen]["type"]
    return PRIMITIVES.get(seen, name)


def attributes(definition: dict[str, Any]) -> dict[str, Any]:
    return {name: attr for name, attr in definition.get("attributes", {}).items()
            if attr.get("profile") in (None, *PROFILES)}


def encode_attribute(types: dict[str, Any], attr: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"title": attr.get("caption")}
    kind = attr["type"]
    if kind == "object_t":
        schema["$ref"] = "#/$defs/" + attr["object_type"].replace("/", "_")
    elif kind != "json_t":
        schema["type"] = json_type(types, kind)
        enum = attr.get("enum")
        if enum and schema["type"] in ("integer", "string"):
            values = [int(v) if schema["type"] == "integer" else v for v in enum]
            schema.update({"const": values[0]} if len(values) == 1 else {"enum": values})
    if attr.get("is_array"):
        if "type" in schema:
            item = {"type": schema.pop("type")}
            if "enum" in schema:
                item["enum"] = schema.pop("enum")
        else:
            item = {"$ref": schema.pop("$ref")}
        schema.update({"type": "array", "items": item})
    return schema


def encode(types: dict[str, Any], definition: dict[str, Any]) -> dict[str, Any]:
    attrs = attributes(definition)
    constraints = definition.get("constraints") or {}
    just_one = list(constraints.get("just_one") or [])
    at_least_one = list(constraints.get("at_least_one") or [])
    schema: dict[str, Any] = {
        "title": definition.get("caption"), "type": "object",
        "properties": {name: encode_attribute(types, a) for name, a in sorted(attrs.items())},
        "additionalProperties": not attrs,
    }
    required = sorted(n for n, a in attrs.items() if a.get("requirement") == "required"
                      and n not in just_one and n not in at_least_one)
    if required:
        schema["required"] = required
    if just_one:
        schema["oneOf"] = [{"required": [n], "not": {"required": [o for o in just_one
                                                                   if o != n]}}
                           for n in just_one]
    if at_least_one:
        schema["anyOf"] = [{"required": [n]} for n in at_least_one]
    return schema


def referenced(export: dict[str, Any], definition: dict[str, Any]) -> dict[str, Any]:
    """Every object the definition reaches, transitively (the server's ``objects``)."""
    found: dict[str, Any] = {}
    todo = [definition]
    while todo:
        for attr in attributes(todo.pop()).values():
            name = attr.get("object_type")
            if attr.get("type") == "object_t" and name and name not in found:
                found[name] = export["objects"][name]
                todo.append(found[name])
    return found


def class_schema(export: dict[str, Any], name: str) -> dict[str, Any]:
    definition = export["classes"][name]
    types = export["types"]
    schema = {"$schema": DRAFT, "$id": f"{BASE_URI}/{name}", **encode(types, definition)}
    schema["$defs"] = {obj.replace("/", "_"): encode(types, d)
                       for obj, d in sorted(referenced(export, definition).items())}
    return schema


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        export = json.load(handle)
    out = class_schema(export, "detection_finding")
    out["$comment"] = (f"OCSF {export['version']} detection_finding, profiles=cloud: generated "
                       "by tests/data/build_ocsf_schema.py from the OCSF server's export")
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
