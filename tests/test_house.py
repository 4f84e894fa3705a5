"""The house's shape holds (issue 15, docs/architecture.md): the import contracts, module sizes,
faces that never query the database, and service errors that know nothing of HTTP."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from wellbeing.faces.errors import STATUS_OF_CODE, status_of

LONGEST_MODULE = 400
ERROR_MODULES = (
    "wellbeing.screening.errors",
    "wellbeing.referrals.errors",
    "wellbeing.retention.errors",
    "wellbeing.appointments.errors",
    "wellbeing.groups.errors",
    "wellbeing.library.errors",
)


def test_the_import_contracts_hold(repo_root: Path) -> None:
    """`lint-imports` checks pyproject.toml's contracts: pure instruments and crypto, reports that
    never reach a key, no web framework in a domain, pages and API apart, floors in order."""
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(  # noqa: S603 - our own venv's lint-imports, fixed arguments
        [str(lint), "--no-cache"], cwd=repo_root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_longer_than_the_house_allows(repo_root: Path) -> None:
    long = [
        f"{path.relative_to(repo_root)}: {lines}"
        for path in sorted((repo_root / "wellbeing").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    ]
    assert long == []


# A face loads through a service's loader, checks with the domain's permission function and acts
# through a service; it never queries the database itself.
DATABASE_READ = re.compile(
    r"db\(\)\.(query|get|scalar|scalars|execute)\b|\.scalars?\(|\.execute\(|\.query\(|\bselect\("
)
QUERYING_FACES = {
    # The benchmark's baseline endpoint (registered only with WELLBEING_BENCH_BASELINE, never in
    # production) inserts into a table outside the app's metadata and migrations on purpose: it
    # measures the cost of the request alone, so no service may stand between it and the table.
    "wellbeing/api/bench.py",
}


def test_no_page_or_api_handler_queries_the_database(repo_root: Path) -> None:
    found = [
        f"{relative}:{number}: {line.strip()}"
        for folder in ("web", "api")
        for path in sorted((repo_root / "wellbeing" / folder).rglob("*.py"))
        if (relative := path.relative_to(repo_root).as_posix()) not in QUERYING_FACES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DATABASE_READ.search(line)
    ]
    assert found == []


def test_the_scan_sees_a_query() -> None:
    for line in ("db().query(User)", "db().get(Referral, 1)", "s.scalars(q)", "select(User)"):
        assert DATABASE_READ.search(line), line
    assert not DATABASE_READ.search('session.get("lang")')  # the browser session, not the database


def test_no_loose_module_sits_beside_the_rooms(repo_root: Path) -> None:
    loose = sorted(path.name for path in (repo_root / "wellbeing").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "conditions.py"]


def test_every_room_says_what_it_holds(repo_root: Path) -> None:
    silent = [
        str(init.parent.relative_to(repo_root))
        for init in sorted((repo_root / "wellbeing").glob("*/__init__.py"))
        if not init.read_text(encoding="utf-8").startswith('"""')
    ]
    assert silent == []


def service_errors() -> list[type[Exception]]:
    found = []
    for name in ERROR_MODULES:
        module = import_module(name)
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == name
        ]
    return found


@pytest.mark.parametrize("error", service_errors(), ids=lambda error: error.__name__)
def test_service_errors_carry_a_reason_code_and_no_http_status(error: type[Exception]) -> None:
    code = getattr(error, "code", None)
    assert code in STATUS_OF_CODE, f"{error.__name__}.code {code!r} has no status in the faces"
    assert not hasattr(error, "status")


@pytest.mark.parametrize(
    ("code", "status"),
    [("consent_required", 403), ("instrument_not_offered", 404), ("already_claimed", 409)],
)
def test_the_faces_map_codes_to_statuses_in_one_table(code: str, status: int) -> None:
    class Refused(Exception):
        pass

    error = Refused()
    error.code = code  # type: ignore[attr-defined]
    assert status_of(error) == status  # type: ignore[arg-type]
