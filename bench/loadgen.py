"""Shared by `bench/submit.py`, `tests/faults/`, `tests/e2e/` and `scripts/fuzz_api.py`: officers
to sign in, free ports and server environments, a real `wellbeing serve` process, and
concurrent clients submitting PHQ-9 and GAD-7 over HTTP (only to 127.0.0.1).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wellbeing.auth.passwords import hash_password
from wellbeing.core.clock import utcnow
from wellbeing.core.config import load_settings
from wellbeing.crypto import FileKeyProvider, new_keyring
from wellbeing.org import service as org_service
from wellbeing.screening import campaigns
from wellbeing.screening.consent import give_consent
from wellbeing.screening.policy import load_policy
from wellbeing.sealing.columns import set_active_keyring

PASSWORD = "insecure-load-password"  # noqa: S105 - throwaway databases only
SECRET = "insecure-load-secret-key-0123456789"  # noqa: S105
INSTRUMENTS = {"phq9": 9, "gad7": 7}


@dataclass(frozen=True)
class Seat:
    """An officer the load signs in as, with an open assignment of PHQ-9 and GAD-7."""

    username: str
    user_id: int
    assignment_id: int


def populate(
    engine: Engine, officers: int, prefix: str = "load", *, open_wave: bool = True
) -> list[Seat]:
    """Create a unit, officers with consent, and an open wave assigning PHQ-9 + GAD-7 to each.

    With `open_wave=False` the wave is only due (the scheduler opens it); seats then have
    assignment id 0.
    """
    policy = load_policy(load_settings())
    password_hash = hash_password(PASSWORD)  # once: argon2 per officer would dominate set-up
    now = utcnow()
    with Session(engine) as session, session.begin():
        unit = f"{prefix.upper()}-U"
        org_service.add_unit(session, unit, f"单位{prefix}", f"Unit {prefix}", None)
        users = []
        for number in range(1, officers + 1):
            user = org_service.add_user(
                session,
                f"{prefix}{number:05d}",
                unit_code=unit,
                grants=[org_service.parse_grant("officer")],
                locale="en" if number % 2 else "zh_CN",
            )
            user.password_hash = password_hash
            users.append(user)
        session.flush()
        for user in users:
            give_consent(session, user)
        campaigns.create_campaign(
            session,
            policy.catalogue,
            name=f"{prefix} wave",
            unit_code=unit,
            instruments=list(INSTRUMENTS),
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=14),
        )
        if not open_wave:
            return [Seat(u.username, u.id, 0) for u in users]
        campaigns.open_due_waves(session, now)
        opened = {a.officer_id: a.id for a in campaigns.open_due_assignments(session, now)}
        return [Seat(u.username, u.id, opened[u.id]) for u in users]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Reply:
    """One HTTP exchange: status (0 when the connection failed), JSON body, seconds taken."""

    status: int
    body: Any
    seconds: float
    error: str = ""


def call(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    timeout: float = 30,
) -> Reply:
    """One request to 127.0.0.1:port; connection failures become status 0, never raise."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body) if body is not None else None
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        parsed = json.loads(raw) if raw[:1] in (b"{", b"[") else raw.decode(errors="replace")
        return Reply(response.status, parsed, time.perf_counter() - started)
    except (OSError, http.client.HTTPException) as exc:
        return Reply(0, None, time.perf_counter() - started, type(exc).__name__)
    finally:
        connection.close()


def sign_in(port: int, seats: Sequence[Seat], clients: int = 4) -> dict[int, str]:
    """An API token for every seat (user id → token)."""

    def one(seat: Seat) -> tuple[int, str]:
        reply = call(
            port, "POST", "/api/v1/auth/token", {"username": seat.username, "password": PASSWORD}
        )
        if reply.status not in (200, 201):
            raise RuntimeError(f"sign-in failed for {seat.username}: {reply.status} {reply.body}")
        return seat.user_id, str(reply.body["token"])

    with ThreadPoolExecutor(clients) as pool:
        return dict(pool.map(one, seats))


def answers_for(rng: random.Random, instrument: str) -> dict[str, int]:
    """Plausible answers: most people low, about one in six high enough for a referral."""
    high = rng.random() < 1 / 6
    values = (2, 3) if high else (0, 0, 0, 1, 1, 2)
    answers = {f"q{i}": rng.choice(values) for i in range(1, INSTRUMENTS[instrument] + 1)}
    if instrument == "phq9":
        answers["difficulty"] = rng.choice((0, 1, 2))
        if not high and rng.random() < 0.9:
            answers["q9"] = 0  # item 9 (thoughts of self-harm) opens a referral whenever above 0
    return answers


@dataclass(frozen=True)
class Attempt:
    """One submission a client makes (and retries with the same key until it is answered)."""

    seat: Seat
    instrument: str
    answers: dict[str, int]
    key: str

    def body(self) -> dict[str, Any]:
        """The API request body."""
        return {
            "instrument": self.instrument,
            "answers": self.answers,
            "idempotency_key": self.key,
            "assignment_id": self.seat.assignment_id,
        }


def plan(seats: Iterable[Seat], seed: int = 7, tag: str = "k") -> list[Attempt]:
    """PHQ-9 then GAD-7 for every seat, interleaved across officers."""
    rng = random.Random(seed)
    attempts = []
    for instrument in INSTRUMENTS:
        for seat in seats:
            key = f"{tag}-{seat.user_id}-{instrument}"
            attempts.append(Attempt(seat, instrument, answers_for(rng, instrument), key))
    return attempts


