"""Process plumbing every room stands on: settings, database, clock, instance folder, migrations,
backups and logs. It imports no domain (bootstrap makes the first keyring through `crypto`)."""
