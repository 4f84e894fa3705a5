"""Errors of the library service; each carries a reason code that the faces turn into an HTTP
status (`wellbeing.faces.errors.STATUS_OF_CODE`) and words in the user's language."""

from __future__ import annotations


class LibraryError(Exception):
    """A library action that cannot be carried out as asked; `field` names the input at fault."""

    code = "invalid"

    def __init__(self, field: str, message: str = "") -> None:
        super().__init__(message or field)
        self.field = field


class AttachmentRefused(LibraryError):
    """The file is too large, empty, or not a PDF or audio file by its content."""

    code = "attachment_refused"
