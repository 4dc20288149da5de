"""Typed errors: each one becomes a single clear line and an exit code in the CLI."""

from __future__ import annotations


class FeedbackMLError(Exception):
    """Base class of every error feedbackml raises on purpose."""

    exit_code = 1
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class DataError(FeedbackMLError):
    """The input data cannot be used: names the file, row and column when known."""

    def __init__(self, message: str, *, file=None, row=None, column=None, hint=None):
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        self.file, self.row, self.column = file, row, column
        super().__init__(f"{', '.join(where)}: {message}" if where else message, hint=hint)


class UsageError(FeedbackMLError):
    """The command or call was asked for something inconsistent (exit code 2)."""

    exit_code = 2


class ModelError(FeedbackMLError):
    """A saved model is missing, tampered with or from incompatible versions."""
