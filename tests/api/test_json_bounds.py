"""JSON bodies are bounded before they are parsed (issue 21.4): size, then nesting depth.

A body of 100,000 `[` once reached Python's recursive JSON parser and answered 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from wellbeing.api.body_bounds import MAX_JSON_BYTES, MAX_JSON_DEPTH, json_depth

JSON = {"Content-Type": "application/json"}


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('"[[[["', 0),
        ('{"a": "\\"[[[[", "b": "]]]]"}', 1),
        ('{"a": "x\\\\", "b": [[]]}', 3),
        (_nested(32), 32),
        (_nested(40), MAX_JSON_DEPTH + 1),
        ("[" * 100_000, MAX_JSON_DEPTH + 1),  # stops counting past the limit
    ],
)
def test_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert json_depth(text.encode()) == depth


def test_depth_beyond_the_default_limit_is_counted_when_asked() -> None:
    assert json_depth(_nested(40).encode(), limit=100) == 40


def test_a_hundred_thousand_open_brackets_are_a_400(client: FlaskClient) -> None:
    response = client.post("/api/v1/auth/token", data="[" * 100_000, headers=JSON)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert str(MAX_JSON_DEPTH) in error["message"]


def test_deep_nesting_is_refused_on_routes_that_parse_json_themselves(
    client: FlaskClient, make_user: Any, bearer: Any
) -> None:
    officer = make_user("officer")
    headers = {**bearer(officer.username), **JSON}
    for method, path in [("put", "/api/v1/me/drafts/phq9"), ("post", "/api/v1/me/consent")]:
        body = '{"answers": ' + "[" * 50_000 + "]" * 50_000 + "}"
        response = getattr(client, method)(path, data=body, headers=headers)
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["error"]["code"] == "bad_request"


def test_nesting_within_the_limit_goes_on_to_the_route(client: FlaskClient) -> None:
    body = {"username": "nobody", "password": "x", "extra": json.loads(_nested(20))}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 401


def test_brackets_inside_strings_are_not_nesting(client: FlaskClient) -> None:
    body = {"username": "[" * 500, "password": "{" * 500}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 401


def test_a_body_over_the_limit_is_a_413_before_it_is_parsed(client: FlaskClient) -> None:
    big = json.dumps({"username": "x" * MAX_JSON_BYTES, "password": "y"})
    response = client.post("/api/v1/auth/token", data=big, headers=JSON)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_body_at_the_limit_is_parsed(client: FlaskClient) -> None:
    padding = MAX_JSON_BYTES - len(json.dumps({"username": "", "password": "y"}))
    body = json.dumps({"username": "x" * padding, "password": "y"})
    assert len(body) == MAX_JSON_BYTES
    response = client.post("/api/v1/auth/token", data=body, headers=JSON)
    assert response.status_code == 401
