"""Errors raised while loading questionnaire definitions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (``items[3].options[1].value``) and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: {self.reason}"


class DefinitionError(ValueError):
    """A questionnaire file was refused; names the file and every problem found in it."""

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{file}: {problem}" for problem in self.problems))


class CatalogueError(ValueError):
    """One or more files in the questionnaire directories were refused."""

    def __init__(self, errors: Sequence[DefinitionError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(error) for error in self.errors))
