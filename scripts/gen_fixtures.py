#!/usr/bin/env python3
"""Writes tests/fixtures/<Response>.json from the ConnectorOwnersV2 OpenAPI excerpt.

For each 200-response schema of the excerpt's operations, the fixture is one
JSON object with every field of the schema populated, recursively, with a
plausible value of the right type and format: 64-bit integers as strings,
date-times in RFC 3339 (in protobuf's canonical form, so the models write
them back byte for byte), durations as "3600s", enums with a valid value,
arrays with one element, free-form objects with a couple of keys. A schema
that contains itself (ProvisionPolicy -> MultiStep -> ProvisionPolicy) is
populated once more inside itself, without the field that would recurse again.

Developers run it by hand; CI and the tests only read the committed fixtures.

    pip install pyyaml          # the only dependency outside the standard library
    python3 scripts/gen_fixtures.py [path/to/connector-owners-excerpt.yaml]
    python3 scripts/gen_fixtures.py --models [path/to/openapi.yaml]

`--models` writes tests/fixtures/models/<Type>.json for every request and
response model of the whole API (the type names come from
tests/fixtures/api/schemas.tsv, which c1-codegen writes): one compact JSON
object with three instances, "full" (every field set), "nulls" (every field
`null`, which decodes as absent and encodes as `{}`) and, where the full
instance holds an enum, "unknown" (every enum value replaced by one c1 does not
know, which open enums keep). To stay small, every schema is filled in full
once in the whole set: the first model (in name order) that reaches it, or
the model itself at the top level; a nested object already filled elsewhere
is `{}`. tests/models_all.rs round-trips every instance.

The default spec path is ../shared/conductorone/connector-owners-excerpt.yaml
relative to the repository root.
"""

import hashlib
import json
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "conductorone" / "connector-owners-excerpt.yaml"
WHOLE_SPEC = ROOT.parent / "shared" / "conductorone" / "openapi.yaml"
MODELS_OUT = ROOT / "tests" / "fixtures" / "models"
UNKNOWN_ENUM = "C1_VALUE_UNKNOWN_TO_THIS_VERSION"
OUT = ROOT / "tests" / "fixtures"

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def ksuid(seed):
    """A C1-style 27-character id, stable for a given seed."""
    n = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    out = "2"
    while len(out) < 27:
        n, r = divmod(n, 62)
        out += BASE62[r]
    return out


APP_ID = ksuid("app")
CONNECTOR_ID = ksuid("connector")
USER_ID = ksuid("user")

# Plausible strings by field name.
STRINGS = {
    "appId": APP_ID,
    "connectorId": CONNECTOR_ID,
    "roleSlug": "owner",
    "id": None,  # depends on the schema, see string_value
    "email": "ada.lovelace@example.com",
    "username": "ada",
    "department": "Engineering",
    "jobTitle": "Staff Engineer",
    "employmentStatus": "Active",
    "employmentType": "Full-time",
    "alias": "github-acme-admin",
    "slug": "admin",
    "description": "Administrative access to the acme GitHub organization.",
    "instructions": "Add the user in the admin console, then close the task.",
    "actionName": "create_account",
    "appUserProfileAttributeKey": "department",
    "value": "Engineering",
    "userEditedMask": "displayName,description",
    "nextPageToken": "eyJvZmZzZXQiOjI1fQ",
    "externalId": "00g1a2b3c4D5e6F7g8h9",
    "matchBatonId": "group:admins:member",
}
DISPLAY_NAMES = {
    "User": "Ada Lovelace",
    "AppEntitlement": "GitHub Admin",
    "ActionProvision": "Create account",
}
ENUM_CHOICES = {"type": "USER_TYPE_HUMAN"}
TIMESTAMPS = {
    "createdAt": "2024-05-01T12:00:00Z",
    "updatedAt": "2024-06-15T08:30:00.123Z",
    "deletedAt": "2025-01-02T03:04:05.123456789Z",
}
STRING_LISTS = {
    "expressions": ["subject.manager_id"],
    "emails": ["ada.lovelace@example.com"],
    "usernames": ["ada"],
}
FREE_FORM = {
    "profile": {"costCenter": "CC-1042", "location": {"city": "London", "remote": False}},
    "config": {"passwordLength": 24, "sendWelcomeEmail": True},
}
DIRECTORY_APP_ID = ksuid("directory-app")


def source(key, value):
    """The fields of a UserAttributeMappingSource for the attribute `key`."""
    return {
        "appId": DIRECTORY_APP_ID,
        "appUserId": ksuid("app-user"),
        "appUserProfileAttributeKey": key,
        "userAttributeMappingId": ksuid("mapping." + key),
        "value": value,
    }


