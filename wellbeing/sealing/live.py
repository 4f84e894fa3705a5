"""The process keyring, followed: reloaded from its provider when it changes, without a restart.

`wellbeing keys add|promote|retire` change the keyring file while the service runs. Every process
holds a `LiveKeyring`: it re-reads the provider on a short interval (`KeyringFollower`) and at once
when a record names a key it does not hold, then retries that record once. A keyring that fails to
load never replaces the last good one: the process keeps serving with it and reports the problem
(a log line, and `/readyz` degraded) instead of stopping, so a bad edit cannot start a crash loop.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable

from wellbeing.crypto import KeyProvider, Keyring, KeyringError

logger = logging.getLogger("wellbeing.keys")

RELOAD_FAILED = "reload_failed"
BEHIND = "behind_database"
# A record naming an unknown key re-reads the provider at most this often (a truly retired key
# must not turn every read of its records into a file read).
MISSING_KEY_RELOAD_GAP = 1.0


def keyring_fingerprint(keyring: Keyring) -> str:
    """A short digest of the primary id and the key ids (no key material): which keyring."""
    text = keyring.primary_id + "|" + ",".join(sorted(keyring.ids))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class LiveKeyring:
    """The keyring this process uses now, and the provider it is re-read from."""

    def __init__(
        self,
        provider: KeyProvider,
        keyring: Keyring | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        # At start-up a missing or broken keyring stops the process (KeyringError): no last good.
        self._keyring = provider.load() if keyring is None else keyring
        self._fingerprint = keyring_fingerprint(self._keyring)
        self._clock = clock
        self.pid = os.getpid()  # a forked worker sees its parent's pid here
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._last_missing_reload = -MISSING_KEY_RELOAD_GAP
        self.problem = ""  # a reason code while degraded: RELOAD_FAILED or BEHIND

    @property
    def current(self) -> Keyring:
        """The last keyring that loaded."""
        return self._keyring

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the current keyring."""
        return self._fingerprint

    def reload(self) -> bool:
        """Re-read the provider; True when the keyring changed. A failure keeps the last good
        keyring, logs an error and marks the process degraded until a reload succeeds."""
        with self._reload_lock:  # one reload at a time: a slower one never undoes a newer one
            try:
                loaded = self.provider.load()
            except KeyringError as exc:
                self.problem = RELOAD_FAILED
                logger.error(
                    "keyring reload failed; still using the last good keyring (primary %s): %s",
                    self._keyring.primary_id,
                    exc,
                )
                return False
            changed = loaded != self._keyring
            self._keyring, self._fingerprint = loaded, keyring_fingerprint(loaded)
            if self.problem == RELOAD_FAILED:
                self.problem = ""
        if changed:
            logger.info(
                "keyring reloaded: primary %s, %d key(s)", loaded.primary_id, len(loaded.ids)
            )
        return changed

    def reload_for_missing(self, kek_id: str) -> Keyring | None:
        """A record names `kek_id`, which this keyring lacks: reload (at most once a second)
        and return the keyring when it now holds the key, else None."""
        with self._lock:
            now = self._clock()
            due = now - self._last_missing_reload >= MISSING_KEY_RELOAD_GAP
            if due:
                self._last_missing_reload = now
        if due and kek_id not in self._keyring:
            logger.info("a record names key %s, which this process lacks; reloading", kek_id)
            self.reload()
        keyring = self._keyring
        return keyring if kek_id in keyring else None

    def mark_behind(self, behind: bool) -> None:
        """Record whether the database names a primary key this keyring lacks (another host
        writes records this one cannot open); a reload failure stays the reported problem."""
        if behind and not self.problem:
            self.problem = BEHIND
            logger.error(
                "this keyring lacks the primary key named in the database; records written "
                "elsewhere cannot be opened here: copy the current keyring to this host"
            )
        elif not behind and self.problem == BEHIND:
            self.problem = ""


def start_live_keyring(provider: KeyProvider, inherited: LiveKeyring | None) -> LiveKeyring:
    """Load the keyring for a starting process. In a worker forked from a process that already
    holds one (the gunicorn master), a keyring that fails to load does not stop the worker: it
    starts with the inherited last good keyring, degraded, rather than failing to boot over and
    over. Anywhere else a missing or broken keyring raises `KeyringError` (start-up stops)."""
    try:
        return LiveKeyring(provider)
    except KeyringError as exc:
        if inherited is None or inherited.pid == os.getpid():
            raise
        live = LiveKeyring(provider, inherited.current)
        live.problem = RELOAD_FAILED
        logger.error(
            "keyring failed to load in a new worker; using the last good keyring of its parent "
            "process (primary %s): %s",
            live.current.primary_id,
            exc,
        )
        return live
