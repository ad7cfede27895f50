#!/usr/bin/env python3
"""Checks the gateway's OpenAPI document, and real responses against it, with independent tools.

  python3 scripts/check-openapi.py DOCUMENT.yaml [EXCHANGES.json]

The document must be valid OpenAPI 3.1 (openapi-spec-validator). Each exchange in EXCHANGES.json
({"method", "path", "status", "content_type", "body_base64"}, as a test recorded them against a
running gateway) must hit a documented path and method, answer a documented status and media
type, and a JSON body must validate against the documented schema (jsonschema, Draft 2020-12).
Prints "ok", or one problem per line and exits 1.

Requires: pip install openapi-spec-validator jsonschema pyyaml
"""
import base64
import json
import re
import sys

import jsonschema
import yaml
from openapi_spec_validator import validate


def operation_for(document, method, path):
    """The documented path template and operation for a concrete request path."""
    bare = path.split("?", 1)[0]
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare) and method.lower() in item:
            return template, item[method.lower()]
    return None, None


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def check(document, exchange):
    method, path, status = exchange["method"], exchange["path"], str(exchange["status"])
    where = f"{method} {path} -> {status}"
    template, operation = operation_for(document, method, path)
    if operation is None:
        return [f"{where}: no documented operation"]
    response = resolve(document, operation["responses"].get(status) or operation["responses"].get("default"))
    if response is None:
        return [f"{where}: status {status} not documented for {method} {template}"]
    content = response.get("content")
    if not content:
        return []
    media = (exchange.get("content_type") or "").split(";", 1)[0].strip().lower()
    # A range (`*/*`, `text/*`) documents any type it covers, as OpenAPI says; its schema is
    # the one the body is held to.
    documented = media if media in content else next(
        (key for key in (media.split("/", 1)[0] + "/*", "*/*") if key in content), None)
    if documented is None:
        return [f"{where}: media type {media!r} not documented (documented: {', '.join(content)})"]
    if documented != media or not (media == "application/json" or media.endswith("+json")):
        return []
    body = base64.b64decode(exchange["body_base64"])
    try:
        instance = json.loads(body)
    except ValueError as error:
        return [f"{where}: body is not JSON ({error})"]
    # The components travel with the schema so that "#/components/…" references resolve in it.
    schema = dict(content[media].get("schema", {}))
    schema["components"] = document["components"]
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [
        f"{where}: {'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    problems = []
    try:
        validate(document)
    except Exception as error:  # the validator's own error types vary between versions
        problems.append(f"document: {error}".splitlines()[0][:300])
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as handle:
            for exchange in json.load(handle):
                problems += check(document, exchange)
    print("\n".join(problems) if problems else "ok")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
