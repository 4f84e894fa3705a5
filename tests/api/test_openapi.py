"""The OpenAPI document: valid OAS 3.1, and exactly the API routes of the URL map, each with the
parameters, security and errors its access rule implies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from wellbeing.api.openapi import METHODS as OPERATIONS
from wellbeing.api.openapi import openapi_path
from wellbeing.auth.access import rule_of


def api_operations(app: Flask) -> dict[tuple[str, str], Any]:
    """(method, OpenAPI path) → view of every /api/v1 route in the URL map."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = openapi_path(rule.rule)
        for method in rule.methods or ():
            if method.lower() in OPERATIONS:
                found[(method.lower(), path)] = app.view_functions[rule.endpoint]
    return found


def documented(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(method, path) → operation of every operation in the document."""
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in OPERATIONS
    }


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_route_is_documented_and_nothing_else(
    app: Flask, document: dict[str, Any]
) -> None:
    routes, operations = set(api_operations(app)), set(documented(document))
    assert routes - operations == set(), "routes missing from openapi.yaml"
    assert operations - routes == set(), "documented operations that are not routes"


def test_the_bench_route_is_documented_only_when_it_exists(make_app: Any) -> None:
    bench_app = make_app(bench_baseline=True)
    body = bench_app.test_client().get("/api/v1/openapi.json").get_json()
    assert set(api_operations(bench_app)) == set(documented(body))
    assert ("post", "/api/v1/bench/baseline") in documented(body)


def test_path_parameters_match_the_routes(document: dict[str, Any]) -> None:
    for (method, path), operation in documented(document).items():
        declared = {
            resolve(document, p)["name"]
            for p in operation.get("parameters", [])
            if resolve(document, p)["in"] == "path"
        }
        assert declared == set(re.findall(r"{([a-z_]+)}", path)), f"{method} {path}"


def test_security_and_errors_follow_the_access_rules(app: Flask, document: dict[str, Any]) -> None:
    operations = documented(document)
    for key, view in api_operations(app).items():
        rule, operation = rule_of(view), operations[key]
        assert rule is not None
        responses = set(operation["responses"])
        assert "503" in responses, key
        assert not any(code.startswith("5") and code != "503" for code in responses), key
        if rule.kind == "public":
            assert operation.get("security") == [], f"{key} is public"
            continue
        assert "security" not in operation, f"{key} needs the bearer token (the default)"
        assert "401" in responses, key
        if rule.kind == "roles":
            assert "403" in responses, key
        if "requestBody" in operation:
            assert {"400", "415", "422"} <= responses or key[1].startswith("/api/v1/bench"), key


def test_every_error_response_uses_the_shared_error_schema(document: dict[str, Any]) -> None:
    for key, operation in documented(document).items():
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = resolve(document, response)["content"]
            schema = content["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (key, status)


def test_each_operation_says_who_may_call_it(app: Flask, document: dict[str, Any]) -> None:
    operations = documented(document)
    for key, view in api_operations(app).items():
        rule = rule_of(view)
        assert rule is not None
        expected = {"kind": rule.kind, "roles": sorted(rule.roles)}
        assert operations[key]["x-access"] == expected, key
