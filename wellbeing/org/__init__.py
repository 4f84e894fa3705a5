"""Organisation: units (a tree), users, roles and their scopes."""
