"""Key providers: where a keyring comes from (a 0600 file, an environment variable, memory).

Deployments replace this piece (later a KMS), so it is a small `Protocol` with real
implementations; tests use `MemoryKeyProvider`, a working fake rather than a mock.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from wellbeing.crypto.errors import KeyringError
from wellbeing.crypto.keyring import FIX_HINT, Keyring, dump_keyring, parse_keyring

ENV_VAR = "WELLBEING_KEYRING"
# Group or world may not read, write or execute the keyring file.
_LOOSE_BITS = stat.S_IRWXG | stat.S_IRWXO


class KeyProvider(Protocol):
    """Loads the keyring and, where the medium is writable, saves a changed one."""

    def load(self) -> Keyring:
        """Return the keyring or raise `KeyringError` saying what is missing and how to fix it."""
        ...

    def save(self, keyring: Keyring) -> None:
        """Persist `keyring`, or raise `KeyringError` when the provider is read-only."""
        ...


class FileKeyProvider:
    """A JSON keyring file that only its owner may read (mode 0600)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        """Tell whether the keyring file exists."""
        return self.path.exists()

    def load(self) -> Keyring:
        """Read the file, refusing it when it is missing or group/world accessible."""
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            raise KeyringError(f"no keyring: {self.path} does not exist; {FIX_HINT}") from None
        if os.name == "posix" and mode & _LOOSE_BITS:
            raise KeyringError(
                f"refusing keyring {self.path}: its mode {stat.S_IMODE(mode):04o} lets group or "
                f"others access it; run `chmod 600 {self.path}` and check who may have copied it"
            )
        return parse_keyring(self.path.read_text(encoding="utf-8"), str(self.path))

    def save(self, keyring: Keyring) -> None:
        """Atomically replace the file: write a 0600 temporary file, fsync, then rename over."""
        temporary = self._write_temporary(keyring)
        try:
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
        _fsync_directory(self.path.parent)

    def create(self, keyring: Keyring) -> None:
        """Write a new keyring file; never overwrite an existing one (that would lose keys)."""
        temporary = self._write_temporary(keyring)
        try:
            os.link(temporary, self.path)  # atomic, and fails if the path already exists
        except FileExistsError:
            raise KeyringError(f"keyring {self.path} already exists; not overwriting it") from None
        finally:
            temporary.unlink(missing_ok=True)
        _fsync_directory(self.path.parent)

    def _write_temporary(self, keyring: Keyring) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file with mode 0600, so the keys are never readable by others.
        descriptor, name = tempfile.mkstemp(prefix=".keyring-", dir=self.path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(dump_keyring(keyring))
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)


class EnvKeyProvider:
    """A read-only keyring from an environment variable: the JSON form, or base64 of it."""

    def __init__(self, var: str = ENV_VAR, environ: Mapping[str, str] | None = None) -> None:
        self.var = var
        self.environ = os.environ if environ is None else environ

    def load(self) -> Keyring:
        """Parse the variable, raising `KeyringError` when it is unset or malformed."""
        value = self.environ.get(self.var, "").strip()
        if not value:
            raise KeyringError(f"no keyring: {self.var} is not set; {FIX_HINT}")
        if not value.startswith("{"):
            try:
                value = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                message = f"{self.var} is neither keyring JSON nor base64 of it; {FIX_HINT}"
                raise KeyringError(message) from None
        return parse_keyring(value, self.var)

    def save(self, keyring: Keyring) -> None:
        """Refuse: a process cannot change its environment's keyring for the operator."""
        raise KeyringError(
            f"the keyring comes from {self.var}, which is read-only; update the variable with the "
            "new keyring JSON instead"
        )


class MemoryKeyProvider:
    """A keyring held in memory: a real, writable fake for tests."""

    def __init__(self, keyring: Keyring | None = None) -> None:
        self.keyring = keyring

    def load(self) -> Keyring:
        """Return the held keyring, or raise `KeyringError` like a missing file would."""
        if self.keyring is None:
            raise KeyringError(f"no keyring in memory; {FIX_HINT}")
        return self.keyring

    def save(self, keyring: Keyring) -> None:
        """Replace the held keyring."""
        self.keyring = keyring


def select_provider(
    path: str | os.PathLike[str], environ: Mapping[str, str] | None = None
) -> KeyProvider:
    """Use `WELLBEING_KEYRING` when it is set, else the keyring file at `path`."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_VAR, "").strip():
        return EnvKeyProvider(ENV_VAR, environ)
    return FileKeyProvider(path)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename durable; some platforms cannot open directories, which is harmless there.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
