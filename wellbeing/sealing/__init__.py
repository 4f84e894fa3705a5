"""Sealed columns (an encrypted JSON attribute declared in one line) and the database side of key
rotation: the one bridge between the pure `crypto` package and the ORM."""
