"""Password hashing: argon2id at no less than OWASP's minimum, re-hashed when parameters change."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.low_level import Type as LowType

from wellbeing.auth import passwords
from wellbeing.org.models import User

pytestmark = pytest.mark.real_password_cost


def test_hash_uses_argon2id_at_owasp_minimum_or_more() -> None:
    # OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 as the minimum.
    params = extract_parameters(passwords.hash_password("correct horse battery"))
    assert params.type is LowType.ID
    assert params.memory_cost >= 19 * 1024
    assert params.time_cost >= 2
    assert params.parallelism == 1


def test_verify_accepts_the_password_and_rejects_others() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "correct horse batterY")
    assert not passwords.verify_password(None, "anything")
    assert not passwords.verify_password("not-a-hash", "anything")


def test_same_password_hashes_differently_each_time() -> None:
    assert passwords.hash_password("same password!") != passwords.hash_password("same password!")


def test_login_rehashes_a_hash_made_with_weaker_parameters(
    client: Any, make_user: Any, login: Any, db_session: Any
) -> None:
    user: User = make_user("officer")
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
    user.password_hash = weak.hash("insecure-test-password")
    db_session.flush()
    assert passwords.needs_rehash(user.password_hash)

    response = login(client, user.username)

    assert response.status_code == 302
    db_session.refresh(user)
    assert user.password_hash is not None
    assert not passwords.needs_rehash(user.password_hash)
    assert extract_parameters(user.password_hash).memory_cost >= 19 * 1024
