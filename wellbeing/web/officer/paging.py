"""A questionnaire split into pages of about five items, with the instrument's skip logic.

Pure: no request, no database. Pages are fixed chunks of the definition's items (so a page
number in a URL keeps meaning the same questions); an item whose ``ask_when`` reads an item of
the same chunk starts a new chunk, so every skip condition is decided by answers already given
on earlier pages. Items the skip logic leaves out are not shown, and a page with nothing left to
ask is passed over.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from wellbeing.instruments import Definition, Item
from wellbeing.instruments.conditions import referenced_items
from wellbeing.instruments.validation import ResolvedAnswers, resolve_answers

PAGE_SIZE = 5


def page_chunks(definition: Definition) -> list[tuple[str, ...]]:
    """Item ids per page: evenly sized, at most PAGE_SIZE, split before a dependent item."""
    items = definition.items
    size = math.ceil(len(items) / max(1, math.ceil(len(items) / PAGE_SIZE)))
    chunks: list[list[str]] = []
    current: list[str] = []
    for item in items:
        reads = set(referenced_items(item.ask_when)) if item.ask_when is not None else set()
        if current and (len(current) >= size or reads & set(current)):
            chunks.append(current)
            current = []
        current.append(item.id)
    if current:
        chunks.append(current)
    return [tuple(chunk) for chunk in chunks]


@dataclass(frozen=True)
class Questionnaire:
    """A definition and the answers so far; page numbers are 1-based chunk numbers."""

    definition: Definition
    answers: Mapping[str, int | None]

    @cached_property
    def chunks(self) -> list[tuple[str, ...]]:
        """Item ids of every page, asked or not."""
        return page_chunks(self.definition)

    @cached_property
    def resolved(self) -> ResolvedAnswers:
        """The answers with skip logic applied."""
        return resolve_answers(self.definition, self.answers)

    def has_page(self, number: int) -> bool:
        """Whether the number names a page of this questionnaire."""
        return 1 <= number <= len(self.chunks)

    def asked_on(self, number: int) -> list[Item]:
        """The items of a page that the skip logic asks."""
        skipped = set(self.resolved.skipped)
        return [
            self.definition.item(item_id)
            for item_id in self.chunks[number - 1]
            if item_id not in skipped
        ]

    @cached_property
    def pages(self) -> list[int]:
        """The page numbers that have something to ask, in order."""
        return [n for n in range(1, len(self.chunks) + 1) if self.asked_on(n)]

    def position(self, number: int) -> tuple[int, int]:
        """(k, n) for "page k of n" counting only pages with something to ask."""
        shown = [n for n in self.pages if n <= number]
        return max(1, len(shown)), max(1, len(self.pages))

    def page_at_or_after(self, number: int) -> int | None:
        """The first page with something to ask at or after `number` (None: go to review)."""
        return next((n for n in self.pages if n >= number), None)

    def next_page(self, number: int) -> int | None:
        """The next page with something to ask (None: the review step)."""
        return next((n for n in self.pages if n > number), None)

    def previous_page(self, number: int) -> int | None:
        """The previous page with something to ask (None: this is the first)."""
        return next((n for n in reversed(self.pages) if n < number), None)

    def resume_page(self) -> int | None:
        """Where to pick up: the first page with an unanswered question (None: all answered)."""
        for number in self.pages:
            if any(self.answers.get(item.id) is None for item in self.asked_on(number)):
                return number
        return None

    def page_of(self, item_id: str) -> int:
        """The page an item is on."""
        return next(n for n, chunk in enumerate(self.chunks, start=1) if item_id in chunk)

    def asked_items(self) -> list[Item]:
        """Every item the skip logic asks, in order."""
        return [item for number in self.pages for item in self.asked_on(number)]

    def unanswered(self) -> list[Item]:
        """Asked items left without an answer (optional ones included)."""
        return [item for item in self.asked_items() if self.answers.get(item.id) is None]

    def to_submit(self) -> dict[str, int | None]:
        """Answers to send: asked items only — an answer to a skipped item is never sent."""
        return {
            item.id: self.answers[item.id]
            for item in self.asked_items()
            if self.answers.get(item.id) is not None
        }


def parse_page(items: list[Item], form: Mapping[str, str]) -> dict[str, int | None]:
    """The valid answers posted for these items (a field that is absent or not an option is
    ignored, so a bad value never overwrites a saved answer)."""
    answers: dict[str, int | None] = {}
    for item in items:
        raw = form.get(item.id, "").strip()
        if raw.lstrip("-").isdigit() and int(raw) in item.values:
            answers[item.id] = int(raw)
    return answers
