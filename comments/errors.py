"""Domain errors. They carry a human sentence; the web edge (app/errors.py) and the CLI map them once."""

from __future__ import annotations


class CommentdeskError(Exception):
    """Base class: `message` is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CommentdeskError):
    """The object does not exist, or belongs to another team (the two must look the same)."""


class Forbidden(CommentdeskError):
    """The actor's role does not allow this (HTTP 403). Objects of other teams are NotFound, not Forbidden."""


class InvalidInput(CommentdeskError):
    """The user's input cannot be used (HTTP 422, CLI exit code 2)."""


class ImportRejected(InvalidInput):
    """A draft file or text cannot be imported. `reason` picks the HTTP status at the edge."""

    def __init__(self, message: str, *, reason: str = "invalid") -> None:
        super().__init__(message)
        # "too_large" -> 413, "unsupported" -> 415, anything else -> 422
        self.reason = reason


class EditConflict(CommentdeskError):
    """Someone saved the same field since the version this edit started from (HTTP 409).

    Carries both texts so the user can keep theirs, keep their own, or merge; nothing typed is lost."""

    def __init__(self, *, row_id: int, field: str, theirs: str, yours: str, version: int, by: str | None) -> None:
        super().__init__(f"Someone else changed this {field} while you were editing it.")
        self.row_id = row_id
        self.field = field
        self.theirs = theirs
        self.yours = yours
        self.version = version
        self.by = by
