"""Errors raised while loading rule files (same shape as the instrument loader's)."""

from __future__ import annotations

from collections.abc import Sequence

from wellbeing.instruments.errors import Problem


class RuleFileError(ValueError):
    """A rule file was refused; names the file and every problem found in it."""

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{file}: {problem}" for problem in self.problems))


class RuleSetError(ValueError):
    """One or more rule files were refused; the service must not start with partial rules."""

    def __init__(self, errors: Sequence[RuleFileError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(error) for error in self.errors))
