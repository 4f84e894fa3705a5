"""Encrypted storage: keyring, envelope encryption (AES-256-GCM), rotation helpers.

A pure package: it imports nothing else of `wellbeing`, touches no database and knows nothing of
the web layer; no key here derives from the web session secret, so rotating that cannot lose data.
"""

from wellbeing.crypto.binder import Binder
from wellbeing.crypto.envelope import (
    Binding,
    Header,
    encode_json,
    open_json,
    open_sealed,
    parse_header,
    rewrap,
    seal,
    seal_json,
)
from wellbeing.crypto.errors import (
    AuthenticationFailed,
    CryptoError,
    KeyInUseError,
    KeyMissingError,
    KeyringError,
    TamperedError,
    UnsupportedFormatError,
)
from wellbeing.crypto.keyring import (
    Kek,
    Keyring,
    dump_keyring,
    generate_kek,
    load_audit_signing_key,
    new_keyring,
    parse_keyring,
)
from wellbeing.crypto.providers import (
    EnvKeyProvider,
    FileKeyProvider,
    KeyProvider,
    MemoryKeyProvider,
    select_provider,
)
from wellbeing.crypto.rotation import RotationFailure, RotationReport, needs_rewrap, retire_key

__all__ = [
    "AuthenticationFailed",
    "Binder",
    "Binding",
    "CryptoError",
    "EnvKeyProvider",
    "FileKeyProvider",
    "Header",
    "Kek",
    "KeyInUseError",
    "KeyMissingError",
    "KeyProvider",
    "Keyring",
    "KeyringError",
    "MemoryKeyProvider",
    "RotationFailure",
    "RotationReport",
    "TamperedError",
    "UnsupportedFormatError",
    "dump_keyring",
    "encode_json",
    "generate_kek",
    "load_audit_signing_key",
    "needs_rewrap",
    "new_keyring",
    "open_json",
    "open_sealed",
    "parse_header",
    "parse_keyring",
    "retire_key",
    "rewrap",
    "seal",
    "seal_json",
    "select_provider",
]
