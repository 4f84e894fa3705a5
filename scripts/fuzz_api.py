"""Fuzz the API with schemathesis against a live server, once per role.

    .venv/bin/python scripts/fuzz_api.py [--max-examples N] [--keep] [--bad-inputs-only]

Starts `wellbeing demo` data on SQLite in a temporary instance, serves it with `wellbeing serve`
on a free loopback port, takes a token for each demo role (MFA is off in the demo), then runs
`schemathesis run` on /api/v1/openapi.json for each role and for an anonymous caller, with the
checks: no server error, documented status codes, content types and response schemas. Tokens
are taken before any fuzzing: fuzzed sign-ins soon throttle this address.

Each role fuzzes the operations its access rules admit (the document's x-access); the anonymous
run covers every operation (most answer a documented 401). Left out: DELETE /api/v1/auth/token
(it would revoke the fuzzer's own token) and the benchmark's baseline route (not registered
outside benchmarks). Then the hand-made bad inputs of scripts/fuzz_bad_inputs.py (a body of
100,000 `[`, a body over 1 MiB, a `next` with CR/LF at the login form) as every role: each must
answer 4xx, never 5xx. Exits non-zero when any run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_bad_inputs import body_paths, probe_bodies, probe_login_next
from loadgen import demo_env, free_port

BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the published demo login
ROLES = {
    "officer": "officer01",
    "counsellor": "counsellor1",
    "supervisor": "supervisor",
    "leader": "leader_bureau",
    "admin": "admin",
}
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)
EXCLUDED = {"revokeToken", "storeBenchBaseline"}
METHODS = ("get", "post", "put", "patch", "delete")


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Poll /readyz until it answers 200, or stop with an error."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not become ready in {seconds:.0f}s")


def take_token(base_url: str, username: str) -> str:
    """A bearer token for a demo user."""
    body = json.dumps({"username": username, "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310 - our own loopback URL
        f"{base_url}/api/v1/auth/token",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token: str = json.load(response)["token"]
        return token


def operations_for(document: dict[str, Any], role: str | None) -> list[str]:
    """Operation ids a role may call, by the document's x-access (anonymous: every operation,
    most of them to prove they answer a documented 401)."""
    chosen = []
    for item in document["paths"].values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None or operation["operationId"] in EXCLUDED:
                continue
            access = operation["x-access"]
            if role is None or access["kind"] == "signed_in" or role in access["roles"]:
                chosen.append(operation["operationId"])
    return chosen


def fetch_document(base_url: str) -> dict[str, Any]:
    """The served OpenAPI document."""
    with urllib.request.urlopen(f"{base_url}/api/v1/openapi.json", timeout=30) as response:  # noqa: S310
        document: dict[str, Any] = json.load(response)
        return document


def run_schemathesis(
    base_url: str, token: str | None, operations: list[str], max_examples: int, report: Path
) -> int:
    """One schemathesis run over some operations; its exit code."""
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(max_examples),
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",  # CPython 3.11's ast.parse is not thread-safe (hypothesis parses lambdas)
        "--request-timeout",
        "30",
        "--seed",
        "2026",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *(option for op in operations for option in ("--include-operation-id", op)),
    ]
    if token is not None:
        command += ["--header", f"Authorization: Bearer {token}"]
    # run in the temporary folder: schemathesis keeps its state in the working directory
    return subprocess.run(command, check=False, cwd=report.parent).returncode  # noqa: S603


def run_bad_inputs(
    base_url: str, document: dict[str, Any], tokens: dict[str, str | None]
) -> list[str]:
    """The hand-made bad inputs as every role; the names of the checks that failed."""
    failed = []
    for role, token in tokens.items():
        paths = body_paths(document, operations_for(document, role if token else None))
        failures = probe_bodies(base_url, role, token, paths)
        print(f"=== bad bodies as {role}: {len(paths)} operations, {len(failures)} not 4xx")
        print("\n".join(failures), flush=True)
        if failures:
            failed.append(f"bad bodies as {role}")
    return failed


def probe_next(base_url: str) -> list[str]:
    """A `next` with CR/LF, a backslash or a scheme at the login form; ["…"] when one failed."""
    failures = probe_login_next(base_url, ROLES["officer"], DEMO_PASSWORD)
    print(f"=== bad next at the login form: {len(failures)} failures")
    print("\n".join(failures), flush=True)
    return ["bad next at the login form"] if failures else []


def stop(server: subprocess.Popen[bytes]) -> None:
    """End gunicorn's process group."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> int:
    """Start the server, fuzz as every role, stop it; 0 only when every run passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="test cases per operation")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--bad-inputs-only", action="store_true", help="skip schemathesis, send the bad inputs"
    )
    options = parser.parse_args()
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="wellbeing-fuzz-"))
    env = demo_env(folder / "instance")
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(BIN / "wellbeing"), "demo"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{free_port()}"
    port = base_url.rsplit(":", 1)[1]
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(BIN / "wellbeing"), "serve", "--host", "127.0.0.1", "--port", port],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    failed: list[str] = []
    try:
        wait_until_ready(base_url, server)
        document = fetch_document(base_url)
        tokens: dict[str, str | None] = {r: take_token(base_url, u) for r, u in ROLES.items()}
        tokens["anonymous"] = None
        failed += probe_next(base_url)  # before fuzzed sign-ins throttle this address
        for role, token in tokens.items():
            operations = operations_for(document, role if token else None)
            if options.bad_inputs_only:
                continue
            print(f"\n=== schemathesis as {role}: {len(operations)} operations", flush=True)
            report = folder / f"junit-{role}.xml"
            if run_schemathesis(base_url, token, operations, options.max_examples, report) != 0:
                failed.append(role)
        failed += run_bad_inputs(base_url, document, tokens)
    finally:
        stop(server)
    print(f"\nserver log: {folder / 'server.log'}" if options.keep or failed else "")
    seconds = time.monotonic() - started
    print(f"API fuzzing took {seconds:.0f}s; failed: {', '.join(failed) or 'none'}")
    runs = len(tokens) * 2 + 1  # schemathesis and the bad bodies per role, the bad `next`
    print(f"fuzz: {runs - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