# Where each of the User's attributes came from, by the list's field name.
SOURCES = {
    "departmentSources": source("department", "Engineering"),
    "directoryStatusSources": source("status", "active"),
    "emailSources": source("email", "ada.lovelace@example.com"),
    "employeeIdSources": source("employee_id", "E-1042"),
    "employmentStatusSources": source("employment_status", "Active"),
    "employmentTypeSources": source("employment_type", "Full-time"),
    "jobTitleSources": source("title", "Staff Engineer"),
    "managerSources": source("manager_id", ksuid("User.managerId")),
    "usernameSources": source("login", "ada"),
}
STRING_LISTS["employeeIds"] = ["E-1042"]
STRING_LISTS["managerIds"] = [ksuid("User.managerId")]

STRING_MAPS = {
    "annotations": {"managed_by": "terraform", "iac_workspace": "prod"},
    "sourceConnectorIds": {CONNECTOR_ID: "github-acme"},
}


def rust_name(key, schema):
    return schema.get("x-speakeasy-name-override", key.rsplit(".", 1)[-1])


def ref_key(ref):
    return ref.rsplit("/", 1)[-1]


def string_value(owner, name, prop):
    fmt = prop.get("format")
    if fmt == "date-time":
        return TIMESTAMPS.get(name, "2024-05-01T12:00:00Z")
    if fmt == "int64" or fmt == "uint64":
        return "42"
    if fmt == "duration":
        return "3600s"
    if "enum" in prop:
        if name in ENUM_CHOICES:
            return ENUM_CHOICES[name]
        values = prop["enum"]
        return values[1] if len(values) > 1 else values[0]
    if name == "displayName":
        return DISPLAY_NAMES.get(owner, "Acme " + owner)
    if name == "id":
        return USER_ID if owner in ("User", "UserRef") else ksuid(owner + ".id")
    if STRINGS.get(name):
        return STRINGS[name]
    if name.endswith("Id"):
        return ksuid(owner + "." + name)
    return "%s %s" % (owner, name)


def prop_type(prop):
    t = prop.get("type")
    if isinstance(t, list):
        t = next(x for x in t if x != "null")
    return t


class Generator:
    def __init__(self, schemas):
        self.schemas = schemas
        self.stack = []

    def obj(self, key, overrides=None):
        schema = self.schemas[key]
        owner = rust_name(key, schema)
        depth = self.stack.count(key)
        self.stack.append(key)
        out = {}
        for name, prop in schema.get("properties", {}).items():
            if depth > 0 and self.leads_to(prop, key):
                continue  # the second level of a recursive schema stops here
            if overrides and name in overrides:
                out[name] = overrides[name]
            else:
                out[name] = self.value(owner, name, prop)
        self.stack.pop()
        return out

    def leads_to(self, prop, target, seen=None):
        """Whether `prop` can reach the schema `target`."""
        seen = seen if seen is not None else set()
        refs = [x["$ref"] for x in prop.get("oneOf", []) if "$ref" in x]
        if "$ref" in prop:
            refs.append(prop["$ref"])
        if "$ref" in prop.get("items", {}):
            refs.append(prop["items"]["$ref"])
        for ref in refs:
            k = ref_key(ref)
            if k == target:
                return True
            if k in seen:
                continue
            seen.add(k)
            if any(self.leads_to(p, target, seen) for p in self.schemas[k].get("properties", {}).values()):
                return True
        return False

    def value(self, owner, name, prop):
        if "$ref" in prop:
            return self.obj(ref_key(prop["$ref"]))
        if "oneOf" in prop:
            ref = next(x["$ref"] for x in prop["oneOf"] if "$ref" in x)
            return self.obj(ref_key(ref))
        t = prop_type(prop)
        if t == "string":
            return string_value(owner, name, prop)
        if t == "boolean":
            return True
        if t == "integer":
            return "42" if prop.get("format") in ("int64", "uint64") else 1
        if t == "number":
            return 1.5
        if t == "array":
            items = prop["items"]
            if "$ref" in items:
                return [self.obj(ref_key(items["$ref"]), SOURCES.get(name))]
            if name in STRING_LISTS:
                return STRING_LISTS[name]
            if name.endswith("Ids"):
                return [ksuid(owner + "." + name[:-1])]
            return [string_value(owner, name[:-1], items)]
        if t == "object":
            extra = prop.get("additionalProperties")
            if isinstance(extra, dict):
                return STRING_MAPS.get(name, {"key1": "value1", "key2": "value2"})
            if extra:
                return FREE_FORM.get(name, {"key1": "value1", "key2": 2})
            return {}
        raise SystemExit("unsupported property %s.%s: %r" % (owner, name, prop))


