"""Keyring operations, its JSON form and the file / environment / memory providers."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from wellbeing.crypto import (
    EnvKeyProvider,
    FileKeyProvider,
    KeyInUseError,
    KeyMissingError,
    KeyringError,
    MemoryKeyProvider,
    dump_keyring,
    generate_kek,
    load_audit_signing_key,
    new_keyring,
    parse_keyring,
    retire_key,
    select_provider,
)
from wellbeing.crypto.keyring import Keyring


def test_generated_kek_id_has_date_and_random_suffix() -> None:
    kek = generate_kek()
    assert kek.id.startswith("kek-")
    date, suffix = kek.id[4:14], kek.id[15:]
    assert len(date) == 10
    assert len(suffix) == 8
    int(suffix, 16)
    assert len(kek.key) == 32


def test_repr_never_shows_key_material() -> None:
    keyring = new_keyring()
    text = repr(keyring)
    assert base64.b64encode(keyring.primary.key).decode() not in text
    assert "key=" not in text.replace("primary_id", "").replace("keys=", "")


def test_add_promote_retire() -> None:
    keyring = new_keyring()
    first = keyring.primary_id
    added = keyring.with_added_key()
    second = added.keys[-1].id
    assert added.primary_id == first
    promoted = added.promote(second)
    assert promoted.primary_id == second
    retired = promoted.without_key(first)
    assert retired.ids == (second,)
    with pytest.raises(KeyMissingError):
        retired.get(first)


def test_primary_cannot_be_retired() -> None:
    keyring = new_keyring()
    with pytest.raises(KeyInUseError, match="primary"):
        keyring.without_key(keyring.primary_id)


def test_retiring_a_key_in_use_is_refused() -> None:
    keyring = new_keyring().with_added_key()
    old = keyring.primary_id
    keyring = keyring.promote(keyring.keys[-1].id)
    with pytest.raises(KeyInUseError, match="3 record"):
        retire_key(keyring, old, records_using=3)
    assert old not in retire_key(keyring, old, records_using=0)


def test_promote_unknown_key_is_refused() -> None:
    with pytest.raises(KeyMissingError):
        new_keyring().promote("kek-nope")


def test_json_round_trip() -> None:
    keyring = new_keyring().with_added_key()
    assert parse_keyring(dump_keyring(keyring), "test") == keyring
    document = json.loads(dump_keyring(keyring))
    assert document["version"] == 1
    assert document["primary"] == keyring.primary_id
    assert [k["id"] for k in document["keys"]] == list(keyring.ids)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.update(primary="kek-other"), "primary"),
        (lambda d: d["keys"].append(dict(d["keys"][0])), "twice"),
        (lambda d: d["keys"][0].update(key=base64.b64encode(b"short").decode()), "32 bytes"),
        (lambda d: d["keys"][0].update(key="not base64!"), "malformed"),
        (lambda d: d.pop("keys"), "malformed"),
    ],
)
def test_malformed_keyring_is_refused_with_source(mutate: object, reason: str) -> None:
    document = json.loads(dump_keyring(new_keyring()))
    mutate(document)  # type: ignore[operator]
    with pytest.raises(KeyringError, match=reason) as caught:
        parse_keyring(json.dumps(document), "/srv/keyring.json")
    assert "/srv/keyring.json" in str(caught.value)


def test_audit_signing_key_is_created_and_usable() -> None:
    keyring = new_keyring()
    signer = load_audit_signing_key(keyring)
    signer.public_key().verify(signer.sign(b"checkpoint"), b"checkpoint")
    assert parse_keyring(dump_keyring(keyring), "t").audit_signing_key == keyring.audit_signing_key


def test_missing_audit_signing_key_can_be_added() -> None:
    kek = generate_kek()
    bare = Keyring(kek.id, (kek,))
    with pytest.raises(KeyringError, match="audit_signing_key"):
        load_audit_signing_key(bare)
    assert bare.with_audit_signing_key().audit_signing_key is not None


def test_file_provider_creates_0600_and_loads(tmp_path: Path) -> None:
    provider = FileKeyProvider(tmp_path / "instance" / "keyring.json")
    keyring = new_keyring()
    provider.create(keyring)
    assert stat.S_IMODE(provider.path.stat().st_mode) == 0o600
    assert provider.load() == keyring
    assert list(provider.path.parent.iterdir()) == [provider.path]  # no temporary left behind


def test_file_provider_never_overwrites_on_create(tmp_path: Path) -> None:
    provider = FileKeyProvider(tmp_path / "keyring.json")
    first = new_keyring()
    provider.create(first)
    with pytest.raises(KeyringError, match="already exists"):
        provider.create(new_keyring())
    assert provider.load() == first


def test_file_provider_save_replaces_atomically_with_0600(tmp_path: Path) -> None:
    provider = FileKeyProvider(tmp_path / "keyring.json")
    provider.create(new_keyring())
    updated = provider.load().with_added_key()
    provider.save(updated)
    assert provider.load() == updated
    assert stat.S_IMODE(provider.path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o606, 0o620, 0o610])
def test_file_provider_refuses_loose_permissions(tmp_path: Path, mode: int) -> None:
    provider = FileKeyProvider(tmp_path / "keyring.json")
    provider.create(new_keyring())
    provider.path.chmod(mode)
    with pytest.raises(KeyringError) as caught:
        provider.load()
    message = str(caught.value)
    assert str(provider.path) in message
    assert "chmod 600" in message
    assert f"{mode:04o}" in message


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(KeyringError) as caught:
        FileKeyProvider(tmp_path / "keyring.json").load()
    assert "wellbeing init" in str(caught.value)
    assert "WELLBEING_KEYRING" in str(caught.value)


@pytest.mark.parametrize("encode", [lambda t: t, lambda t: base64.b64encode(t.encode()).decode()])
def test_env_provider_reads_json_or_base64(encode: object) -> None:
    keyring = new_keyring()
    value = encode(dump_keyring(keyring))  # type: ignore[operator]
    assert EnvKeyProvider(environ={"WELLBEING_KEYRING": value}).load() == keyring


def test_env_provider_unset_or_garbage_says_how_to_fix() -> None:
    with pytest.raises(KeyringError, match=r"WELLBEING_KEYRING is not set.*wellbeing init"):
        EnvKeyProvider(environ={}).load()
    with pytest.raises(KeyringError, match="neither keyring JSON nor base64"):
        EnvKeyProvider(environ={"WELLBEING_KEYRING": "%%%"}).load()


def test_env_provider_is_read_only() -> None:
    provider = EnvKeyProvider(environ={"WELLBEING_KEYRING": dump_keyring(new_keyring())})
    with pytest.raises(KeyringError, match="read-only"):
        provider.save(provider.load())


def test_env_provider_reads_the_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = new_keyring()
    monkeypatch.setenv("WELLBEING_KEYRING", dump_keyring(keyring))
    assert EnvKeyProvider().load() == keyring


def test_memory_provider_is_a_working_fake() -> None:
    provider = MemoryKeyProvider()
    with pytest.raises(KeyringError, match="wellbeing init"):
        provider.load()
    keyring = new_keyring()
    provider.save(keyring)
    assert provider.load() is keyring


def test_select_provider_prefers_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    chosen = select_provider(path, {"WELLBEING_KEYRING": "{}"})
    assert isinstance(chosen, EnvKeyProvider)
    fallback = select_provider(path, {})
    assert isinstance(fallback, FileKeyProvider)
    assert fallback.path == path
