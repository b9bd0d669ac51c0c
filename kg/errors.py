"""kg's error catalogue. The library raises these; only the CLI prints and exits.

Each error has a stable code so messages are findable and testable.
"""
from __future__ import annotations


class KgError(Exception):
    """Base of every error kg reports to a user."""

    code = "KG000"
    exit_code = 2

    def __str__(self) -> str:  # one line, with the code
        return f"{self.code}: {super().__str__()}"


class InputError(KgError):
    """A path or argument the user gave cannot be used."""

    code = "KG001"


class ArticleError(KgError):
    """One article cannot be read; the build skips it and goes on."""

    code = "KG002"

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ReferenceDataError(KgError):
    """The reference knowledge or pattern files are malformed."""

    code = "KG003"


class OutputError(KgError):
    """An output file cannot be written."""

    code = "KG004"
