"""Errors raised by the organisation service."""

from __future__ import annotations


class OrgError(ValueError):
    """A request to change the organisation that cannot be carried out as given."""


class ImportRejected(OrgError):
    """An import file had bad rows; nothing was imported. `problems` holds (line, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        lines = "; ".join(f"line {line}: {message}" for line, message in problems)
        super().__init__(f"nothing imported, {len(problems)} bad row(s): {lines}")
