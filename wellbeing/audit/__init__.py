"""Append-only, hash-chained audit log: who did what to which record, and proof it was not changed.

`service.record()` appends inside the caller's transaction; `verify.verify_chain()` walks the chain;
`checkpoint` signs the head with the keyring's Ed25519 audit key so a rewrite can be proven later;
`heads` stores signed heads (table and instance-folder log; `jobs` signs every 15 minutes, releases
and key operations call `heads.checkpoint_now`) and `consistency` compares the log with them.
"""
