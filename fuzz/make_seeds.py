#!/usr/bin/env python3
"""Writes fuzz/seeds/decode_models/: `Model\\n<body>` inputs for the
decode_models target, from the repository's fixtures.

- the ConnectorOwnersV2 answers of tests/fixtures/<Type>.json;
- a few wire-format edge cases (below);
- for every model that reaches one of the API's recursive cycles, its first
  deep body of tests/fixtures/api/nesting.rs (written by c1-codegen) one turn
  past c1::models::MAX_NESTING, and the issue's TaskSearchResponse with
  FieldRules nested 38 times.

Run from anywhere after the model list or MAX_NESTING changes:
    python3 fuzz/make_seeds.py
"""

import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "seeds" / "decode_models"

# (file, model, body)
EDGE_CASES = [
    ("blank", "SetConnectorOwnersV2Response", "  \n"),
    (
        "user_enums",
        "UserServiceGetResponse",
        '{"userView":{"user":{"status":"DISABLED","type":"USER_TYPE_SERVICE",'
        '"profile":{"n":[1,-0.0,1e300,null,true,"x"]}}}}',
    ),
    (
        "app_entitlement_wire",
        "GetAppEntitlementResponse",
        '{"appEntitlementView":{"appEntitlement":{"durationGrant":"-1.5s",'
        '"grantCount":"9223372036854775807","purpose":"APP_ENTITLEMENT_PURPOSE_VALUE_ASSIGNMENT",'
        '"createdAt":"2024-05-01T12:00:00.5+02:00",'
        '"provisionPolicy":{"multiStep":{"provisionSteps":[{"manual":{}}]}},'
        '"sourceConnectorIds":{"a":1.5}}}}',
    ),
    (
        "duplicate_and_unknown",
        "GetAppEntitlementResponse",
        '{"appEntitlementView":{"appEntitlement":{"id":"a","id":"b"}},"unknown":[{"x":[]}]}',
    ),
]


def close(text):
    """The brackets that close the JSON `text` opens, innermost first."""
    stack, in_string, escaped = [], False, False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "{[":
            stack.append("}" if c == "{" else "]")
    return "".join(reversed(stack))


def main():
    models = re.findall(r"^    (\w+),$", (ROOT / "tests/fixtures/api/models.rs").read_text(), re.M)
    limit = int(re.search(r"pub const MAX_NESTING: u32 = (\d+);", (ROOT / "src/models/mod.rs").read_text()).group(1))
    for old in OUT.glob("*"):
        old.unlink()
    OUT.mkdir(parents=True, exist_ok=True)

    def write(name, model, body):
        assert model in models, model
        (OUT / name).write_text(model + "\n" + body)

    for fixture in sorted((ROOT / "tests" / "fixtures").glob("*.json")):
        write(fixture.stem + ".json", fixture.stem, fixture.read_text())
    for name, model, body in EDGE_CASES:
        write(name + ".json", model, body)

    record = re.compile(r'^    (\w+) (\d+) r#"(.*?)"# (\d+) r#"(.*?)"# r#"(.*?)"#;$', re.M)
    done = set()
    for model, guards, head, unit_guards, unit, middle in record.findall(
        (ROOT / "tests/fixtures/api/nesting.rs").read_text()
    ):
        guards, unit_guards = int(guards), int(unit_guards)
        if unit_guards == 0 or model in done:
            continue
        done.add(model)
        n = (limit - guards) // unit_guards + 1
        opened = head + unit * n
        write("deep_" + model + ".json", model, opened + middle + close(opened))

    levels = 38
    opened = '{"list":[{"task":{"form":{"fields":[{"stringSliceField":{"rules":{"items":' + '{"repeated":{"items":' * levels
    write("issue_task_search_38.json", "TaskSearchResponse", opened + "{}" + close(opened))
    print("%d seeds in %s" % (len(list(OUT.glob("*"))), OUT.relative_to(ROOT)))


if __name__ == "__main__":
    main()
