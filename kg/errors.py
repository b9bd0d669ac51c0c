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


class QueryError(KgError):
    """A SPARQL query cannot be parsed or run. Carries the line and column (1-based) of a
    syntax error when the parser reports one."""

    code = "KG010"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None,
                 source: str | None = None):
        where = ""
        if line is not None:
            where = f" at line {line}, column {column}" if column is not None else f" at line {line}"
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{message}{where}")
        self.line = line
        self.column = column
        self.source = source


class StoreError(KgError):
    """A store or SPARQL server cannot be opened, reached or written. `partial` is True when
    the target may hold a partly written copy (the message then says so)."""

    code = "KG011"

    def __init__(self, message: str, *, url: str | None = None, attempts: int = 0,
                 partial: bool = False, status: int | None = None, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message
        self.url = url
        self.attempts = attempts
        self.partial = partial
        self.status = status


class BusyError(KgError):
    """Another kg process holds the lock on an output folder."""

    code = "KG005"
