"""The instance folder: the embedded database, the secret key and the keyring live here."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from wellbeing.core.config import SECRET_KEY_FILE, Settings


def write_private_file(path: Path, content: str) -> None:
    """Create a file readable by its owner only (mode 0600), atomically."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(temporary, path)


def ensure_instance(settings: Settings) -> list[str]:
    """Create the instance folder and a secret key if absent; return what was created."""
    created: list[str] = []
    folder = settings.instance_path
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        created.append(f"instance folder {folder}")
    key_path = folder / SECRET_KEY_FILE
    if not settings.secret_key and not key_path.exists():
        write_private_file(key_path, secrets.token_urlsafe(48) + "\n")
        created.append(f"secret key {key_path}")
    return created