@dataclass
class Outcome:
    """What the client of an attempt saw."""

    attempt: Attempt
    reply: Reply


def drive(
    port: int,
    attempts: Sequence[Attempt],
    tokens: dict[int, str],
    clients: int,
    path: str = "/api/v1/submissions",
    query: str = "",
) -> tuple[list[Outcome], float]:
    """Send every attempt once from `clients` threads; return outcomes and wall seconds."""

    def one(attempt: Attempt) -> Outcome:
        reply = call(port, "POST", path + query, attempt.body(), tokens[attempt.seat.user_id])
        return Outcome(attempt, reply)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(one, attempts))
    return outcomes, time.perf_counter() - started


@dataclass
class Server:
    """`wellbeing serve` as a real process on a free port of 127.0.0.1."""

    env: dict[str, str]
    log: Path
    workers: int = 2
    threads: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        """Start and wait until /healthz answers."""
        command = [sys.executable, "-m", "wellbeing", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        command += ["--threads", str(self.threads)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(self._answers, timeout)

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace").splitlines()[-5:]
            raise RuntimeError("wellbeing serve exited: " + " | ".join(tail))
        return call(self.port, "GET", "/healthz", timeout=2).status == 200

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the serve process)."""
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill after 30 s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def demo_env(instance: Path) -> dict[str, str]:
    """This environment without any WELLBEING_* setting, pointed at a fresh demo instance
    (plain-HTTP cookies, as `wellbeing demo --serve` does): the browser tests and the fuzzer."""
    env = _without_settings()
    env.update(WELLBEING_INSTANCE_PATH=str(instance), WELLBEING_DEMO="1")
    return env


def served_instance(folder: Path) -> Path:
    """A fresh instance folder under `folder` with a new keyring on file, also made this
    process's active keyring (so the benchmark seals what the server it starts will open)."""
    instance = folder / "instance"
    ring = new_keyring()
    FileKeyProvider(instance / "keyring.json").create(ring)
    set_active_keyring(ring)
    return instance


def server_env(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a served instance on `database_url` (scheduler off)."""
    env = _without_settings()
    env.update(
        WELLBEING_INSTANCE_PATH=str(instance),
        WELLBEING_DATABASE_URL=database_url,
        WELLBEING_SECRET_KEY=SECRET,
        WELLBEING_SERVE_SCHEDULER="off",
        **extra,
    )
    return env


def _without_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}


def wait_until(check: Callable[[], bool], timeout: float, every: float = 0.2) -> None:
    """Poll `check` until true; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise AssertionError(f"not true within {timeout} s")


Acknowledged = dict[tuple[int, str], tuple[Attempt, str]]


def acknowledged(outcomes: Iterable[Outcome]) -> Acknowledged:
    """(officer id, key) → (attempt, submission id) for every 201 or 200 (replay) answer."""
    return {
        (o.attempt.seat.user_id, o.attempt.key): (o.attempt, str(o.reply.body["id"]))
        for o in outcomes
        if o.reply.status in (200, 201)
    }


def check_store(engine: Engine, told: Acknowledged, attempted: Iterable[Attempt]) -> list[str]:
    """Problems with what is stored, given what clients were told (empty: all is well).

    Every acknowledged submission is stored once, opens, holds the answers sent, has its audit
    entry and (when its payload names one) its referral link; anything else stored must be an
    attempt whose client got no answer; facts and assignment progress match the submissions.
    """
    from sqlalchemy import func, select

    from wellbeing.audit.models import AuditEntry
    from wellbeing.facts.models import Fact
    from wellbeing.referrals.models import ReferralSubmission
    from wellbeing.screening.models import Assignment, Submission

    problems: list[str] = []
    tried = {(a.seat.user_id, a.key) for a in attempted}
    with Session(engine) as session:
        stored = {(s.officer_id, s.idempotency_key): s for s in session.scalars(select(Submission))}
        linked = set(session.scalars(select(ReferralSubmission.submission_id)))
        audited = list(
            session.scalars(
                select(AuditEntry.target_id).where(AuditEntry.action == "screening.submitted")
            )
        )
        if len(audited) != len(set(audited)) or set(audited) != {s.id for s in stored.values()}:
            problems.append("audit entries do not match the submissions one to one")
        if set(stored) - tried:
            problems.append(f"{len(set(stored) - tried)} stored submissions nobody sent")
        for key, (attempt, submission_id) in told.items():
            submission = stored.get(key)
            if submission is None or submission.id != submission_id:
                problems.append(f"acknowledged submission {key} is not stored as answered")
                continue
            payload = submission.opened()
            if payload["answers"] != attempt.answers:
                problems.append(f"submission {key} holds other answers")
            if payload.get("referral") and submission.id not in linked:
                problems.append(f"submission {key} lost its referral")
        facts = dict(
            session.execute(
                select(Fact.instrument_id, func.count()).group_by(Fact.instrument_id)
            ).all()
        )
        counted: dict[str, int] = {}
        for submission in stored.values():
            counted[submission.instrument_id] = counted.get(submission.instrument_id, 0) + 1
        if facts != counted:
            problems.append(f"facts {facts} do not match submissions {counted}")
        for assignment in session.scalars(select(Assignment)):
            done = {s.instrument_id for s in stored.values() if s.assignment_id == assignment.id}
            if set(assignment.done) != done or len(assignment.done) != len(done):
                problems.append(f"assignment {assignment.id} progress {assignment.done} != {done}")
    return problems
