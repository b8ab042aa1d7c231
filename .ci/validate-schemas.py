#!/usr/bin/env python3
"""Checks `ivr schema` with an independent validator (Python's jsonschema):
every example flow, knowledge base, scenario and campaign file must validate, and
misspelt keys must be rejected. Usage: validate-schemas.py IVR_BINARY DIR"""
import copy
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml


def schema(ivr, kind):
    document = json.loads(subprocess.run([ivr, "schema", kind], check=True, capture_output=True, text=True).stdout)
    jsonschema.Draft7Validator.check_schema(document)
    return jsonschema.Draft7Validator(document)


def load(path):
    with open(path, encoding="utf-8") as handle:
        # As an editor's YAML server sees it: dates and keys become strings.
        return json.loads(json.dumps(yaml.safe_load(handle), default=str))


def kind_of(path):
    if path.endswith(".kb.yaml"):
        return "knowledge"
    if path.endswith(".test.yaml"):
        return "scenario"
    if path.endswith(".data.yaml"):
        return "data"
    if path.endswith(".callers.yaml"):
        return "callers"
    if path.endswith(".campaign.yaml"):
        return "campaign"
    return "flow"


def main():
    ivr, directory = sys.argv[1], sys.argv[2]
    validators = {kind: schema(ivr, kind) for kind in ("flow", "knowledge", "scenario", "data", "callers", "campaign")}
    failures = 0
    checked = 0
    examples = {}
    for path in sorted(glob.glob(os.path.join(directory, "**", "*.yaml"), recursive=True)):
        kind = kind_of(path)
        if kind is None:
            continue
        document = load(path)
        examples.setdefault(kind, document)
        errors = sorted(validators[kind].iter_errors(document), key=lambda error: list(error.path))
        checked += 1
        for error in errors[:3]:
            failures += 1
            print(f"{path}: {'/'.join(map(str, error.path))}: {error.message[:200]}")

    def rejects(kind, label, mutate):
        nonlocal failures
        document = copy.deepcopy(examples[kind])
        mutate(document)
        if validators[kind].is_valid(document):
            failures += 1
            print(f"the {kind} schema accepts {label}")
            return 0
        return 1

    def first_state(flow, kind):
        return next(state for state in flow["states"].values() if kind in state)

    rejected = 0
    rejected += rejects("flow", "a misspelt top-level key", lambda d: d.__setitem__("langauges", d.pop("languages")))
    rejected += rejects("flow", "a misspelt menu key", lambda d: first_state(d, "menu")["menu"].__setitem__("promt", "x"))
    rejected += rejects("flow", "a misspelt state kind", lambda d: d["states"].__setitem__("x", {"sya": "welcome", "next": "main"}))
    rejected += rejects("flow", "a misspelt ask key", lambda d: first_state(d, "ask")["ask"].__setitem__("max_digit", 4))
    rejected += rejects("flow", "an option that is not a key", lambda d: first_state(d, "menu")["menu"]["options"].__setitem__("11", "main"))
    rejected += rejects("flow", "a bad duration", lambda d: d.setdefault("defaults", {}).__setitem__("timeout", "5 seconds"))
    rejected += rejects("knowledge", "a misspelt article key", lambda d: d["articles"][0].__setitem__("titel", {"en-US": "x"}))
    rejected += rejects("scenario", "a misspelt expectation", lambda d: d["cases"][0].__setitem__("expct", {}))
    rejected += rejects("data", "a misspelt table key", lambda d: d["tables"].__setitem__("x", {"kye": "id", "records": []}))
    rejected += rejects("callers", "a misspelt behaviour key", lambda d: d["states"]["main"].__setitem__("hangup", 3))
    rejected += rejects("campaign", "a misspelt campaign key", lambda d: d.__setitem__("max_attempt", 3))
    rejected += rejects("campaign", "a bad rate", lambda d: d.__setitem__("rate", "30 per minute"))
    rejected += rejects("campaign", "a retry of answered calls", lambda d: d["retry"].__setitem__("answered", "1h"))
    rejected += rejects("callers", "an arrival hour past 23", lambda d: d["arrivals"].__setitem__("24", 1))
    print(f"schemas: {checked} example files valid" if failures == 0 else f"schemas: {failures} problem(s)")
    print(f"schemas: {rejected} misspellings rejected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