class ModelGenerator:
    """Fills every schema once across the whole fixture set (see --models)."""

    def __init__(self, schemas):
        self.schemas = schemas
        self.filled = set()

    def obj(self, key, top=False):
        if key in self.filled and not top:
            return {}
        self.filled.add(key)
        schema = self.schemas[key]
        owner = rust_name(key, schema)
        return {name: self.value(owner, name, prop) for name, prop in schema.get("properties", {}).items()}

    def value(self, owner, name, prop):
        if "$ref" in prop:
            return self.obj(ref_key(prop["$ref"]))
        if "oneOf" in prop:
            ref = next(x["$ref"] for x in prop["oneOf"] if "$ref" in x)
            return self.obj(ref_key(ref))
        if "enum" in prop:
            values = prop["enum"]
            return values[1] if len(values) > 1 else values[0]
        t = prop_type(prop)
        if t == "string":
            return string_value(owner, name, prop)
        if t == "boolean":
            return True
        if t == "integer":
            return 7
        if t == "number":
            return 1.5
        if t == "array":
            return [self.value(owner, name[:-1] if name.endswith("s") else name, prop["items"])]
        if t == "object":
            extra = prop.get("additionalProperties")
            if isinstance(extra, dict) and ("type" in extra or "$ref" in extra) and "properties" not in extra:
                return {"key1": self.value(owner, name, extra)}
            if extra:
                return FREE_FORM.get(name, {"key1": "value1", "key2": 2})
            return {}
        raise SystemExit("unsupported property %s.%s: %r" % (owner, name, prop))


def unknown_enums(schemas, key, instance):
    """`instance` of `key` with every enum value replaced; None if it has none."""
    changed = False

    def walk(key, value):
        nonlocal changed
        out = dict(value)
        for name, prop in schemas[key].get("properties", {}).items():
            if name in out:
                out[name] = field(prop, out[name])
        return out

    def field(prop, value):
        nonlocal changed
        if "oneOf" in prop:
            prop = next(x for x in prop["oneOf"] if "$ref" in x)
        if "$ref" in prop:
            return walk(ref_key(prop["$ref"]), value)
        if "enum" in prop:
            changed = True
            return UNKNOWN_ENUM
        if prop_type(prop) == "array":
            return [field(prop["items"], v) for v in value]
        extra = prop.get("additionalProperties")
        if prop_type(prop) == "object" and isinstance(extra, dict) and "properties" not in extra:
            return {k: field(extra, v) for k, v in value.items()}
        return value

    out = walk(key, instance)
    return out if changed else None


def models(spec_path):
    spec = yaml.load(spec_path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    schemas = spec["components"]["schemas"]
    tsv = ROOT / "tests" / "fixtures" / "api" / "schemas.tsv"
    names = dict(
        line.split("\t") for line in tsv.read_text().splitlines() if line and not line.startswith("#")
    )
    keys = set()
    for path_item in spec["paths"].values():
        for op in path_item.values():
            keys.add(ref_key(op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]))
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "schema" in body:
                keys.add(ref_key(body["schema"]["$ref"]))
    MODELS_OUT.mkdir(parents=True, exist_ok=True)
    for old in MODELS_OUT.glob("*.json"):
        old.unlink()
    gen = ModelGenerator(schemas)
    total = 0
    for key in sorted(keys, key=lambda k: names[k]):
        full = gen.obj(key, top=True)
        fixture = {"full": full, "nulls": {name: None for name in full}}
        unknown = unknown_enums(schemas, key, full)
        if unknown is not None:
            fixture["unknown"] = unknown
        text = json.dumps(fixture, separators=(",", ":"), ensure_ascii=False, sort_keys=True) + "\n"
        (MODELS_OUT / (names[key] + ".json")).write_text(text)
        total += len(text)
    print("%d models, %d bytes in tests/fixtures/models/" % (len(keys), total))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--models":
        return models(pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else WHOLE_SPEC)
    spec_path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SPEC
    spec = yaml.safe_load(spec_path.read_text())
    schemas = spec["components"]["schemas"]
    responses = []
    for path_item in spec["paths"].values():
        for op in path_item.values():
            schema = op["responses"]["200"]["content"]["application/json"]["schema"]
            key = ref_key(schema["$ref"])
            if key not in responses:
                responses.append(key)
    OUT.mkdir(parents=True, exist_ok=True)
    gen = Generator(schemas)
    for key in sorted(responses):
        name = rust_name(key, schemas[key])
        text = json.dumps(gen.obj(key), indent=2, ensure_ascii=False) + "\n"
        (OUT / (name + ".json")).write_text(text)
        print("%6d  tests/fixtures/%s.json" % (len(text), name))


if __name__ == "__main__":
    main()
